"""CSV exports of signers and statements, streamed in constant memory, and their log.

Every export goes through here: one rule against spreadsheet formulas, one way to
stream, one file name scheme, one log of who downloaded what.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, case, func, literal, select

from campaigns.clock import utcnow
from campaigns.countries import country_name
from campaigns.extensions import db
from campaigns.models import Campaign, ExportRecord, Organizer, Signature, Statement
from campaigns.services.timestamps import utc_text

BATCH_ROWS = 5000
# Statements are long and rendered row by row, so they go in smaller batches.
STATEMENT_BATCH_ROWS = 500
BOM = "\ufeff"  # lets Excel recognise UTF-8
# A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = frozenset("=+-@\t\r")
LOG_SHOWN = 200


@dataclass(frozen=True)
class ExportFilters:
    """Which counted signers to export."""

    keep_informed_only: bool = False
    signed_from: date | None = None
    signed_until: date | None = None
    country: str | None = None

    def describe(self) -> str:
        """The filters as compact JSON, for the export log."""
        chosen = {key: value for key, value in asdict(self).items() if value}
        return json.dumps(chosen, default=str, sort_keys=True)


@dataclass(frozen=True)
class Chunk:
    """A piece of CSV text and how many signer rows it holds."""

    text: str
    rows: int


def neutralise(cell: object) -> str:
    """Return the cell as text, a quote prefixed if a spreadsheet would run it."""
    text = "" if cell is None else str(cell)
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _where(query: Select, campaign: Campaign, filters: ExportFilters) -> Select:
    query = query.where(Signature.campaign_id == campaign.id, Signature.counts)
    if filters.keep_informed_only:
        query = query.where(Signature.keep_informed_at.is_not(None))
    if filters.signed_from is not None:
        query = query.where(Signature.created_at >= _day_start(filters.signed_from))
    if filters.signed_until is not None:
        until = _day_start(filters.signed_until) + timedelta(days=1)
        query = query.where(Signature.created_at < until)
    if filters.country:
        query = query.where(Signature.country == filters.country)
    return query


def count_signers(campaign: Campaign, filters: ExportFilters) -> int:
    """Return how many signers an export with these filters will hold."""
    query = _where(select(func.count()).select_from(Signature), campaign, filters)
    return db.session.scalar(query) or 0


def _headers() -> list[str]:
    return [
        _("Name"),
        _("Email"),
        _("Country"),
        _("Comment"),
        _("Agreed to show name (UTC)"),
        _("Show-name wording"),
        _("Agreed to be kept informed (UTC)"),
        _("Kept-informed wording"),
        _("Signed (UTC)"),
        _("Confirmed (UTC)"),
    ]


def _safe_text(column: ColumnElement[str | None]) -> ColumnElement[str | None]:
    """`neutralise`, done by the database so that rows need no Python work."""
    is_formula = func.substr(column, 1, 1).in_(sorted(FORMULA_STARTS))
    return case((is_formula, literal("'") + column), else_=column)


def _signer_query(campaign: Campaign, filters: ExportFilters) -> Select:
    columns = (
        _safe_text(Signature.full_name),
        _safe_text(Signature.email),
        Signature.country,
        _safe_text(Signature.comment),
        utc_text(Signature.public_name_at),
        Signature.public_name_wording,
        utc_text(Signature.keep_informed_at),
        Signature.keep_informed_wording,
        utc_text(Signature.created_at),
        utc_text(Signature.confirmed_at),
    )
    # The (campaign_id, confirmed_at) index yields this order without a sort.
    ordered = (Signature.confirmed_at, Signature.id)
    return _where(select(*columns), campaign, filters).order_by(*ordered)


def _csv_text(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _stream(
    header: Sequence[str], batches: Iterable[Sequence[Sequence[object]]]
) -> Iterator[Chunk]:
    """A BOM and the header, then one chunk of CSV per batch of neutralised rows."""
    yield Chunk(BOM + _csv_text([[neutralise(cell) for cell in header]]), 0)
    for batch in batches:
        yield Chunk(_csv_text(batch), len(batch))


def signatures_csv(campaign: Campaign, filters: ExportFilters) -> Iterator[Chunk]:
    """Yield the CSV of counted signers, a batch at a time (server-side cursor).

    Text cells a spreadsheet could run as formulas are neutralised by the database.
    """
    yield from _stream(_headers(), _batches(_signer_query(campaign, filters)))


def _batches(query: Select) -> Iterator[Sequence[Sequence[object]]]:
    """The query's rows in batches, never all in memory at once."""
    connection = db.session.connection()
    if connection.dialect.supports_server_side_cursors:
        # PostgreSQL: a named cursor, or the driver would load every row at once.
        streamed = query.execution_options(
            stream_results=True, max_row_buffer=BATCH_ROWS
        )
        yield from connection.execute(streamed).partitions(BATCH_ROWS)
        return
    # SQLite's driver fetches lazily by itself. Every column is already text, so its
    # tuples go straight to the csv writer: skipping SQLAlchemy's row objects saves
    # a tenth of the export's time.
    result = connection.execute(query)
    try:
        while batch := result.cursor.fetchmany(BATCH_ROWS):
            yield batch
    finally:
        result.close()


def country_counts(campaign: Campaign, filters: ExportFilters) -> list[tuple[str, int]]:
    """Return (country code, signers) pairs, most signers first."""
    total = func.count().label("total")
    query = _where(select(Signature.country, total), campaign, filters)
    rows = db.session.execute(
        query.group_by(Signature.country).order_by(total.desc(), Signature.country)
    )
    return [(code, int(count)) for code, count in rows]


def countries_csv(campaign: Campaign, filters: ExportFilters) -> tuple[str, int]:
    """Return the per-country summary CSV and its number of rows."""
    counts = country_counts(campaign, filters)
    rows = [[code, neutralise(country_name(code)), count] for code, count in counts]
    header = [_("Country code"), _("Country"), _("Signatures")]
    return BOM + _csv_text([header, *rows]), len(rows)


def filename(campaign: Campaign, kind: str) -> str:
    """A dated file name, e.g. "fair-pay-signatures-2026-11-24.csv"."""
    return f"{campaign.slug}-{kind}-{utcnow().date().isoformat()}.csv"


def record_export(
    campaign: Campaign,
    *,
    kind: str,
    channel: str,
    filters: ExportFilters,
    row_count: int,
    organizer: Organizer | None = None,
    actor: str = "",
) -> ExportRecord:
    """Log an export (who, when, which campaign, which filters, how many rows)."""
    record = ExportRecord(
        organizer_id=organizer.id if organizer else None,
        actor=organizer.email if organizer else actor,
        campaign_id=campaign.id,
        campaign_slug=campaign.slug,
        kind=kind,
        channel=channel,
        filters=filters.describe(),
        row_count=row_count,
    )
    db.session.add(record)
    db.session.commit()
    return record


def export_log(limit: int = LOG_SHOWN) -> list[ExportRecord]:
    """Return the latest exports, newest first."""
    return list(
        db.session.scalars(
            select(ExportRecord)
            .order_by(ExportRecord.created_at.desc(), ExportRecord.id.desc())
            .limit(limit)
        )
    )


def _statement_headers() -> list[str]:
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


def _statement_status(statement: Statement) -> str:
    if statement.is_approved:
        return _("approved")
    if statement.is_rejected:
        return _("rejected")
    return _("waiting")


def _public_author(statement: Statement) -> str:
    """How the statement's author appears on the campaign page."""
    if not statement.shows_author:
        return _(
            "A supporter from %(country)s", country=country_name(statement.country)
        )
    if statement.organisation:
        return f"{statement.author_name}, {statement.organisation}"
    return statement.author_name


def _when(moment: date | None) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return moment.isoformat() if moment else ""


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _statement_row(statement: Statement, slug: str) -> list[str]:
    link = url_for(
        "public.statement_detail", slug=slug, statement_id=statement.id, _external=True
    )
    cells = [
        statement.id,
        _when(statement.confirmed_at),
        _statement_status(statement),
        statement.author_name,
        statement.role,
        statement.organisation,
        _yes_no(statement.is_by_organisation),
        country_name(statement.country),
        statement.email,
        _yes_no(statement.shows_author),
        _public_author(statement),
        statement.body,
        _when(statement.approved_at),
        _when(statement.forwarded_on),
        _when(statement.last_edited_at),
        link if statement.is_approved else "",
    ]
    return [neutralise(cell) for cell in cells]


def _statements_where(query: Select, campaign: Campaign) -> Select:
    return query.where(
        Statement.campaign_id == campaign.id,
        Statement.confirmed_at.is_not(None),
        Statement.withdrawn_at.is_(None),
    )


def count_statements(campaign: Campaign) -> int:
    """Return how many statements a statements export will hold."""
    query = select(func.count()).select_from(Statement)
    return db.session.scalar(_statements_where(query, campaign)) or 0


def _statement_batches(campaign: Campaign) -> Iterator[list[list[str]]]:
    """Statements as neutralised rows, read in batches (server-side cursor)."""
    query = _statements_where(select(Statement), campaign).order_by(Statement.id)
    result = db.session.scalars(query.execution_options(yield_per=STATEMENT_BATCH_ROWS))
    try:
        for batch in result.partitions():
            yield [_statement_row(statement, campaign.slug) for statement in batch]
    finally:
        result.close()


def statements_csv(campaign: Campaign) -> Iterator[Chunk]:
    """Yield the CSV of confirmed, not withdrawn statements, a batch at a time.

    Statements are rendered row by row, so every cell is neutralised in Python.
    """
    yield from _stream(_statement_headers(), _statement_batches(campaign))
