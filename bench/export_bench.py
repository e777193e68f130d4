"""Benchmark: export 1,000,000 signatures to CSV, against a bare sqlite3 + csv dump.

Usage: .venv/bin/python bench/export_bench.py [--rows N] [--keep DIR]

Builds a SQLite database with N confirmed signatures (not timed), then runs, each in
a fresh worker process: the app's export (campaigns.services.exporting, the code
behind `flask export` and /organize/campaigns/<slug>/signatures.csv) and a bare
sqlite3 + csv dump of the same rows. Reports seconds, the worker's idle and peak RSS,
and the speed ratio (bare seconds / app seconds; 1.0 means as fast as bare).
"""

import argparse
import csv
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SLUG = "bench"
COUNTRIES = ("SV", "PK", "FR", "DE", "BR", "US", "GB", "ES", "IT", "MX")
BARE_QUERY = """
SELECT full_name, email, country, comment, public_name_at, public_name_wording,
       keep_informed_at, keep_informed_wording, created_at, confirmed_at
FROM signature
WHERE campaign_id = ? AND confirmed_at IS NOT NULL AND withdrawn_at IS NULL
  AND suspect_at IS NULL
ORDER BY confirmed_at, id
"""


def _memory() -> dict[str, int]:
    """This process's current and peak resident set size, in KiB (Linux)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0])
    return fields


def _app(database: Path):
    sys.path.insert(0, str(PROJECT))
    from campaigns import create_app

    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SERVER_NAME": "localhost",
        }
    )


def build(database: Path, rows: int) -> None:
    """Create the schema with the app's models and fill it with signatures."""
    app = _app(database)
    from campaigns.extensions import db

    with app.app_context():
        db.create_all()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    connection = sqlite3.connect(database)
    connection.execute(
        "INSERT INTO campaign (slug, title, summary, body, target, goal, status,"
        " created_at, published_at, hide_signer_names, hidden_name_countries)"
        " VALUES (?, 'Bench', '', '', '', 1000000, 'live', ?, ?, 0, '')",
        (SLUG, "2026-01-01 00:00:00.000000", "2026-01-01 00:00:00.000000"),
    )
    random.seed(1)

    def stamp(seconds: int) -> str:
        return (start + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S.%f")

    def signature(number: int) -> tuple:
        informed = number % 3 == 0
        comment = (
            "=1+1 formula"
            if number % 50 == 0
            else ("Solidarity!" if number % 7 == 0 else None)
        )
        return (
            1,
            f"bench-public-id-{number}",
            f"Signer Número {number}",
            f"signer{number}@example.org",
            f"signer{number}@example.org",
            "example.org",
            random.choice(COUNTRIES),
            comment,
            "en",
            stamp(number) if number % 2 else None,
            "2026-11" if number % 2 else None,
            stamp(number) if informed else None,
            "2026-11" if informed else None,
            stamp(number),
            stamp(number + 60),
            0,
        )

    insert = (
        "INSERT INTO signature (campaign_id, public_id, full_name, email, email_key,"
        " email_domain, country, comment, locale, public_name_at, public_name_wording,"
        " keep_informed_at, keep_informed_wording, created_at, confirmed_at,"
        " emails_sent)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    batch = 50_000
    for first in range(1, rows + 1, batch):
        last = min(first + batch, rows + 1)
        connection.executemany(insert, (signature(n) for n in range(first, last)))
    connection.commit()
    connection.close()


def worker_app(database: Path, out: Path) -> dict:
    """The app's export, as `flask export` runs it; timed in this process."""
    app = _app(database)
    from sqlalchemy import select

    from campaigns.extensions import db
    from campaigns.models import Campaign
    from campaigns.services import exporting

    with app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        idle = _memory()["VmRSS"]
        began, cpu = time.perf_counter(), time.process_time()
        filters = exporting.ExportFilters()
        total = exporting.count_signers(campaign, filters)
        with out.open("wb") as stream:
            for chunk in exporting.signatures_csv(campaign, filters):
                stream.write(chunk.text.encode())
        exporting.record_export(
            campaign,
            kind="signatures",
            channel="cli",
            filters=filters,
            row_count=total,
            actor="benchmark",
        )
        seconds = time.perf_counter() - began
        cpu = time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rows": total,
        "idle_kib": idle,
        **_memory(),
    }


def worker_bare(database: Path, out: Path) -> dict:
    """The same rows dumped with nothing but sqlite3 and csv."""
    connection = sqlite3.connect(database)
    idle = _memory()["VmRSS"]
    began, cpu = time.perf_counter(), time.process_time()
    cursor = connection.execute(BARE_QUERY, (1,))
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        while rows := cursor.fetchmany(5000):
            writer.writerows(rows)
    seconds = time.perf_counter() - began
    cpu = time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "idle_kib": idle, **_memory()}


def _run_worker(kind: str, database: Path, out: Path) -> dict:
    command = [sys.executable, __file__, "--worker", kind, str(database), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build the data, run both workers, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Keep the database and CSVs here.")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, database, out = args.worker
        worker = worker_app if kind == "app" else worker_bare
        print(json.dumps(worker(Path(database), Path(out))))
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="export-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "bench.sqlite3"
    database.unlink(missing_ok=True)
    began = time.perf_counter()
    build(database, args.rows)
    print(f"Built {args.rows:,} signatures in {time.perf_counter() - began:.1f} s")

    bare = _run_worker("bare", database, folder / "bare.csv")
    app = _run_worker("app", database, folder / "app.csv")
    growth = (app["VmHWM"] - app["idle_kib"]) / 1024
    print(
        f"App export: {app['rows']:,} rows in {app['seconds']:.2f} s "
        f"({app['cpu']:.2f} s CPU)"
    )
    print(
        f"  worker RSS idle {app['idle_kib'] / 1024:.1f} MiB, "
        f"peak {app['VmHWM'] / 1024:.1f} MiB, growth {growth:.1f} MiB"
    )
    print(f"Bare sqlite3 + csv: {bare['seconds']:.2f} s ({bare['cpu']:.2f} s CPU)")
    print(f"Speed ratio (bare s / app s): {bare['seconds'] / app['seconds']:.2f}")
    print(
        f"CSV sizes: app {(folder / 'app.csv').stat().st_size / 1e6:.0f} MB, "
        f"bare {(folder / 'bare.csv').stat().st_size / 1e6:.0f} MB"
    )
    print(
        "Targets: <= 5 s, < 30 MiB growth, ratio >= 0.5: "
        + (
            "met"
            if app["seconds"] <= 5
            and growth < 30
            and bare["seconds"] / app["seconds"] >= 0.5
            else "NOT met"
        )
    )


if __name__ == "__main__":
    main()
