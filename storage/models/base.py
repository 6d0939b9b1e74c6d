"""Shared model helpers. Importing this first gives every constraint a stable name, which keeps
Alembic migrations reproducible on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Column, DateTime
from sqlalchemy.orm import Mapped
from sqlmodel import Field, SQLModel, col

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


def now_field() -> Any:
    """A required timestamp that defaults to the moment the row is made."""
    return Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))


def workshop_fk(*, index: bool = True) -> Any:
    """The workshop a row belongs to; the row is deleted with it. `index=False` where another
    index that starts with workshop_id (a unique constraint's, say) serves lookups by workshop."""
    return Field(foreign_key="workshop.id", ondelete="CASCADE", index=index)


class TeamRow(SQLModel):
    """The columns most tables start with: the row's id, and the workspace it belongs to (every
    query filters by it, so a workspace can never reach another workspace's rows)."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)


class WorkshopRow(TeamRow):
    """A row of one workshop, deleted with it."""

    workshop_id: int = workshop_fk()


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
