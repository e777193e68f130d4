"""Organizer pages: the blueprint, its access guards, the dashboard and campaigns."""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from campaigns.errors import AccountError, CampaignStateError, SlugError
from campaigns.extensions import db
from campaigns.models import Campaign
from campaigns.organizer.forms import CampaignForm, CloseForm, ConfirmForm, TeamForm
from campaigns.services import counting, dashboard, permissions, publishing, statements

bp = Blueprint("organizer", __name__)


@bp.context_processor
def logout_button() -> dict[str, ConfirmForm]:
    """Every organizer page has a log-out button, which needs a CSRF token."""
    return {"logout_form": ConfirmForm()}


def load_managed_campaign(slug: str) -> Campaign:
    """Return a campaign the current organizer may manage.

    Unknown campaigns, and campaigns of others, answer 404 so that drafts stay secret.
    """
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None or not permissions.can_manage(current_user, campaign):
        abort(404)
    return campaign


def admin_required(view: Callable[..., ResponseReturnValue]) -> Callable:
    """Let only logged-in admins through; other organizers get 403."""

    @wraps(view)
    @login_required
    def guarded(*args: object, **kwargs: object) -> ResponseReturnValue:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return guarded


def as_utc(value: datetime | None) -> datetime | None:
    """Read a form's naive date and time as UTC."""
    return value.replace(tzinfo=UTC) if value is not None else None


@bp.get("/", endpoint="dashboard")
@login_required
def dashboard_page() -> ResponseReturnValue:
    """The campaigns this organizer runs, with their tallies."""
    campaigns = dashboard.managed_campaigns(current_user)
    return render_template(
        "organizer/dashboard.html",
        campaigns=campaigns,
        tallies=counting.tallies(c.id for c in campaigns),
    )


def _details(form: CampaignForm) -> publishing.CampaignDetails:
    return publishing.CampaignDetails(
        title=form.title.data,
        slug=form.slug.data or "",
        summary=form.summary.data or "",
        body=form.body.data or "",
        target=form.target.data or "",
        goal=form.goal.data,
        opens_at=as_utc(form.opens_at.data),
        closes_at=as_utc(form.closes_at.data),
    )


def _slug_message(error: SlugError) -> str:
    if str(error) == "locked":
        return _("The address cannot change once the campaign is live.")
    if str(error) == "taken":
        return _("Another campaign already has this address.")
    return _("Use lower-case letters, digits and single hyphens.")


def _render_form(
    form: CampaignForm, campaign: Campaign | None, status: int = 200
) -> ResponseReturnValue:
    preview = form.body.data if "preview" in request.form else None
    return render_template(
        "organizer/campaign_form.html", form=form, campaign=campaign, preview=preview
    ), status


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def campaign_new() -> ResponseReturnValue:
    """Start a draft campaign."""
    form = CampaignForm()
    if "preview" in request.form or not form.validate_on_submit():
        return _render_form(form, None, 422 if form.errors else 200)
    try:
        campaign = publishing.create(current_user, _details(form))
    except SlugError as error:
        form.slug.errors = [_slug_message(error)]
        return _render_form(form, None, 422)
    flash(_("Draft saved. Publish it when it is ready."))
    return redirect(url_for("organizer.campaign_overview", slug=campaign.slug), 303)


@bp.get("/campaigns/<slug>")
@login_required
def campaign_overview(slug: str) -> ResponseReturnValue:
    """One campaign's counts, signatures per day, top countries and actions."""
    campaign = load_managed_campaign(slug)
    return render_template(
        "organizer/campaign.html",
        campaign=campaign,
        counts=dashboard.signature_counts(campaign),
        chart=dashboard.chart(campaign),
        countries=dashboard.top_countries(campaign),
        tally=counting.tally(campaign.id),
        waiting_statements=statements.for_moderation(campaign, "waiting", limit=5),
        form=ConfirmForm(),
    )


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"])
@login_required
def campaign_edit(slug: str) -> ResponseReturnValue:
    """Edit a campaign's text and settings (the address only while a draft)."""
    campaign = load_managed_campaign(slug)
    form = CampaignForm(obj=campaign)
    if "preview" in request.form or not form.validate_on_submit():
        return _render_form(form, campaign, 422 if form.errors else 200)
    try:
        publishing.update(campaign, _details(form))
    except SlugError as error:
        db.session.rollback()
        form.slug.errors = [_slug_message(error)]
        return _render_form(form, load_managed_campaign(slug), 422)
    flash(_("Changes saved."))
    return redirect(url_for("organizer.campaign_overview", slug=campaign.slug), 303)


@bp.post("/campaigns/<slug>/publish")
@login_required
def campaign_publish(slug: str) -> ResponseReturnValue:
    """Make a draft live."""
    campaign = load_managed_campaign(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        publishing.publish(campaign)
    except CampaignStateError:
        abort(409, _("Only a draft can be published."))
    flash(_("The campaign is live."))
    return redirect(url_for("organizer.campaign_overview", slug=slug), 303)


@bp.route("/campaigns/<slug>/close", methods=["GET", "POST"])
@login_required
def campaign_close(slug: str) -> ResponseReturnValue:
    """Close a live campaign with its outcome; signers who asked are told by email."""
    campaign = load_managed_campaign(slug)
    form = CloseForm()
    if not campaign.is_live:
        abort(409, _("Only a live campaign can be closed."))
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template(
            "organizer/campaign_close.html", campaign=campaign, form=form
        ), status
    queued = publishing.close(campaign, form.outcome.data)
    flash(
        ngettext(
            "The campaign is closed. %(num)s signer will be told by email.",
            "The campaign is closed. %(num)s signers will be told by email.",
            queued,
        )
    )
    return redirect(url_for("organizer.campaign_overview", slug=slug), 303)


def _render_team(
    campaign: Campaign, form: TeamForm, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "organizer/campaign_team.html",
        campaign=campaign,
        form=form,
        team=publishing.team(campaign),
        may_change=permissions.can_manage_team(current_user, campaign),
        remove_form=ConfirmForm(),
    ), status


@bp.route("/campaigns/<slug>/team", methods=["GET", "POST"])
@login_required
def campaign_team(slug: str) -> ResponseReturnValue:
    """See a campaign's organizers; its owner and admins add co-organizers."""
    campaign = load_managed_campaign(slug)
    form = TeamForm()
    if request.method == "GET":
        return _render_team(campaign, form)
    if not permissions.can_manage_team(current_user, campaign):
        abort(403)
    if not form.validate_on_submit():
        return _render_team(campaign, form, 422)
    try:
        publishing.add_co_organizer(campaign, form.email.data)
    except AccountError:
        form.email.errors = [
            _("No organizer account has this address, or it is already on the team.")
        ]
        return _render_team(campaign, form, 422)
    flash(_("Co-organizer added."))
    return redirect(url_for("organizer.campaign_team", slug=slug), 303)


@bp.post("/campaigns/<slug>/team/<int:organizer_id>/remove")
@login_required
def campaign_team_remove(slug: str, organizer_id: int) -> ResponseReturnValue:
    """Take a co-organizer off the team (owner and admins only)."""
    campaign = load_managed_campaign(slug)
    if not permissions.can_manage_team(current_user, campaign):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        publishing.remove_co_organizer(campaign, organizer_id)
    except AccountError:
        abort(404)
    flash(_("Co-organizer removed."))
    return redirect(url_for("organizer.campaign_team", slug=slug), 303)
