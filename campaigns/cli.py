"""Command-line interface: thin commands over the services."""

import signal
import sys
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from typing import TypeVar

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from campaigns import addresses, outbox
from campaigns.extensions import db
from campaigns.models import Campaign
from campaigns.services import counting, demo, privacy

T = TypeVar("T")


def progress(items: Sequence[T], label: str) -> ContextManager[Iterable[T]]:
    """A progress bar on a terminal; nothing at all when output is piped."""
    if sys.stderr.isatty():
        return click.progressbar(items, label=label, file=sys.stderr)
    return nullcontext(items)


@click.command("demo")
def demo_command() -> None:
    """Load the demo campaigns and news items (only into an empty database)."""
    if not demo.database_is_empty():
        click.echo("The database already has campaigns; demo content not loaded.")
        return
    with progress(demo.steps(), "Loading demo content") as steps:
        for step in steps:
            step()
    loaded = demo.finish()
    click.echo(
        f"Loaded {loaded.campaigns} campaigns and {loaded.news_items} news items."
    )


@click.command("recount")
@click.argument("slug", required=False)
def recount_command(slug: str | None) -> None:
    """Check tallies against the signature rows and repair them (all, or SLUG)."""
    query = select(Campaign).order_by(Campaign.id)
    if slug:
        query = query.where(Campaign.slug == slug)
    campaigns = list(db.session.scalars(query))
    if slug and not campaigns:
        raise click.ClickException(f"No campaign with slug {slug!r}.")
    with progress(campaigns, "Recounting") as bar:
        results = [(campaign.slug, *counting.recount(campaign)) for campaign in bar]
    for campaign_slug, before, true_count in results:
        state = "ok" if before == true_count else f"repaired (was {before})"
        click.echo(f"{campaign_slug}: {true_count} {state}")


@click.command("mail-worker")
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
def mail_worker_command(once: bool) -> None:
    """Deliver queued email from the outbox, retrying failures with backoff."""
    stopping = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    delivered = outbox.run_worker(once=once, should_stop=lambda: bool(stopping))
    click.echo(f"Mail worker stopped after {delivered} attempts.", err=True)


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete expired personal data (run daily, e.g. from cron)."""
    result = privacy.purge()
    click.echo(
        f"Deleted {result.unconfirmed} unconfirmed and {result.withdrawn} withdrawn "
        f"signatures, {result.ip_hashes} IP hashes and {result.messages} old emails."
    )


@click.command("erase-address")
@with_appcontext
@click.argument("address")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_address_command(address: str, yes: bool) -> None:
    """Erase an email address from every campaign; tallies follow."""
    try:
        key = privacy.key_for(address)
    except addresses.InvalidAddressError as error:
        raise click.BadParameter(str(error), param_hint="ADDRESS") from error
    if not yes:
        click.confirm(f"Erase every signature of {key}?", abort=True)
    erased = privacy.erase(key)
    click.echo(f"Erased {erased} signatures of {key}.")


def register(app: Flask) -> None:
    """Add our commands to `flask --app campaigns ...`."""
    for command in (
        demo_command,
        recount_command,
        mail_worker_command,
        purge_command,
        erase_address_command,
    ):
        app.cli.add_command(command)
