"""Importing KPI values from a CSV file: all rows or none.

Columns (header names in any case; spaces or hyphens count as underscores):

    kpi, period_end              required: a KPI's key or name (NPS, csat, "Churn rate", a
                                 custom KPI's name) and the ISO date the period ends
    value | answers              one of the two per row: the value, or raw data to compute it
                                 from (0–10 answers for NPS, 1–5 for CSAT, 1–7 for CES,
                                 "start end new" customer counts for retention or churn,
                                 "order value, purchases, periods" for CLV)
    target, benchmark,           optional
    benchmark_source, stage

Every row is checked before anything is written; a file with any bad row imports nothing and
every bad row is reported with its line number. A good file is written in the caller's one
transaction, each row an upsert, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from flows.csv_import import ImportRefused, RowProblem, csv_records, refuse_unsavable_lines
from flows.errors import InvalidInput, NotFound
from flows.kpis import (
    FIELD_BENCHMARK,
    FIELD_BENCHMARK_SOURCE,
    FIELD_KPI,
    FIELD_PERIOD_END,
    FIELD_RAW,
    FIELD_STAGE,
    FIELD_TARGET,
    FIELD_VALUE,
    KpiEntry,
    kpi_choices,
    record_kpi_value,
    validate_entry,
)
from flows.savable import UNSAVABLE_CHARACTER, is_savable
from storage.models import Workshop, pk

COLUMN_ANSWERS = "answers"
REQUIRED_COLUMNS = (FIELD_KPI, FIELD_PERIOD_END)
VALUE_COLUMNS = (FIELD_VALUE, COLUMN_ANSWERS)
OPTIONAL_COLUMNS = (FIELD_TARGET, FIELD_BENCHMARK, FIELD_BENCHMARK_SOURCE, FIELD_STAGE)
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, *VALUE_COLUMNS, *OPTIONAL_COLUMNS)
EXAMPLE_HEADER = "kpi,period_end,value,target,benchmark,benchmark_source,stage"
EXPECTED_COLUMNS_TEXT = (
    "kpi, period_end, and value or answers (or both columns, one filled per row); "
    "optionally target, benchmark, benchmark_source, stage"
)
MAX_ROWS = 10_000
# A field's name in a row's error message, where the CSV column is called differently.
COLUMN_OF_FIELD = {FIELD_RAW: COLUMN_ANSWERS}


@dataclass(frozen=True)
class ImportResult:
    workshop_id: int
    team_id: str
    title: str
    imported: int
    replaced: int
    kpis: list[str]  # the short names of the KPIs imported, in file order

    @property
    def new(self) -> int:
        return self.imported - self.replaced


def workshop_for_import(session: Session, workshop_id: int, team_id: str | None = None) -> Workshop:
    """The workshop an operator names on the command line.

    Workshop numbers are unique across workspaces, so the number alone finds the workshop and its
    own team_id scopes everything after; `team_id`, when given, must match (a guard against a
    mistyped number landing in another workspace's workshop).
    """
    query = select(Workshop).where(Workshop.id == workshop_id)
    if team_id:
        query = query.where(Workshop.team_id == team_id)
    workshop = session.exec(query).first()
    if workshop is None:
        where = f" in workspace {team_id}" if team_id else ""
        raise NotFound(f"There is no workshop #{workshop_id}{where}.")
    return workshop


def import_kpi_csv(
    session: Session, team_id: str, workshop_id: int, text: str, recorded_by: str
) -> ImportResult:
    """Check every row of the CSV `text`, then record them all; ImportRefused if any is bad."""
    _refuse_unsavable(text, recorded_by)
    choices = kpi_choices(session, team_id, workshop_id)
    lines = csv_records(text)
    header_line, header = next(lines, (0, []))
    if not any(cell.strip() for cell in header):
        raise ImportRefused(
            f"The file is empty. Its first line should be a header such as “{EXAMPLE_HEADER}”."
        )
    columns = _check_header(header, header_line)
    entries: list[tuple[int, KpiEntry]] = []
    problems: list[RowProblem] = []
    seen: dict[tuple, int] = {}
    for line, cells in lines:
        if len(entries) + len(problems) >= MAX_ROWS:
            raise ImportRefused(f"The file has more than {MAX_ROWS:,} rows: split it up.")
        if len(cells) != len(columns):
            problems.append(
                RowProblem(line, f"{len(cells)} cells, but the header has {len(columns)} columns")
            )
            continue
        row = dict(zip(columns, (cell.strip() for cell in cells), strict=True))
        try:
            entry = validate_entry(
                choices,
                kpi=row.get(FIELD_KPI),
                stage=row.get(FIELD_STAGE),
                period_end=row.get(FIELD_PERIOD_END),
                value=row.get(FIELD_VALUE),
                raw=row.get(COLUMN_ANSWERS),
                target=row.get(FIELD_TARGET),
                benchmark=row.get(FIELD_BENCHMARK),
                benchmark_source=row.get(FIELD_BENCHMARK_SOURCE),
            )
        except InvalidInput as error:
            problems.append(RowProblem(line, _row_message(error.errors)))
            continue
        if entry.identity in seen:
            problems.append(
                RowProblem(
                    line,
                    f"repeats {entry.kpi.short_name}"
                    f"{' for ' + entry.stage.name if entry.stage else ''}, period ending "
                    f"{entry.period_end.isoformat()} (line {seen[entry.identity]})",
                )
            )
            continue
        seen[entry.identity] = line
        entries.append((line, entry))
    if problems:
        count = len(problems)
        raise ImportRefused(
            f"Nothing was imported: {count} row{'s' * (count != 1)} "
            f"{'have' if count != 1 else 'has'} problems.",
            problems,
        )
    if not entries:
        raise ImportRefused(f"The file has a header (line {header_line}) but no rows of values.")
    replaced = 0
    for _, entry in entries:
        result = record_kpi_value(session, choices.workshop, recorded_by, entry, join=False)
        replaced += result.replaced is not None
    return ImportResult(
        workshop_id=pk(choices.workshop),
        team_id=choices.workshop.team_id,
        title=choices.workshop.title,
        imported=len(entries),
        replaced=replaced,
        kpis=list(dict.fromkeys(entry.kpi.short_name for _, entry in entries)),
    )


def _refuse_unsavable(text: str, recorded_by: str) -> None:
    if not is_savable(recorded_by):
        raise ImportRefused(f"The name the values are recorded as contains {UNSAVABLE_CHARACTER}.")
    refuse_unsavable_lines(text)


def _normalise(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _check_header(header: list[str], line: int) -> list[str]:
    columns = [_normalise(cell) for cell in header]
    unknown = [
        cell.strip()
        for cell, column in zip(header, columns, strict=True)
        if column not in KNOWN_COLUMNS
    ]
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    problems = []
    if unknown:
        names = ", ".join(f"“{name}”" for name in unknown)
        problems.append(f"unexpected column{'s' * (len(unknown) > 1)} {names}")
    if missing:
        problems.append("no " + " or ".join(missing) + " column")
    if not any(column in columns for column in VALUE_COLUMNS):
        problems.append("no value or answers column")
    if repeated:
        problems.append(f"repeated column{'s' * (len(repeated) > 1)} {', '.join(repeated)}")
    if problems:
        raise ImportRefused(
            f"Unexpected header (line {line}): {'; '.join(problems)}. Expected columns: "
            f"{EXPECTED_COLUMNS_TEXT}. Nothing was imported."
        )
    return columns


def _row_message(errors: dict[str, str]) -> str:
    return "; ".join(
        f"{COLUMN_OF_FIELD.get(field, field)}: {message.rstrip('.')}"
        for field, message in errors.items()
    )
