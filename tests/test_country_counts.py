"""The "where signers come from" breakdown: an index-only count, kept per process."""

import time
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import event, inspect, select

from campaigns import caching
from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import Campaign, Signature
from campaigns.services import counting, listing

PAGE = "/c/fair-pay"


def _add_counted(campaign_id: int, country: str, number: int, start: int = 0) -> None:
    for n in range(start, start + number):
        address = f"s{n}@example.org"
        db.session.add(
            Signature(
                campaign_id=campaign_id,
                full_name=f"Signer {n}",
                email=address,
                email_key=address,
                country=country,
                confirmed_at=utcnow(),
            )
        )
    counting.add(campaign_id, number)
    db.session.commit()


def test_kept_reuses_a_value_for_its_lifetime(app: Flask):
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    with app.app_context():
        assert caching.kept("k", 60, compute) == 1
        assert caching.kept("k", 60, compute) == 1
        assert caching.kept("other", 60, compute) == 2
        assert caching.kept("k", 0, compute) == 3  # 0: never kept
        assert caching.kept("short", 0.05, compute) == 4
        time.sleep(0.1)
        assert caching.kept("short", 0.05, compute) == 5


def test_page_breakdown_lags_by_its_own_lifetime_while_the_tally_does_not(
    make_app: Callable[..., Flask], make_campaign: Callable[..., Campaign]
):
    app = make_app(COUNTRY_COUNTS_CACHE_SECONDS=60)
    with app.app_context():
        campaign_id = make_campaign().id
        _add_counted(campaign_id, "SV", 6)
    client = app.test_client()
    assert "El Salvador: 6" in client.get(PAGE).get_data(as_text=True)

    with app.app_context():
        _add_counted(campaign_id, "SV", 3, start=6)
    page = client.get(PAGE).get_data(as_text=True)
    assert "El Salvador: 6" in page
    assert client.get(PAGE + "/tally.json").json["count"] == 9

    app.extensions[caching.VALUES_KEY].clear()  # as if the lifetime had passed
    assert "El Salvador: 9" in client.get(PAGE).get_data(as_text=True)


def test_breakdown_counts_only_counted_signatures(
    app: Flask, make_campaign: Callable[..., Campaign]
):
    with app.app_context():
        campaign = make_campaign()
        _add_counted(campaign.id, "SV", 5)
        _add_counted(campaign.id, "DE", 5, start=5)
        withdrawn, suspect, pending = db.session.scalars(
            select(Signature.id).where(Signature.country == "DE").limit(3)
        ).all()
        for signature_id, column in (
            (withdrawn, "withdrawn_at"),
            (suspect, "suspect_at"),
        ):
            signature = db.session.get_one(Signature, signature_id)
            setattr(signature, column, utcnow())
        db.session.get_one(Signature, pending).confirmed_at = None
        db.session.commit()
        counts = listing.country_counts(campaign)
    assert counts == (
        listing.CountryCount("SV", 5),
        listing.CountryCount("DE", None),
    )


@pytest.fixture
def statements(app: Flask) -> list[str]:
    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_breakdown_reads_the_partial_country_index(
    app: Flask, make_campaign: Callable[..., Campaign], statements: list[str]
):
    with app.app_context():
        campaign = make_campaign()
        _add_counted(campaign.id, "SV", 5)
        indexes = inspect(db.engine).get_indexes("signature")
        by_name = {index["name"]: index for index in indexes}
        index = by_name["ix_signature_campaign_country_counted"]
        assert index["column_names"] == ["campaign_id", "country"]
        db.session.refresh(campaign)
        statements.clear()
        listing.country_counts(campaign)
        (query,) = statements
        if db.engine.dialect.name == "sqlite":
            plan = db.session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + query, (campaign.id,)
            )
            details = " ".join(row[3] for row in plan)
            assert "ix_signature_campaign_country_counted" in details
            assert "TEMP B-TREE FOR GROUP BY" not in details
