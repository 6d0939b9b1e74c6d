"""Every row of the bot's tables, to assert that a request changed nothing (or nothing more),
and emptying them after a test."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers every table)
from storage.db import Database

# Bookkeeping that a handled request may write without changing anything users see.
BOOKKEEPING = {"event_receipt", "apscheduler_jobs", "slack_oauth_states"}


def database_rows(db: Database, *, timestamps: bool = True) -> dict[str, list[tuple]]:
    """{table: its rows, sorted}; `timestamps=False` leaves out the *_at columns (an upsert that
    writes the same values again may still move its updated_at)."""
    rows = {}
    with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            columns = [c for c in table.columns if timestamps or not c.name.endswith("_at")]
            found = connection.execute(select(*columns)).all()
            rows[table.name] = sorted((tuple(row) for row in found), key=repr)
    return rows


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return [table for table in before if before[table] != after.get(table)]


def empty_tables(db: Database) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
