"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set)
emptied after every test, and the whole bot running against the local Slack stand-in."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlmodel import Session

import storage.models  # noqa: F401  (registers every table)
from storage import migrate
from storage.db import Database
from tests.snapshots import empty_tables


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    """The test database, emptied and migrated to head once per run."""
    db = Database(database_url)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(db.engine)
    db.dispose()
    return database_url


@pytest.fixture
def db(migrated_url: str) -> Iterator[Database]:
    database = Database(migrated_url)
    try:
        yield database
    finally:
        empty_tables(database)
        database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as session:
        yield session


@pytest.fixture
def reports() -> None:
    """The features' digest sections and export tables, registered (flows.reports), for the
    modules that build digests and exports: `pytestmark = pytest.mark.usefixtures("reports")`."""
    from flows.reports import register_reports

    register_reports()


@pytest.fixture
def local(migrated_url: str):  # type: ignore[no-untyped-def]
    """The real Bolt app over HTTP, the Slack stand-in, and a simulated Slack client."""
    from demo.local import LocalSlack

    local_slack = LocalSlack(migrated_url).start()
    try:
        yield local_slack
    finally:
        local_slack.stop()  # waits for the bot's after-ack work, so nothing races the cleanup
        cleaner = Database(migrated_url)
        empty_tables(cleaner)
        cleaner.dispose()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if it leaves a process behind (tests/leftovers.py), then end them."""
    from tests.leftovers import kill, wait_for_leftovers

    left = wait_for_leftovers()
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"  pid {p.pid} (parent {p.ppid}): {p.command[:200]}" for p in left]
    message = "processes left running after the tests (now killed):\n" + "\n".join(lines)
    if reporter is not None:
        reporter.write_line(message, red=True)
    kill(left)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
