"""Cheap anonymous pages: no session for readers, shared-cache headers, brief cache."""

import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, update

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import Campaign, CampaignNews, NewsItem, Signature
from campaigns.services import counting
from tests.conftest import login_as
from tests.helpers import SIGNER, form_token

PAGES = ["/", "/c/fair-pay", "/news", "/news/1", "/c/fair-pay/tally.json"]


def _add_news(campaigns: list[Campaign], title: str = "Strike wins") -> NewsItem:
    item = NewsItem(title=title, summary="The owners gave in.", body="We won.")
    item.campaign_links = [CampaignNews(campaign=c) for c in campaigns]
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def site(app: Flask, make_campaign: Callable[..., Campaign]) -> Flask:
    with app.app_context():
        campaign = make_campaign()
        _add_news([campaign])
    return app


@pytest.fixture
def cached_site(site: Flask) -> Flask:
    site.config.update(PAGE_CACHE_SECONDS=60, TALLY_CACHE_SECONDS=60)
    return site


@pytest.mark.parametrize("path", PAGES)
def test_reader_gets_no_session_cookie_and_shared_cache_headers(
    site: Flask, client: FlaskClient, path: str
):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.cache_control.public
    expected = 2 if path.endswith(".json") else 5
    assert response.cache_control.max_age == expected
    assert "Accept-Language" in response.vary
    assert response.get_etag()[0]


@pytest.mark.parametrize("path", PAGES)
def test_revalidation_with_etag_answers_304(
    cached_site: Flask, client: FlaskClient, path: str
):
    etag = client.get(path).get_etag()[0]
    again = client.get(path, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304
    assert again.get_data() == b""


def _rename_campaign(app: Flask, title: str) -> None:
    with app.app_context():
        db.session.execute(update(Campaign).values(title=title))
        db.session.commit()


def test_server_cache_serves_the_same_page_until_it_expires(
    cached_site: Flask, client: FlaskClient
):
    assert "Fair pay now" in client.get("/c/fair-pay").get_data(as_text=True)
    _rename_campaign(cached_site, "Renamed")
    assert "Fair pay now" in client.get("/c/fair-pay").get_data(as_text=True)

    cached_site.config["PAGE_CACHE_SECONDS"] = 0.2
    cached_site.extensions["page_cache"].clear()
    client.get("/c/fair-pay")
    _rename_campaign(cached_site, "Renamed again")
    time.sleep(0.3)
    assert "Renamed again" in client.get("/c/fair-pay").get_data(as_text=True)


def test_signed_in_organizer_bypasses_the_server_cache(
    cached_site: Flask, client: FlaskClient, make_organizer
):
    client.get("/c/fair-pay")
    _rename_campaign(cached_site, "Renamed")
    with cached_site.app_context():
        organizer_id = make_organizer().get_id()
    login_as(client, organizer_id)
    response = client.get("/c/fair-pay")
    assert "Renamed" in response.get_data(as_text=True)
    assert not response.cache_control.public


def test_tally_json_is_cached_briefly_then_current(
    cached_site: Flask, client: FlaskClient
):
    assert client.get("/c/fair-pay/tally.json").json["count"] == 0
    with cached_site.app_context():
        counting.add(1, 5)
        db.session.commit()
    assert client.get("/c/fair-pay/tally.json").json["count"] == 0
    cached_site.extensions["page_cache"].clear()  # as if the lifetime had passed
    assert client.get("/c/fair-pay/tally.json").json["count"] == 5


def test_form_with_errors_is_never_cached(cached_site: Flask, client: FlaskClient):
    token = form_token(client, "fair-pay")
    data = SIGNER | {"form_token": token, "email": "not an address"}
    response = client.post("/c/fair-pay/sign", data=data)
    assert response.status_code == 422
    assert response.cache_control.no_store
    assert not response.cache_control.public
    assert "Set-Cookie" not in response.headers
    page = client.get("/c/fair-pay").get_data(as_text=True)
    assert "not an address" not in page


def test_cached_sign_form_token_still_signs(cached_site: Flask, client: FlaskClient):
    first = form_token(client, "fair-pay")
    assert form_token(client, "fair-pay") == first  # served from the cache
    data = SIGNER | {"form_token": first}
    assert client.post("/c/fair-pay/sign", data=data).status_code == 303


class QueryCounter:
    """Counts the SQL statements an engine runs."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)


@pytest.fixture
def count_queries(site: Flask) -> Iterator[Callable[[str], int]]:
    counter = QueryCounter()
    with site.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    client = site.test_client()

    def count(path: str) -> int:
        counter.statements.clear()
        assert client.get(path).status_code == 200
        return len(counter.statements)

    yield count
    event.remove(engine, "before_cursor_execute", counter)


def _grow(app: Flask, make_campaign: Callable[..., Campaign]) -> None:
    """Add campaigns, news and public signers: an N+1 would show as more queries."""
    with app.app_context():
        extra = [make_campaign(slug=f"c{n}", title=f"Campaign {n}") for n in range(4)]
        first = db.session.get(Campaign, 1)
        for n in range(5):
            _add_news([first, *extra], title=f"News {n}")
        for n in range(5):
            db.session.add(
                Signature(
                    campaign_id=1,
                    full_name=f"Signer {n}",
                    email=f"s{n}@example.org",
                    email_key=f"s{n}@example.org",
                    country="SV",
                    confirmed_at=utcnow(),
                    public_name_at=utcnow(),
                )
            )
            counting.add(1, 1)
        db.session.commit()


# Statements per page: at most these, and no more as the data grows.
QUERY_BUDGET = {
    "/": 5,
    "/c/fair-pay": 8,
    "/news": 4,
    "/news/1": 4,
    "/c/fair-pay/tally.json": 2,
}


def test_pages_run_a_fixed_small_number_of_queries(
    site: Flask, count_queries: Callable[[str], int], make_campaign
):
    small = {path: count_queries(path) for path in QUERY_BUDGET}
    _grow(site, make_campaign)
    large = {path: count_queries(path) for path in QUERY_BUDGET}
    assert large == small
    for path, budget in QUERY_BUDGET.items():
        assert large[path] <= budget, (path, large[path])
