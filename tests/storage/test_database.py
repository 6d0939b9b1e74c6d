"""The schema comes from Alembic migrations, and the engine is set up safely for each backend."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from storage import migrate
from storage.db import Database
from storage.models import SCHEDULER_JOBS_TABLE


def test_migrations_reach_head(db: Database):
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    assert migrate.is_up_to_date(db.engine)


def test_migrations_and_models_agree(db: Database):
    """A model change without its migration fails here, on SQLite and on PostgreSQL."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_twice_is_harmless(db: Database):
    migrate.upgrade(db.engine)
    assert migrate.is_up_to_date(db.engine)


def test_every_table_is_scoped_by_workspace():
    # APScheduler's job table is the library's own; its jobs carry the workspace id as an argument.
    unscoped = [
        table.name
        for table in SQLModel.metadata.sorted_tables
        if "team_id" not in table.columns
        and not table.name.startswith("slack_")
        and table.name != SCHEDULER_JOBS_TABLE
    ]
    assert unscoped == []


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'nested' / 'bot.db'}")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    assert (tmp_path / "nested" / "bot.db").exists()  # the data folder is created
    database.dispose()


def test_fresh_database_migrates_from_nothing(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert migrate.current_revision(database.engine) is None
    assert not migrate.is_up_to_date(database.engine)
    migrate.upgrade(database.engine)
    assert migrate.is_up_to_date(database.engine)
    database.dispose()
