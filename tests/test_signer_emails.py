"""Every email to a signer carries its signature's withdraw link and the data page."""

import re
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, select

from campaigns import emails, outbox
from campaigns.clock import utcnow
from campaigns.extensions import db
from campaigns.models import OutboxMessage, Signature
from tests.helpers import outbox_contents


def _links(text: str) -> list[str]:
    return [urlsplit(url).path for url in re.findall(r"https?://[^\s\"<>]+", text)]


@pytest.mark.parametrize("kind", list(emails.SignerEmail))
def test_signer_email_links_to_withdraw_and_to_the_data_page(
    app, client, make_campaign, kind
):
    with app.test_request_context():
        campaign = make_campaign(outcome="The wages were paid.")
        signature = Signature(
            campaign=campaign,
            full_name="Ana Flores",
            email="Ana@Example.org",
            email_key="ana@example.org",
            country="SV",
            confirmed_at=utcnow(),
            keep_informed_at=utcnow(),
        )
        db.session.add(signature)
        db.session.flush()
        emails.queue_signer_email(kind, signature.id, signature.email)
        db.session.commit()
        signature_id = signature.id
        message = db.session.scalar(
            select(OutboxMessage).options(outbox.WITH_SIGNATURE).filter_by(kind=kind)
        )
        content = emails.content_of(message)
    for body in (content.text, content.html):
        links = _links(body)
        [withdraw] = [link for link in links if link.startswith("/s/withdraw/")]
        [data] = [link for link in links if link.startswith("/my-data/")]
        page = client.get(withdraw)
        assert page.status_code == 200
        assert "Fair pay now" in page.get_data(as_text=True)
        assert "ana@example.org" in client.get(data).get_data(as_text=True).lower()
    assert client.post(withdraw).status_code == 200
    with app.app_context():
        assert db.session.get(Signature, signature_id).is_withdrawn


def _pending_signature(campaign, address: str = "ana@example.org", **fields):
    signature = Signature(
        campaign=campaign,
        full_name="Ana Flores",
        email=address,
        email_key=address,
        country="SV",
        **fields,
    )
    db.session.add(signature)
    db.session.flush()
    emails.queue_signer_email(
        emails.SignerEmail.CONFIRMATION_REQUEST, signature.id, signature.email
    )
    return signature


def test_a_signer_is_written_to_in_the_language_they_signed_in(app_ctx, make_campaign):
    _pending_signature(make_campaign(), locale="ur")
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert message.body_text is None  # rendered when sent, not when queued
    with force_locale("en"):  # whatever language the worker itself runs in
        [content] = outbox_contents()
    assert '<html lang="ur">' in content.html
    assert content.subject == "Please confirm your signature: Fair pay now"


def test_deleting_a_signature_deletes_the_mail_still_waiting_for_it(
    app_ctx, make_campaign
):
    campaign = make_campaign()
    gone = _pending_signature(campaign).id
    _pending_signature(campaign, "bo@example.org")
    db.session.commit()
    db.session.execute(delete(Signature).where(Signature.id == gone))
    db.session.commit()
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == [
        "bo@example.org"
    ]
    assert outbox.run_worker(once=True) == 1
