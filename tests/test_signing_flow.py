from sqlalchemy import event, func, select

from campaigns import outbox, tokens
from campaigns.extensions import db
from campaigns.models import Campaign, CampaignStatus, Signature
from campaigns.services import counting, publishing
from tests.helpers import SIGNER, form_token, sign


def test_sign_confirm_by_email_counts_once(
    mail_app, client, smtp_server, make_campaign
):
    with mail_app.app_context():
        make_campaign()
    response = sign(client, "fair-pay")
    assert response.status_code == 303
    assert client.get(response.location).status_code == 200

    with mail_app.app_context():
        assert outbox.run_worker(once=True) == 1
    [message] = smtp_server.to("ana@example.org")
    confirm_url = next(u for u in smtp_server.links(message) if "/s/confirm/" in u)
    path = confirm_url.replace("http://localhost", "")

    page = client.get(path)
    assert "Confirm my signature" in page.get_data(as_text=True)
    with mail_app.app_context():
        assert counting.tally(1).count == 0  # opening the link confirms nothing

    done = client.post(path)
    assert "You are signer number 1." in done.get_data(as_text=True)
    client.post(path)
    with mail_app.app_context():
        assert counting.tally(1).count == 1
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 1


def test_a_sign_post_reads_no_campaign_and_writes_in_three_statements(
    app, client, make_campaign
):
    with app.app_context():
        make_campaign()
        engine = db.engine
    sign(client, "fair-pay", email="first@example.org")  # the campaign's id is kept
    data = SIGNER | {"form_token": form_token(client, "fair-pay")}
    statements: list[str] = []

    def record(_conn, _cursor, statement: str, *_args) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.post("/c/fair-pay/sign", data=data).status_code == 303
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # The burst counts, the signature (its campaign checked inside), the email.
    assert len(statements) == 3, statements
    assert statements[1].startswith("INSERT INTO signature")
    assert "EXISTS (SELECT" in statements[1]
    assert statements[2].startswith("INSERT INTO outbox_message")


def test_a_draft_cannot_be_signed_until_it_is_published(app, client, make_campaign):
    with app.app_context():
        draft = make_campaign(status=CampaignStatus.DRAFT, published_at=None)
        token = tokens.make_sign_form_token(draft.id)
    forged = SIGNER | {"form_token": token}
    assert client.post("/c/fair-pay/sign", data=forged).status_code == 404
    with app.app_context():
        publishing.publish(db.session.get_one(Campaign, draft.id))
    assert sign(client, "fair-pay").status_code == 303
