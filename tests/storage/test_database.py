"""The schema comes from Alembic migrations, and the engine is set up safely for each backend."""

import threading

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, text
from sqlmodel import SQLModel

from storage import migrate
from storage.db import Database, insert_into
from storage.models import SCHEDULER_JOBS_TABLE, EventReceipt, utcnow


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


def test_reads_go_on_while_a_write_is_open(db: Database):
    """A render (read_session) sees the last commit and never waits for an open write."""
    with db.session() as session:
        session.add(EventReceipt(event_id="E1", team_id="T1"))
    with db.session() as writer:
        writer.add(EventReceipt(event_id="E2", team_id="T1"))
        writer.flush()
        # on SQLite the writer holds the database's write lock here (BEGIN IMMEDIATE)
        with db.read_session() as reader:
            seen = reader.exec(text("SELECT event_id FROM event_receipt ORDER BY 1")).all()
        assert [row[0] for row in seen] == ["E1"]


def test_sqlite_writers_queue_in_process_and_reads_take_no_write_lock(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'locks.db'}")
    migrate.upgrade(database.engine)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    with database.read_session() as reader:
        reader.exec(text("SELECT 1")).all()
    assert statements[0] == "BEGIN"
    statements.clear()

    entered = threading.Event()
    second_started = threading.Event()
    order: list[str] = []

    def second_writer() -> None:
        second_started.set()
        with database.session() as session:
            order.append("second")
            session.exec(text("SELECT 1")).all()

    with database.session() as session:
        session.exec(text("SELECT 1")).all()
        assert statements[0] == "BEGIN IMMEDIATE"
        thread = threading.Thread(target=second_writer)
        thread.start()
        assert second_started.wait(5)
        entered.wait(0.2)  # give the second writer time to (wrongly) get in
        order.append("first done")
    thread.join(5)
    assert order == ["first done", "second"]
    database.dispose()


def test_insert_into_takes_on_conflict_on_either_database(db: Database):
    """One INSERT … ON CONFLICT for the session's database: a second insert of the same key is
    skipped, not an error."""
    with db.session() as session:
        for _ in range(2):
            statement = insert_into(session, EventReceipt).values(
                event_id="Ev1", team_id="T1", received_at=utcnow()
            )
            session.execute(statement.on_conflict_do_nothing(index_elements=["event_id"]))
        receipts = session.exec(text("SELECT count(*) FROM event_receipt WHERE event_id = 'Ev1'"))
        assert receipts.one()[0] == 1
