"""Moderating statements: who may, and what each action records."""

from datetime import date

import pytest
from sqlalchemy import select

from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import CampaignOrganizer, OrganizerRole, Statement, StatementEdit
from tests.conftest import login_as
from tests.helpers import add_statement, csrf_token

QUEUE = "/organize/campaigns/fair-pay/statements"


@pytest.fixture
def people(app, make_campaign, make_organizer) -> dict[str, str]:
    """Session ids of: owner, co-organizer, admin, organizer of another campaign."""
    with app.app_context():
        campaign = make_campaign()
        other = make_campaign(slug="other", title="Another campaign")
        add_statement(campaign)
        add_statement(other, body="Solidarity from afar.")
        owner = make_organizer("owner@example.org")
        co = make_organizer("co@example.org")
        admin = make_organizer("admin@example.org", is_admin=True)
        stranger = make_organizer("stranger@example.org")
        db.session.add_all(
            [
                CampaignOrganizer(campaign_id=campaign.id, organizer_id=owner.id),
                CampaignOrganizer(
                    campaign_id=campaign.id,
                    organizer_id=co.id,
                    role=OrganizerRole.CO_ORGANIZER,
                ),
                CampaignOrganizer(campaign_id=other.id, organizer_id=stranger.id),
            ]
        )
        db.session.commit()
        return {
            name: person.get_id()
            for name, person in (
                ("owner", owner),
                ("co", co),
                ("admin", admin),
                ("stranger", stranger),
            )
        }


def _approved_at(app):
    with app.app_context():
        return db.session.get(Statement, 1).approved_at


@pytest.mark.parametrize("who", ["owner", "co", "admin"])
def test_campaign_organizers_and_admins_moderate(app, client, people, who):
    login_as(client, people[who])
    token = csrf_token(client, QUEUE)
    assert "We stand with you." in client.get(QUEUE).get_data(as_text=True)
    response = client.post(f"{QUEUE}/1/approve", data={"csrf_token": token})
    assert response.status_code == 303
    assert _approved_at(app) is not None
    assert client.get(f"{QUEUE}.csv").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", QUEUE),
        ("get", f"{QUEUE}.csv"),
        ("get", f"{QUEUE}/1/edit"),
        ("post", f"{QUEUE}/1/approve"),
        ("post", f"{QUEUE}/1/reject"),
        ("post", f"{QUEUE}/1/forward"),
        ("post", f"{QUEUE}/1/edit"),
    ],
)
def test_organizer_of_another_campaign_gets_404(app, client, people, method, path):
    login_as(client, people["stranger"])
    token = csrf_token(client, "/organize/campaigns/other/statements")
    data = {"csrf_token": token, "body": "Changed", "forwarded_on": "2026-11-01"}
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 404
    with app.app_context():
        statement = db.session.get(Statement, 1)
        assert statement.approved_at is None
        assert statement.rejected_at is None
        assert statement.body == "We stand with you."
        assert statement.forwarded_on is None


def test_statement_of_another_campaign_is_404(app, client, people):
    login_as(client, people["stranger"])
    token = csrf_token(client, "/organize/campaigns/other/statements")
    response = client.post(
        "/organize/campaigns/other/statements/1/approve", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert _approved_at(app) is None


def test_approve_without_csrf_token_is_refused(app, client, people):
    login_as(client, people["owner"])
    assert client.post(f"{QUEUE}/1/approve").status_code == 400
    assert _approved_at(app) is None


def test_reject_keeps_reason_internal(app, client, people):
    login_as(client, people["owner"])
    token = csrf_token(client, QUEUE)
    client.post(
        f"{QUEUE}/1/reject",
        data={"csrf_token": token, "reason": "Names a worker who asked not to be."},
    )
    with app.app_context():
        statement = db.session.get(Statement, 1)
        assert statement.rejected_at is not None
        assert statement.rejection_reason == "Names a worker who asked not to be."
    page = client.get(f"{QUEUE}?show=rejected").get_data(as_text=True)
    assert "Names a worker who asked not to be." in page
    public = client.get("/c/fair-pay").get_data(as_text=True)
    assert "We stand with you." not in public
    assert "Names a worker" not in public
    assert client.get("/c/fair-pay/statements/1").status_code == 404


def test_edit_is_recorded_and_shown_as_edited(app, client, people):
    login_as(client, people["co"])
    token = csrf_token(client, QUEUE)
    client.post(f"{QUEUE}/1/approve", data={"csrf_token": token})
    response = client.post(
        f"{QUEUE}/1/edit", data={"csrf_token": token, "body": "We stand with them."}
    )
    assert response.status_code == 303
    with app.app_context():
        [change] = db.session.scalars(select(StatementEdit)).all()
        assert (change.old_body, change.new_body) == (
            "We stand with you.",
            "We stand with them.",
        )
        assert change.editor.email == "co@example.org"
    history = client.get(f"{QUEUE}/1/edit").get_data(as_text=True)
    assert "We stand with you." in history
    assert "co" in history
    public = client.get("/c/fair-pay/statements/1").get_data(as_text=True)
    assert "We stand with them." in public
    assert "edited by the organizers" in public


def test_edit_to_empty_text_is_refused(app, client, people):
    login_as(client, people["owner"])
    token = csrf_token(client, QUEUE)
    response = client.post(
        f"{QUEUE}/1/edit", data={"csrf_token": token, "body": " \u200b\n "}
    )
    assert response.status_code == 422
    assert "A statement cannot be empty." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Statement, 1).body == "We stand with you."
        assert db.session.scalar(select(StatementEdit)) is None


def test_forwarded_date_is_recorded(app, client, people):
    login_as(client, people["owner"])
    token = csrf_token(client, QUEUE)
    client.post(f"{QUEUE}/1/approve", data={"csrf_token": token})
    client.post(
        f"{QUEUE}/1/forward", data={"csrf_token": token, "forwarded_on": "2026-11-20"}
    )
    with app.app_context():
        assert db.session.get(Statement, 1).forwarded_on == date(2026, 11, 20)
    export = client.get(f"{QUEUE}.csv").get_data(as_text=True)
    assert "2026-11-20" in export


def test_bad_forward_date_is_a_message(app, client, people):
    login_as(client, people["owner"])
    token = csrf_token(client, QUEUE)
    response = client.post(
        f"{QUEUE}/1/forward", data={"csrf_token": token, "forwarded_on": "<b>soon"}
    )
    assert response.status_code == 303
    assert "Not a valid date value." in client.get(response.location).get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Statement, 1).forwarded_on is None


def test_withdrawn_statement_cannot_be_approved(app, client, people):
    login_as(client, people["owner"])
    token = csrf_token(client, QUEUE)  # the page was open when the author withdrew
    with app.app_context():
        db.session.get(Statement, 1).withdrawn_at = utcnow()
        db.session.commit()
    response = client.post(f"{QUEUE}/1/approve", data={"csrf_token": token})
    assert "withdrawn by its author" in client.get(response.location).get_data(
        as_text=True
    )
    assert _approved_at(app) is None


def test_unconfirmed_statement_is_not_in_the_queue(app, client, people):
    login_as(client, people["owner"])
    token = csrf_token(client, QUEUE)
    with app.app_context():
        db.session.get(Statement, 1).confirmed_at = None
        db.session.commit()
    assert "We stand with you." not in client.get(QUEUE).get_data(as_text=True)
    assert (
        client.post(f"{QUEUE}/1/approve", data={"csrf_token": token}).status_code == 404
    )


def test_campaign_dashboard_lists_statements_awaiting_moderation(app, client, people):
    login_as(client, people["owner"])
    page = client.get("/organize/campaigns/fair-pay").get_data(as_text=True)
    assert "Statements awaiting moderation" in page
    assert "We stand with you." in page
    assert "Solidarity from afar." not in page  # another campaign's statement
    assert f'href="{QUEUE}"' in page
