import sqlite3

import pytest

from campaigns import create_app
from campaigns.extensions import db


def _instance_app(tmp_path, monkeypatch, **env):
    """An app reading instance/config.py and CAMPAIGNS_* like a deployment does."""
    monkeypatch.chdir(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(
        "flask.Flask.auto_find_instance_path", lambda self: str(tmp_path)
    )
    return create_app()


def test_missing_secret_refuses_to_start_outside_debug(tmp_path, monkeypatch):
    monkeypatch.delenv("CAMPAIGNS_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        _instance_app(tmp_path, monkeypatch)
    assert not (tmp_path / "secret_key").exists()


def test_default_secret_refuses_to_start_outside_debug(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        _instance_app(tmp_path, monkeypatch, CAMPAIGNS_SECRET_KEY="change-me")


def test_debug_generates_a_secret_once_and_keeps_it(tmp_path, monkeypatch):
    first = _instance_app(tmp_path, monkeypatch, FLASK_DEBUG="1")
    second = _instance_app(tmp_path, monkeypatch, FLASK_DEBUG="1")
    assert len(first.secret_key) > 40
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").read_text().strip() == first.secret_key


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        "SECRET_KEY = 'from-instance'\nSITE_NAME = 'Instance site'\nMAIL_PORT = 2525\n"
    )
    app = _instance_app(
        tmp_path,
        monkeypatch,
        CAMPAIGNS_SECRET_KEY="from-env",
        CAMPAIGNS_MAIL_PORT="587",
    )
    assert app.secret_key == "from-env"
    assert app.config["MAIL_PORT"] == 587
    assert app.config["SITE_NAME"] == "Instance site"


def test_database_url_is_honoured_and_postgres_scheme_rewritten(tmp_path, monkeypatch):
    app = _instance_app(
        tmp_path,
        monkeypatch,
        CAMPAIGNS_SECRET_KEY="s" * 40,
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/campaigns",
    )
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "postgresql+psycopg://u:p@127.0.0.1:5432/campaigns"


def test_default_database_is_sqlite_in_instance_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = _instance_app(tmp_path, monkeypatch, CAMPAIGNS_SECRET_KEY="s" * 40)
    with app.app_context():
        db.create_all()
        db.session.execute(db.text("select 1"))
        db.session.commit()
    database = tmp_path / "campaigns.sqlite3"
    assert database.exists()
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
