"""Journey definitions: the default journey, the one-line-per-stage text format the setup
modal uses ("Stage: touchpoint, touchpoint, ..."), and a workshop's touchpoints to pick from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from flows.scope import of_workshop
from storage.models import JourneyStage, Touchpoint, Workshop, id_col

S = TypeVar("S", bound=Select[*tuple[Any, ...]])  # a select statement, kept its own type

MAX_STAGES = 10
MAX_TOUCHPOINTS_PER_STAGE = 15
# Slack selects hold at most 100 options; every touchpoint must fit in one select.
MAX_TOUCHPOINTS = 100
MAX_NAME_LENGTH = 60


@dataclass(frozen=True)
class StageSpec:
    name: str
    touchpoints: tuple[str, ...]


DEFAULT_JOURNEY: tuple[StageSpec, ...] = (
    StageSpec("Awareness", ("Search results", "Social media", "Word of mouth", "Advertising")),
    StageSpec("Consideration", ("Website", "Reviews", "Pricing page", "Sales conversation")),
    StageSpec("Decision", ("Free trial", "Demo", "Proposal and quote")),
    StageSpec("Purchase", ("Checkout", "Contract and billing", "Confirmation email")),
    StageSpec(
        "Post-purchase / Loyalty",
        ("Onboarding", "Support", "Product updates", "Renewal", "Loyalty programme"),
    ),
)


def format_journey(stages: tuple[StageSpec, ...] | list[StageSpec]) -> str:
    return "\n".join(f"{stage.name}: {', '.join(stage.touchpoints)}" for stage in stages)


class JourneyParseError(ValueError):
    """The journey text is not valid; the message says which line and why."""


def parse_journey(text: str) -> list[StageSpec]:
    """Parse one stage per line, "Stage: touchpoint, touchpoint". Blank lines are ignored."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise JourneyParseError("Add at least one stage, e.g. “Awareness: Website, Ads”.")
    if len(lines) > MAX_STAGES:
        raise JourneyParseError(f"At most {MAX_STAGES} stages ({len(lines)} given).")
    stages = [_parse_stage_line(number, line) for number, line in enumerate(lines, start=1)]
    _check_unique([stage.name for stage in stages], "stage")
    total = sum(len(stage.touchpoints) for stage in stages)
    if total > MAX_TOUCHPOINTS:
        raise JourneyParseError(f"At most {MAX_TOUCHPOINTS} touchpoints in all ({total} given).")
    return stages


def _parse_stage_line(number: int, line: str) -> StageSpec:
    name, colon, rest = line.partition(":")
    name = name.strip()
    if not name:
        raise JourneyParseError(f"Line {number} has no stage name before the colon.")
    touchpoints = [part.strip() for part in rest.split(",") if part.strip()] if colon else []
    if not touchpoints:
        raise JourneyParseError(
            f"Stage “{name}” (line {number}) has no touchpoints: "
            "list them after a colon, separated by commas."
        )
    if len(touchpoints) > MAX_TOUCHPOINTS_PER_STAGE:
        raise JourneyParseError(
            f"Stage “{name}” has {len(touchpoints)} touchpoints; "
            f"at most {MAX_TOUCHPOINTS_PER_STAGE} per stage."
        )
    for item in [name, *touchpoints]:
        if len(item) > MAX_NAME_LENGTH:
            raise JourneyParseError(
                f"“{item[:30]}…” is too long: names have at most {MAX_NAME_LENGTH} characters."
            )
    _check_unique(touchpoints, f"touchpoint in “{name}”")
    return StageSpec(name, tuple(touchpoints))


def _check_unique(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        key = name.casefold()
        if key in seen:
            raise JourneyParseError(f"Duplicate {what}: “{name}”.")
        seen.add(key)


# Picking a touchpoint (the fix and stakeholder forms) ------------------------------------------


@dataclass(frozen=True)
class TouchpointChoice:
    touchpoint_id: int
    name: str


@dataclass(frozen=True)
class StageChoices:
    name: str
    touchpoints: tuple[TouchpointChoice, ...]


def in_journey_order(statement: S, workshop: Workshop) -> S:
    """`statement`, a select over journey stages, joined to their touchpoints and kept to the
    workshop's (in its workspace), in journey order: stage by stage, touchpoint by touchpoint."""
    return (
        statement.join(Touchpoint, col(Touchpoint.stage_id) == col(JourneyStage.id))
        .where(
            *of_workshop(JourneyStage, workshop),
            col(Touchpoint.team_id) == workshop.team_id,
        )
        .order_by(col(JourneyStage.position), col(Touchpoint.position))
    )


def touchpoint_choices(session: Session, workshop: Workshop) -> tuple[StageChoices, ...]:
    """The journey's touchpoints grouped by stage, in journey order, for the forms' selects."""
    rows = session.exec(
        in_journey_order(
            select(JourneyStage.name, id_col(Touchpoint.id), Touchpoint.name), workshop
        )
    ).all()
    stages: dict[str, list[TouchpointChoice]] = {}
    for stage_name, touchpoint_id, touchpoint_name in rows:
        stages.setdefault(stage_name, []).append(TouchpointChoice(touchpoint_id, touchpoint_name))
    return tuple(StageChoices(name, tuple(choices)) for name, choices in stages.items())
