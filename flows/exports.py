"""Exports: a workshop's data as named tables, written as a Markdown report, CSV files or JSON.

Each feature contributes its tables with one function:

    @register_export_table(order=60)
    def touchpoint_gaps(session, workshop):
        rows = session.exec(...).all()  # one query, GROUP BY where it aggregates
        return ExportTable(
            name="touchpoint_gaps",  # the CSV file is workshop-<id>-touchpoint_gaps.csv
            title="Touchpoint gaps per round",
            columns=("round", "stage", "touchpoint", "mean_gap", "n"),
            rows=[(r.round, r.stage, r.touchpoint, r.mean_gap, r.n) for r in rows],
        )

Return None when the feature has no data for this workshop: the table is left out. Cells are
str, int, float, bool, datetime (written in UTC, ISO 8601), enums (their value) or None (empty).
Built-in tables: 10 workshop, 20 journey, 30 participants, 40 phase_history; features take
50 stakeholders, 60 touchpoint_gaps, 70 fixes, 80 action_items, 90 kpi_values.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Any

from sqlmodel import Session, col, select

from flows.digest import Digest, build_digest, digest_as_text, phase_changes
from flows.errors import NotFound
from flows.journey import in_journey_order
from flows.registry import Registry
from flows.scope import rows_of
from flows.workshops import get_workshop
from storage.models import JourneyStage, Participant, Touchpoint, Workshop, pk, utcnow

logger = logging.getLogger(__name__)

MARKDOWN_ROW_LIMIT = 200  # the report stays readable; the CSV and JSON files hold every row

Cell = str | int | float | bool | datetime | Enum | None


class ExportFormat(StrEnum):
    md = "md"
    csv = "csv"
    json = "json"


@dataclass(frozen=True)
class ExportTable:
    name: str  # lowercase, file-name safe
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


@dataclass(frozen=True)
class WorkshopExport:
    workshop_id: int
    team_id: str
    title: str
    generated_at: datetime
    digest: Digest  # the whole story, since the workshop started
    tables: list[ExportTable]


ExportTableProvider = Callable[[Session, Workshop], ExportTable | None]


_registry: Registry[ExportTableProvider] = Registry()


def register_export_table(order: int) -> Callable[[ExportTableProvider], ExportTableProvider]:
    """Decorator: `provider(session, workshop)` adds a table to every export, in `order`."""
    return _registry.register(order)


def unregister_export_table(provider: ExportTableProvider) -> None:
    _registry.unregister(provider)


def export_tables(session: Session, workshop: Workshop) -> list[ExportTable]:
    tables = []
    for registration in _registry.in_order():
        table = registration.provider(session, workshop)
        if table is not None:
            tables.append(table)
    return tables


def build_export(session: Session, team_id: str, workshop_id: int) -> WorkshopExport:
    workshop = get_workshop(session, team_id, workshop_id)
    now = utcnow()
    return WorkshopExport(
        workshop_id=pk(workshop),
        team_id=workshop.team_id,
        title=workshop.title,
        generated_at=now,
        digest=build_digest(session, workshop, since=None, until=now),
        tables=export_tables(session, workshop),
    )


def workshop_team(session: Session, workshop_id: int) -> str:
    """The workspace a workshop belongs to, for the command line, which is run by the operator
    and names a workshop by its (database-wide unique) number; everything after is scoped by it."""
    team_id = session.exec(select(Workshop.team_id).where(Workshop.id == workshop_id)).first()
    if team_id is None:
        raise NotFound(f"There is no workshop #{workshop_id} in this database.")
    return team_id


# Writers ------------------------------------------------------------------------------------


def cell_text(value: Cell) -> str:
    """The one text form of a cell, used by CSV and Markdown."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def iso_utc(moment: datetime) -> str:
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def csv_bytes(table: ExportTable) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([cell_text(value) for value in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8")


def _json_value(value: Cell) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Enum):
        return value.value
    return value


def json_bytes(export: WorkshopExport) -> bytes:
    document = {
        "workshop": {"id": export.workshop_id, "team_id": export.team_id, "title": export.title},
        "generated_at": iso_utc(export.generated_at),
        "tables": {
            table.name: {
                "title": table.title,
                "columns": list(table.columns),
                "rows": [
                    {
                        column: _json_value(value)
                        for column, value in zip(table.columns, row, strict=True)
                    }
                    for row in table.rows
                ],
            }
            for table in export.tables
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def markdown_report(export: WorkshopExport, names: Mapping[str, str] | None = None) -> str:
    lines = [
        digest_as_text(export.digest, names)
        .replace(f"# Digest: {export.title}", f"# Workshop report: {export.title}", 1)
        .rstrip("\n"),
        "",
        f"_Exported {iso_utc(export.generated_at)} · workshop #{export.workshop_id}_",
    ]
    for table in export.tables:
        lines += ["", f"## {table.title}", "", *markdown_table(table, export.workshop_id)]
    return "\n".join(lines) + "\n"


def markdown_table(table: ExportTable, workshop_id: int) -> list[str]:
    if not table.rows:
        return ["_None yet._"]
    lines = [
        "| " + " | ".join(table.columns) + " |",
        "| " + " | ".join("---" for _ in table.columns) + " |",
    ]
    for row in table.rows[:MARKDOWN_ROW_LIMIT]:
        lines.append("| " + " | ".join(_markdown_cell(value) for value in row) + " |")
    hidden = len(table.rows) - MARKDOWN_ROW_LIMIT
    if hidden > 0:
        lines += ["", f"_… and {hidden} more rows in {csv_name(workshop_id, table)}._"]
    return lines


def _markdown_cell(value: Cell) -> str:
    return cell_text(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


# A Slack user id: U… or W… (Enterprise Grid), upper-case letters and digits.
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def user_id_columns(table: ExportTable) -> list[int]:
    """The columns holding Slack user ids: every non-empty cell looks like one."""
    found = []
    for index in range(len(table.columns)):
        cells = [row[index] for row in table.rows if row[index] not in (None, "")]
        if cells and all(isinstance(c, str) and _USER_ID.fullmatch(c) for c in cells):
            found.append(index)
    return found


def table_user_ids(tables: Sequence[ExportTable]) -> list[str]:
    """Every user id in the tables, in order of appearance, once."""
    ids: dict[str, None] = {}
    for table in tables:
        for index in user_id_columns(table):
            ids.update((str(row[index]), None) for row in table.rows if row[index])
    return list(ids)


def with_names(table: ExportTable, names: Mapping[str, str]) -> ExportTable:
    """The table with a name column after each user id column ("author_id" → "author_name"):
    a file that leaves Slack should say who, not only U0CHLOE. A name Slack did not give stays
    empty."""
    columns = user_id_columns(table)
    if not columns:
        return table

    def named(column: str) -> str:
        return f"{column.removesuffix('_id')}_name"

    header: list[str] = []
    for index, column in enumerate(table.columns):
        header += [column, named(column)] if index in columns else [column]
    rows = []
    for row in table.rows:
        cells: list[Cell] = []
        for index, value in enumerate(row):
            cells += (
                [value, names.get(str(value), "") if value else ""] if index in columns else [value]
            )
        rows.append(tuple(cells))
    return replace(table, columns=tuple(header), rows=rows)


def csv_name(workshop_id: int, table: ExportTable) -> str:
    return f"workshop-{workshop_id}-{table.name}.csv"


def export_files(
    export: WorkshopExport,
    formats: Sequence[ExportFormat],
    names: Mapping[str, str] | None = None,
) -> list[tuple[str, bytes]]:
    """(file name, bytes) for each requested format: one report, one CSV per table, one JSON."""
    files: list[tuple[str, bytes]] = []
    if names is not None:  # names beside the ids in the CSVs and the report's tables
        export = replace(export, tables=[with_names(t, names) for t in export.tables])
    for fmt in formats:
        if fmt is ExportFormat.md:
            report = markdown_report(export, names).encode("utf-8")
            files.append((f"workshop-{export.workshop_id}-report.md", report))
        elif fmt is ExportFormat.csv:
            files += [(csv_name(export.workshop_id, t), csv_bytes(t)) for t in export.tables]
        else:
            files.append((f"workshop-{export.workshop_id}.json", json_bytes(export)))
    return files


# Built-in tables: the data every workshop has ---------------------------------------------------


@register_export_table(order=10)
def workshop_table(session: Session, workshop: Workshop) -> ExportTable:
    return ExportTable(
        name="workshop",
        title="Workshop",
        columns=(
            "workshop_id",
            "title",
            "phase",
            "channel_id",
            "facilitator_id",
            "vote_budget",
            "max_votes_per_fix",
            "live_tallies",
            "created_at",
            "updated_at",
        ),
        rows=[
            (
                workshop.id,
                workshop.title,
                workshop.phase,
                workshop.channel_id,
                workshop.facilitator_id,
                workshop.vote_budget,
                workshop.max_votes_per_fix,
                workshop.live_tallies,
                workshop.created_at,
                workshop.updated_at,
            )
        ],
    )


@register_export_table(order=20)
def journey_table(session: Session, workshop: Workshop) -> ExportTable:
    rows = session.exec(in_journey_order(select(JourneyStage, Touchpoint), workshop)).all()
    return ExportTable(
        name="journey",
        title="Journey stages and touchpoints",
        columns=("stage_number", "stage", "touchpoint_number", "touchpoint_id", "touchpoint"),
        rows=[
            (
                stage.position + 1,
                stage.name,
                touchpoint.position + 1,
                touchpoint.id,
                touchpoint.name,
            )
            for stage, touchpoint in rows
        ],
    )


@register_export_table(order=30)
def participants_table(session: Session, workshop: Workshop) -> ExportTable:
    participants = rows_of(
        session, Participant, workshop, col(Participant.joined_at), col(Participant.id)
    )
    return ExportTable(
        name="participants",
        title="Participants",
        columns=("user_id", "role", "joined_at"),
        rows=[(p.user_id, p.role, p.joined_at) for p in participants],
    )


@register_export_table(order=40)
def phase_history_table(session: Session, workshop: Workshop) -> ExportTable:
    changes = phase_changes(session, workshop)
    return ExportTable(
        name="phase_history",
        title="Phase history",
        columns=("at", "from_phase", "to_phase", "action", "user_id"),
        rows=[(c.at, c.from_phase, c.to_phase, c.action, c.user_id) for c in changes],
    )
