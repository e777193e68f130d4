"""Launching and running campaigns: create, edit, publish, close, and their team."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from campaigns import emails
from campaigns.clock import utcnow
from campaigns.errors import AccountError, CampaignStateError, SlugError
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignOrganizer,
    CampaignStatus,
    Organizer,
    OrganizerRole,
    Signature,
)
from campaigns.services import accounts

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 80
_SUGGESTED_LENGTH = 60


@dataclass(frozen=True)
class CampaignDetails:
    """What an organizer typed into the campaign form, already checked for shape."""

    title: str
    summary: str = ""
    body: str = ""
    target: str = ""
    goal: int = 1000
    slug: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None


def slugify(title: str) -> str:
    """Turn a title into lower-case ASCII words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore")
    words = re.findall(r"[a-z0-9]+", ascii_title.decode().lower())
    slug = "-".join(words)[:_SUGGESTED_LENGTH].strip("-")
    return slug or "campaign"


def _slug_taken(slug: str, campaign: Campaign | None = None) -> bool:
    query = select(Campaign.id).where(Campaign.slug == slug)
    if campaign is not None and campaign.id is not None:
        query = query.where(Campaign.id != campaign.id)
    return db.session.scalar(query) is not None


def suggest_slug(title: str) -> str:
    """Return a free slug made from the title ("fair-pay", then "fair-pay-2", ...)."""
    base = slugify(title)
    taken = set(
        db.session.scalars(select(Campaign.slug).where(Campaign.slug.like(f"{base}%")))
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _check_slug(slug: str, campaign: Campaign | None = None) -> None:
    if not SLUG_PATTERN.match(slug) or len(slug) > SLUG_MAX_LENGTH:
        raise SlugError("malformed")
    if _slug_taken(slug, campaign):
        raise SlugError("taken")


def _apply(campaign: Campaign, details: CampaignDetails) -> None:
    campaign.title = details.title.strip()
    campaign.summary = details.summary.strip()
    campaign.body = details.body
    campaign.target = details.target.strip()
    campaign.goal = details.goal
    campaign.opens_at = details.opens_at
    campaign.closes_at = details.closes_at


def _commit_slug_change() -> None:
    try:
        db.session.commit()
    except IntegrityError as error:  # another campaign took the slug meanwhile
        db.session.rollback()
        raise SlugError("taken") from error


def create(owner: Organizer, details: CampaignDetails) -> Campaign:
    """Create a draft campaign owned by `owner`; the slug defaults to the title's.

    Raises SlugError if the slug is malformed or taken.
    """
    slug = details.slug.strip() or suggest_slug(details.title)
    _check_slug(slug)
    campaign = Campaign(slug=slug, status=CampaignStatus.DRAFT)
    _apply(campaign, details)
    db.session.add(campaign)
    db.session.add(
        CampaignOrganizer(campaign=campaign, organizer=owner, role=OrganizerRole.OWNER)
    )
    _commit_slug_change()
    return campaign


def update(campaign: Campaign, details: CampaignDetails) -> None:
    """Change a campaign's text and settings; its slug only while it is a draft.

    Raises SlugError if the slug is malformed, taken, or fixed because it is live.
    """
    slug = details.slug.strip() or campaign.slug
    if slug != campaign.slug:
        if campaign.status != CampaignStatus.DRAFT:
            raise SlugError("locked")
        _check_slug(slug, campaign)
        campaign.slug = slug
    _apply(campaign, details)
    _commit_slug_change()


def publish(campaign: Campaign) -> None:
    """Make a draft live: public, and taking signatures.

    Raises CampaignStateError unless the campaign is a draft.
    """
    if campaign.status != CampaignStatus.DRAFT:
        raise CampaignStateError(campaign.status)
    campaign.status = CampaignStatus.LIVE
    campaign.published_at = utcnow()
    db.session.commit()


def _informed_signers(campaign: Campaign) -> ColumnElement[bool]:
    return and_(
        Signature.campaign_id == campaign.id,
        Signature.counts,
        Signature.keep_informed_at.is_not(None),
    )


def close(campaign: Campaign, outcome: str) -> int:
    """Close a live campaign with its outcome and email those who asked to know.

    Queues one outcome email per counted signer who agreed to be kept informed, in
    the same transaction as the closing and in one statement however many they are
    (the mail worker renders each when sending). Returns how many were queued.
    Raises CampaignStateError unless the campaign is live.
    """
    if campaign.status != CampaignStatus.LIVE:
        raise CampaignStateError(campaign.status)
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = utcnow()
    campaign.outcome = outcome.strip() or None
    queued = emails.queue_signer_emails(
        emails.SignerEmail.CAMPAIGN_OUTCOME, _informed_signers(campaign)
    )
    db.session.commit()
    return queued


def team(campaign: Campaign) -> list[CampaignOrganizer]:
    """Return a campaign's organizers, owners first, with their accounts loaded."""
    return list(
        db.session.scalars(
            select(CampaignOrganizer)
            .join(CampaignOrganizer.organizer)
            .where(CampaignOrganizer.campaign_id == campaign.id)
            .options(contains_eager(CampaignOrganizer.organizer))
            .order_by(CampaignOrganizer.role.desc(), Organizer.email)
        )
    )


def add_co_organizer(campaign: Campaign, email: str) -> Organizer:
    """Add an existing organizer account to a campaign's team.

    Raises AccountError if there is no such account or it is already on the team.
    """
    organizer = accounts.find_by_email(email)
    if organizer is None:
        raise AccountError("unknown")
    link = db.session.get(CampaignOrganizer, (campaign.id, organizer.id))
    if link is not None:
        raise AccountError("already")
    db.session.add(
        CampaignOrganizer(
            campaign_id=campaign.id,
            organizer_id=organizer.id,
            role=OrganizerRole.CO_ORGANIZER,
        )
    )
    db.session.commit()
    return organizer


def remove_co_organizer(campaign: Campaign, organizer_id: int) -> None:
    """Take a co-organizer off a campaign's team; owners stay.

    Raises AccountError if that organizer is not a co-organizer of the campaign.
    """
    link = db.session.get(CampaignOrganizer, (campaign.id, organizer_id))
    if link is None or link.role != OrganizerRole.CO_ORGANIZER:
        raise AccountError("not a co-organizer")
    db.session.delete(link)
    db.session.commit()
