"""Statements as CSV: streamed in chunks, UTF-8 with a BOM, safe to open in a sheet."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from campaigns.countries import country_name
from campaigns.extensions import db
from campaigns.models import Campaign, Statement

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500


def neutralise(value: object) -> str:
    """Return the cell as text that no spreadsheet will run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def filename(campaign: Campaign, today: date) -> str:
    """The download's name: the campaign and the day of the export."""
    return f"statements-{campaign.slug}-{today.isoformat()}.csv"


def _header() -> list[str]:
    return [
        _("Id"),
        _("Confirmed at (UTC)"),
        _("Status"),
        _("Name"),
        _("Role"),
        _("Organisation"),
        _("On behalf of the organisation"),
        _("Country"),
        _("Email"),
        _("Consents to publish name and organisation"),
        _("Shown publicly as"),
        _("Statement"),
        _("Approved at (UTC)"),
        _("Forwarded to target on"),
        _("Edited by organizers at (UTC)"),
        _("Link"),
    ]


def _status(statement: Statement) -> str:
    if statement.is_approved:
        return _("approved")
    if statement.is_rejected:
        return _("rejected")
    return _("waiting")


def public_author(statement: Statement) -> str:
    """How the statement's author appears on the campaign page."""
    if not statement.shows_author:
        return _(
            "A supporter from %(country)s", country=country_name(statement.country)
        )
    if statement.organisation:
        return f"{statement.author_name}, {statement.organisation}"
    return statement.author_name


def _when(moment: date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.isoformat()


def _row(statement: Statement, slug: str) -> list[object]:
    link = url_for(
        "public.statement_detail", slug=slug, statement_id=statement.id, _external=True
    )
    return [
        statement.id,
        _when(statement.confirmed_at),
        _status(statement),
        statement.author_name,
        statement.role,
        statement.organisation,
        _("yes") if statement.is_by_organisation else _("no"),
        country_name(statement.country),
        statement.email,
        _("yes") if statement.shows_author else _("no"),
        public_author(statement),
        statement.body,
        _when(statement.approved_at),
        _when(statement.forwarded_on),
        _when(statement.last_edited_at),
        link if statement.is_approved else "",
    ]


def exported_statements(campaign: Campaign) -> Iterator[Statement]:
    """Yield the campaign's confirmed, not withdrawn statements, read in batches."""
    query = (
        select(Statement)
        .where(
            Statement.campaign_id == campaign.id,
            Statement.confirmed_at.is_not(None),
            Statement.withdrawn_at.is_(None),
        )
        .order_by(Statement.id)
        .execution_options(yield_per=ROWS_PER_CHUNK)
    )
    yield from db.session.scalars(query)


def _chunk(rows: Iterable[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def csv_chunks(campaign: Campaign) -> Iterator[str]:
    """Yield the CSV text: a BOM and the header first, then rows a chunk at a time."""
    yield "\ufeff" + _chunk([_header()])
    batch: list[list[object]] = []
    for statement in exported_statements(campaign):
        batch.append(_row(statement, campaign.slug))
        if len(batch) == ROWS_PER_CHUNK:
            yield _chunk(batch)
            batch = []
    if batch:
        yield _chunk(batch)
