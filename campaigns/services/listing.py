"""Read-only queries behind the public pages: live campaigns, public signers, news."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import selectinload

from campaigns import caching
from campaigns.extensions import db
from campaigns.models import Campaign, CampaignNews, CampaignStatus, NewsItem, Signature

PUBLIC_SIGNERS_SHOWN = 20


# Built once: every public request about a campaign runs it.
_PUBLISHED_WITH_SLUG = and_(
    Campaign.slug == bindparam("slug"), Campaign.status != CampaignStatus.DRAFT
)
_PUBLIC_CAMPAIGN = select(Campaign).where(_PUBLISHED_WITH_SLUG)


def public_campaign(slug: str) -> Campaign | None:
    """Return a live or closed campaign by slug; drafts are not public."""
    return db.session.scalar(_PUBLIC_CAMPAIGN, {"slug": slug})


_PUBLIC_CAMPAIGN_ID = select(Campaign.id).where(_PUBLISHED_WITH_SLUG)
_IDS_KEY = "public_campaign_ids"


def public_campaign_id(slug: str) -> int | None:
    """Return the id of a live or closed campaign by slug, remembered per process.

    Safe to keep: a campaign's slug is fixed once it is published, and published
    campaigns are never deleted. Drafts and unknown slugs are not remembered.
    """
    known: dict[str, int] = current_app.extensions.setdefault(_IDS_KEY, {})
    if slug not in known:
        campaign_id = db.session.scalar(_PUBLIC_CAMPAIGN_ID, {"slug": slug})
        if campaign_id is None:
            return None
        known[slug] = campaign_id
    return known[slug]


def live_campaigns() -> list[Campaign]:
    """Return the campaigns collecting signatures, newest first."""
    return list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.LIVE)
            .order_by(Campaign.published_at.desc())
        )
    )


@dataclass(frozen=True)
class CountryCount:
    """How many counted signers come from one country; None when too few to say."""

    country: str
    count: int | None


def _counted(campaign: Campaign) -> tuple:
    return (Signature.campaign_id == campaign.id, Signature.counts)


def public_signers(
    campaign: Campaign, limit: int = PUBLIC_SIGNERS_SHOWN
) -> list[Signature]:
    """Return the latest counted signers who agreed to show their name.

    None if the campaign hides names, and none from the countries it hides.
    """
    if campaign.hide_signer_names:
        return []
    return list(
        db.session.scalars(
            select(Signature)
            .where(
                *_counted(campaign),
                Signature.public_name_at.is_not(None),
                Signature.country.not_in(campaign.hidden_country_codes),
            )
            .order_by(Signature.confirmed_at.desc())
            .limit(limit)
        )
    )


def country_counts(campaign: Campaign) -> tuple[CountryCount, ...]:
    """Return counted signers per country, largest first; small counts stay vague.

    A count below SMALL_COUNT_THRESHOLD is reported as None ("fewer than N"), so that
    the few signers from a country cannot be singled out. Counting reads an index
    entry per signer (~0.1 s for a million), so each process keeps the answer for
    COUNTRY_COUNTS_CACHE_SECONDS rather than recount at every page rendering.
    """
    seconds = current_app.config["COUNTRY_COUNTS_CACHE_SECONDS"]
    return caching.kept(
        ("country_counts", campaign.id), seconds, lambda: _count_countries(campaign)
    )


def _count_countries(campaign: Campaign) -> tuple[CountryCount, ...]:
    threshold = current_app.config["SMALL_COUNT_THRESHOLD"]
    rows = db.session.execute(
        select(Signature.country, func.count())
        .where(*_counted(campaign))
        .group_by(Signature.country)
        .order_by(func.count().desc(), Signature.country)
    )
    return tuple(
        CountryCount(country, int(count) if count >= threshold else None)
        for country, count in rows
    )


def campaign_news(campaign: Campaign) -> list[CampaignNews]:
    """Return a campaign's news links, newest item first, with their items loaded."""
    return list(
        db.session.scalars(
            select(CampaignNews)
            .join(CampaignNews.news_item)
            .where(CampaignNews.campaign_id == campaign.id)
            .options(selectinload(CampaignNews.news_item))
            .order_by(NewsItem.published_at.desc())
        )
    )


def _public_news_links() -> selectinload:
    return selectinload(NewsItem.campaign_links).selectinload(CampaignNews.campaign)


def latest_news(limit: int, offset: int = 0) -> list[NewsItem]:
    """Return news items, newest first, with the campaigns they relate to."""
    return list(
        db.session.scalars(
            select(NewsItem)
            .options(_public_news_links())
            .order_by(NewsItem.published_at.desc(), NewsItem.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def news_item(news_id: int) -> NewsItem | None:
    """Return one news item with the campaigns it relates to."""
    return db.session.scalar(
        select(NewsItem).where(NewsItem.id == news_id).options(_public_news_links())
    )


def public_campaigns_of(item: NewsItem) -> list[Campaign]:
    """Return the non-draft campaigns a news item relates to."""
    return [
        link.campaign
        for link in item.campaign_links
        if link.campaign.status != CampaignStatus.DRAFT
    ]
