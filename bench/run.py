"""Benchmark campaigns against a bare Flask app under identical gunicorn settings.

    make bench                          # SQLite, and PostgreSQL in a throw-away cluster
    .venv/bin/python bench/run.py       # SQLite, and PostgreSQL if DATABASE_URL says
    .venv/bin/python bench/run.py --soak 120    # the mixed correctness run instead

Everything listens on 127.0.0.1 on free ports and is stopped at the end. See README.md.
"""

import argparse
import datetime
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench import client, seed  # noqa: E402
from campaigns import outbox  # noqa: E402
from campaigns.extensions import db  # noqa: E402
from campaigns.models import OutboxMessage  # noqa: E402

BIN = Path(sys.executable).parent
MILLION = 1_000_000


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(database_uri: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of a campaigns process in the bench."""
    return (
        os.environ
        | {
            "CAMPAIGNS_SQLALCHEMY_DATABASE_URI": database_uri,
            "CAMPAIGNS_SECRET_KEY": seed.SECRET_KEY,
            "CAMPAIGNS_SERVER_NAME": f"127.0.0.1:{port}",
            # Served as behind one reverse proxy: signers come from many addresses
            # (client.sign sends X-Forwarded-For), so the fraud rules run at their
            # defaults and find nothing to hold.
            "CAMPAIGNS_PROXY_FIX_X_FOR": "1",
            # The per-campaign signing limit would cap the very rate measured here.
            "CAMPAIGNS_RATELIMIT_ENABLED": "false",
            # The client posts as soon as it has the form: too fast for a person.
            "CAMPAIGNS_SIGN_FORM_MIN_SECONDS": "0",
            "PYTHONPATH": str(ROOT),
        }
        | extra
    )


@contextmanager
def gunicorn(target: str, port: int, env: dict[str, str]) -> Iterator[None]:
    """Serve `target` with gunicorn.conf.py, 2 workers, no access log."""
    env = env | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    process = subprocess.Popen(
        [BIN / "gunicorn", "-c", ROOT / "gunicorn.conf.py", target],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_serving(port, process)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _wait_until_serving(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            client.request(port, "GET", "/")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start within 30 s")


@dataclass
class Figure:
    """One line of the table: the median of several runs."""

    database: str
    measure: str
    rate: float
    p50: float | None
    p99: float | None
    errors: int
    share: float
    # At least this share of the bare app's rate (<= 1), or this rate per second.
    target: float | None = None


BARE_RESULTS: list[client.Result] = []


def measure(
    database: str,
    name: str,
    runs: list[Callable[[], client.Result]],
    bare: Callable[[], client.Result],
    target: float | None = None,
) -> Figure:
    """Run each measurement right after a run of the bare app; keep the medians.

    Other work on the machine comes and goes: comparing each run with a bare run made
    just before it keeps the ratio honest when absolute rates drift.
    """
    results, shares = [], []
    for run in runs:
        ceiling = bare()
        BARE_RESULTS.append(ceiling)
        results.append(run())
        shares.append(results[-1].rate / ceiling.rate)
    figure = Figure(
        database,
        name,
        statistics.median(r.rate for r in results),
        statistics.median(r.percentile(50) for r in results),
        statistics.median(r.percentile(99) for r in results),
        sum(r.statuses.total() - r.ok for r in results),
        statistics.median(shares),
        target,
    )
    print(f"  {name}: {figure.rate:,.0f}/s, {figure.share:.0%}", file=sys.stderr)
    return figure


@dataclass
class Settings:
    """How long and how often to measure."""

    seconds: float
    runs: int
    processes: int = 2
    threads: int = 4


def http_runs(
    port: int, settings: Settings, op: client.Operation, args: list[list[str]]
) -> list[Callable[[], client.Result]]:
    """One closure per run, each over its own list of arguments."""
    return [
        lambda run_args=run_args: client.run(
            port,
            op,
            run_args,
            seconds=settings.seconds,
            processes=settings.processes,
            threads=settings.threads,
        )
        for run_args in args
    ]


@contextmanager
def bare_server(settings: Settings) -> Iterator[Callable[[], client.Result]]:
    """The ceiling, Flask's hello world under the same gunicorn; yields one run."""
    port = free_port()
    with gunicorn("bench.bare_app:app", port, os.environ | {"PYTHONPATH": str(ROOT)}):
        client.run(port, client.get, ["/"] * 10**6, seconds=1)  # warm up
        yield http_runs(port, settings, client.get, [["/"] * 10**7])[0]


def bare_figure() -> Figure:
    """The table's first line: the median of every bare run made."""
    rates = [r.rate for r in BARE_RESULTS]
    return Figure(
        "-",
        "bare Flask hello (the ceiling)",
        statistics.median(rates),
        statistics.median(r.percentile(50) for r in BARE_RESULTS),
        statistics.median(r.percentile(99) for r in BARE_RESULTS),
        sum(r.statuses.total() - r.ok for r in BARE_RESULTS),
        1.0,
    )


CONFIRM_CAMPAIGN = 4  # "confirm": pending signatures to confirm and to email


def prepare(database_uri: str, port: int, settings: Settings) -> list[str]:
    """Fresh schema, the campaigns, a million signatures; returns confirm tokens."""
    app = seed.bench_app(database_uri, f"127.0.0.1:{port}")
    seed.reset(app)
    started = time.monotonic()
    for slug in ("empty", "big", "open", "confirm"):
        seed.add_campaign(app, slug)
    seed.add_signatures(app, 2, MILLION, confirmed=True)
    print(
        f"  1,000,000 signatures in {time.monotonic() - started:.1f} s", file=sys.stderr
    )
    seed.add_signatures(app, CONFIRM_CAMPAIGN, 4000 * settings.runs, confirmed=False)
    confirm_tokens = seed.confirm_tokens(app, CONFIRM_CAMPAIGN)
    with app.app_context():
        db.engine.dispose()
    return confirm_tokens


def bench_database(
    name: str,
    database_uri: str,
    settings: Settings,
    bare: Callable[[], client.Result],
) -> list[Figure]:
    """Every figure for one database."""
    print(f"{name}:", file=sys.stderr)
    port = free_port()
    confirm_tokens = prepare(database_uri, port, settings)
    runs, big = settings.runs, 10**7
    per_run = len(confirm_tokens) // runs
    plan = [
        ("campaign page, 0 signatures", client.get, [["/c/empty"] * big] * runs, 0.5),
        (
            "campaign page, 1,000,000 signatures",
            client.get,
            [["/c/big"] * big] * runs,
            0.5,
        ),
        ("tally JSON", client.get, [["/c/big/tally.json"] * big] * runs, 0.7),
        (
            "sign POST (after GET of the form)",
            client.sign,
            [[f"open:{name}{r}x{i}" for i in range(10**5)] for r in range(runs)],
            0.15,
        ),
        (
            "confirm POST",
            client.confirm,
            [confirm_tokens[r * per_run : (r + 1) * per_run] for r in range(runs)],
            0.15,
        ),
    ]
    with gunicorn("campaigns.wsgi:app", port, app_env(database_uri, port)):
        client.run(port, client.get, ["/c/empty", "/c/big"] * 1000, seconds=1)
        figures = [
            measure(name, label, http_runs(port, settings, op, args), bare, target)
            for label, op, args, target in plan
        ]
    figures.append(bench_mail(name, database_uri, settings, bare))
    return figures


MAIL_PER_RUN = 3000
MAIL_TARGET = 300.0


def _deliver_all(app: object) -> client.Result:
    with app.app_context():  # type: ignore[attr-defined]
        seed.queue_mail(app, CONFIRM_CAMPAIGN, MAIL_PER_RUN)
        started = time.perf_counter()
        outbox.run_worker(once=True)
        seconds = time.perf_counter() - started
        sent = db.session.scalar(
            select(func.count()).where(OutboxMessage.sent_at.is_not(None))
        )
        failed = db.session.scalar(
            select(func.count()).where(OutboxMessage.attempts > 1)
        )
        db.session.execute(OutboxMessage.__table__.delete())
        db.session.commit()
    result = client.Result(seconds=seconds)
    result.statuses[250] = sent
    result.statuses[550] = failed
    return result


def bench_mail(
    name: str, database_uri: str, settings: Settings, bare: Callable[[], client.Result]
) -> Figure:
    """One worker (this process) delivering to a local SMTP sink (another process)."""
    smtp_port = free_port()
    sink = subprocess.Popen(
        [
            BIN / "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{smtp_port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
    )
    try:
        _wait_for_port(smtp_port)
        app = seed.bench_app(database_uri, "127.0.0.1:8000")
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
        mail_state = app.extensions["mail"]
        mail_state.server, mail_state.port, mail_state.suppress = (
            "127.0.0.1",
            smtp_port,
            False,
        )
        runs = [lambda: _deliver_all(app)] * settings.runs
        figure = measure(name, "mail delivered by 1 worker", runs, bare, MAIL_TARGET)
        with app.app_context():
            db.engine.dispose()
        figure.p50 = figure.p99 = None
        return figure
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def databases(only: str | None) -> dict[str, str]:
    """SQLite in a temporary file, and PostgreSQL when DATABASE_URL names one."""
    found = {
        "sqlite": f"sqlite:///{tempfile.mkdtemp(prefix='campaigns-bench-')}/db.sqlite3"
    }
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        found["postgresql"] = url
    if only:
        found = {name: uri for name, uri in found.items() if name in only.split(",")}
    return found


def _cell(value: float | None, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def print_table(figures: list[Figure], settings: Settings) -> None:
    """One Markdown table, each figure also as a share of the bare app's rate."""
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    print(
        f"\n{today}, {os.cpu_count()} CPU cores, gunicorn 2 sync workers, client "
        f"{settings.processes} processes x {settings.threads} threads on the same "
        f"machine, median of {settings.runs} runs of {settings.seconds:g} s, each "
        f"after a run of the bare app; load average at the end "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    print(
        "| database | measure | per s | p50 ms | p99 ms | of bare | target | errors |"
    )
    print("|---|---|---:|---:|---:|---:|---|---:|")
    for f in figures:
        target = ""
        if f.target is not None and f.target <= 1:
            target = f"{f.target:.0%} {'met' if f.share >= f.target else 'MISSED'}"
        elif f.target is not None:  # an absolute rate
            target = f"{f.target:,.0f}/s {'met' if f.rate >= f.target else 'MISSED'}"
        print(
            f"| {f.database} | {f.measure} | {f.rate:,.0f} | {_cell(f.p50, '.1f')} | "
            f"{_cell(f.p99, '.1f')} | {f.share:.0%} | {target} | {f.errors} |"
        )


def print_flatness(figures: list[Figure]) -> None:
    """The target that compares two lines: a million signatures cost under 10 %."""
    shares = {(f.database, f.measure): f.share for f in figures}
    for database in dict.fromkeys(f.database for f in figures):
        empty = shares.get((database, "campaign page, 0 signatures"))
        full = shares.get((database, "campaign page, 1,000,000 signatures"))
        if empty and full:
            verdict = "met" if full >= 0.9 * empty else "MISSED"
            print(
                f"\n{database}: campaign page with 1,000,000 signatures at "
                f"{full / empty:.0%} of the empty campaign's (target 90%: {verdict})"
            )


def main() -> int:
    """Parse the options, run the benchmark or the soak, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per run (5)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (3)")
    parser.add_argument("--only", help="databases, e.g. sqlite or postgresql")
    parser.add_argument(
        "--soak", type=float, metavar="SECONDS", help="run the mixed correctness run"
    )
    options = parser.parse_args()
    if options.soak:
        from bench import soak  # only this mode needs it

        return soak.main(databases(options.only), options.soak)
    settings = Settings(options.seconds, options.runs)
    figures = []
    with bare_server(settings) as bare:
        for name, uri in databases(options.only).items():
            figures += bench_database(name, uri, settings, bare)
    print_table([bare_figure(), *figures], settings)
    print_flatness(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
