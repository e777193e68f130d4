"""Admin pages: organizer accounts and the export log."""

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from campaigns.errors import AccountError
from campaigns.extensions import db
from campaigns.models import Organizer
from campaigns.organizer.forms import ConfirmForm, InviteForm
from campaigns.organizer.views import admin_required, bp
from campaigns.services import accounts, exporting


def _render_organizers(form: InviteForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "organizer/admin_organizers.html",
        form=form,
        organizers=accounts.all_organizers(),
        remove_form=ConfirmForm(),
    ), status


@bp.route("/admin/organizers", methods=["GET", "POST"])
@admin_required
def admin_organizers() -> ResponseReturnValue:
    """List organizer accounts and invite new ones by email."""
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_organizers(form, 422 if form.errors else 200)
    try:
        accounts.invite(
            form.email.data, name=form.name.data or "", invited_by=current_user
        )
    except AccountError:
        form.email.errors = [_("This address is invalid or already has an account.")]
        return _render_organizers(form, 422)
    flash(_("Invitation sent to %(email)s.", email=form.email.data))
    return redirect(url_for("organizer.admin_organizers"), 303)


@bp.post("/admin/organizers/<int:organizer_id>/remove")
@admin_required
def admin_remove_organizer(organizer_id: int) -> ResponseReturnValue:
    """Delete an organizer account (never the last admin)."""
    organizer = db.session.get(Organizer, organizer_id)
    if organizer is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        accounts.remove(organizer)
    except AccountError:
        abort(409, _("The last admin account cannot be removed."))
    flash(_("Account removed."))
    return redirect(url_for("organizer.admin_organizers"), 303)


@bp.get("/admin/exports")
@admin_required
def admin_exports() -> ResponseReturnValue:
    """Every export of signer data: who, when, which campaign, filters, rows."""
    return render_template(
        "organizer/admin_exports.html", records=exporting.export_log()
    )
