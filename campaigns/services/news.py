"""News items: writing them, linking them to campaigns, importing them from feeds."""

import html
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time

import feedparser
import nh3
from sqlalchemy import select

from campaigns.clock import utcnow
from campaigns.errors import FeedError
from campaigns.extensions import db
from campaigns.models import Campaign, CampaignNews, NewsItem, Organizer
from campaigns.services import counting

MAX_FEED_BYTES = 2 * 1024 * 1024
FEED_TIMEOUT_SECONDS = 10
ITEMS_LISTED = 200


@dataclass(frozen=True)
class NewsDetails:
    """What an organizer typed into the news form, already checked for shape."""

    title: str
    summary: str = ""
    source: str = ""
    url: str | None = None
    body: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True)
class FeedEntry:
    """One usable entry of a feed, reduced to what a news item holds."""

    guid: str
    title: str
    summary: str
    source: str
    url: str | None
    published_at: datetime


@dataclass
class ImportResult:
    """What a feed import did: items added, and entries skipped and why."""

    added: int = 0
    duplicates: int = 0
    broken: int = 0
    items: list[NewsItem] = field(default_factory=list)


def _apply(item: NewsItem, details: NewsDetails) -> None:
    item.title = details.title.strip()
    item.summary = details.summary.strip()
    item.source = details.source.strip()
    item.url = (details.url or "").strip() or None
    item.body = details.body or None
    item.published_at = details.published_at or item.published_at or utcnow()


def create_item(author: Organizer, details: NewsDetails) -> NewsItem:
    """Write a news item; its author (and admins) may later edit or delete it."""
    item = NewsItem(created_by_id=author.id)
    _apply(item, details)
    db.session.add(item)
    db.session.commit()
    return item


def update_item(item: NewsItem, details: NewsDetails) -> None:
    """Change a news item; its links and their tallies stay as they were."""
    _apply(item, details)
    db.session.commit()


def delete_item(item: NewsItem) -> None:
    """Delete a news item and its links to campaigns."""
    db.session.delete(item)
    db.session.commit()


def _link(item: NewsItem, campaign: Campaign, tally: int) -> CampaignNews:
    existing = db.session.get(CampaignNews, (campaign.id, item.id))
    if existing is not None:
        return existing
    link = CampaignNews(campaign=campaign, news_item=item, tally_at_link=tally)
    db.session.add(link)
    return link


def link(item: NewsItem, campaign: Campaign) -> CampaignNews:
    """Link a news item to a campaign, recording the campaign's tally right now.

    Linking twice keeps the first link and its tally.
    """
    result = _link(item, campaign, counting.tally(campaign.id).count)
    db.session.commit()
    return result


def unlink(item: NewsItem, campaign: Campaign) -> None:
    """Remove a news item from a campaign's timeline (the item itself stays)."""
    existing = db.session.get(CampaignNews, (campaign.id, item.id))
    if existing is not None:
        db.session.delete(existing)
        db.session.commit()


def latest_items(limit: int = ITEMS_LISTED) -> list[NewsItem]:
    """Return the newest news items for the organizer pages."""
    return list(
        db.session.scalars(
            select(NewsItem)
            .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
            .limit(limit)
        )
    )


def unlinked_items(campaign: Campaign, limit: int = ITEMS_LISTED) -> list[NewsItem]:
    """Return recent news items not yet on this campaign's timeline."""
    linked = select(CampaignNews.news_item_id).where(
        CampaignNews.campaign_id == campaign.id
    )
    return list(
        db.session.scalars(
            select(NewsItem)
            .where(NewsItem.id.not_in(linked))
            .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
            .limit(limit)
        )
    )


def fetch_feed(url: str) -> bytes:
    """Download a feed (http or https only, bounded in size and time).

    Raises FeedError.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError("only http and https feeds can be fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "campaigns-feeds"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=FEED_TIMEOUT_SECONDS) as response:  # noqa: S310
            data = response.read(MAX_FEED_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise FeedError(str(error)) from error
    if len(data) > MAX_FEED_BYTES:
        raise FeedError("feed too large")
    return data


def _plain_text(fragment: str, limit: int) -> str:
    text = html.unescape(nh3.clean(fragment or "", tags=set()))
    return " ".join(text.split())[:limit]


def _entry_time(entry: feedparser.FeedParserDict) -> datetime:
    parsed: struct_time | None = entry.get("published_parsed") or entry.get(
        "updated_parsed"
    )
    if parsed is None:
        return utcnow()
    return datetime(*parsed[:6], tzinfo=UTC)


def _web_link(value: str | None) -> str | None:
    if value and value.lower().startswith(("http://", "https://")):
        return value[:2000]
    return None


def _entry(entry: feedparser.FeedParserDict, source: str) -> FeedEntry | None:
    title = _plain_text(entry.get("title", ""), 300)
    guid = (entry.get("id") or entry.get("link") or "").strip()[:2000]
    if not title or not guid:
        return None
    return FeedEntry(
        guid=guid,
        title=title,
        summary=_plain_text(entry.get("summary", ""), 2000),
        source=source,
        url=_web_link(entry.get("link")),
        published_at=_entry_time(entry),
    )


def read_feed(data: bytes) -> tuple[list[FeedEntry], int]:
    """Parse RSS or Atom in any declared encoding: (usable entries, broken count).

    Entries without a title or an id/link are broken and left out.
    Raises FeedError if the data is not a feed at all.
    """
    if len(data) > MAX_FEED_BYTES:
        raise FeedError("feed too large")
    parsed = feedparser.parse(data)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        raise FeedError("not a feed")
    source = _plain_text(parsed.feed.get("title", ""), 200)
    entries = [_entry(entry, source) for entry in parsed.entries]
    usable = [entry for entry in entries if entry is not None]
    return usable, len(entries) - len(usable)


def _known_guids(guids: list[str]) -> set[str]:
    return set(
        db.session.scalars(select(NewsItem.guid).where(NewsItem.guid.in_(guids)))
    )


def import_entries(
    entries: Iterable[FeedEntry],
    *,
    author: Organizer | None,
    campaign: Campaign | None,
) -> ImportResult:
    """Add the entries not imported before, optionally linked to a campaign."""
    entries = list(entries)
    known = _known_guids([entry.guid for entry in entries])
    tally = counting.tally(campaign.id).count if campaign is not None else 0
    result = ImportResult()
    for entry in entries:
        if entry.guid in known:
            result.duplicates += 1
            continue
        known.add(entry.guid)
        item = NewsItem(
            guid=entry.guid,
            title=entry.title,
            summary=entry.summary,
            source=entry.source,
            url=entry.url,
            published_at=entry.published_at,
            created_by_id=author.id if author else None,
        )
        db.session.add(item)
        if campaign is not None:
            _link(item, campaign, tally)
        result.items.append(item)
    result.added = len(result.items)
    db.session.commit()
    return result
