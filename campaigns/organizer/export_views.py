"""Exports of a campaign's signers as CSV: the filter page and the downloads."""

from flask import Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from campaigns.models import Campaign
from campaigns.organizer.forms import ExportForm
from campaigns.organizer.views import bp, load_managed_campaign
from campaigns.services import exporting


def _filters(campaign: Campaign) -> exporting.ExportFilters:
    """Read the filters from the query string, or answer 400 with the reason."""
    form = ExportForm(formdata=request.args)
    if not form.validate():
        messages = [message for errors in form.errors.values() for message in errors]
        abort(400, " ".join(str(message) for message in messages))
    return exporting.ExportFilters(
        keep_informed_only=form.keep_informed_only.data,
        signed_from=form.signed_from.data,
        signed_until=form.signed_until.data,
        country=form.country.data or None,
    )


def csv_download(body: object, campaign: Campaign, kind: str) -> Response:
    """A CSV attachment named after the campaign, the kind of export and the day."""
    response = Response(body, mimetype="text/csv")
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=exporting.filename(campaign, kind),
    )
    response.headers["Cache-Control"] = "no-store"
    response.charset = "utf-8"
    return response


@bp.get("/campaigns/<slug>/export")
@login_required
def export_page(slug: str) -> ResponseReturnValue:
    """Choose filters and download the signers or the per-country summary."""
    campaign = load_managed_campaign(slug)
    form = ExportForm(formdata=request.args or None)
    return render_template("organizer/export.html", campaign=campaign, form=form)


@bp.get("/campaigns/<slug>/signatures.csv")
@login_required
def export_signatures(slug: str) -> ResponseReturnValue:
    """Stream the counted signers as CSV, and log the export."""
    campaign = load_managed_campaign(slug)
    filters = _filters(campaign)
    exporting.record_export(
        campaign,
        kind="signatures",
        channel="web",
        filters=filters,
        row_count=exporting.count_signers(campaign, filters),
        organizer=current_user,
    )
    chunks = exporting.signatures_csv(campaign, filters)
    body = stream_with_context(chunk.text.encode() for chunk in chunks)
    return csv_download(body, campaign, "signatures")


@bp.get("/campaigns/<slug>/countries.csv")
@login_required
def export_countries(slug: str) -> ResponseReturnValue:
    """The count of signers per country as CSV, and log the export."""
    campaign = load_managed_campaign(slug)
    filters = _filters(campaign)
    text, rows = exporting.countries_csv(campaign, filters)
    exporting.record_export(
        campaign,
        kind="countries",
        channel="web",
        filters=filters,
        row_count=rows,
        organizer=current_user,
    )
    return csv_download(text.encode(), campaign, "countries")
