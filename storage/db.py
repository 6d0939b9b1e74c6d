"""Database engine and sessions: SQLite (embedded default) or PostgreSQL via DATABASE_URL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "workshop_read_only"  # an execution option: see Database.read_session
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout ran out
_lock_wait_limit: ContextVar[float | None] = ContextVar("lock_wait_limit", default=None)


@contextmanager
def lock_waits_limited(seconds: float) -> Iterator[None]:
    """Within the block, a write transaction on PostgreSQL gives up waiting for a row lock after
    `seconds` (lock_timeout), failing with an error that is_lock_timeout recognises, instead
    of waiting for as long as another transaction holds the lock. (SQLite writers queue on one
    lock for the whole database instead, each for a few milliseconds: no limit there.)"""
    token = _lock_wait_limit.set(seconds)
    try:
        yield
    finally:
        _lock_wait_limit.reset(token)


def is_lock_timeout(error: BaseException) -> bool:
    orig = getattr(error, "orig", None)
    return isinstance(error, OperationalError) and (
        getattr(orig, "sqlstate", None) == LOCK_NOT_AVAILABLE
    )


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


Upsert = postgresql.Insert | sqlite.Insert


def insert_into(session: Session, table: Any) -> Upsert:
    """An INSERT that can take ON CONFLICT (DO NOTHING / DO UPDATE), for the session's database:
    PostgreSQL and SQLite both have it, each through its own dialect's construct."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise KeyError(dialect)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the settings each backend needs to be safe under concurrency."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock up front, so a read-then-write transaction (a vote
        # checked against its budget) can never fail half-way with "database is locked":
        # concurrent writers queue on busy_timeout instead. Reads (Database.read_session) take
        # no lock: in WAL mode they see the last commit and never wait for a writer.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """Owns the engine; hands out sessions that commit on success and roll back on error."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._read_engine = self.engine.execution_options(**{READ_ONLY: True})
        # SQLite has one writer at a time. Its busy handler makes a waiting writer sleep and
        # poll (up to 100 ms a nap), so under a burst some writers wait far longer than the
        # writes take; within this process, writers queue on a lock instead and go at once.
        self._writer = threading.RLock() if is_sqlite(self.engine) else nullcontext()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction that may write: committed if the block ends normally."""
        with self._writer, Session(self.engine, expire_on_commit=False) as session:
            try:
                self._limit_lock_waits(session)
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _limit_lock_waits(self, session: Session) -> None:
        limit = _lock_wait_limit.get()
        if limit is not None and not is_sqlite(self.engine):
            milliseconds = max(int(limit * 1000), 1)  # 0 would mean "wait for ever"
            session.execute(
                text("SELECT set_config('lock_timeout', :limit, true)"),  # for this transaction
                {"limit": f"{milliseconds}ms"},
            )

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A transaction that only reads, for rendering: on SQLite it neither waits for nor
        blocks writers. Nothing written in it is kept."""
        with Session(self._read_engine, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
