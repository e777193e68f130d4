from sqlalchemy import func, select, update

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignNews,
    NewsItem,
    OutboxMessage,
    SignatureCounter,
)
from campaigns.services import counting, demo, signing
from tests.helpers import signed
from tests.test_signing import DETAILS


def test_demo_fills_an_empty_database(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Loaded 2 campaigns" in result.output
    with app.app_context():
        slugs = set(db.session.scalars(select(Campaign.slug)))
        assert slugs == {demo.FLORENZI, demo.AMAR_FAYAZ}
        assert db.session.scalar(select(func.count()).select_from(NewsItem)) == 4
        amar = db.session.scalar(select(Campaign).filter_by(slug=demo.AMAR_FAYAZ))
        assert amar.is_closed
        assert "released on 3 January" in amar.outcome
        links = db.session.scalars(
            select(CampaignNews).where(CampaignNews.campaign_id == amar.id)
        ).all()
        assert {link.tally_at_link for link in links} == {75, 125}
        assert counting.recount(amar) == (125, 125)


def test_demo_leaves_a_non_empty_database_alone(app, runner, make_campaign):
    with app.app_context():
        make_campaign()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "not loaded" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_demo_pages_render(app, runner, client):
    runner.invoke(args=["demo"])
    for path in ("/", "/c/florenzi-workers", "/c/amar-fayaz", "/news", "/news/1"):
        assert client.get(path).status_code == 200, path


def test_recount_repairs_a_wrong_tally(app, runner, make_campaign):
    with app.app_context():
        campaign = make_campaign()
        signature = signed(campaign, DETAILS)
        signing.confirm(signing.tokens.make_confirm_token(signature.public_id))
        db.session.execute(update(SignatureCounter).values(confirmed=7))
        db.session.commit()
    result = runner.invoke(args=["recount"])
    assert "fair-pay: 1 repaired (was 7)" in result.output
    result = runner.invoke(args=["recount", "fair-pay"])
    assert "fair-pay: 1 ok" in result.output
    assert runner.invoke(args=["recount", "nope"]).exit_code != 0


def test_mail_worker_once_prints_to_console_without_smtp(app, runner, make_campaign):
    with app.app_context():
        signed(make_campaign(), DETAILS)
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0
    assert "Please confirm your signature: Fair pay now" in result.output
    assert "/s/confirm/" in result.output
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.sent_at)) is not None


def test_every_command_explains_itself(runner):
    for command in ("demo", "recount", "mail-worker"):
        result = runner.invoke(args=[command, "--help"])
        assert result.exit_code == 0
        assert len(result.output.splitlines()) > 2
