"""Launching and running campaigns: slugs, preview, publish, close, team, dashboard."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from campaigns.clock import utcnow
from campaigns.errors import CampaignStateError, SlugError
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignOrganizer,
    CampaignStatus,
    OutboxMessage,
    Signature,
)
from campaigns.services import dashboard, publishing
from tests.conftest import login_as
from tests.helpers import outbox_contents, post_form


def test_slug_suggestions_are_ascii_and_unique(app_ctx, make_campaign):
    assert (
        publishing.slugify("¡Libertad para Amar Fayaz!") == "libertad-para-amar-fayaz"
    )
    assert publishing.slugify("日本") == "campaign"
    make_campaign(slug="fair-pay")
    make_campaign(slug="fair-pay-2")
    assert publishing.suggest_slug("Fair pay!") == "fair-pay-3"


def test_slug_is_fixed_once_live(app_ctx, make_campaign, make_organizer):
    owner = make_organizer()
    draft = publishing.create(owner, publishing.CampaignDetails(title="Fair pay"))
    publishing.update(
        draft, publishing.CampaignDetails(title="Fair pay", slug="pay-up")
    )
    assert draft.slug == "pay-up"
    publishing.publish(draft)
    with pytest.raises(SlugError, match="locked"):
        publishing.update(draft, publishing.CampaignDetails(title="x", slug="other"))
    with pytest.raises(CampaignStateError):
        publishing.publish(draft)
    make_campaign(slug="taken")
    with pytest.raises(SlugError, match="taken"):
        publishing.create(owner, publishing.CampaignDetails(title="x", slug="taken"))


def _signer(campaign, n: int, **fields) -> Signature:
    now = utcnow()
    values = {
        "campaign": campaign,
        "full_name": f"Signer {n}",
        "email": f"s{n}@example.org",
        "email_key": f"s{n}@example.org",
        "country": "SV",
        "confirmed_at": now,
        "keep_informed_at": now,
    }
    return Signature(**(values | fields))


def test_close_emails_only_counted_signers_who_asked(app_ctx, make_campaign):
    campaign = make_campaign()
    db.session.add_all(
        [
            _signer(campaign, 1),
            _signer(campaign, 2, keep_informed_at=None),
            _signer(campaign, 3, confirmed_at=None),
            _signer(campaign, 4, withdrawn_at=utcnow()),
            _signer(campaign, 5),
            _signer(campaign, 6, suspect_at=utcnow(), suspect_reason="ip-burst"),
        ]
    )
    db.session.commit()
    assert publishing.close(campaign, "  Won: wages paid.  ") == 2
    assert campaign.outcome == "Won: wages paid."
    assert campaign.closed_at is not None
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    assert [m.recipient for m in messages] == ["s1@example.org", "s5@example.org"]
    [first, _] = outbox_contents()
    assert first.subject == "Campaign closed: Fair pay now"
    assert "Won: wages paid." in first.text
    assert "Signer 1" in first.text
    with pytest.raises(CampaignStateError):
        publishing.close(campaign, "again")


def test_unsubscribe_is_idempotent_and_refuses_bad_tokens(app, client, make_campaign):
    with app.app_context():
        campaign = make_campaign()
        db.session.add(_signer(campaign, 1))
        db.session.commit()
        publishing.close(campaign, "Won.")
        [content] = outbox_contents()
        body = content.text
    path = body.split("http://localhost")[-1].split()[0]
    assert path.startswith("/s/unsubscribe/")
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200
    assert "already receive no updates" in client.get(path).get_data(as_text=True)
    assert client.post("/s/unsubscribe/forged").status_code == 400
    with app.app_context():
        signature = db.session.scalar(select(Signature))
        assert signature.keep_informed_at is None
        assert signature.counts


@pytest.fixture
def owner(app, make_organizer) -> str:
    with app.app_context():
        return make_organizer().get_id()


def test_preview_renders_markdown_without_saving(app, client, owner):
    login_as(client, owner)
    response = post_form(
        client,
        "/organize/campaigns/new",
        {
            "title": "T",
            "goal": "10",
            "body": "**bold** <script>x</script>",
            "preview": "1",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>bold</strong>" in page
    assert "<script>x" not in page
    with app.app_context():
        assert db.session.scalars(select(Campaign)).all() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Please give the campaign a title."),
        ({"slug": "Not A Slug"}, "single hyphens"),
        ({"goal": "0"}, "Set a goal above zero."),
        ({"goal": "many"}, "Not a valid integer value."),
        (
            {"opens_at": "2026-05-01T10:00", "closes_at": "2026-04-01T10:00"},
            "must come after the opening",
        ),
    ],
)
def test_campaign_form_rejects_bad_input(app, client, owner, fields, message):
    login_as(client, owner)
    data = {"title": "Fair pay", "goal": "100"} | fields
    response = post_form(client, "/organize/campaigns/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Campaign)).all() == []


def test_edit_keeps_the_slug_of_a_live_campaign(app, client, owner, make_campaign):
    with app.app_context():
        campaign = make_campaign()
        db.session.add(CampaignOrganizer(campaign=campaign, organizer_id=1))
        db.session.commit()
    login_as(client, owner)
    page = "/organize/campaigns/fair-pay/edit"
    response = post_form(client, page, {"title": "New", "slug": "moved", "goal": "5"})
    assert response.status_code == 422
    assert "cannot change once the campaign is live" in response.get_data(as_text=True)
    saved = post_form(
        client,
        page,
        {
            "title": "New title",
            "slug": "fair-pay",
            "goal": "5",
            "opens_at": "2026-01-02T03:04",
        },
    )
    assert saved.status_code == 303
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        assert (campaign.title, campaign.goal) == ("New title", 5)
        assert campaign.opens_at == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


def test_closing_a_draft_is_refused(app, client, owner, make_campaign):
    with app.app_context():
        campaign = make_campaign(status=CampaignStatus.DRAFT, published_at=None)
        db.session.add(CampaignOrganizer(campaign=campaign, organizer_id=1))
        db.session.commit()
    login_as(client, owner)
    page = "/organize/campaigns/fair-pay/close"
    assert client.get(page).status_code == 409
    assert (
        post_form(client, page, {"outcome": "x"}, page="/organize/").status_code == 409
    )


def test_team_owner_adds_and_removes_a_co_organizer(
    app, client, owner, make_campaign, make_organizer
):
    with app.app_context():
        campaign = make_campaign()
        db.session.add(CampaignOrganizer(campaign=campaign, organizer_id=1))
        make_organizer("co@example.org")
        db.session.commit()
    login_as(client, owner)
    page = "/organize/campaigns/fair-pay/team"
    assert post_form(client, page, {"email": "nobody@example.org"}).status_code == 422
    assert post_form(client, page, {"email": "CO@example.org"}).status_code == 303
    assert post_form(client, page, {"email": "co@example.org"}).status_code == 422
    assert "co@example.org" in client.get(page).get_data(as_text=True)
    assert post_form(client, page + "/1/remove", page=page).status_code == 404  # owner
    assert post_form(client, page + "/2/remove", page=page).status_code == 303
    with app.app_context():
        assert len(publishing.team(db.session.get(Campaign, 1))) == 1


def test_dashboard_counts_and_chart(app, client, owner, make_campaign):
    with app.app_context():
        campaign = make_campaign()
        db.session.add(CampaignOrganizer(campaign=campaign, organizer_id=1))
        yesterday = utcnow() - timedelta(days=1)
        db.session.add_all(
            [
                _signer(campaign, 1, confirmed_at=yesterday),
                _signer(campaign, 2, confirmed_at=yesterday, country="FR"),
                _signer(campaign, 3),
                _signer(campaign, 4, confirmed_at=None),
                _signer(campaign, 5, withdrawn_at=utcnow()),
                _signer(campaign, 6, confirmed_at=utcnow() - timedelta(days=90)),
            ]
        )
        db.session.commit()
        counts = dashboard.signature_counts(campaign)
        assert (counts.confirmed, counts.pending, counts.withdrawn) == (4, 1, 1)
        chart = dashboard.chart(campaign)
        assert [bar.count for bar in chart.bars[-2:]] == [2, 1]
        assert chart.total == 3  # the 90-day-old one is outside the chart
        assert chart.bars[-2].height == dashboard.CHART_HEIGHT
        assert chart.bars[-1].height == dashboard.CHART_HEIGHT / 2
    login_as(client, owner)
    page = client.get("/organize/campaigns/fair-pay").get_data(as_text=True)
    assert "<svg" in page
    assert 'class="chart-bar"' in page
    assert "style=" not in page
    assert "<script" not in page
    assert "France" in page


def test_chart_of_a_closed_campaign_ends_when_it_closed(app_ctx, make_campaign):
    closed = datetime(2021, 1, 4, 8, tzinfo=UTC)
    campaign = make_campaign(status=CampaignStatus.CLOSED, closed_at=closed)
    db.session.add(_signer(campaign, 1, confirmed_at=closed - timedelta(days=2)))
    db.session.commit()
    chart = dashboard.chart(campaign)
    assert chart.bars[-1].day == closed.date()
    assert [bar.count for bar in chart.bars[-3:]] == [1, 0, 0]
