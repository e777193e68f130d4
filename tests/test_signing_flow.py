from sqlalchemy import func, select

from campaigns import outbox
from campaigns.extensions import db
from campaigns.models import Signature
from campaigns.services import counting
from tests.helpers import sign


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
