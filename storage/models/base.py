"""Shared model helpers. Importing this first gives every constraint a stable name, which keeps
Alembic migrations reproducible on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime
from sqlmodel import SQLModel

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
