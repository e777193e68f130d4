"""Command-line interface: thin commands over the services."""

import getpass
import signal
import socket
import sys
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from datetime import datetime
from typing import Any, BinaryIO, TypeVar

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from campaigns import addresses, outbox
from campaigns.countries import COUNTRY_CODES
from campaigns.errors import AccountError, FeedError
from campaigns.extensions import db
from campaigns.models import Campaign
from campaigns.services import (
    accounts,
    counting,
    demo,
    exporting,
    news,
    privacy,
    statement_digests,
)

T = TypeVar("T")


def progress(items: Sequence[T], label: str) -> ContextManager[Iterable[T]]:
    """A progress bar on a terminal; nothing at all when output is piped."""
    if sys.stderr.isatty():
        return click.progressbar(items, label=label, file=sys.stderr)
    return nullcontext(items)


class _QuietBar:
    """Stands in for a progress bar when stderr is not a terminal."""

    def update(self, _steps: int) -> None:
        """Do nothing."""


def progress_of(total: int, label: str) -> ContextManager[Any]:
    """A bar advanced by `bar.update(n)` on a terminal; silent when piped."""
    if sys.stderr.isatty():
        return click.progressbar(length=total, label=label, file=sys.stderr)
    return nullcontext(_QuietBar())


@click.command("demo")
@with_appcontext
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
@with_appcontext
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
@with_appcontext
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
def mail_worker_command(once: bool) -> None:
    """Deliver queued email from the outbox, retrying failures with backoff."""
    stopping = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.append(True))
    delivered = outbox.run_worker(once=once, should_stop=lambda: bool(stopping))
    click.echo(f"Mail worker stopped after {delivered} attempts.", err=True)


@click.command("statement-digests")
@with_appcontext
def statement_digests_command() -> None:
    """Email organizers whose campaigns have new statements waiting (run from cron)."""
    queued = statement_digests.send_due()
    click.echo(f"Queued statement digests for {queued} campaigns.")


def _read_password() -> str:
    """The new password: prompted (twice) on a terminal, else the first stdin line."""
    if sys.stdin.isatty():
        return click.prompt(
            "Password", hide_input=True, confirmation_prompt=True, err=True
        )
    return sys.stdin.readline().rstrip("\r\n")


organizers_group = AppGroup("organizers", help="Manage organizer accounts.")


@organizers_group.command("add")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Make the account an admin.")
@click.option("--name", default="", help="The organizer's name, shown to colleagues.")
def organizers_add_command(email: str, admin: bool, name: str) -> None:
    """Create an organizer account for EMAIL.

    The password is prompted for on a terminal, or read as the first line of
    standard input (`printf '%s\\n' "$PASSWORD" | flask organizers add ...`); it is
    never a command-line argument, where other users could see it.
    """
    password = _read_password()
    try:
        organizer = accounts.create_organizer(
            email, password=password, name=name, is_admin=admin
        )
    except AccountError as error:
        raise click.ClickException(_account_problem(error)) from error
    role = "admin" if organizer.is_admin else "organizer"
    click.echo(f"Created {role} account {organizer.email}.")


def _account_problem(error: AccountError) -> str:
    reason = str(error)
    if reason == "address taken":
        return "An account with this address already exists."
    if reason == "password too short":
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        return f"The password must have at least {minimum} characters."
    return f"Not a valid email address: {reason}"


@organizers_group.command("list")
def organizers_list_command() -> None:
    """List organizer accounts, admins first."""
    for organizer in accounts.all_organizers():
        role = "admin" if organizer.is_admin else "organizer"
        click.echo(f"{organizer.email}\t{role}\t{organizer.name}")


def _campaign(slug: str) -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise click.ClickException(f"No campaign with slug {slug!r}.")
    return campaign


def _actor() -> str:
    return f"command line ({getpass.getuser()}@{socket.gethostname()})"


def _write_signatures(
    campaign: Campaign, filters: exporting.ExportFilters, out: BinaryIO, total: int
) -> None:
    with progress_of(total, "Exporting") as bar:
        for chunk in exporting.signatures_csv(campaign, filters):
            out.write(chunk.text.encode())
            bar.update(chunk.rows)


def _export_filters(
    kept_informed: bool,
    since: datetime | None,
    until: datetime | None,
    country: str | None,
) -> exporting.ExportFilters:
    if country and country.upper() not in COUNTRY_CODES:
        raise click.BadParameter(
            f"unknown country code {country!r}", param_hint="--country"
        )
    if since and until and until < since:
        raise click.BadParameter("--until is before --since", param_hint="--until")
    return exporting.ExportFilters(
        keep_informed_only=kept_informed,
        signed_from=since.date() if since else None,
        signed_until=until.date() if until else None,
        country=country.upper() if country else None,
    )


@click.command("export")
@with_appcontext
@click.argument("slug")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="File to write (default: a dated file name in the current directory; "
    "'-' for standard output).",
)
@click.option(
    "--kept-informed", is_flag=True, help="Only signers who agreed to updates."
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Signed on or after.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Signed on or before.")
@click.option("--country", help="Only signers from this country (ISO code, e.g. SV).")
@click.option(
    "--by-country", is_flag=True, help="Export the count per country instead."
)
def export_command(
    slug: str,
    out: str | None,
    kept_informed: bool,
    since: datetime | None,
    until: datetime | None,
    country: str | None,
    by_country: bool,
) -> None:
    """Export the confirmed signers of campaign SLUG as CSV (logged for admins)."""
    campaign = _campaign(slug)
    filters = _export_filters(kept_informed, since, until, country)
    kind = "countries" if by_country else "signatures"
    path = out or exporting.filename(campaign, kind)
    if by_country:
        text, rows = exporting.countries_csv(campaign, filters)
    else:
        rows = exporting.count_signers(campaign, filters)
    with click.open_file(path, "wb") as stream:
        if by_country:
            stream.write(text.encode())
        else:
            _write_signatures(campaign, filters, stream, rows)
    exporting.record_export(
        campaign,
        kind=kind,
        channel="cli",
        filters=filters,
        row_count=rows,
        actor=_actor(),
    )
    if path != "-":
        click.echo(f"Wrote {rows} rows to {path}.", err=True)


@click.command("import-feed")
@with_appcontext
@click.argument("source")
@click.option("--campaign", "slug", help="Link the new items to this campaign.")
def import_feed_command(source: str, slug: str | None) -> None:
    """Import news items from an RSS/Atom feed (a URL or a file), skipping repeats."""
    campaign = _campaign(slug) if slug else None
    try:
        if source.lower().startswith(("http://", "https://")):
            data = news.fetch_feed(source)
        else:
            with click.open_file(source, "rb") as stream:
                data = stream.read(news.MAX_FEED_BYTES + 1)
        entries, broken = news.read_feed(data)
    except (FeedError, OSError) as error:
        raise click.ClickException(f"Could not read the feed: {error}") from error
    with progress(entries, "Importing") as bar:
        result = news.import_entries(bar, author=None, campaign=campaign)
    click.echo(
        f"Imported {result.added} items; skipped {result.duplicates} already "
        f"imported and {broken} broken entries."
    )


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
    commands = (
        demo_command,
        recount_command,
        mail_worker_command,
        statement_digests_command,
        organizers_group,
        export_command,
        import_feed_command,
        purge_command,
        erase_address_command,
    )
    for command in commands:
        app.cli.add_command(command)
