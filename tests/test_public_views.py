import pytest
from sqlalchemy import func, select, update

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignNews,
    CampaignStatus,
    NewsItem,
    OutboxMessage,
    Signature,
)
from tests.helpers import SIGNER, form_token, sign


@pytest.fixture
def campaign(app, make_campaign):
    with app.app_context():
        make_campaign()
    return "fair-pay"


def _stored(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(select(Signature.email, Signature.full_name)).all()
        return [tuple(row) for row in rows]


def test_home_lists_live_campaigns_and_news(client, campaign):
    page = client.get("/").get_data(as_text=True)
    assert "Fair pay now" in page
    assert 'data-tally-url="/c/fair-pay/tally.json"' in page


def test_campaign_page_has_text_tally_form_and_open_graph(client, campaign):
    page = client.get("/c/fair-pay").get_data(as_text=True)
    assert "<strong>workers</strong>" in page  # Markdown rendered
    assert 'property="og:title" content="Fair pay now"' in page
    assert 'name="form_token"' in page
    assert 'type="checkbox"' in page
    assert "checked" not in page


def test_campaign_markdown_cannot_inject_script(app, client, make_campaign):
    with app.app_context():
        make_campaign(body="<script>alert(1)</script> [x](javascript:alert(1))")
    page = client.get("/c/fair-pay").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page


def test_unknown_and_draft_campaigns_are_404(app, client, make_campaign):
    with app.app_context():
        make_campaign(slug="secret", status=CampaignStatus.DRAFT, published_at=None)
    assert client.get("/c/nope").status_code == 404
    assert client.get("/c/secret").status_code == 404
    assert client.post("/c/secret/sign", data=SIGNER).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "valid email address"),
        ("email", "a" * 250 + "@example.org", "too long"),
        ("email", "", "enter your email"),
        ("full_name", "", "enter your name"),
        ("full_name", "x" * 201, "Field cannot be longer than 200 characters"),
        ("country", "XX", "choose your country"),
        ("country", "", "choose your country"),
        ("comment", "y" * 501, "under 500 characters"),
    ],
)
def test_bad_sign_input_is_explained_and_stores_nothing(
    app, client, campaign, field, value, message
):
    response = sign(client, campaign, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored(app) == []


def test_missing_or_forged_form_token_is_400_and_keeps_the_input(app, client, campaign):
    for token in ("", "forged.token.value"):
        response = client.post("/c/fair-pay/sign", data=SIGNER | {"form_token": token})
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "This form had expired" in page
        assert 'value="Ana Flores"' in page
    assert _stored(app) == []


def test_form_token_of_another_campaign_is_refused(app, client, make_campaign):
    with app.app_context():
        make_campaign()
        make_campaign(slug="other", title="Other")
    other_token = form_token(client, "other")
    response = client.post(
        "/c/fair-pay/sign", data=SIGNER | {"form_token": other_token}
    )
    assert response.status_code == 400


def test_closed_campaign_shows_outcome_and_refuses_signatures(app, client, campaign):
    token = form_token(client, campaign)
    with app.app_context():
        db.session.execute(
            update(Campaign).values(
                status="closed", closed_at=utcnow(), outcome="Won: wages paid"
            )
        )
        db.session.commit()
    page = client.get("/c/fair-pay").get_data(as_text=True)
    assert "Won: wages paid" in page
    assert 'name="form_token"' not in page
    response = client.post("/c/fair-pay/sign", data=SIGNER | {"form_token": token})
    assert response.status_code == 409
    assert "has closed" in response.get_data(as_text=True)
    assert _stored(app) == []


def test_oversized_body_is_413(client, campaign):
    response = client.post(
        "/c/fair-pay/sign", data=SIGNER | {"comment": "x" * (2 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert "too much data" in response.get_data(as_text=True)


def test_same_address_twice_looks_the_same_and_signs_once(app, client, campaign):
    first = sign(client, campaign)
    second = sign(client, campaign, email="ANA@example.org")
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert len(_stored(app)) == 1
    with app.app_context():
        kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds == ["confirmation_request", "confirmation_request"]


def test_resent_emails_are_bounded(app, client, campaign):
    for _ in range(8):
        sign(client, campaign)
    with app.app_context():
        sent = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert sent == app.config["MAX_EMAILS_PER_SIGNATURE"]


def test_tally_json_and_its_304(client, campaign):
    response = client.get("/c/fair-pay/tally.json")
    assert response.json == {"count": 0, "goal": 100, "updated_at": None}
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get(
        "/c/fair-pay/tally.json", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.data == b""


def test_news_pages_show_related_campaign_tally_and_sign_link(app, client, campaign):
    with app.app_context():
        item = NewsItem(
            title="Factory closes", summary="Workers unpaid.", source="Demo"
        )
        fair_pay = db.session.scalar(select(Campaign))
        item.campaign_links.append(CampaignNews(campaign=fair_pay))
        db.session.add(item)
        db.session.commit()
        item_id = item.id
    listing = client.get("/news").get_data(as_text=True)
    detail = client.get(f"/news/{item_id}").get_data(as_text=True)
    for page in (listing, detail):
        assert "Factory closes" in page
        assert "/c/fair-pay/tally.json" in page
        assert 'href="/c/fair-pay#sign"' in page
    assert client.get("/news/999").status_code == 404
    assert client.get("/news?page=0").status_code == 404
    assert client.get("/news?page=abc").status_code == 200


def test_mailbox_is_hidden_outside_debug(client):
    assert client.get("/_mailbox/").status_code == 404
