"""The workshop lifecycle: create, find, join, and move through phases.

Every function takes the caller's `team_id` and filters by it, so a forged workshop id from
another workspace is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import case, update
from sqlmodel import Session, col, select

from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.inserts import added
from flows.journey import JourneyParseError, StageSpec, parse_journey
from flows.reads import read_once
from flows.scope import count_of, in_workshop, of_workshop
from storage.models import (
    JourneyStage,
    Participant,
    Phase,
    PhaseChange,
    Role,
    Touchpoint,
    Workshop,
    pk,
    utcnow,
)

PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)
PHASE_NAMES = {
    Phase.setup: "Setup",
    Phase.stakeholders: "Stakeholders",
    Phase.rating: "Gap rating",
    Phase.fixes: "Fixes",
    Phase.voting: "Voting",
    Phase.closed: "Closed",
}
MAX_TITLE_LENGTH = 150  # a Block Kit header holds 150 characters
MAX_VOTE_BUDGET = 20
FACILITATOR_ROLES = (Role.facilitator, Role.co_facilitator)
# First in ORDER BY, to list open workshops before closed ones.
CLOSED_LAST = case((col(Workshop.phase) == Phase.closed, 1), else_=0)


class PhaseAction(StrEnum):
    advance = "advance"
    back = "back"
    skip = "skip"
    close = "close"
    reopen = "reopen"


@dataclass(frozen=True)
class WorkshopSpec:
    """What the setup modal collects, validated by `validate_spec`."""

    title: str
    stages: list[StageSpec]
    vote_budget: int = 3
    max_votes_per_fix: int = 1
    live_tallies: bool = False
    co_facilitators: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PhaseChangeResult:
    workshop: Workshop
    from_phase: Phase
    to_phase: Phase
    action: PhaseAction
    change_id: int | None = None  # the PhaseChange row recording it


def validate_spec(
    title: str | None,
    journey_text: str | None,
    vote_budget: str | int | None,
    max_votes_per_fix: str | int | None,
    live_tallies: bool = False,
    co_facilitators: list[str] | None = None,
) -> WorkshopSpec:
    """Check the setup form; raise InvalidInput with one message per bad field. The journey is
    either typed (`journey_text`, "Stage: touchpoint, touchpoint" lines) or, when None, edited
    stage by stage afterwards (flows.journey_templates.validate_stages)."""
    errors: dict[str, str] = {}
    clean_title = (title or "").strip()
    if not clean_title:
        errors["title"] = "Give the workshop a title."
    elif len(clean_title) > MAX_TITLE_LENGTH:
        errors["title"] = f"Keep the title to {MAX_TITLE_LENGTH} characters."
    stages: list[StageSpec] = []
    if journey_text is not None:  # None: the journey comes from the stage editor
        try:
            stages = parse_journey(journey_text)
        except JourneyParseError as error:
            errors["journey"] = str(error)
    budget = _parse_int(vote_budget, 3, 1, MAX_VOTE_BUDGET, "vote_budget", "Vote budget", errors)
    per_fix = _parse_int(
        max_votes_per_fix, 1, 1, MAX_VOTE_BUDGET, "max_votes_per_fix", "Votes per fix", errors
    )
    if "vote_budget" not in errors and "max_votes_per_fix" not in errors and per_fix > budget:
        errors["max_votes_per_fix"] = f"Votes per fix cannot exceed the vote budget ({budget})."
    if errors:
        raise InvalidInput(errors)
    return WorkshopSpec(
        title=clean_title,
        stages=stages,
        vote_budget=budget,
        max_votes_per_fix=per_fix,
        live_tallies=live_tallies,
        co_facilitators=list(dict.fromkeys(co_facilitators or [])),
    )


def _parse_int(
    raw: str | int | None,
    default: int,
    low: int,
    high: int,
    name: str,
    label: str,
    errors: dict[str, str],
) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors[name] = f"{label} must be a whole number."
        return default
    if not low <= value <= high:
        errors[name] = f"{label} must be between {low} and {high}."
    return value


def create_workshop(
    session: Session, team_id: str, channel_id: str, facilitator_id: str, spec: WorkshopSpec
) -> Workshop:
    workshop = Workshop(
        team_id=team_id,
        channel_id=channel_id,
        title=spec.title,
        facilitator_id=facilitator_id,
        vote_budget=spec.vote_budget,
        max_votes_per_fix=spec.max_votes_per_fix,
        live_tallies=spec.live_tallies,
    )
    session.add(workshop)
    session.flush()
    for stage_position, stage_spec in enumerate(spec.stages):
        stage = JourneyStage(
            team_id=team_id, workshop_id=pk(workshop), position=stage_position, name=stage_spec.name
        )
        session.add(stage)
        session.flush()
        session.add_all(
            Touchpoint(
                team_id=team_id,
                workshop_id=pk(workshop),
                stage_id=pk(stage),
                position=position,
                name=name,
            )
            for position, name in enumerate(stage_spec.touchpoints)
        )
    session.add(
        Participant(
            team_id=team_id, workshop_id=pk(workshop), user_id=facilitator_id, role=Role.facilitator
        )
    )
    session.add_all(
        Participant(
            team_id=team_id, workshop_id=pk(workshop), user_id=user_id, role=Role.co_facilitator
        )
        for user_id in spec.co_facilitators
        if user_id != facilitator_id
    )
    session.flush()
    return workshop


@read_once
def get_workshop(session: Session, team_id: str, workshop_id: int) -> Workshop:
    workshop = session.exec(
        select(Workshop).where(Workshop.id == workshop_id, Workshop.team_id == team_id)
    ).first()
    if workshop is None:
        raise NotFound(f"There is no workshop #{workshop_id} in this workspace.")
    return workshop


def channel_workshops(session: Session, team_id: str, channel_id: str) -> list[Workshop]:
    """This channel's workshops, newest first."""
    return list(
        session.exec(
            select(Workshop)
            .where(Workshop.team_id == team_id, Workshop.channel_id == channel_id)
            .order_by(col(Workshop.id).desc())
        )
    )


def resolve_workshop(
    session: Session, team_id: str, channel_id: str, number: int | None = None
) -> Workshop:
    """The workshop a command means: the one numbered, else the channel's most recent active one
    (or, when all are closed, its most recent one)."""
    if number is not None:
        return get_workshop(session, team_id, number)
    workshops = channel_workshops(session, team_id, channel_id)
    if not workshops:
        raise NotFound("There is no workshop in this channel yet. Start one with `/workshop new`.")
    active = [w for w in workshops if w.phase != Phase.closed]
    return (active or workshops)[0]


def set_board_ts(session: Session, workshop: Workshop, board_ts: str) -> None:
    workshop.board_ts = board_ts
    session.add(workshop)


def participant_role(session: Session, team_id: str, workshop_id: int, user_id: str) -> Role | None:
    role = session.exec(
        select(Participant.role).where(
            *in_workshop(Participant, team_id, workshop_id),
            Participant.user_id == user_id,
        )
    ).first()
    return Role(role) if role else None


def is_facilitator(session: Session, team_id: str, workshop_id: int, user_id: str) -> bool:
    return participant_role(session, team_id, workshop_id, user_id) in FACILITATOR_ROLES


def require_facilitator(session: Session, workshop: Workshop, user_id: str, doing: str) -> None:
    if not is_facilitator(session, workshop.team_id, pk(workshop), user_id):
        raise NotAllowed(f"Only the facilitator can {doing}.")


def join_workshop(session: Session, workshop: Workshop, user_id: str) -> bool:
    """Add the user as a participant. Returns False if they had already joined.

    The unique (workshop, user) constraint makes a double click or a replayed request harmless.
    """
    if participant_role(session, workshop.team_id, pk(workshop), user_id) is not None:
        return False
    # False if a concurrent request joined first
    return added(
        session, Participant(team_id=workshop.team_id, workshop_id=pk(workshop), user_id=user_id)
    )


def facilitator_ids(session: Session, workshop: Workshop) -> list[str]:
    return list(
        session.exec(
            select(Participant.user_id)
            .where(
                *of_workshop(Participant, workshop),
                col(Participant.role).in_(FACILITATOR_ROLES),
            )
            .order_by(col(Participant.id))
        )
    )


@read_once
def participant_count(session: Session, workshop: Workshop) -> int:
    return count_of(session, Participant, workshop)


def target_phase(
    current: Phase, action: PhaseAction, phase_before_close: Phase | None = None
) -> Phase:
    """Where `action` takes a workshop in phase `current`; raises Conflict if nowhere."""
    index = PHASE_ORDER.index(current)
    if action is PhaseAction.reopen:
        if current is not Phase.closed:
            raise Conflict("The workshop is not closed.")
        return Phase(phase_before_close or Phase.voting)
    if current is Phase.closed:
        raise Conflict("The workshop is closed; reopen it first.")
    if action is PhaseAction.close:
        return Phase.closed
    step = {PhaseAction.advance: 1, PhaseAction.skip: 2, PhaseAction.back: -1}[action]
    if not 0 <= index + step < len(PHASE_ORDER):
        raise Conflict(f"The workshop cannot {action.value} from the {current.value} phase.")
    return PHASE_ORDER[index + step]


def move_phase(
    session: Session,
    workshop: Workshop,
    from_phase: Phase,
    to_phase: Phase,
    action: str,
    user_id: str,
    now: datetime,
) -> PhaseChange | None:
    """Move the workshop from `from_phase` to `to_phase` and record the change (added to the
    session, not flushed). A compare-and-set on the phase: None, with nothing changed, when the
    workshop is no longer in `from_phase` because someone moved it at the same moment."""
    values: dict[str, object] = {"phase": to_phase, "updated_at": now}
    if to_phase is Phase.closed:
        values["phase_before_close"] = from_phase
    moved = session.exec(
        update(Workshop)
        .where(
            col(Workshop.id) == workshop.id,
            col(Workshop.team_id) == workshop.team_id,
            col(Workshop.phase) == from_phase,
        )
        .values(**values)
    ).rowcount
    if moved != 1:
        return None
    change = PhaseChange(
        team_id=workshop.team_id,
        workshop_id=pk(workshop),
        from_phase=from_phase,
        to_phase=to_phase,
        action=action,
        user_id=user_id,
    )
    session.add(change)
    return change


def change_phase(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    action: PhaseAction,
    expected_phase: Phase | None = None,
) -> PhaseChangeResult:
    """Move the workshop, if the user is a facilitator and it is still in `expected_phase`.

    The update is a compare-and-set on the phase, so a double click, a retried request or two
    facilitators clicking at once move the workshop exactly once.
    """
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "change the workshop's phase")
    current = Phase(workshop.phase)
    if expected_phase is not None and current != expected_phase:
        raise Conflict(f"The workshop has already moved on: it is in the {current.value} phase.")
    to_phase = target_phase(current, action, workshop.phase_before_close)
    change = move_phase(session, workshop, current, to_phase, action.value, user_id, utcnow())
    if change is None:
        raise Conflict(
            "Someone else changed the phase at the same moment; have a look at the board."
        )
    session.flush()
    session.refresh(workshop)
    return PhaseChangeResult(workshop, current, to_phase, action, change.id)


def user_workshops(
    session: Session, team_id: str, user_id: str, limit: int = 50
) -> list[tuple[Workshop, Role]]:
    """The workshops a user takes part in, newest first, with their role in each."""
    rows = session.exec(
        select(Workshop, Participant.role)
        .join(Participant, col(Participant.workshop_id) == col(Workshop.id))
        .where(
            Workshop.team_id == team_id,
            Participant.team_id == team_id,
            Participant.user_id == user_id,
        )
        .order_by(col(Workshop.id).desc())
        .limit(limit)
    ).all()
    return [(workshop, Role(role)) for workshop, role in rows]
