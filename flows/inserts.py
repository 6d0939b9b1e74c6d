"""Adding a row that a unique constraint may find is there already, and setting it either way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from flows.errors import Conflict


def added(session: Session, row: SQLModel) -> bool:
    """Insert `row` under a savepoint: True, or False when a unique constraint refuses it (the
    same row, put there by a concurrent or repeated request). The transaction stays usable."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


Row = TypeVar("Row", bound=SQLModel)


def put(
    session: Session,
    find: Callable[[], Row | None],
    create: Callable[[], Row],
    values: Mapping[str, object],
    conflict: str,
) -> Row:
    """The row `find` returns, with `values` set; else `create()`'s new row, inserted. A row
    inserted by a concurrent request in the meantime is found and set instead; if that race
    repeats, Conflict(`conflict`)."""
    for _ in range(2):
        existing = find()
        if existing is not None:
            for key, value in values.items():
                setattr(existing, key, value)
            session.flush()
            return existing
        row = create()
        if added(session, row):
            return row
    raise Conflict(conflict)
