"""The KPI catalogue: built-in KPIs in code, plus each workshop's custom KPIs from the database.

A `KpiDefinition` knows what a KPI's numbers mean: its range, its unit, whether higher is
better, how precisely to show it, and which raw data it can be computed from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypedDict

from sqlmodel import Session, col, select

from flows.errors import InvalidInput
from flows.inserts import added
from flows.kpi_formulas import CES_SCALE, CSAT_SCALE, NPS_SCALE, parse_number
from flows.scope import of_workshop, rows_of
from storage.models import CustomKpi, Workshop, pk

CUSTOM_PREFIX = "custom:"
MAX_CUSTOM_KPIS = 50  # with the 8 built-ins, every KPI fits in one Slack select (100 options)
MAX_KPI_NAME_LENGTH = 40
MAX_UNIT_LENGTH = 12
MINUS = "\u2212"  # a typographic minus reads better than a hyphen in "−12"


class RawInput(StrEnum):
    """The raw data a KPI can be computed from instead of typing its value."""

    nps_answers = "nps_answers"  # 0–10 answers
    csat_answers = "csat_answers"  # 1–5 answers
    ces_answers = "ces_answers"  # 1–7 answers
    customer_counts = "customer_counts"  # customers at start, at end, new in the period
    order_factors = "order_factors"  # average order value, purchases per period, periods


ANSWER_SCALES = {
    RawInput.nps_answers: NPS_SCALE,
    RawInput.csat_answers: CSAT_SCALE,
    RawInput.ces_answers: CES_SCALE,
}


@dataclass(frozen=True)
class KpiDefinition:
    key: str  # "nps", ... or "custom:<id>"
    name: str  # "Net Promoter Score"
    short_name: str  # "NPS": tables, chart titles
    higher_is_better: bool
    minimum: float | None
    maximum: float | None
    unit: str = ""  # shown after the value: "%", "min", or a custom unit
    unit_name: str = ""  # said in ranges and hints: "minutes", "in your currency"
    decimals: int = 1  # the most decimals shown (trailing zeros are dropped)
    change_unit: str = ""  # the unit of a difference: "pts" for NPS, "pp" for percentages
    signed: bool = False  # show "+" on positive values (NPS)
    raw: RawInput | None = None
    aliases: tuple[str, ...] = field(default=())  # other names accepted in CSV files

    @property
    def is_custom(self) -> bool:
        return self.key.startswith(CUSTOM_PREFIX)

    @property
    def custom_id(self) -> int | None:
        return int(self.key.removeprefix(CUSTOM_PREFIX)) if self.is_custom else None

    @property
    def better_arrow(self) -> str:
        return "↑" if self.higher_is_better else "↓"

    @property
    def precision(self) -> float:
        """Half the smallest step shown: a change below it reads as unchanged."""
        return 0.5 * 10**-self.decimals

    def names(self) -> set[str]:
        return {n.casefold() for n in (self.key, self.name, self.short_name, *self.aliases)}

    def format(self, value: float) -> str:
        """32 → "+32" (NPS), 87.5 → "87.5%", 42 → "42 min", 1240 → "1,240"."""
        number = _format_number(value, self.decimals)
        if self.signed and value > 0 and number != "0":
            number = "+" + number
        return number + _unit_suffix(self.unit)

    def format_change(self, change: float) -> str:
        """A difference between two values: "+4 pts", "−1.5 pp", "+0.3 min"."""
        number = _format_number(change, self.decimals)
        sign = "+" if change > 0 and number != "0" else ("±" if number == "0" else "")
        return sign + number + _unit_suffix(self.change_unit or self.unit)

    def format_amount(self, amount: float) -> str:
        """A distance without its sign: "2 pts", "0.5 pp", "6 min"."""
        return _format_number(abs(amount), self.decimals) + _unit_suffix(
            self.change_unit or self.unit
        )

    def range_text(self) -> str:
        unit = f" {self.unit_name}" if self.unit_name else _unit_suffix(self.unit)
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"from {_format_number(low, 6)} to {_format_number(high, 6)}{unit}"
        if low is not None:
            return f"at least {_format_number(low, 6)}{unit}"
        if high is not None:
            return f"at most {_format_number(high, 6)}{unit}"
        return f"any number{unit}"

    def range_problem(self, value: float) -> str | None:
        """Why `value` cannot be a value of this KPI, or None if it can."""
        if not math.isfinite(value):
            return "Give a finite number."
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            return f"{self.short_name} is {self.range_text()}: {_format_number(value, 6)} is not."
        return None


def _format_number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace("-", MINUS)


def _unit_suffix(unit: str) -> str:
    if not unit:
        return ""
    return unit if unit == "%" else f" {unit}"


class _Scale(TypedDict):
    minimum: float
    maximum: float
    unit: str
    change_unit: str


PERCENT: _Scale = {"minimum": 0.0, "maximum": 100.0, "unit": "%", "change_unit": "pp"}

BUILT_IN_KPIS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        key="nps",
        name="Net Promoter Score",
        short_name="NPS",
        higher_is_better=True,
        minimum=-100.0,
        maximum=100.0,
        change_unit="pts",
        signed=True,
        raw=RawInput.nps_answers,
        aliases=("net promoter", "promoter score"),
    ),
    KpiDefinition(
        key="csat",
        name="Customer satisfaction",
        short_name="CSAT",
        higher_is_better=True,
        raw=RawInput.csat_answers,
        aliases=("customer satisfaction score",),
        **PERCENT,
    ),
    KpiDefinition(
        key="ces",
        name="Customer effort score",
        short_name="CES",
        higher_is_better=False,
        minimum=1.0,
        maximum=7.0,
        unit_name="(mean of 1–7 answers)",
        decimals=2,
        raw=RawInput.ces_answers,
        aliases=("customer effort",),
    ),
    KpiDefinition(
        key="retention",
        name="Retention rate",
        short_name="Retention",
        higher_is_better=True,
        raw=RawInput.customer_counts,
        aliases=("retention_rate", "customer retention"),
        **PERCENT,
    ),
    KpiDefinition(
        key="churn",
        name="Churn rate",
        short_name="Churn",
        higher_is_better=False,
        raw=RawInput.customer_counts,
        aliases=("churn_rate", "customer churn"),
        **PERCENT,
    ),
    KpiDefinition(
        key="clv",
        name="Customer lifetime value",
        short_name="CLV",
        higher_is_better=True,
        minimum=0.0,
        maximum=None,
        unit_name="(in your currency)",
        decimals=0,
        raw=RawInput.order_factors,
        aliases=("lifetime value", "ltv"),
    ),
    KpiDefinition(
        key="referral",
        name="Referral rate",
        short_name="Referral",
        higher_is_better=True,
        aliases=("referral_rate",),
        **PERCENT,
    ),
    KpiDefinition(
        key="first_response",
        name="First response time",
        short_name="First response",
        higher_is_better=False,
        minimum=0.0,
        maximum=None,
        unit="min",
        unit_name="minutes",
        aliases=("first_response_time", "response time", "frt"),
    ),
)
BUILT_IN_BY_KEY = {kpi.key: kpi for kpi in BUILT_IN_KPIS}
RESERVED_NAMES = {name for kpi in BUILT_IN_KPIS for name in kpi.names()}


def custom_definition(row: CustomKpi) -> KpiDefinition:
    unit = row.unit or ""
    return KpiDefinition(
        key=f"{CUSTOM_PREFIX}{row.id}",
        name=row.name,
        short_name=row.name,
        higher_is_better=row.higher_is_better,
        minimum=row.min_value,
        maximum=row.max_value,
        unit=unit,
        decimals=2,
        change_unit="pp" if unit == "%" else "",
    )


def workshop_kpis(session: Session, workshop: Workshop) -> list[KpiDefinition]:
    """The built-in KPIs in catalogue order, then the workshop's custom KPIs by name."""
    rows = rows_of(session, CustomKpi, workshop, col(CustomKpi.name_key))
    return [*BUILT_IN_KPIS, *map(custom_definition, rows)]


def find_kpi(kpis: list[KpiDefinition], text: str | None) -> KpiDefinition | None:
    """The KPI whose key or name (any case) is `text`."""
    wanted = (text or "").strip().casefold()
    return next((kpi for kpi in kpis if wanted and wanted in kpi.names()), None)


# Custom KPIs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomKpiSpec:
    name: str
    unit: str
    higher_is_better: bool
    minimum: float | None
    maximum: float | None


def validate_custom_kpi(
    name: str | None,
    unit: str | None,
    higher_is_better: bool | None,
    minimum: str | None,
    maximum: str | None,
) -> CustomKpiSpec:
    """Check the "define a KPI" form; InvalidInput maps each bad field to its message."""
    errors: dict[str, str] = {}
    clean_name = " ".join((name or "").split())
    if not clean_name:
        errors["kpi_name"] = "Give the KPI a name."
    elif len(clean_name) > MAX_KPI_NAME_LENGTH:
        errors["kpi_name"] = f"Keep the name to {MAX_KPI_NAME_LENGTH} characters."
    elif clean_name.casefold() in RESERVED_NAMES or clean_name.casefold().startswith(CUSTOM_PREFIX):
        errors["kpi_name"] = f"“{clean_name}” is a built-in KPI already: record it directly."
    clean_unit = (unit or "").strip()
    if len(clean_unit) > MAX_UNIT_LENGTH:
        errors["kpi_unit"] = f"Keep the unit to {MAX_UNIT_LENGTH} characters (e.g. %, days, €)."
    if higher_is_better is None:
        errors["kpi_direction"] = "Say whether a higher value is better."
    bounds: dict[str, float | None] = {}
    for field_name, raw in (("kpi_min", minimum), ("kpi_max", maximum)):
        bounds[field_name] = None
        if raw and raw.strip():
            try:
                bounds[field_name] = parse_number(raw)
            except ValueError as error:
                errors[field_name] = str(error)
    low, high = bounds["kpi_min"], bounds["kpi_max"]
    if clean_unit == "%" and low is None and high is None and not errors.keys() & {"kpi_unit"}:
        low, high = 0.0, 100.0  # a percentage without a stated range is a share: 0–100
    if low is not None and high is not None and low >= high:
        errors["kpi_max"] = "The highest value must be above the lowest."
    if errors:
        raise InvalidInput(errors)
    return CustomKpiSpec(clean_name, clean_unit, bool(higher_is_better), low, high)


def define_custom_kpi(
    session: Session, workshop: Workshop, user_id: str, spec: CustomKpiSpec
) -> KpiDefinition:
    """Add a custom KPI to the workshop. Its name is unique per workshop (in the database, so a
    double submit or two people defining the same name at once create it once)."""
    existing = session.exec(
        select(CustomKpi.name_key).where(*of_workshop(CustomKpi, workshop))
    ).all()
    if spec.name.casefold() in existing:
        raise InvalidInput({"kpi_name": f"This workshop already has a KPI “{spec.name}”."})
    if len(existing) >= MAX_CUSTOM_KPIS:
        raise InvalidInput({"kpi_name": f"A workshop can have at most {MAX_CUSTOM_KPIS} own KPIs."})
    row = CustomKpi(
        team_id=workshop.team_id,
        workshop_id=pk(workshop),
        name=spec.name,
        name_key=spec.name.casefold(),
        unit=spec.unit,
        higher_is_better=spec.higher_is_better,
        min_value=spec.minimum,
        max_value=spec.maximum,
        created_by=user_id,
    )
    if not added(session, row):
        raise InvalidInput({"kpi_name": f"This workshop already has a KPI “{spec.name}”."})
    return custom_definition(row)
