"""Adding a row that a unique constraint may find is there already."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel


def added(session: Session, row: SQLModel) -> bool:
    """Insert `row` under a savepoint: True, or False when a unique constraint refuses it (the
    same row, put there by a concurrent or repeated request). The transaction stays usable."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True
