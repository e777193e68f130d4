"""Several mail workers and many confirmations at once, on SQLite and PostgreSQL."""

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from sqlalchemy import func, select, update

from campaigns import outbox, tokens
from campaigns.extensions import db
from campaigns.models import Campaign, OutboxMessage, Signature, SignatureCounter
from campaigns.services import counting, signing
from tests.conftest import Mailbox

MESSAGES = 120
WORKERS = 3
SIGNERS = 50


def _queue_messages(app: Flask) -> None:
    with app.app_context():
        db.session.add_all(
            OutboxMessage(
                recipient=f"reader{n}@example.org",
                subject=f"Message {n}",
                body_text=f"Hello {n}",
                kind="test",
            )
            for n in range(MESSAGES)
        )
        db.session.commit()


def _run_worker(app: Flask) -> int:
    with app.app_context():
        try:
            return outbox.run_worker(once=True)
        finally:
            db.session.remove()


def test_parallel_mail_workers_deliver_each_message_once(
    mail_app: Flask, smtp_server: Mailbox
):
    mail_app.config["MAIL_BATCH_SIZE"] = 10  # many small claims, so workers interleave
    _queue_messages(mail_app)
    with ThreadPoolExecutor(WORKERS) as pool:
        attempted = list(pool.map(_run_worker, [mail_app] * WORKERS))

    assert sum(attempted) == MESSAGES
    assert sum(1 for n in attempted if n) > 1, "one worker took everything"
    ids = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert len(ids) == MESSAGES
    assert set(ids.values()) == {1}
    with mail_app.app_context():
        unsent = select(func.count()).where(OutboxMessage.sent_at.is_(None))
        assert db.session.scalar(unsent) == 0


def _pending_signatures(app: Flask, make_campaign: Callable[..., Campaign]) -> list:
    with app.app_context():
        campaign = make_campaign()
        signatures = [
            Signature(
                campaign=campaign,
                full_name=f"Signer {n}",
                email=f"signer{n}@example.org",
                email_key=f"signer{n}@example.org",
                country="SV",
            )
            for n in range(SIGNERS)
        ]
        db.session.add_all(signatures)
        db.session.commit()
        return [tokens.make_confirm_token(s.public_id) for s in signatures]


def _confirm(app: Flask, token: str) -> int | None:
    with app.app_context():
        try:
            return signing.confirm(token).signer_number
        finally:
            db.session.remove()


def _confirmed_rows() -> int:
    return db.session.scalar(
        select(func.count()).where(Signature.confirmed_at.is_not(None))
    )


def test_fifty_concurrent_confirmations_are_all_counted(
    app: Flask, make_campaign: Callable[..., Campaign]
):
    confirm_tokens = _pending_signatures(app, make_campaign)
    with ThreadPoolExecutor(SIGNERS) as pool:
        numbers = list(pool.map(lambda t: _confirm(app, t), confirm_tokens))

    assert all(numbers)
    with app.app_context():
        assert _confirmed_rows() == SIGNERS
        assert counting.tally(1).count == SIGNERS
        shards = db.session.scalar(select(func.count()).select_from(SignatureCounter))
        assert shards > 1  # spread over several counter rows, not one hot row
        assert counting.recount(db.session.get(Campaign, 1)) == (SIGNERS, SIGNERS)


def test_recount_repairs_a_corrupted_shard(app: Flask, make_campaign, runner):
    confirm_tokens = _pending_signatures(app, make_campaign)
    for token in confirm_tokens[:7]:
        _confirm(app, token)
    with app.app_context():
        db.session.execute(
            update(SignatureCounter).values(confirmed=SignatureCounter.confirmed + 40)
        )
        db.session.commit()
        assert counting.tally(1).count > 7

    with app.app_context():  # as `flask` gives its commands
        result = runner.invoke(args=["recount", "fair-pay"])
        assert result.exit_code == 0, result.output
        assert "fair-pay: 7 repaired" in result.output
        assert counting.tally(1).count == 7
        assert counting.recount(db.session.get(Campaign, 1)) == (7, 7)


def test_worker_sends_headers_and_bodies_intact(mail_app: Flask, smtp_server: Mailbox):
    subject = "Подтвердите подпись — «Справедливая оплата труда» — Salaire équitable"
    with mail_app.app_context():
        db.session.add(
            OutboxMessage(
                recipient="José <jose@example.org>",
                subject=subject,
                body_text="Bonjour José,\n.\nFin",
                body_html="<p>Bonjour José</p>",
                kind="test",
            )
        )
        db.session.commit()
        assert outbox.run_worker(once=True) == 1
    [message] = smtp_server.messages
    assert message["Subject"] == subject
    assert message["To"] == "José <jose@example.org>"
    text = message.get_body(("plain",)).get_content()
    assert text.replace("\r\n", "\n").strip() == "Bonjour José,\n.\nFin"
    assert message.get_body(("html",)).get_content().strip() == "<p>Bonjour José</p>"
