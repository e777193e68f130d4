"""Demo content: the Florenzi Industries and Amar Fayaz campaigns and their news."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy import func, select

from campaigns import addresses
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignNews,
    CampaignStatus,
    NewsItem,
    Signature,
    Statement,
)
from campaigns.services import counting

FLORENZI = "florenzi-workers"
AMAR_FAYAZ = "amar-fayaz"

_CAMPAIGNS = (
    {
        "slug": FLORENZI,
        "title": "Pay the Florenzi workers, save their jobs",
        "summary": (
            "The workers of Florenzi Industries in El Salvador face the closure of "
            "their factory and months of unpaid wages. They are fighting both the "
            "owners and the state institutions that let it happen. Stand with them."
        ),
        "body": (
            "## What is happening\n\n"
            "Florenzi Industries is shutting its factories in El Salvador, and the "
            "people who kept them running have not been paid what they are owed. "
            "Instead of protecting them, the state institutions responsible for "
            "labour rights have sided with the owners.\n\n"
            "## What the workers demand\n\n"
            "- every unpaid wage paid in full;\n"
            "- no closure: the company taken into public ownership and run under the "
            "control of its workers;\n"
            "- no reprisals against those who organise.\n\n"
            "## Why your name matters\n\n"
            "A closure is decided far from the factory floor. Signatures from around "
            "the world show the owners and the government that these workers are "
            "not alone."
        ),
        "target": "The Government of El Salvador and the owners of Florenzi Industries",
        "goal": 5000,
        "status": CampaignStatus.LIVE,
        "published_at": datetime(2021, 1, 12, 9, tzinfo=UTC),
        "example_signers": 48,
    },
    {
        "slug": AMAR_FAYAZ,
        "title": "International solidarity for Amar Fayaz",
        "summary": (
            "Amar Fayaz, a Pakistani activist, was abducted by state authorities and "
            "has not been seen for a month. Demand that he is released unharmed."
        ),
        "body": (
            "## Abducted for his ideas\n\n"
            "Amar Fayaz was taken by the state authorities of Pakistan a month ago. "
            "His family and comrades have not been told where he is held or why.\n\n"
            "## Our demand\n\n"
            "Release Amar Fayaz now, unharmed, and end the abductions of activists.\n\n"
            "Students, young people and workers in many countries have joined this "
            "campaign. Add your name."
        ),
        "target": "The Government of Pakistan",
        "goal": 1000,
        "status": CampaignStatus.CLOSED,
        "published_at": datetime(2020, 12, 5, 10, tzinfo=UTC),
        "closed_at": datetime(2021, 1, 4, 8, tzinfo=UTC),
        "outcome": (
            "Won: Amar Fayaz was released on 3 January. Thank you to everyone "
            "who signed."
        ),
        "example_signers": 125,
    },
)

_NEWS = (
    {
        "title": "India: some 250 million workers strike",
        "summary": (
            "On 26 November close to 250 million workers in towns and villages across "
            "India joined a strike called by the ten main trade union federations, the "
            "fifth such strike in six years."
        ),
        "source": "Campaigns demo",
        "published_at": datetime(2020, 11, 27, 12, tzinfo=UTC),
        "campaigns": (),
    },
    {
        "title": "Worldwide solidarity with Amar Fayaz",
        "summary": (
            "A month after state authorities in Pakistan abducted Amar Fayaz, nobody "
            "knows where he is held. Activists around the world are joining the "
            "campaign for his release."
        ),
        "source": "Campaigns demo",
        "published_at": datetime(2020, 12, 30, 12, tzinfo=UTC),
        "campaigns": (AMAR_FAYAZ,),
        "share_at_link": 0.6,
    },
    {
        "title": "Amar Fayaz is free",
        "summary": (
            "Amar Fayaz was released on 3 January after being abducted by Pakistani "
            "security forces. Students, young people and workers around the world "
            "campaigned for his freedom, and it worked."
        ),
        "source": "Campaigns demo",
        "published_at": datetime(2021, 1, 4, 7, tzinfo=UTC),
        "campaigns": (AMAR_FAYAZ,),
        "share_at_link": 1.0,
    },
    {
        "title": "El Salvador: Florenzi workers fight closure and unpaid wages",
        "summary": (
            "The workers of Florenzi Industries are up against their employer and the "
            "state institutions over the closure of their factories and wages left "
            "unpaid. They call for the company to be nationalised under workers' "
            "control."
        ),
        "source": "Campaigns demo",
        "published_at": datetime(2021, 1, 12, 8, tzinfo=UTC),
        "campaigns": (FLORENZI,),
        "share_at_link": 0.0,
    },
)

# Statements of support for the Florenzi workers; "approved": False waits in the queue.
_STATEMENTS = (
    {
        "author_name": "Rosa Aguilar",
        "role": "General secretary",
        "organisation": "Textile Workers' Federation",
        "on_behalf": True,
        "country": "IT",
        "body": (
            "The textile workers of our federation stand with the Florenzi workers.\n"
            "Your wages are not a gift: they are owed. Pay them now, and keep the "
            "factories open under the control of those who work in them."
        ),
        "consent": True,
        "approved": True,
    },
    {
        "author_name": "Kwame Mensah",
        "role": "Bus driver",
        "organisation": "",
        "on_behalf": False,
        "country": "GH",
        "body": "From Accra: the same bosses close factories everywhere. Solidarity!",
        "consent": True,
        "approved": True,
    },
    {
        "author_name": "A branch that asked not to be named",
        "role": "",
        "organisation": "Metalworkers' branch",
        "on_behalf": True,
        "country": "MX",
        "body": "Our branch sends its full support. We will not forget you.",
        "consent": False,
        "approved": True,
    },
    {
        "author_name": "Ines Castro",
        "role": "Student",
        "organisation": "",
        "on_behalf": False,
        "country": "ES",
        "body": "Students in Madrid are with you.",
        "consent": True,
        "approved": False,
    },
)

_FIRST_NAMES = (
    "Ana",
    "Bilal",
    "Carmen",
    "Dmitri",
    "Esra",
    "Farah",
    "Giulia",
    "Hamza",
    "Ines",
    "Jorge",
    "Kwame",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
)
_LAST_NAMES = (
    "Alvarez",
    "Bhatti",
    "Castro",
    "Dubois",
    "Eriksen",
    "Flores",
    "Gupta",
    "Haddad",
    "Ibrahim",
    "Jansen",
    "Khan",
    "Lopez",
    "Mensah",
    "Novak",
)
_COUNTRIES = ("SV", "PK", "GB", "US", "MX", "ES", "DE", "IN", "BR", "ZA", "IT", "SE")


@dataclass(frozen=True)
class Loaded:
    """How much demo content was created."""

    campaigns: int
    news_items: int


def database_is_empty() -> bool:
    """True if no campaign exists yet."""
    return not db.session.scalar(select(func.count()).select_from(Campaign))


def _example_signatures(campaign: Campaign, how_many: int, since: datetime) -> None:
    chooser = random.Random(campaign.slug)  # noqa: S311 - the same demo on every machine
    for number in range(1, how_many + 1):
        name = f"{chooser.choice(_FIRST_NAMES)} {chooser.choice(_LAST_NAMES)}"
        email = f"example-signer-{number}@{campaign.slug}.example.org"
        signed = since + timedelta(hours=number * 3)
        db.session.add(
            Signature(
                campaign=campaign,
                full_name=name,
                email=email,
                email_key=addresses.canonical_key(email),
                country=chooser.choice(_COUNTRIES),
                created_at=signed,
                confirmed_at=signed + timedelta(minutes=5),
                signer_number=number,
                public_name_at=signed if number % 3 else None,
                public_name_wording="demo" if number % 3 else None,
            )
        )
    counting.add_to_shard(campaign.id, 0, how_many)


def _create_campaign(fields: dict, created: dict[str, Campaign]) -> None:
    values = dict(fields)
    signers = values.pop("example_signers")
    campaign = Campaign(**values)
    db.session.add(campaign)
    db.session.flush()
    _example_signatures(campaign, signers, campaign.published_at)
    created[campaign.slug] = campaign


def _create_statements(created: dict[str, Campaign]) -> None:
    campaign = created[FLORENZI]
    for number, fields in enumerate(_STATEMENTS, start=1):
        values = dict(fields)
        consent, approved = values.pop("consent"), values.pop("approved")
        written = campaign.published_at + timedelta(days=number)
        email = f"example-author-{number}@{campaign.slug}.example.org"
        db.session.add(
            Statement(
                campaign=campaign,
                email=email,
                email_key=addresses.canonical_key(email),
                created_at=written,
                confirmed_at=written + timedelta(minutes=10),
                approved_at=written + timedelta(hours=5) if approved else None,
                publish_consent_at=written if consent else None,
                publish_consent_wording="demo" if consent else None,
                **values,
            )
        )


def _create_news(fields: dict, created: dict[str, Campaign]) -> None:
    values = dict(fields)
    slugs, share = values.pop("campaigns"), values.pop("share_at_link", 0.0)
    item = NewsItem(**values)
    for slug in slugs:
        campaign = created[slug]
        total = counting.tally(campaign.id).count
        item.campaign_links.append(
            CampaignNews(
                campaign=campaign,
                linked_at=item.published_at,
                tally_at_link=round(total * share),
            )
        )
    db.session.add(item)


def steps() -> list[Callable[[], None]]:
    """Return the demo's creation steps, to run in order while showing progress."""
    created: dict[str, Campaign] = {}
    return [
        *(partial(_create_campaign, fields, created) for fields in _CAMPAIGNS),
        *(partial(_create_news, fields, created) for fields in _NEWS),
        partial(_create_statements, created),
    ]


def finish() -> Loaded:
    """Commit what the steps created."""
    db.session.commit()
    return Loaded(campaigns=len(_CAMPAIGNS), news_items=len(_NEWS))
