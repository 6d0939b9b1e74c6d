"""Importing customers' answers: a CSV file or pasted text, all of it or none.

Two layouts, told apart by the header (names in any case, spaces collapsed):

- **Raw answers**, one row per customer: a column per touchpoint (or stage) and measure, named
  "<touchpoint> expectation" and "<touchpoint> experience" (also "expected" / "experienced",
  with or without a separator such as ":" or "-"); a touchpoint named in two stages is written
  "<stage> / <touchpoint>". Optional columns: `date` (ISO, when the customer answered),
  `segment` or `persona`, and `respondent`, `id`, `timestamp`, `comment` (ignored). An empty
  cell is a question left unanswered.
- **Aggregates**, one row per touchpoint and measure: `touchpoint` (a touchpoint's or a stage's
  name), `measure` (expectation or experience), `n`, `mean`, `sd`; optional `date`, `segment`.

Answers on another scale (1–5, 1–10, 0–10) are converted linearly to the workshop's 1–7:
x′ = 1 + (x − low) · 6 / (high − low); a standard deviation is multiplied by 6 / (high − low).

Column names are matched to the journey by stage and touchpoint name (case- and
space-insensitive); any name that matches nothing refuses the import with the list of them and
the journey's names. Every row is checked before anything is written; any bad row refuses the
whole file, every bad row named by its line. The import is keyed by a hash of its answers, scale
and date, unique per workshop: importing the same answers again adds nothing.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from flows.csv_import import ImportRefused, RowProblem, csv_records, refuse_unsavable_lines
from flows.customers.figures import Sample
from flows.errors import FlowError
from flows.gaps.aggregation import journey_touchpoints
from flows.savable import UNSAVABLE_CHARACTER, is_savable
from flows.scope import of_workshop, rows_of
from storage.models import (
    NO_SEGMENT,
    WHOLE_STAGE,
    CustomerFigure,
    CustomerImport,
    JourneyStage,
    Measure,
    Workshop,
    pk,
)

SCALES: dict[str, tuple[int, int]] = {
    "1-7": (1, 7),
    "1-5": (1, 5),
    "1-10": (1, 10),
    "0-10": (0, 10),
}
DEFAULT_SCALE = "1-7"
MAX_ROWS = 20_000
MAX_SEGMENT = 60
SOURCES = ("csv", "slack file", "form")

MEASURE_WORDS = {
    "expectation": Measure.expectation,
    "expectations": Measure.expectation,
    "expected": Measure.expectation,
    "expect": Measure.expectation,
    "experience": Measure.experience,
    "experienced": Measure.experience,
    "perceived": Measure.experience,
}
_MEASURE_COLUMN = re.compile(
    r"^(?P<name>.*?)[\s:\-–—|(\[]*\b(?P<measure>" + "|".join(MEASURE_WORDS) + r")[\s)\]]*$"
)
COLUMN_DATE, COLUMN_SEGMENT = "date", "segment"
SEGMENT_COLUMNS = ("segment", "persona")
IGNORED_COLUMNS = ("respondent", "id", "timestamp", "comment", "comments")
AGGREGATE_COLUMNS = ("touchpoint", "measure", "n", "mean", "sd")
EXAMPLE_RAW = "date,segment,Website expectation,Website experience"
EXAMPLE_AGGREGATE = "touchpoint,measure,n,mean,sd"


def scale_label(scale: str) -> str:
    low, high = SCALES[scale]
    return f"{low}–{high}"


def to_workshop_scale(value: float, scale: str) -> float:
    """x′ = 1 + (x − low) · 6 / (high − low): 1–5's 3 is 4, 0–10's 10 is 7."""
    low, high = SCALES[scale]
    return 1.0 + (value - low) * 6.0 / (high - low)


def sd_to_workshop_scale(sd: float, scale: str) -> float:
    low, high = SCALES[scale]
    return sd * 6.0 / (high - low)


def name_key(name: str) -> str:
    """Names compared case- and space-insensitively: "  Check-out  PAGE" ~ "check-out page"."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class Target:
    """A place in the journey the answers are about: a touchpoint, or a whole stage."""

    stage_id: int
    touchpoint_id: int | None
    name: str


@dataclass
class JourneyNames:
    """Every name a column may use, mapped to what it names; ambiguous names mapped to None."""

    by_key: dict[str, Target | None] = field(default_factory=dict)
    listed: list[str] = field(default_factory=list)  # the names, as the journey writes them

    def add(self, key: str, target: Target) -> None:
        if key in self.by_key and self.by_key[key] != target:
            self.by_key[key] = None  # the same name in two places: must be qualified
        else:
            self.by_key.setdefault(key, target)

    def find(self, name: str) -> Target | str:
        """The target, or a message saying why the name does not name one."""
        key = name_key(name)
        qualified = re.split(r"\s*[/>]\s*|\s*:\s+", key, maxsplit=1)
        if len(qualified) == 2 and (joined := " / ".join(qualified)) in self.by_key:
            key = joined
        if key not in self.by_key:
            return "matches no stage or touchpoint"
        target = self.by_key[key]
        if target is None:
            return "names touchpoints in several stages: write it as “Stage / Touchpoint”"
        return target


def journey_names(session: Session, workshop: Workshop) -> JourneyNames:
    names = JourneyNames()
    stages = rows_of(session, JourneyStage, workshop, col(JourneyStage.position))
    for touchpoint in journey_touchpoints(session, workshop):
        target = Target(touchpoint.stage_id, touchpoint.id, touchpoint.name)
        names.add(name_key(touchpoint.name), target)
        names.add(f"{name_key(touchpoint.stage_name)} / {name_key(touchpoint.name)}", target)
        names.listed.append(touchpoint.name)
    for stage in stages:
        assert stage.id is not None
        key = name_key(stage.name)
        if key not in names.by_key:  # a touchpoint of the same name wins over its stage
            names.by_key[key] = Target(stage.id, None, stage.name)
        names.listed.append(f"{stage.name} (stage)")
    return names


@dataclass(frozen=True)
class CustomerImportResult:
    workshop_id: int
    team_id: str
    title: str
    import_id: int
    survey_date: date
    scale: str
    answers: int  # individual answers (the sum of n over the figures)
    places: list[str]  # touchpoints and stages answered about, in journey order
    already_imported: bool  # the same answers were imported before: nothing was added

    @property
    def converted(self) -> bool:
        return self.scale != DEFAULT_SCALE

    @property
    def scale_note(self) -> str | None:
        if not self.converted:
            return None
        return f"answers on {scale_label(self.scale)} converted linearly to 1–7"


def import_customer_answers(
    session: Session,
    workshop: Workshop,
    text: str,
    *,
    imported_by: str,
    today: date,
    scale: str = DEFAULT_SCALE,
    survey_date: date | None = None,
    source: str = "csv",
) -> CustomerImportResult:
    """Check every row of `text`, then save the import and its figures; ImportRefused if any
    row is bad. The caller's transaction commits it (or nothing)."""
    if scale not in SCALES:
        raise FlowError(f"Unknown scale “{scale}”: use one of {', '.join(SCALES)}.")
    if source not in SOURCES:
        raise FlowError(f"Unknown source “{source}”.")
    if survey_date is not None and survey_date > today:
        raise ImportRefused(f"The survey date {survey_date.isoformat()} is in the future.")
    _refuse_unsavable(text, imported_by)
    names = journey_names(session, workshop)
    records = csv_records(text, tabs=True)
    header_line, header = next(records, (0, []))
    if not any(cell.strip() for cell in header):
        raise ImportRefused(
            "The text is empty. Its first line should be a header such as "
            f"“{EXAMPLE_RAW}” (one row per customer) or “{EXAMPLE_AGGREGATE}”."
        )
    columns = [name_key(cell) for cell in header]
    parse = _parse_aggregates if "mean" in columns and "n" in columns else _parse_raw
    parsed = parse(names, header, header_line, records, scale, today)
    if parsed.problems:
        count = len(parsed.problems)
        raise ImportRefused(
            f"Nothing was imported: {count} row{'s' * (count != 1)} "
            f"{'have' if count != 1 else 'has'} problems."
            + (f" {parsed.unmatched}" if parsed.unmatched else ""),
            parsed.problems,
        )
    if not parsed.samples:
        raise ImportRefused(f"The text has a header (line {header_line}) but no answers.")
    dated = survey_date or parsed.latest_date or today
    digest = _content_hash(text, scale, survey_date)
    existing = _existing_import(session, workshop, digest)
    if existing is None:
        row = CustomerImport(
            team_id=workshop.team_id,
            workshop_id=pk(workshop),
            content_hash=digest,
            survey_date=dated,
            source=source,
            scale=scale,
            answer_count=sum(sample.n for sample in parsed.samples.values()),
            imported_by=imported_by[:32],
        )
        try:
            with session.begin_nested():  # a concurrent import of the same answers wins
                session.add(row)
                session.flush()
        except IntegrityError:
            existing = _existing_import(session, workshop, digest)
            if existing is None:
                raise
        else:
            for (target, measure, segment), sample in parsed.samples.items():
                session.add(
                    CustomerFigure(
                        team_id=workshop.team_id,
                        workshop_id=pk(workshop),
                        import_id=pk(row),
                        stage_id=target.stage_id,
                        touchpoint_id=target.touchpoint_id,
                        touchpoint_key=target.touchpoint_id or WHOLE_STAGE,
                        measure=measure,
                        segment=segment,
                        n=sample.n,
                        mean=min(7.0, max(1.0, sample.mean)),  # float dust at the ends
                        sd=sample.sd,
                    )
                )
            session.flush()
    chosen = existing or row
    assert chosen.id is not None and workshop.id is not None
    order = {name: index for index, name in enumerate(names.listed)}
    places = sorted(
        {
            target.name if target.touchpoint_id else f"{target.name} (stage)"
            for target, _, _ in parsed.samples
        },
        key=lambda name: order.get(name, len(order)),
    )
    return CustomerImportResult(
        workshop_id=workshop.id,
        team_id=workshop.team_id,
        title=workshop.title,
        import_id=chosen.id,
        survey_date=chosen.survey_date,
        scale=scale,
        answers=chosen.answer_count,
        places=places,
        already_imported=existing is not None,
    )


def _existing_import(session: Session, workshop: Workshop, digest: str) -> CustomerImport | None:
    return session.exec(
        select(CustomerImport).where(
            *of_workshop(CustomerImport, workshop),
            CustomerImport.content_hash == digest,
        )
    ).first()


def _content_hash(text: str, scale: str, survey_date: date | None) -> str:
    lines = [line.rstrip() for line in text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")]
    body = "\n".join(line for line in lines if line)
    stamp = survey_date.isoformat() if survey_date else ""
    return hashlib.sha256(f"{scale}\n{stamp}\n{body}".encode()).hexdigest()


Key = tuple[Target, Measure, str]


@dataclass
class _Parsed:
    samples: dict[Key, Sample] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    latest_date: date | None = None
    unmatched: str = ""  # the names of aggregate rows that match nothing, with the journey's


def _parse_raw(names, header, header_line, records, scale, today) -> _Parsed:
    low, high = SCALES[scale]
    answers: dict[Key, list[float]] = {}
    parsed = _Parsed()
    columns: list[tuple[Target, Measure] | str | None] = []
    unmatched: list[str] = []
    for cell in header:
        key = name_key(cell)
        if key in (COLUMN_DATE, *SEGMENT_COLUMNS):
            columns.append(COLUMN_SEGMENT if key in SEGMENT_COLUMNS else COLUMN_DATE)
            continue
        if key in IGNORED_COLUMNS:
            columns.append(None)
            continue
        match = _MEASURE_COLUMN.match(key)
        found = names.find(match.group("name").strip(" -:–—|")) if match else None
        if match is None or not isinstance(found, Target):
            unmatched.append(cell.strip() or "(a column without a name)")
            columns.append(None)
            continue
        columns.append((found, MEASURE_WORDS[match.group("measure")]))
    _refuse_columns(unmatched, names, header_line)
    repeated = {c for c in columns if isinstance(c, tuple) and columns.count(c) > 1}
    if repeated:
        raise ImportRefused(
            f"Line {header_line} names the same touchpoint and measure twice: "
            + ", ".join(sorted(f"{t.name} {m.value}" for t, m in repeated))
            + ". Nothing was imported."
        )
    if not any(isinstance(c, tuple) for c in columns):
        raise ImportRefused(
            f"Line {header_line} has no answer columns: name them “<touchpoint> expectation” and "
            "“<touchpoint> experience”."
        )
    for line, cells in _whole_rows(records, header_line, len(columns), parsed):
        errors: list[str] = []
        segment, row_answers, bad_answers = NO_SEGMENT, [], False
        for column, heading, raw in zip(columns, header, cells, strict=True):
            value = raw.strip()
            if column is None or not value:
                continue
            if column == COLUMN_DATE:
                day = _parse_date(value, today, errors)
                if day and (parsed.latest_date is None or day > parsed.latest_date):
                    parsed.latest_date = day
            elif column == COLUMN_SEGMENT:
                if len(value) > MAX_SEGMENT:
                    errors.append(f"segment is longer than {MAX_SEGMENT} characters")
                segment = value[:MAX_SEGMENT]
            else:
                number = _number(value)
                if number is None or not low <= number <= high:
                    bad_answers = True
                    errors.append(
                        f"{heading.strip()}: “{value[:20]}” is not an answer {low}–{high}"
                    )
                    continue
                assert isinstance(column, tuple)  # the other named columns: date, segment
                target, measure = column
                row_answers.append(((target, measure), to_workshop_scale(number, scale)))
        if not row_answers and not bad_answers:
            errors.append("no answers")
        if errors:
            parsed.problems.append(RowProblem(line, "; ".join(errors)))
            continue
        for (target, measure), answer in row_answers:
            answers.setdefault((target, measure, segment), []).append(answer)
    parsed.samples = {key: Sample.of(values) for key, values in answers.items()}
    return parsed


def _parse_aggregates(names, header, header_line, records, scale, today) -> _Parsed:
    low, high = SCALES[scale]
    columns = [name_key(cell) for cell in header]
    columns = ["segment" if c == "persona" else c for c in columns]
    known = (*AGGREGATE_COLUMNS, COLUMN_DATE, COLUMN_SEGMENT)
    unknown = [cell.strip() for cell, c in zip(header, columns, strict=True) if c not in known]
    missing = [c for c in AGGREGATE_COLUMNS if c not in columns]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append("unexpected columns " + ", ".join(f"“{name}”" for name in unknown))
        if missing:
            parts.append("no " + ", ".join(missing) + " column")
        raise ImportRefused(
            f"Unexpected header (line {header_line}): {'; '.join(parts)}. Expected columns for "
            f"aggregates: {EXAMPLE_AGGREGATE}, optionally date, segment. Nothing was imported."
        )
    parsed = _Parsed()
    seen: dict[Key, int] = {}
    unmatched: list[str] = []
    for line, cells in _whole_rows(records, header_line, len(columns), parsed):
        row = dict(zip(columns, (cell.strip() for cell in cells), strict=True))
        errors: list[str] = []
        found = names.find(row["touchpoint"]) if row["touchpoint"] else "is empty"
        if not isinstance(found, Target):
            errors.append(f"touchpoint “{row['touchpoint'][:60]}” {found}")
            if found == "matches no stage or touchpoint":
                unmatched.append(row["touchpoint"])
        measure = MEASURE_WORDS.get(name_key(row["measure"]))
        if measure is None:
            errors.append(f"measure “{row['measure'][:20]}” is not expectation or experience")
        n = int(row["n"]) if row["n"].isdecimal() else 0
        if n < 1:
            errors.append(f"n “{row['n'][:20]}” is not a whole number of answers (1 or more)")
        mean = _number(row["mean"])
        if mean is None or not low <= mean <= high:
            errors.append(f"mean “{row['mean'][:20]}” is not a number {low}–{high}")
        sd = _number(row["sd"]) if row["sd"] else None
        if row["sd"] and (sd is None or sd < 0 or sd > high - low):
            errors.append(f"sd “{row['sd'][:20]}” is not a number 0–{high - low}")
        elif sd is None and n >= 2:
            errors.append("sd is needed when n is 2 or more")
        segment = row.get(COLUMN_SEGMENT, "")
        if len(segment) > MAX_SEGMENT:
            errors.append(f"segment is longer than {MAX_SEGMENT} characters")
        if row.get(COLUMN_DATE):
            day = _parse_date(row[COLUMN_DATE], today, errors)
            if day and (parsed.latest_date is None or day > parsed.latest_date):
                parsed.latest_date = day
        if errors:
            parsed.problems.append(RowProblem(line, "; ".join(errors)))
            continue
        assert isinstance(found, Target) and measure is not None and mean is not None
        key = (found, measure, segment)
        if key in seen:
            parsed.problems.append(
                RowProblem(line, f"repeats {found.name} {measure.value} (line {seen[key]})")
            )
            continue
        seen[key] = line
        parsed.samples[key] = Sample(
            n,
            to_workshop_scale(mean, scale),
            None if n < 2 or sd is None else sd_to_workshop_scale(sd, scale),
        )
    if unmatched:
        parsed.unmatched = (
            "Names that match nothing in the journey: "
            + ", ".join(f"“{name[:60]}”" for name in dict.fromkeys(unmatched))
            + ". The journey's names: "
            + ", ".join(names.listed)
            + "."
        )
    return parsed


def _whole_rows(
    records: Iterable[tuple[int, list[str]]], header_line: int, width: int, parsed: _Parsed
) -> Iterator[tuple[int, list[str]]]:
    """The records with one cell per header column; each other one is a problem of `parsed`.
    ImportRefused at the first record past MAX_ROWS rows after the header."""
    for line, cells in records:
        if line - header_line > MAX_ROWS:
            raise ImportRefused(f"The text has more than {MAX_ROWS:,} rows: split it up.")
        if len(cells) != width:
            parsed.problems.append(
                RowProblem(line, f"{len(cells)} cells, but the header has {width} columns")
            )
            continue
        yield line, cells


def _refuse_columns(unmatched: list[str], names: JourneyNames, line: int) -> None:
    if not unmatched:
        return
    raise ImportRefused(
        f"Line {line} has columns that match nothing in the journey: "
        + ", ".join(f"“{name[:60]}”" for name in unmatched)
        + ". Name answer columns “<touchpoint> expectation” or “<touchpoint> experience” "
        "(a stage's name works too). The journey's names: "
        + ", ".join(names.listed)
        + ". Nothing was imported."
    )


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".") if text.count(",") == 1 else text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse_date(text: str, today: date, errors: list[str]) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors.append(f"date “{text[:20]}” is not a date like 2026-05-31")
        return None
    if day > today:
        errors.append(f"date {day.isoformat()} is in the future")
        return None
    return day


def _refuse_unsavable(text: str, imported_by: str) -> None:
    if not is_savable(imported_by):
        raise ImportRefused(f"The importer's name contains {UNSAVABLE_CHARACTER}.")
    refuse_unsavable_lines(text)
