"""Organizer pages for suspect signatures and for who appears on the signer list."""

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from campaigns.organizer.safety_forms import SignerPrivacyForm, SuspectGroupForm
from campaigns.organizer.views import bp, load_managed_campaign
from campaigns.services import fraud, privacy


def _group_by() -> fraud.GroupBy:
    try:
        return fraud.GroupBy(request.args.get("by", fraud.GroupBy.IP))
    except ValueError:
        return fraud.GroupBy.IP


@bp.get("/campaigns/<slug>/suspects")
@login_required
def suspects(slug: str) -> ResponseReturnValue:
    """Suspect signatures of a campaign, grouped by IP hash, email domain or hour."""
    campaign = load_managed_campaign(slug)
    by = _group_by()
    return render_template(
        "organizer/suspects.html",
        campaign=campaign,
        by=by,
        groups=fraud.suspect_groups(campaign, by),
        form=SuspectGroupForm(),
    )


@bp.post("/campaigns/<slug>/suspects/<any(count, reject):action>")
@login_required
def suspects_action(slug: str, action: str) -> ResponseReturnValue:
    """Count, or reject, one group of suspect signatures."""
    campaign = load_managed_campaign(slug)
    form = SuspectGroupForm()
    if not form.validate():
        flash(_("That group could not be found. Please try again."), "error")
        return redirect(url_for("organizer.suspects", slug=slug), 303)
    by = fraud.GroupBy(form.by.data)
    handle = fraud.count_group if action == "count" else fraud.reject_group
    done = handle(campaign, by, form.key.data)
    if action == "count":
        flash(_("%(num)s signatures now count.", num=done))
    else:
        flash(_("%(num)s signatures were rejected.", num=done))
    return redirect(url_for("organizer.suspects", slug=slug, by=by.value), 303)


@bp.route("/campaigns/<slug>/signer-privacy", methods=["GET", "POST"])
@login_required
def signer_privacy(slug: str) -> ResponseReturnValue:
    """Choose whether signers' names appear publicly, and from which countries."""
    campaign = load_managed_campaign(slug)
    form = SignerPrivacyForm(
        hide_signer_names=campaign.hide_signer_names,
        hidden_name_countries=sorted(campaign.hidden_country_codes),
    )
    if form.validate_on_submit():
        privacy.set_signer_list_privacy(
            campaign,
            hide_names=form.hide_signer_names.data,
            hidden_countries=form.hidden_name_countries.data,
        )
        flash(_("The signer list settings are saved."))
        return redirect(url_for("organizer.signer_privacy", slug=slug), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "organizer/signer_privacy.html", campaign=campaign, form=form
    ), status
