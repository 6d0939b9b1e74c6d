"""Shared model helpers. Importing this first gives every constraint a stable name, which keeps
Alembic migrations reproducible on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol, cast

from sqlalchemy import Column, DateTime
from sqlalchemy.orm import Mapped
from sqlmodel import SQLModel, col

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp_column(**kwargs) -> Column:
    """A timezone-aware timestamp column (SQLModel's default drops the time zone)."""
    return Column(DateTime(timezone=True), **kwargs)


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def pk(row: HasId) -> int:
    """The primary key of a stored row. SQLModel types `id` as `int | None` because a new row has
    none until it is flushed; a row read from the database, or flushed, always has one."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id


def id_col(column: int | None) -> Mapped[int]:
    """`Model.id` in a query, typed as the ints it returns: SQLModel types the attribute
    `int | None` (a new row has no id yet), but a stored row always has one."""
    return cast("Mapped[int]", col(column))
