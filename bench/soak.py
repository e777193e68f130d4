"""The mixed correctness run: readers, signers, confirmers and a mail worker at once.

At the end: no 5xx, the tally equals the confirmed rows, and every signer received
exactly one confirmation email (each message delivered once).
"""

import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from queue import Empty, Queue

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from bench import client, seed
from bench.run import BIN, ROOT, app_env, free_port, gunicorn
from campaigns.extensions import db
from campaigns.models import OutboxMessage, Signature
from campaigns.services import counting

CONFIRM_LINK = re.compile(r"/s/confirm/([A-Za-z0-9_.-]+)")


@dataclass
class Sink:
    """An SMTP server that keeps the Message-IDs and hands on confirmation tokens."""

    tokens: Queue = field(default_factory=Queue)
    message_ids: Counter = field(default_factory=Counter)
    # Confirmation requests received, by recipient.
    recipients: Counter = field(default_factory=Counter)

    async def handle_DATA(self, _server, _session, envelope) -> str:
        """Record one message."""
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.message_ids[message["Message-ID"]] += 1
        body = message.get_body(("plain",)).get_content()
        for token in CONFIRM_LINK.findall(body)[:1]:
            self.recipients[message["To"]] += 1
            self.tokens.put(token)
        return "250 OK"


@dataclass
class Tally:
    """What the load threads saw."""

    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int) -> None:
        """Count one answer."""
        with self.lock:
            self.statuses[status] += 1


def _loop(stop: threading.Event, seen: Tally, step: Callable[[int], int]) -> None:
    n = 0
    while not stop.is_set():
        try:
            seen.record(step(n))
        except OSError:
            seen.record(599)
        n += 1


def _confirmer(port: int, sink: Sink, stop: threading.Event, seen: Tally) -> None:
    while not stop.is_set() or not sink.tokens.empty():
        try:
            token = sink.tokens.get(timeout=0.2)
        except Empty:
            continue
        seen.record(client.confirm(port, token, 0))


def _threads(port: int, sink: Sink, stop: threading.Event, seen: Tally) -> list:
    def reader(n: int) -> int:
        path = "/c/soak/tally.json" if n % 2 else "/c/soak"
        return client.get(port, path, n)

    def signer(prefix: str) -> Callable[[int], int]:
        return lambda n: client.sign(port, f"soak:{prefix}-{n}", n)

    loops = [reader, reader, signer("a"), signer("b")]
    threads = [threading.Thread(target=_loop, args=(stop, seen, f)) for f in loops]
    threads += [
        threading.Thread(target=_confirmer, args=(port, sink, stop, seen))
        for _ in range(2)
    ]
    return threads


def _wait_for_outbox(app: object, seconds: float) -> int:
    """Wait until the worker has sent everything; return how many are left."""
    deadline = time.monotonic() + seconds
    with app.app_context():  # type: ignore[attr-defined]
        while True:
            left = db.session.scalar(
                select(func.count()).where(OutboxMessage.sent_at.is_(None))
            )
            db.session.commit()
            if not left or time.monotonic() > deadline:
                return left


def _check(app: object, sink: Sink, seen: Tally, port: int) -> list[str]:
    problems = []
    server_errors = sum(n for status, n in seen.statuses.items() if status >= 500)
    if server_errors:
        problems.append(f"{server_errors} answers were 5xx")
    with app.app_context():  # type: ignore[attr-defined]
        confirmed = db.session.scalar(
            select(func.count()).where(Signature.confirmed_at.is_not(None))
        )
        signers = db.session.scalar(select(func.count()).select_from(Signature))
        outbox_rows = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        count = counting.tally(1).count
    if count != confirmed:
        problems.append(f"tally {count} != {confirmed} confirmed rows")
    time.sleep(1.5)  # past the tally's server cache
    shown = client.request(port, "GET", "/c/soak/tally.json")[1]
    if f'"count":{confirmed}'.encode() not in shown.replace(b" ", b""):
        problems.append(f"tally JSON shows {shown!r}, not {confirmed}")
    if set(sink.message_ids.values()) - {1}:
        problems.append("some message was delivered more than once")
    if sum(sink.message_ids.values()) != outbox_rows:
        problems.append(f"{sum(sink.message_ids.values())} delivered of {outbox_rows}")
    if len(sink.recipients) != signers or set(sink.recipients.values()) != {1}:
        problems.append("not every signer got exactly one confirmation email")
    print(
        f"  {signers} signatures, {confirmed} confirmed, tally {count}, "
        f"{outbox_rows} emails; answers {dict(sorted(seen.statuses.items()))}",
        file=sys.stderr,
    )
    return problems


def soak(database_uri: str, seconds: float) -> list[str]:
    """One mixed run against one database; returns the problems found."""
    port, smtp_port = free_port(), free_port()
    app = seed.bench_app(database_uri, f"127.0.0.1:{port}")
    seed.reset(app)
    seed.add_campaign(app, "soak")
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = app_env(
        database_uri,
        port,
        CAMPAIGNS_MAIL_SERVER="127.0.0.1",
        CAMPAIGNS_MAIL_PORT=str(smtp_port),
        CAMPAIGNS_MAIL_POLL_SECONDS="0.2",
    )
    worker = subprocess.Popen(
        [BIN / "flask", "--app", "campaigns", "mail-worker"], cwd=ROOT, env=env
    )
    stop, seen = threading.Event(), Tally()
    try:
        with gunicorn("campaigns.wsgi:app", port, env):
            threads = _threads(port, sink, stop, seen)
            for thread in threads:
                thread.start()
            time.sleep(seconds)
            stop.set()
            for thread in threads[:4]:  # readers and signers
                thread.join()
            _wait_for_outbox(app, 60)
            time.sleep(1)  # the last messages reach the sink and its token queue
            for thread in threads[4:]:  # confirmers finish the last tokens
                thread.join()
            return _check(app, sink, seen, port)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        smtp.stop()
        with app.app_context():
            db.engine.dispose()


def main(databases: dict[str, str], seconds: float) -> int:
    """Soak each database in turn; exit status 1 if any check failed."""
    failed = False
    for name, uri in databases.items():
        print(f"{name}: mixed run for {seconds:g} s", file=sys.stderr)
        problems = soak(uri, seconds)
        for problem in problems:
            print(f"  FAILED: {problem}", file=sys.stderr)
        print(f"  {name}: {'FAILED' if problems else 'ok'}", file=sys.stderr)
        failed = failed or bool(problems)
    return 1 if failed else 0
