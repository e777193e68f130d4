"""What organizers see of their campaigns: counts, signatures per day, countries."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, case, func, select

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import Campaign, CampaignOrganizer, Organizer, Signature
from campaigns.services.exporting import ExportFilters, country_counts
from campaigns.services.fraud import AWAITING_REVIEW
from campaigns.services.timestamps import utc_text

CHART_DAYS = 30
TOP_COUNTRIES = 10
# The chart's drawing area, in SVG user units.
CHART_WIDTH = 600
CHART_HEIGHT = 160


@dataclass(frozen=True)
class SignatureCounts:
    """A campaign's signatures by state."""

    confirmed: int
    pending: int
    withdrawn: int
    suspect: int


@dataclass(frozen=True)
class Bar:
    """One day of the chart, with its geometry in the SVG."""

    day: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    """Confirmed signatures per day, laid out as bars."""

    bars: list[Bar]
    peak: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT

    @property
    def total(self) -> int:
        """Signatures confirmed over the whole chart."""
        return sum(bar.count for bar in self.bars)


def managed_campaigns(organizer: Organizer) -> list[Campaign]:
    """Return the campaigns an organizer runs (all of them for admins), newest first."""
    query = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    if not organizer.is_admin:
        query = query.join(CampaignOrganizer).where(
            CampaignOrganizer.organizer_id == organizer.id
        )
    return list(db.session.scalars(query))


def signature_counts(campaign: Campaign) -> SignatureCounts:
    """Return counted, pending, withdrawn and suspect signatures, in one query.

    Suspects (confirmed or not) awaiting an organizer's review are a figure of their
    own; rejected suspects appear in none but "withdrawn" once withdrawn.
    """
    withdrawn = Signature.withdrawn_at.is_not(None)
    suspect = Signature.suspect_at.is_not(None)

    def total(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            total(Signature.counts),
            total(Signature.confirmed_at.is_(None) & ~withdrawn & ~suspect),
            total(withdrawn),
            total(AWAITING_REVIEW & ~withdrawn),
        ).where(Signature.campaign_id == campaign.id)
    ).one()
    return SignatureCounts(*(int(value) for value in row))


def _daily_counts(campaign: Campaign, first: date) -> dict[str, int]:
    day = utc_text(Signature.confirmed_at, 10).label("day")
    rows = db.session.execute(
        select(day, func.count())
        .where(
            Signature.campaign_id == campaign.id,
            Signature.counts,
            Signature.confirmed_at >= datetime.combine(first, time.min, tzinfo=UTC),
        )
        .group_by(day)
    )
    return {str(label): int(count) for label, count in rows}


def chart(campaign: Campaign, days: int = CHART_DAYS) -> Chart:
    """Lay out `days` days of confirmed signatures as SVG bars.

    The chart ends today, or on the day a closed campaign closed.
    """
    last = campaign.closed_at.date() if campaign.closed_at else utcnow().date()
    first = last - timedelta(days=days - 1)
    counts = _daily_counts(campaign, first)
    series = [first + timedelta(days=offset) for offset in range(days)]
    peak = max((counts.get(day.isoformat(), 0) for day in series), default=0)
    slot = CHART_WIDTH / days
    bars = []
    for index, day in enumerate(series):
        count = counts.get(day.isoformat(), 0)
        height = CHART_HEIGHT * count / peak if peak else 0.0
        bars.append(
            Bar(
                day=day,
                count=count,
                x=round(index * slot + slot * 0.1, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(slot * 0.8, 2),
                height=round(height, 2),
            )
        )
    return Chart(bars=bars, peak=peak)


def top_countries(
    campaign: Campaign, limit: int = TOP_COUNTRIES
) -> list[tuple[str, int]]:
    """Return the countries with the most counted signers, and their counts."""
    return country_counts(campaign, ExportFilters())[:limit]
