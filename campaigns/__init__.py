"""Application factory."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from campaigns import auth, caching, cli, errors, security, settings, templating
from campaigns.dev import bp as dev_bp
from campaigns.extensions import babel, csrf, db, limiter, mail, migrate
from campaigns.organizer import bp as organizer_bp
from campaigns.public import bp as public_bp

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build a configured app; tests pass `overrides` instead of reading instance/."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
    )
    app.config.from_object("campaigns.config.DefaultConfig")
    if overrides is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("CAMPAIGNS")
    else:
        app.config.from_mapping(overrides)
    settings.finish(app)

    _setup_database(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_DIR / "migrations"), render_as_batch=True
    )
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    babel.init_app(app, locale_selector=templating.select_locale)
    auth.init_app(app)
    templating.register(app)
    caching.init_app(app)
    settings.install_proxy_fix(app)  # outside the page cache: it keys on the result
    app.register_blueprint(public_bp)
    app.register_blueprint(organizer_bp, url_prefix="/organize")
    app.register_blueprint(dev_bp)
    errors.register_handlers(app)
    cli.register(app)
    return app


def _setup_database(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        settings.install_sqlite_pragmas(db.engine)
