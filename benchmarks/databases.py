"""Fresh, migrated databases for the benchmarks: a new SQLite file, or a PostgreSQL schema of its
own (`bench_<name>`, dropped before and after), so a benchmark never touches the tables of the
database it is pointed at."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import storage.models  # noqa: F401  (registers every table)
from storage import migrate
from storage.db import Database


@dataclass
class BenchDatabase:
    url: str  # what the bot, the scheduler and the benchmark connect with
    backend: str  # "sqlite" or "postgresql"
    server_url: str | None = None  # PostgreSQL: the database the schema lives in
    schema: str | None = None

    @property
    def label(self) -> str:
        return "SQLite" if self.backend == "sqlite" else "PostgreSQL"

    def drop(self) -> None:
        """Remove what the benchmark created (the PostgreSQL schema; SQLite files go with their
        temporary folder)."""
        if self.server_url and self.schema:
            _drop_schema(self.server_url, self.schema)


def postgres_url(url: str) -> str:
    """`postgresql://…` as SQLAlchemy's psycopg 3 URL."""
    if url.startswith("postgresql://"):
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    if url.startswith("postgres://"):
        return url.replace("postgres://", "postgresql+psycopg://", 1)
    return url


def is_postgres(url: str | None) -> bool:
    return bool(url) and make_url(postgres_url(url)).get_backend_name() == "postgresql"  # type: ignore[arg-type]


def fresh_sqlite(folder: Path, name: str) -> BenchDatabase:
    path = folder / f"{name}.db"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    database = BenchDatabase(f"sqlite:///{path}", "sqlite")
    _migrate(database.url)
    return database


def fresh_postgres(url: str, name: str) -> BenchDatabase:
    """A schema `bench_<name>` in the database at `url`, empty and migrated; every connection
    made with the returned URL works in it (search_path)."""
    server_url = postgres_url(url)
    schema = f"bench_{name}"
    _drop_schema(server_url, schema)
    _execute(server_url, f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in server_url else "?"
    scoped = f"{server_url}{separator}options={quote(f'-csearch_path={schema}')}"
    database = BenchDatabase(scoped, "postgresql", server_url, schema)
    _migrate(database.url)
    return database


def _drop_schema(server_url: str, schema: str) -> None:
    _execute(server_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _execute(server_url: str, statement: str) -> None:
    """One statement in a transaction of its own, on an engine of its own."""
    engine = create_engine(server_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _migrate(url: str) -> None:
    db = Database(url)
    try:
        migrate.upgrade(db.engine)
    finally:
        db.dispose()
