"""Settings the factory derives: database URL, secret key, SQLite pragmas, proxies."""

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from campaigns.config import DEFAULT_SECRET_KEY

SECRET_FILE = "secret_key"  # noqa: S105 - a file name, not a secret


def _database_uri(app: Flask) -> str:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL")
    if not uri:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{Path(app.instance_path) / 'campaigns.sqlite3'}"
    # Heroku-style URLs name the old driver; psycopg 3 is the one we ship.
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri.removeprefix(prefix)
    return uri


def _instance_secret(app: Flask) -> str:
    """Read the secret kept in instance/, generating it on first use."""
    path = Path(app.instance_path) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _secret_key(app: Flask) -> str:
    key = app.config.get("SECRET_KEY")
    if key and key != DEFAULT_SECRET_KEY:
        return key
    if app.debug or app.testing or (Path(app.instance_path) / SECRET_FILE).exists():
        return _instance_secret(app)
    raise RuntimeError(
        "No SECRET_KEY is set. Set CAMPAIGNS_SECRET_KEY (or SECRET_KEY in "
        "instance/config.py) to a long random value before serving in production."
    )


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def install_sqlite_pragmas(engine: Engine) -> None:
    """Turn on WAL, foreign keys and a busy timeout on every SQLite connection."""
    if engine.dialect.name == "sqlite" and not event.contains(
        engine, "connect", _sqlite_pragmas
    ):
        event.listen(engine, "connect", _sqlite_pragmas)


def finish(app: Flask) -> None:
    """Fill in what the configuration leaves to be derived."""
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_uri(app)
    app.config["SECRET_KEY"] = _secret_key(app)


def install_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* from as many proxies as PROXY_FIX_* say (none by default)."""
    hops = {
        name: int(app.config[f"PROXY_FIX_X_{name.upper()}"])
        for name in ("for", "proto", "host", "prefix")
    }
    if any(hops.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=hops["for"],
            x_proto=hops["proto"],
            x_host=hops["host"],
            x_prefix=hops["prefix"],
        )
