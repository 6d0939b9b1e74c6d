"""Every migration keeps doing what it did: databases in the field stand at every revision, so an
old migration must not change its effect once released.

The test upgrades an empty database one revision at a time and, after each, reads the schema back
(tables, columns with type, nullability and default, primary key, unique and check constraints,
foreign keys with their ON DELETE, indexes) and compares what the revision changed with the record
committed for this database (migration_history.sqlite.json / migration_history.postgresql.json
beside this file). Then it walks back down one revision at a time and checks that each downgrade
returns the schema the revision started from. Run it on both databases: SQLite does not tell
some types apart (a timestamp with or without a time zone is DATETIME either way).

A NEW migration is recorded by running this test once with MIGRATION_HISTORY_RECORD=1, on SQLite
and on PostgreSQL (TEST_DATABASE_URL set); recording only appends revisions that have no record
yet, so an edited old migration still fails:

    MIGRATION_HISTORY_RECORD=1 uv run pytest tests/storage/test_migration_history.py
    MIGRATION_HISTORY_RECORD=1 TEST_DATABASE_URL=postgresql+psycopg://… \
        uv run pytest tests/storage/test_migration_history.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.db import Database

RECORD = os.environ.get("MIGRATION_HISTORY_RECORD") == "1"
PG_SCHEMA = "migration_history"  # its own schema, beside the one the other tests use
FK_OPTIONS = {"ondelete": "ON DELETE", "onupdate": "ON UPDATE"}
Table = dict[str, Any]
Schema = dict[str, Table]


def record_path(dialect: str) -> Path:
    return Path(__file__).with_name(f"migration_history.{dialect}.json")


def revisions_oldest_first() -> list[str]:
    scripts = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


@pytest.fixture
def empty_engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the test run's kind: a new SQLite file, or a fresh PostgreSQL schema."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        database = Database(f"sqlite:///{tmp_path / 'history.db'}")
        yield database.engine
        database.dispose()
        return
    admin = Database(database_url)
    with admin.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    database = Database(
        url.update_query_dict({"options": f"-csearch_path={PG_SCHEMA}"}).render_as_string(
            hide_password=False
        )
    )
    try:
        yield database.engine
    finally:
        database.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        admin.dispose()


def columns_text(names: list[str | None], expressions: list[str] | None = None) -> str:
    shown = [name if name is not None else (expressions or [])[i] for i, name in enumerate(names)]
    return "(" + ", ".join(str(part) for part in shown) + ")"


def table_schema(engine: Engine, table: str) -> Table:
    inspector = inspect(engine)
    columns = []
    for column in inspector.get_columns(table):
        line = f"{column['name']} {column['type'].compile(dialect=engine.dialect)}"
        line += "" if column["nullable"] else " NOT NULL"
        if column.get("default") is not None:
            line += f" DEFAULT {column['default']}"
        columns.append(line)
    primary_key = inspector.get_pk_constraint(table)
    foreign_keys = []
    for fk in inspector.get_foreign_keys(table):
        options = " ".join(f"{FK_OPTIONS.get(k, k)} {v}" for k, v in sorted(fk["options"].items()))
        foreign_keys.append(
            f"{fk['name']} {columns_text(fk['constrained_columns'])} -> {fk['referred_table']} "
            f"{columns_text(fk['referred_columns'])} {options}".rstrip()
        )
    indexes = []
    for index in inspector.get_indexes(table):
        line = f"{index['name']} {columns_text(index['column_names'], index.get('expressions'))}"
        line += " UNIQUE" if index["unique"] else ""
        options = {k: v for k, v in (index.get("dialect_options") or {}).items() if v}
        line += f" {json.dumps(options, sort_keys=True, default=str)}" if options else ""
        indexes.append(line)
    return {
        "columns": columns,  # in the table's order
        "primary_key": f"{primary_key.get('name')} "
        f"{columns_text(primary_key['constrained_columns'])}",
        "unique": sorted(
            f"{uq['name']} {columns_text(uq['column_names'])}"
            for uq in inspector.get_unique_constraints(table)
        ),
        "checks": sorted(
            f"{ck['name']}: {ck['sqltext']}" for ck in inspector.get_check_constraints(table)
        ),
        "foreign_keys": sorted(foreign_keys),
        "indexes": sorted(indexes),
    }


def schema(engine: Engine) -> Schema:
    names = sorted(set(inspect(engine).get_table_names()) - {"alembic_version"})
    return {name: table_schema(engine, name) for name in names}


def changes(before: Schema, after: Schema) -> dict[str, Table | None]:
    """What a revision did: each table it created or changed as it now stands, None if dropped."""
    tables = sorted(set(before) | set(after))
    return {t: after.get(t) for t in tables if before.get(t) != after.get(t)}


def downgrade_one(engine: Engine) -> None:
    config = migrate.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")


def test_each_revision_does_what_it_did_and_undoes_it(empty_engine: Engine):
    path = record_path(empty_engine.dialect.name)
    recorded: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    schemas = [schema(empty_engine)]
    done = []
    for revision in revisions_oldest_first():
        migrate.upgrade(empty_engine, revision)
        schemas.append(schema(empty_engine))
        done.append({"revision": revision, "changes": changes(schemas[-2], schemas[-1])})

    # Each recorded revision, in order, changed the schema exactly as when it was recorded.
    for old, new in zip(recorded, done, strict=False):
        assert new == old, f"{old['revision']} no longer does what it did (or the order changed)"
    assert len(done) >= len(recorded), "a recorded revision is gone"
    if RECORD and len(done) > len(recorded):
        path.write_text(json.dumps(done, indent=1, sort_keys=True) + "\n")
        recorded = done
    assert len(done) == len(recorded), (
        f"{[d['revision'] for d in done[len(recorded) :]]} not recorded yet: run this test once "
        "with MIGRATION_HISTORY_RECORD=1 (see the module docstring)"
    )

    # Each downgrade returns the schema its revision started from.
    for revision, before in zip(reversed(done), reversed(schemas[:-1]), strict=True):
        downgrade_one(empty_engine)
        assert schema(empty_engine) == before, f"downgrading {revision['revision']}"
    assert migrate.current_revision(empty_engine) is None
