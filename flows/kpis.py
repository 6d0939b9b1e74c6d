"""Customer KPIs of a workshop's journey: recording values, and reading them back as figures.

KPIs are not tied to a phase: values can be recorded in any phase, including after the workshop
is closed (that is when the follow-through happens). A value belongs to a period, named by the
date it ends, and to the whole journey or one of its stages. Recording the same KPI, stage and
period again replaces the earlier value (an upsert on a unique key in the database).

`kpi_table` is what other features read (digests, exports, App Home): for each KPI its latest
value, the change against the previous period and whether that is better or worse, the target
in force and whether it is met, the benchmark and the benchmark index, and the trend.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from flows.board import Figure, register_figures
from flows.errors import InvalidInput
from flows.formatting import calendar_day
from flows.kpi_catalogue import (
    ANSWER_SCALES,
    KpiDefinition,
    RawInput,
    find_kpi,
    workshop_kpis,
)
from flows.kpi_formulas import (
    CSAT_SATISFIED_MIN,
    Attainment,
    BenchmarkIndex,
    Direction,
    FormulaError,
    benchmark_index,
    ces,
    change_direction,
    churn_rate,
    csat,
    customer_lifetime_value,
    margin,
    nps_breakdown,
    parse_answers,
    parse_number,
    parse_numbers,
    retention_rate,
    target_attainment,
)
from flows.reads import read_once
from flows.scope import in_workshop, of_workshop
from flows.workshops import get_workshop, join_workshop
from storage.models import (
    WHOLE_JOURNEY,
    JourneyStage,
    KpiValue,
    Phase,
    Workshop,
    id_col,
    pk,
    utcnow,
)

DEFAULT_TREND_PERIODS = 6
MAX_TREND_PERIODS = 24
EARLIEST_PERIOD_END = date(2000, 1, 1)
LATEST_PERIOD_END_DAYS_AHEAD = 366  # a period may be named by the end of this month or year
MAX_SOURCE_LENGTH = 150

# The fields of a value, as the record modal's block ids and the CSV import's columns use them.
FIELD_KPI = "kpi"
FIELD_STAGE = "stage"
FIELD_VALUE = "value"
FIELD_RAW = "raw"
FIELD_PERIOD_END = "period_end"
FIELD_TARGET = "target"
FIELD_BENCHMARK = "benchmark"
FIELD_BENCHMARK_SOURCE = "benchmark_source"

RAW_DATA_FORMATS = {
    RawInput.nps_answers: "0–10 answers",
    RawInput.csat_answers: "1–5 answers",
    RawInput.ces_answers: "1–7 answers",
    RawInput.customer_counts: "customers at the start, at the end, and new in the period",
    RawInput.order_factors: "average order value, purchases per period, expected periods",
}


# The workshop's KPIs and stages -----------------------------------------------------------------


@dataclass(frozen=True)
class StageChoice:
    id: int
    name: str


@dataclass(frozen=True)
class KpiChoices:
    """What a value may refer to in one workshop: its KPIs and its journey stages."""

    workshop: Workshop
    kpis: list[KpiDefinition]
    stages: list[StageChoice]

    def kpi(self, text: str | None) -> KpiDefinition | None:
        return find_kpi(self.kpis, text)

    def stage(self, wanted: int | str | None) -> StageChoice | None:
        """A stage by id (from a select) or by name, any case (from a file)."""
        if isinstance(wanted, int):
            return next((s for s in self.stages if s.id == wanted), None)
        key = (wanted or "").strip().casefold()
        return next((s for s in self.stages if s.name.casefold() == key), None)


def kpi_choices(session: Session, team_id: str, workshop_id: int) -> KpiChoices:
    workshop = get_workshop(session, team_id, workshop_id)
    return KpiChoices(workshop, workshop_kpis(session, workshop), _stages(session, workshop))


def _stages(session: Session, workshop: Workshop) -> list[StageChoice]:
    rows = session.exec(
        select(id_col(JourneyStage.id), JourneyStage.name)
        .where(*of_workshop(JourneyStage, workshop))
        .order_by(col(JourneyStage.position))
    ).all()
    return [StageChoice(stage_id, name) for stage_id, name in rows]


# Raw data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    value: float
    answer_count: int | None
    detail: str  # how the value came about, for the confirmation


def compute_from_raw(kpi: KpiDefinition, text: str) -> Computed:
    """The KPI's value from raw survey answers or counts; FormulaError says what is wrong."""
    if kpi.raw is None:
        raise FormulaError(f"{kpi.short_name} cannot be computed from raw data: type its value.")
    if kpi.raw in ANSWER_SCALES:
        low, high = ANSWER_SCALES[kpi.raw]
        answers = parse_answers(text, low, high)
        count = len(answers)
        plural = "s" * (count != 1)
        if kpi.raw is RawInput.nps_answers:
            split = nps_breakdown(answers)
            return Computed(
                split.score,
                count,
                f"{count} answer{plural}: {split.promoters} promoters, {split.passives} passives, "
                f"{split.detractors} detractors",
            )
        if kpi.raw is RawInput.csat_answers:
            satisfied = sum(1 for a in answers if a >= CSAT_SATISFIED_MIN)
            return Computed(
                csat(answers), count, f"{count} answer{plural}, {satisfied} of them 4 or 5"
            )
        return Computed(ces(answers), count, f"{count} answer{plural}")
    if kpi.raw is RawInput.customer_counts:
        start, end, new = parse_numbers(text, 3, RAW_DATA_FORMATS[kpi.raw])
        if any(n != int(n) for n in (start, end, new)):
            raise FormulaError("Customer counts are whole numbers.")
        rate = churn_rate if kpi.key == "churn" else retention_rate
        return Computed(
            rate(start, end, new),
            None,
            f"{start:,.0f} customers at the start, {end:,.0f} at the end, {new:,.0f} new",
        )
    order_value, purchases, periods = parse_numbers(text, 3, RAW_DATA_FORMATS[kpi.raw])
    return Computed(
        customer_lifetime_value(order_value, purchases, periods),
        None,
        f"{order_value:,g} per order × {purchases:g} purchases per period × {periods:g} periods",
    )


# Validating a value -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiEntry:
    """A checked value, ready to record."""

    kpi: KpiDefinition
    stage: StageChoice | None
    period_end: date
    value: float
    target: float | None = None
    benchmark: float | None = None
    benchmark_source: str | None = None
    answer_count: int | None = None
    computed: str | None = None  # how the value was computed from raw data

    @property
    def identity(self) -> tuple[str, int, date]:
        """What makes a value unique within a workshop (the database's unique key)."""
        return self.kpi.key, self.stage.id if self.stage else WHOLE_JOURNEY, self.period_end


def _not_one_of(given: str, what: str, listed: str, names: Iterable[str]) -> str:
    """“X” is not a stage of this journey. Stages: Discover, Buy."""
    return f"“{given}” is not {what}. {listed}: " + ", ".join(names) + "."


def validate_entry(
    choices: KpiChoices,
    *,
    kpi: str | None,
    stage: int | str | None = None,
    period_end: date | str | None,
    value: str | None = None,
    raw: str | None = None,
    target: str | None = None,
    benchmark: str | None = None,
    benchmark_source: str | None = None,
    today: date | None = None,
) -> KpiEntry:
    """Check one value (from the modal or a CSV row); InvalidInput maps each bad field (the
    FIELD_* names) to a message. A value outside its KPI's range is refused, never clipped."""
    errors: dict[str, str] = {}
    definition = choices.kpi(kpi)
    if definition is None:
        known = (k.short_name for k in choices.kpis)
        errors[FIELD_KPI] = (
            _not_one_of(kpi.strip(), "a KPI of this workshop", "Known", known)
            if kpi and kpi.strip()
            else "Choose a KPI."
        )
    stage_choice = None
    if stage not in (None, ""):
        stage_choice = choices.stage(stage)
        if stage_choice is None:
            errors[FIELD_STAGE] = _not_one_of(
                str(stage), "a stage of this journey", "Stages", (s.name for s in choices.stages)
            )
    when = _period_end(period_end, today or date.today(), errors)
    number, answer_count, computed = _value(definition, value, raw, errors)
    goal = _optional_number(definition, target, FIELD_TARGET, "Target", errors)
    reference = _optional_number(definition, benchmark, FIELD_BENCHMARK, "Benchmark", errors)
    source = " ".join((benchmark_source or "").split()) or None
    if source and len(source) > MAX_SOURCE_LENGTH:
        errors[FIELD_BENCHMARK_SOURCE] = f"Keep the source to {MAX_SOURCE_LENGTH} characters."
    elif reference is not None and source is None and FIELD_BENCHMARK not in errors:
        errors[FIELD_BENCHMARK_SOURCE] = (
            "Say where the benchmark comes from (e.g. “Retently 2024, B2B SaaS”)."
        )
    elif source and benchmark in (None, "") and FIELD_BENCHMARK not in errors:
        errors[FIELD_BENCHMARK_SOURCE] = "Give the benchmark value too, or clear its source."
    if errors:
        raise InvalidInput(errors)
    assert definition is not None and when is not None and number is not None
    return KpiEntry(
        kpi=definition,
        stage=stage_choice,
        period_end=when,
        value=number,
        target=goal,
        benchmark=reference,
        benchmark_source=source if reference is not None else None,
        answer_count=answer_count,
        computed=computed,
    )


def _period_end(raw: date | str | None, today: date, errors: dict[str, str]) -> date | None:
    if raw in (None, ""):
        errors[FIELD_PERIOD_END] = "Choose the date the period ends."
        return None
    if isinstance(raw, date):
        when = raw
    else:
        try:
            when = date.fromisoformat(raw.strip())
        except ValueError:
            errors[FIELD_PERIOD_END] = f"“{raw.strip()}” is not a date like 2025-06-30."
            return None
    latest = today + timedelta(days=LATEST_PERIOD_END_DAYS_AHEAD)
    if not EARLIEST_PERIOD_END <= when <= latest:
        errors[FIELD_PERIOD_END] = (
            f"The period must end between {calendar_day(EARLIEST_PERIOD_END)} and "
            f"{calendar_day(latest)}."
        )
        return None
    return when


def _value(
    definition: KpiDefinition | None, typed: str | None, raw: str | None, errors: dict[str, str]
) -> tuple[float | None, int | None, str | None]:
    """The value typed in, or computed from the raw data; exactly one of the two."""
    has_typed, has_raw = bool(typed and typed.strip()), bool(raw and raw.strip())
    if has_typed and has_raw:
        errors[FIELD_RAW] = "Give either a value or raw data, not both."
        return None, None, None
    if not has_typed and not has_raw:
        errors[FIELD_VALUE] = "Give the value, or raw data to compute it from."
        return None, None, None
    if definition is None:
        return None, None, None
    if has_raw:
        try:
            computed = compute_from_raw(definition, raw or "")
        except FormulaError as error:
            errors[FIELD_RAW] = str(error)
            return None, None, None
        return computed.value, computed.answer_count, computed.detail
    try:
        number = parse_number(typed or "")
    except ValueError as error:
        errors[FIELD_VALUE] = str(error)
        return None, None, None
    problem = definition.range_problem(number)
    if problem:
        errors[FIELD_VALUE] = problem
        return None, None, None
    return number, None, None


def _optional_number(
    definition: KpiDefinition | None,
    text: str | None,
    field_name: str,
    label: str,
    errors: dict[str, str],
) -> float | None:
    if not text or not text.strip():
        return None
    try:
        number = parse_number(text)
    except ValueError as error:
        errors[field_name] = f"{label}: {error}"
        return None
    problem = definition.range_problem(number) if definition else None
    if problem:
        errors[field_name] = f"{label}: {problem}"
        return None
    return number


# Recording --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplacedValue:
    value: float
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class RecordResult:
    workshop: Workshop
    entry: KpiEntry
    replaced: ReplacedValue | None  # the value this period had before, if any


_UPSERT_KEY = ("workshop_id", "kpi_key", "stage_key", "period_end")
_REPLACED_COLUMNS = (
    "value",
    "target",
    "benchmark",
    "benchmark_source",
    "answer_count",
    "custom_kpi_id",
    "recorded_by",
    "recorded_at",
)


def record_kpi_value(
    session: Session, workshop: Workshop, user_id: str, entry: KpiEntry, *, join: bool = True
) -> RecordResult:
    """Store the value for its (KPI, stage, period), replacing one recorded before.

    The write is an INSERT ... ON CONFLICT DO UPDATE on the unique key, so a retried request or
    two people recording the same period at once leave exactly one row (the last write wins).
    Recording joins the person to the workshop, unless it is closed (its team is settled).
    """
    kpi_key, stage_key, period_end = entry.identity
    before = session.exec(
        select(KpiValue.value, KpiValue.recorded_by, KpiValue.recorded_at)
        .where(
            *of_workshop(KpiValue, workshop),
            KpiValue.kpi_key == kpi_key,
            KpiValue.stage_key == stage_key,
            KpiValue.period_end == period_end,
        )
        .with_for_update()
    ).first()
    values = {
        "team_id": workshop.team_id,
        "workshop_id": workshop.id,
        "kpi_key": kpi_key,
        "custom_kpi_id": entry.kpi.custom_id,
        "stage_id": entry.stage.id if entry.stage else None,
        "stage_key": stage_key,
        "period_end": period_end,
        "value": entry.value,
        "target": entry.target,
        "benchmark": entry.benchmark,
        "benchmark_source": entry.benchmark_source,
        "answer_count": entry.answer_count,
        "recorded_by": user_id,
        "recorded_at": utcnow(),
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(KpiValue.__table__).values(**values)  # type: ignore[attr-defined]
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(_UPSERT_KEY),
            set_={column: statement.excluded[column] for column in _REPLACED_COLUMNS},
        )
    )
    if join and workshop.phase != Phase.closed:
        join_workshop(session, workshop, user_id)
    replaced = ReplacedValue(*before) if before else None
    return RecordResult(workshop, entry, replaced)


# The KPI table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiPoint:
    """One period of a KPI, with the target and benchmark in force then."""

    period_end: date
    value: float
    target: float | None
    benchmark: float | None


@dataclass(frozen=True)
class KpiRow:
    """Where one KPI (of the whole journey or of one stage) stands."""

    kpi: KpiDefinition
    stage: str | None  # None: the whole journey
    latest: KpiPoint
    previous: KpiPoint | None
    change: float | None  # latest − previous, in the KPI's unit
    direction: Direction | None  # better / worse / unchanged, as the KPI reads
    target: float | None  # in force at the latest period
    attainment: Attainment | None
    benchmark: float | None  # in force at the latest period
    benchmark_source: str | None
    benchmark_margin: float | None  # how far on the better side of the benchmark
    index: BenchmarkIndex | None  # None when there is no benchmark
    trend: tuple[KpiPoint, ...]  # oldest first, the latest last
    answer_count: int | None  # survey answers behind the latest value
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class KpiTable:
    workshop_id: int
    team_id: str
    channel_id: str
    board_ts: str | None
    title: str
    periods: int  # the most periods each trend holds
    rows: list[KpiRow]

    @property
    def with_target(self) -> list[KpiRow]:
        return [row for row in self.rows if row.attainment is not None]

    @property
    def on_target(self) -> list[KpiRow]:
        return [row for row in self.with_target if row.attainment and row.attainment.met]


@read_once
def kpi_table(
    session: Session, team_id: str, workshop_id: int, periods: int = DEFAULT_TREND_PERIODS
) -> KpiTable:
    """Each KPI's latest figures and its last `periods` periods, in catalogue order (built-ins,
    then custom KPIs by name; the whole journey before its stages, in journey order).

    The latest periods per KPI are picked in SQL (ROW_NUMBER() OVER a window per KPI and stage,
    on SQLite and PostgreSQL alike), so the work is one query however long the history is.
    A target or benchmark recorded for a period stays in force for the later periods of the
    trend until another is recorded.
    """
    periods = max(2, min(periods, MAX_TREND_PERIODS))
    choices = kpi_choices(session, team_id, workshop_id)
    workshop = choices.workshop
    recency = (
        func.row_number()
        .over(
            partition_by=(col(KpiValue.kpi_key), col(KpiValue.stage_key)),
            order_by=col(KpiValue.period_end).desc(),
        )
        .label("recency")
    )
    ranked = (
        select(col(KpiValue.id).label("id"), recency)
        .where(*in_workshop(KpiValue, team_id, workshop_id))
        .subquery()
    )
    values = session.exec(
        select(KpiValue)
        .join(ranked, ranked.c.id == col(KpiValue.id))
        .where(ranked.c.recency <= periods)
        .order_by(col(KpiValue.kpi_key), col(KpiValue.stage_key), col(KpiValue.period_end))
    ).all()
    series: dict[tuple[str, int], list[KpiValue]] = {}
    for value in values:
        series.setdefault((value.kpi_key, value.stage_key), []).append(value)
    kpi_order = {kpi.key: position for position, kpi in enumerate(choices.kpis)}
    stage_order = {stage.id: position for position, stage in enumerate(choices.stages, start=1)}
    stage_names = {stage.id: stage.name for stage in choices.stages}

    def catalogue_order(key: tuple[str, int]) -> tuple[int, int]:
        kpi_key, stage_key = key
        return kpi_order.get(kpi_key, len(kpi_order)), stage_order.get(stage_key, 0)

    rows = [
        _row(choices.kpis[kpi_order[key[0]]], stage_names.get(key[1]), series[key])
        for key in sorted(series, key=catalogue_order)
        if key[0] in kpi_order
    ]
    return KpiTable(
        workshop_id=pk(workshop),
        team_id=workshop.team_id,
        channel_id=workshop.channel_id,
        board_ts=workshop.board_ts,
        title=workshop.title,
        periods=periods,
        rows=rows,
    )


def _row(kpi: KpiDefinition, stage: str | None, values: list[KpiValue]) -> KpiRow:
    """Figures of one KPI from its recent values, oldest first."""
    trend: list[KpiPoint] = []
    target = benchmark = source = None
    for value in values:
        if value.target is not None:
            target = value.target
        if value.benchmark is not None:
            benchmark, source = value.benchmark, value.benchmark_source
        trend.append(KpiPoint(value.period_end, value.value, target, benchmark))
    latest, newest = trend[-1], values[-1]
    previous = trend[-2] if len(trend) > 1 else None
    change = latest.value - previous.value if previous else None
    return KpiRow(
        kpi=kpi,
        stage=stage,
        latest=latest,
        previous=previous,
        change=change,
        direction=(
            change_direction(change, kpi.higher_is_better, kpi.precision)
            if change is not None
            else None
        ),
        target=target,
        attainment=(
            target_attainment(latest.value, target, kpi.higher_is_better)
            if target is not None
            else None
        ),
        benchmark=benchmark,
        benchmark_source=source,
        benchmark_margin=(
            margin(latest.value, benchmark, kpi.higher_is_better) if benchmark is not None else None
        ),
        index=(
            benchmark_index(latest.value, benchmark, kpi.higher_is_better)
            if benchmark is not None
            else None
        ),
        trend=tuple(trend),
        answer_count=newest.answer_count,
        recorded_by=newest.recorded_by,
        recorded_at=newest.recorded_at,
    )


@register_figures
def kpi_figures(session: Session, workshop: Workshop) -> list[Figure]:
    """The board's KPI line: how many KPIs are tracked and how many meet their target."""
    table = kpi_table(session, workshop.team_id, pk(workshop))
    if not table.rows:
        return []
    tracked = f"{len(table.rows)} tracked"
    if table.with_target:
        tracked += f" · {len(table.on_target)} of {len(table.with_target)} on target"
    return [Figure("KPIs", tracked)]


# All values, for exports ------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiValueRecord:
    kpi_key: str
    kpi_name: str
    unit: str
    higher_is_better: bool
    stage: str | None
    period_end: date
    value: float
    target: float | None
    benchmark: float | None
    benchmark_source: str | None
    answer_count: int | None
    recorded_by: str
    recorded_at: datetime


def kpi_values(session: Session, team_id: str, workshop_id: int) -> list[KpiValueRecord]:
    """Every recorded value of the workshop, by KPI, stage and period (for exports)."""
    choices = kpi_choices(session, team_id, workshop_id)
    stage_names = {stage.id: stage.name for stage in choices.stages}
    stage_order = {stage.id: position for position, stage in enumerate(choices.stages, start=1)}
    kpi_order = {kpi.key: position for position, kpi in enumerate(choices.kpis)}
    rows = session.exec(select(KpiValue).where(*in_workshop(KpiValue, team_id, workshop_id))).all()
    rows = sorted(
        (row for row in rows if row.kpi_key in kpi_order),
        key=lambda r: (kpi_order[r.kpi_key], stage_order.get(r.stage_key, 0), r.period_end),
    )
    records = []
    for row in rows:
        kpi = choices.kpis[kpi_order[row.kpi_key]]
        records.append(
            KpiValueRecord(
                kpi_key=kpi.key,
                kpi_name=kpi.name,
                unit=kpi.unit,
                higher_is_better=kpi.higher_is_better,
                stage=stage_names.get(row.stage_key),
                period_end=row.period_end,
                value=row.value,
                target=row.target,
                benchmark=row.benchmark,
                benchmark_source=row.benchmark_source,
                answer_count=row.answer_count,
                recorded_by=row.recorded_by,
                recorded_at=row.recorded_at,
            )
        )
    return records
