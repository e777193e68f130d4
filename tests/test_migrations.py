"""The Alembic migrations build, on a fresh database, the schema the models describe."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from campaigns.extensions import db
from tests.conftest import TEST_DATABASE_URI, make_test_app


@pytest.fixture
def fresh_database_uri(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind the suite runs on (a new one on PostgreSQL)."""
    if TEST_DATABASE_URI is None:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    url = make_url(TEST_DATABASE_URI)
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


# Flask-Migrate's stock env.py tries the deprecated get_engine() before db.engine.
def test_migrations_upgrade_to_the_schema_of_the_models(
    tmp_path: Path, fresh_database_uri: str
):
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=fresh_database_uri)
    runner = app.test_cli_runner()

    upgraded = runner.invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    with app.app_context():
        assert "campaign" in inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert compare_metadata(context, db.metadata) == []
    checked = runner.invoke(args=["db", "check"])
    assert checked.exit_code == 0, checked.output
    with app.app_context():
        db.engine.dispose()


def test_every_migration_can_be_undone_and_redone(
    tmp_path: Path, fresh_database_uri: str
):
    app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=fresh_database_uri)
    runner = app.test_cli_runner()
    for step in (["upgrade"], ["downgrade", "base"], ["upgrade"]):
        result = runner.invoke(args=["db", *step])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert "outbox_message" in inspect(db.engine).get_table_names()
        db.engine.dispose()
