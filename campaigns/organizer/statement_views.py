"""Organizer pages for statements of support: moderation queue, edits, CSV export."""

from collections.abc import Callable

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from campaigns.clock import utcnow
from campaigns.errors import StatementNotWaitingError
from campaigns.forms import Form
from campaigns.models import Campaign, Statement
from campaigns.organizer.export_views import csv_download
from campaigns.organizer.statement_forms import (
    EditStatementForm,
    ForwardForm,
    ModerateForm,
    RejectForm,
)
from campaigns.organizer.views import bp, load_managed_campaign
from campaigns.services import exporting, statement_digests, statements


def _queue_url(campaign: Campaign, statement_id: int | None = None) -> str:
    show = request.args.get("show", "waiting")
    if show not in statements.QUEUE_FILTERS:
        show = "waiting"
    anchor = f"statement-{statement_id}" if statement_id else None
    return url_for(
        "organizer.statement_queue", slug=campaign.slug, show=show, _anchor=anchor
    )


def _load(slug: str, statement_id: int) -> tuple[Campaign, Statement]:
    campaign = load_managed_campaign(slug)
    statement = statements.one_for_moderation(campaign, statement_id)
    if statement is None:
        abort(404)
    return campaign, statement


def _act(
    campaign: Campaign, form: Form, action: Callable[[], object], done: str
) -> ResponseReturnValue:
    """Run a moderation action from a posted form, then go back to the queue."""
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(_queue_url(campaign), 303)
    try:
        action()
    except StatementNotWaitingError:
        flash(_("This statement was withdrawn by its author."), "error")
        return redirect(_queue_url(campaign), 303)
    flash(done)
    return redirect(_queue_url(campaign), 303)


@bp.get("/campaigns/<slug>/statements")
@login_required
def statement_queue(slug: str) -> ResponseReturnValue:
    """Statements of a campaign by state, with buttons to moderate them."""
    campaign = load_managed_campaign(slug)
    show = request.args.get("show", "waiting")
    if show not in statements.QUEUE_FILTERS:
        abort(404)
    return render_template(
        "organizer/statement_queue.html",
        campaign=campaign,
        show=show,
        tabs=list(statements.QUEUE_FILTERS),
        statement_list=statements.for_moderation(campaign, show),
        waiting=statement_digests.waiting_count(campaign),
        counts=statements.counts(campaign),
        form=ModerateForm(),
        today=utcnow().date(),
    )


@bp.post("/campaigns/<slug>/statements/<int:statement_id>/approve")
@login_required
def statement_approve(slug: str, statement_id: int) -> ResponseReturnValue:
    """Publish a statement on the campaign page."""
    campaign, statement = _load(slug, statement_id)
    return _act(
        campaign,
        ModerateForm(),
        lambda: statements.approve(statement, current_user),
        _("The statement is approved and shown on the campaign page."),
    )


@bp.post("/campaigns/<slug>/statements/<int:statement_id>/reject")
@login_required
def statement_reject(slug: str, statement_id: int) -> ResponseReturnValue:
    """Keep a statement off the page, with an optional internal reason."""
    campaign, statement = _load(slug, statement_id)
    form = RejectForm()
    return _act(
        campaign,
        form,
        lambda: statements.reject(statement, current_user, form.reason.data or ""),
        _("The statement is rejected and will not be shown."),
    )


@bp.post("/campaigns/<slug>/statements/<int:statement_id>/forward")
@login_required
def statement_forward(slug: str, statement_id: int) -> ResponseReturnValue:
    """Record the day a statement was forwarded to the target."""
    campaign, statement = _load(slug, statement_id)
    form = ForwardForm()
    return _act(
        campaign,
        form,
        lambda: statements.mark_forwarded(statement, form.forwarded_on.data),
        _("The forwarding date is saved."),
    )


@bp.route(
    "/campaigns/<slug>/statements/<int:statement_id>/edit", methods=["GET", "POST"]
)
@login_required
def statement_edit(slug: str, statement_id: int) -> ResponseReturnValue:
    """Change a statement's text; every change is kept in its history."""
    campaign, statement = _load(slug, statement_id)
    form = EditStatementForm(data={"body": statement.body})
    if form.validate_on_submit():
        try:
            changed = statements.edit(statement, current_user, form.body.data)
        except StatementNotWaitingError:
            abort(409, _("This statement was withdrawn by its author."))
        flash(_("The statement is changed.") if changed else _("Nothing changed."))
        return redirect(_queue_url(campaign, statement.id), 303)
    return render_template(
        "organizer/statement_edit.html",
        campaign=campaign,
        statement=statement,
        form=form,
    ), (422 if form.errors else 200)


@bp.get("/campaigns/<slug>/statements.csv")
@login_required
def statements_csv(slug: str) -> ResponseReturnValue:
    """Stream the campaign's confirmed statements as CSV, and log the export."""
    campaign = load_managed_campaign(slug)
    exporting.record_export(
        campaign,
        kind="statements",
        channel="web",
        filters=exporting.ExportFilters(),
        row_count=exporting.count_statements(campaign),
        organizer=current_user,
    )
    chunks = exporting.statements_csv(campaign)
    body = stream_with_context(chunk.text.encode() for chunk in chunks)
    return csv_download(body, campaign, "statements")
