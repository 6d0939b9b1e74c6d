"""The parts the migrations build their tables from: the integer `id` key, the workspace's
`team_id`, the `workshop_id` that a workshop's deletion cascades to, the conventional constraint
and index names (pk_/fk_/uq_/ck_/ix_, as storage/models/base.py names them), and creating or
dropping a table together with its indexes. A migration then reads as what it adds.

Safe to share across released migrations: tests/storage/test_migration_history.py records what
every revision does to the schema, on SQLite and on PostgreSQL, so an edit here that would change
what an old migration did fails CI. So a new migration that needs something else gets a new
option or part here; what an existing part makes stays as it is. (This module is beside
versions/, so Alembic does not take it for a revision.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op
from sqlalchemy.util import set_creation_order
from sqlmodel.sql.sqltypes import AutoString

SLACK_ID_LENGTH = 32  # team, user and channel ids and message timestamps


def slack_id(name: str, *, nullable: bool = False) -> sa.Column:
    """A Slack id: a workspace, user or channel id, or a message's ts."""
    return sa.Column(name, AutoString(length=SLACK_ID_LENGTH), nullable=nullable)


def text(name: str, length: int, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, AutoString(length=length), nullable=nullable)


def integer(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def moment(name: str, *, nullable: bool = False) -> sa.Column:
    """A timezone-aware timestamp, as every *_at column is."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def workshop_id() -> sa.Column:
    return integer("workshop_id")


@dataclass(frozen=True)
class Ref:
    """The table a foreign key column refers to (by its id), and what deleting that row does."""

    table: str
    ondelete: str = "CASCADE"


@dataclass(frozen=True)
class NamedIndex:
    """An index whose name is not the conventional ix_<table>_<column>."""

    name: str
    columns: tuple[str, ...]


Indexed = Sequence[str | NamedIndex]
TEAM_AND_WORKSHOP: Indexed = ("team_id", "workshop_id")


def foreign_key(table: str, column: str, ref: str | Ref) -> sa.ForeignKeyConstraint:
    ref = Ref(ref) if isinstance(ref, str) else ref
    return sa.ForeignKeyConstraint(
        [column],
        [f"{ref.table}.id"],
        name=op.f(f"fk_{table}_{column}_{ref.table}"),
        ondelete=ref.ondelete,
    )


def create_table(
    name: str,
    *parts: sa.Column | sa.Constraint,
    in_workshop: bool = True,
    references: Mapping[str, str | Ref] | None = None,
    checks: Mapping[str, str] | None = None,
    unique: Sequence[Sequence[str]] = (),
    indexed: Indexed = TEAM_AND_WORKSHOP,
) -> None:
    """Create table `name` with the columns id and team_id, then (`in_workshop`) workshop_id
    with its foreign key to the workshop, then `parts`; a foreign key for each column in
    `references`, a check ck_<name>_<key> for each of `checks`, a unique constraint for each
    column list in `unique`; then its `indexed` columns' indexes, in that order.

    CREATE TABLE lists the primary key, the checks in `checks`' order, the foreign keys by name,
    then the unique constraints, as Alembic's autogenerate laid them out."""
    columns = [part for part in parts if isinstance(part, sa.Column)]
    given_foreign_keys = [p for p in parts if isinstance(p, sa.ForeignKeyConstraint)]
    given_uniques = [p for p in parts if isinstance(p, sa.UniqueConstraint)]
    if len(columns) + len(given_foreign_keys) + len(given_uniques) != len(parts):
        raise TypeError("parts are columns, foreign keys and unique constraints")
    if in_workshop:
        columns.insert(0, workshop_id())
        references = {"workshop_id": "workshop", **(references or {})}
    foreign_keys = [foreign_key(name, column, ref) for column, ref in (references or {}).items()]
    constraints = [
        *(
            sa.CheckConstraint(sql, name=op.f(f"ck_{name}_{key}"))
            for key, sql in (checks or {}).items()
        ),
        *sorted([*foreign_keys, *given_foreign_keys], key=lambda fk: str(fk.name)),
        *(sa.UniqueConstraint(*cols, name=op.f(f"uq_{name}_{'_'.join(cols)}")) for cols in unique),
        *given_uniques,
    ]
    for constraint in constraints:
        # CREATE TABLE lists the primary key, then the other constraints in the order they were
        # made: remake that order here, whatever order the caller made its own parts in.
        set_creation_order(constraint)
    op.create_table(
        name,
        integer("id"),
        slack_id("team_id"),
        *columns,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        *constraints,
    )
    for index in indexed:
        index_name, index_columns = _index(name, index)
        op.create_index(index_name, name, list(index_columns), unique=False)


def drop_table(name: str, *, indexed: Indexed = TEAM_AND_WORKSHOP) -> None:
    """Drop what create_table(name, indexed=indexed) created: its indexes, then the table."""
    for index in reversed(indexed):
        op.drop_index(_index(name, index)[0], table_name=name)
    op.drop_table(name)


def _index(table: str, index: str | NamedIndex) -> tuple[str, Sequence[str]]:
    if isinstance(index, NamedIndex):
        return index.name, index.columns
    return op.f(f"ix_{table}_{index}"), [index]


def add_columns(table: str, *columns: sa.Column) -> None:
    """Add `columns` to `table` (in a batch, which SQLite needs for some changes)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.add_column(column)


def drop_columns(table: str, *names: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name in names:
            batch_op.drop_column(name)
