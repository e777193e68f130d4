"""News items: writing, linking with the tally, and importing feeds from files."""

import threading
from datetime import UTC, datetime
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import select

from campaigns.errors import FeedError
from campaigns.extensions import db
from campaigns.models import CampaignNews, CampaignOrganizer, NewsItem
from campaigns.services import counting, news
from tests.conftest import login_as
from tests.helpers import csrf_token, post_form

DATA = Path(__file__).parent / "data"


def _read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _titles() -> list[str]:
    return list(db.session.scalars(select(NewsItem.title).order_by(NewsItem.title)))


def test_feed_import_skips_duplicates_and_broken_entries(app_ctx, make_campaign):
    campaign = make_campaign()
    counting.add(campaign.id, 7)
    entries, broken = news.read_feed(_read("feed_rss.xml"))
    assert broken == 2  # one without a title, one with neither id nor link
    result = news.import_entries(entries, author=None, campaign=campaign)
    assert (result.added, result.duplicates) == (3, 1)
    occupation = db.session.scalar(
        select(NewsItem).where(NewsItem.guid == "https://news.example.org/occupation")
    )
    assert occupation.title == "Florenzi workers occupy the factory"
    assert occupation.summary == "They will not leave until paid & safe."
    assert occupation.source == "Workers' News"
    assert occupation.published_at == datetime(2021, 1, 12, 9, tzinfo=UTC)
    lyon = db.session.scalar(select(NewsItem).where(NewsItem.guid == "lyon-solidarity"))
    assert lyon.url is None  # a javascript: link is not kept
    ministry = db.session.scalar(
        select(NewsItem).where(NewsItem.guid == "ministry-2021-01-15")
    )
    assert ministry.published_at == datetime(2021, 1, 15, 17, 30, tzinfo=UTC)
    links = db.session.scalars(select(CampaignNews)).all()
    assert [link.tally_at_link for link in links] == [7, 7, 7]

    again = news.import_entries(
        news.read_feed(_read("feed_rss.xml"))[0], author=None, campaign=None
    )
    assert (again.added, again.duplicates) == (0, 4)
    assert len(_titles()) == 3


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("feed_latin1.xml", "Grève générale à São Paulo : déjà 10 000 grévistes"),
        ("feed_mislabelled.xml", "Café workers strike"),
    ],
)
def test_feed_import_reads_non_utf8_feeds(app_ctx, name, title):
    entries, broken = news.read_feed(_read(name))
    news.import_entries(entries, author=None, campaign=None)
    assert (_titles(), broken) == ([title], 0)


def test_not_a_feed_is_refused(app_ctx):
    with pytest.raises(FeedError):
        news.read_feed(_read("not_a_feed.html"))
    with pytest.raises(FeedError):
        news.read_feed(b"\x00\xff garbage")


def test_fetch_refuses_other_schemes():
    with pytest.raises(FeedError):
        news.fetch_feed("file:///etc/passwd")


def test_fetch_reads_a_feed_over_http_from_loopback(app_ctx):
    handler = partial(SimpleHTTPRequestHandler, directory=str(DATA))
    handler.log_message = lambda *args: None
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/feed_latin1.xml"
        entries, _ = news.read_feed(news.fetch_feed(url))
        assert [entry.guid for entry in entries] == ["urn:uuid:greve-sao-paulo"]
        with pytest.raises(FeedError):
            news.fetch_feed(f"http://127.0.0.1:{server.server_port}/missing.xml")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def owner(app, make_campaign, make_organizer) -> str:
    with app.app_context():
        campaign = make_campaign()
        organizer = make_organizer()
        db.session.add(CampaignOrganizer(campaign=campaign, organizer=organizer))
        db.session.commit()
        return organizer.get_id()


def _upload(client, name: str, **fields):
    token = csrf_token(client, "/organize/news/import")
    with (DATA / name).open("rb") as feed:
        data = {"csrf_token": token, "feed_file": (feed, name), **fields}
        return client.post("/organize/news/import", data=data)


def test_feed_upload_from_the_web_links_items(app, client, owner):
    login_as(client, owner)
    response = _upload(client, "feed_rss.xml", campaign="fair-pay")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Imported 3 items; skipped 1 already imported and 2 without a title" in page
    assert _upload(client, "feed_rss.xml").status_code == 303
    with app.app_context():
        assert len(_titles()) == 3
        assert len(db.session.scalars(select(CampaignNews)).all()) == 3


@pytest.mark.parametrize(
    ("name", "fields", "message"),
    [
        ("not_a_feed.html", {}, "could not be read as an RSS or Atom feed"),
        ("feed_rss.xml", {"url": "https://example.org/feed"}, "either a feed address"),
    ],
)
def test_bad_feed_uploads_change_nothing(app, client, owner, name, fields, message):
    login_as(client, owner)
    response = _upload(client, name, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert _titles() == []


def test_cli_import_feed(app, runner, owner):
    result = runner.invoke(
        args=["import-feed", str(DATA / "feed_rss.xml"), "--campaign", "fair-pay"]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 3 items; skipped 1 already imported and 2 broken" in result.output
    missing = runner.invoke(args=["import-feed", str(DATA / "missing.xml")])
    assert missing.exit_code == 1
    assert "Could not read the feed" in missing.output


def test_news_crud_and_linking_records_the_tally(app, client, owner):
    login_as(client, owner)
    created = post_form(
        client,
        "/organize/news/new",
        {"title": "Strike day", "url": "https://example.org/s", "summary": "Big."},
    )
    assert created.status_code == 303
    with app.app_context():
        counting.add(1, 12282)
        db.session.commit()
    page = "/organize/campaigns/fair-pay/news"
    assert post_form(client, page, {"news_item_id": "1"}).status_code == 303
    assert "12,282 signatures when linked" in client.get(page).get_data(as_text=True)
    assert "12,282 signatures at the time" in client.get("/c/fair-pay").get_data(
        as_text=True
    )
    edited = post_form(
        client, "/organize/news/1/edit", {"title": "Strike day, updated"}
    )
    assert edited.status_code == 303
    assert post_form(client, "/organize/news/1/edit", {"title": ""}).status_code == 422
    bad_url = post_form(client, "/organize/news/1/edit", {"title": "x", "url": "nope"})
    assert bad_url.status_code == 422
    unlinked = post_form(client, page + "/1/unlink", page=page)
    assert unlinked.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(CampaignNews)).all() == []
    deleted = post_form(client, "/organize/news/1/delete", page="/organize/news")
    assert deleted.status_code == 303
    with app.app_context():
        assert _titles() == []
