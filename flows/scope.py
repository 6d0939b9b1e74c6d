"""The team-scoped filter that picks one workshop's rows out of a table.

Every table carries `team_id` and every query filters by it (storage.models.core); the rows of
a workshop are those with its team and its id. `.where(*of_workshop(Vote, workshop))` says so
once, instead of the two comparisons written out in every query; `count_of` counts those rows
and `rows_of` lists them in order. `team_row` reads one row of a team by its id.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from storage.models import Workshop


class WorkshopScoped(Protocol):
    """A table whose rows each belong to one workshop of one team: any table with these columns,
    whether it derives from storage.models.base.WorkshopRow or declares them itself."""

    team_id: str
    workshop_id: int


Row = TypeVar("Row", bound=WorkshopScoped)


class TeamScoped(Protocol):
    """A table whose rows each belong to one team (storage.models.base.TeamRow, or alike)."""

    team_id: str
    id: int | None


Owned = TypeVar("Owned", bound=TeamScoped)


def in_workshop(
    table: type[WorkshopScoped], team_id: str, workshop_id: int | None
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """`table.team_id = team_id AND table.workshop_id = workshop_id`, for `.where(*…)`."""
    return col(table.team_id) == team_id, col(table.workshop_id) == workshop_id


def of_workshop(
    table: type[WorkshopScoped], workshop: Workshop
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The rows of `table` that belong to `workshop`, for `.where(*…)`."""
    return in_workshop(table, workshop.team_id, workshop.id)


def count_of(
    session: Session,
    table: type[WorkshopScoped],
    workshop: Workshop,
    *where: ColumnElement[bool] | bool,
) -> int:
    """How many rows of `table` belong to `workshop` (and meet `where`)."""
    return session.exec(
        select(func.count()).select_from(table).where(*of_workshop(table, workshop), *where)
    ).one()


def rows_of(
    session: Session,
    table: type[Row],
    workshop: Workshop,
    *order_by: ColumnElement[Any] | Mapped[Any],
) -> list[Row]:
    """The rows of `table` that belong to `workshop`, in `order_by` order."""
    return list(
        session.exec(select(table).where(*of_workshop(table, workshop)).order_by(*order_by))
    )


def team_row(session: Session, table: type[Owned], team_id: str, row_id: int) -> Owned | None:
    """The row of `table` with id `row_id`, if it is the team's."""
    return session.exec(
        select(table).where(col(table.team_id) == team_id, col(table.id) == row_id)
    ).first()
