"""Workshops that run themselves: phase deadlines, recurring rating rounds and reminders.

- A facilitator gives the workshop's current phase a **deadline** (a local date and time in a
  time zone of their choice). At the deadline the scheduler closes the phase (moves the workshop
  on, as *Next* does) and the phase's results are posted. Closing is a compare-and-set on the
  deadline's `state`, so two schedulers close it once.
- A **round schedule** opens a rating round on a crontab line in the facilitator's time zone
  (e.g. the first Monday of each quarter) and gives it a deadline `open_days` later at a local
  closing time. Each opening first claims its (schedule, fire time) row.
- Everyone who has not rated when a rating deadline nears is **reminded once**: at the latest
  weekday 10:00 in their own time zone that is at least four hours before the deadline (see
  `reminder_time`). The claim is a (workshop, round, person) row.

Fire times come from flows.schedules.DigestRule (crontab lines with zoneinfo), as digests' do.
The scans that find due work (`due_*`, `reminder_candidates`) are the scheduler's own view across
workspaces, like `runnable_schedules`; each step then reads and writes scoped by the row's team.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from flows.errors import Conflict, InvalidInput
from flows.gaps.aggregation import count_ratings, current_round
from flows.gaps.rounds import open_rating_round
from flows.inserts import added, put
from flows.schedules import DigestRule, is_valid_timezone, slot_time
from flows.scope import of_workshop, team_row
from flows.workshops import (
    PhaseAction,
    PhaseChangeResult,
    get_workshop,
    is_facilitator,
    move_phase,
    require_facilitator,
    target_phase,
)
from storage.db import insert_into
from storage.models import (
    Cadence,
    DeadlineState,
    GapRating,
    Participant,
    Phase,
    PhaseDeadline,
    RatingReminder,
    RoundSchedule,
    RoundScheduleStatus,
    ScheduledRound,
    Workshop,
    pk,
    utcnow,
)
from storage.models.rounds import MAX_OPEN_DAYS

DEADLINE_PHASES = (Phase.stakeholders, Phase.rating, Phase.fixes, Phase.voting)
MIN_DEADLINE_LEAD = timedelta(minutes=15)
MAX_DEADLINE_AHEAD = timedelta(days=90)
REMINDER_HOUR = 10  # local time: the start of a working morning
REMINDER_LEAD = timedelta(hours=4)  # the reminder leaves at least this long to rate
MIN_REMINDER_WINDOW = timedelta(hours=1)
# A scheduler that was down when a round fell due still opens it this long after; later, the
# opening is skipped (the next one comes at its time).
OPENING_GRACE = timedelta(hours=12)
LATE_DEADLINE_LEAD = timedelta(hours=1)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC moment (SQLite gives timestamps back without their zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# Reminder times --------------------------------------------------------------------------------


def reminder_time(window_start: datetime, due_at: datetime, zone: str) -> datetime | None:
    """When to remind someone in `zone` who has not rated before `due_at`.

    The latest weekday (Monday to Friday) REMINDER_HOUR:00 in their zone that is at least
    REMINDER_LEAD before the deadline and not before `window_start` (when the deadline was set).
    If no such morning fits, the middle of the window, when the window is at least
    MIN_REMINDER_WINDOW long; otherwise None (no reminder).
    """
    start, due = as_utc(window_start), as_utc(due_at)
    tz = ZoneInfo(zone)
    latest = due - REMINDER_LEAD
    day = latest.astimezone(tz).date()
    while True:
        candidate = datetime.combine(day, time(REMINDER_HOUR), tzinfo=tz).astimezone(UTC)
        if candidate < start:
            break
        if candidate <= latest and day.weekday() < 5:
            return candidate
        day -= timedelta(days=1)
    if due - start >= MIN_REMINDER_WINDOW:
        return start + (due - start) / 2
    return None


# Deadlines -------------------------------------------------------------------------------------

TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class DeadlineSpec:
    due_at: datetime  # UTC
    timezone: str


def local_moment(day: date, hour: int, minute: int, zone: str) -> datetime:
    """A wall-clock time in `zone` as UTC. A time the clocks skip is taken at the offset before
    the change; a repeated one at its first occurrence (fold=0), as digests do."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _parse_time(raw: str | None) -> tuple[int, int] | None:
    match = TIME_PATTERN.match((raw or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def validate_deadline(
    day: str | None, time_of_day: str | None, timezone: str | None, now: datetime | None = None
) -> DeadlineSpec:
    """Check the deadline form; raise InvalidInput keyed by the modal's block ids."""
    now = as_utc(now or utcnow())
    errors: dict[str, str] = {}
    try:
        parsed_day = date.fromisoformat((day or "").strip())
    except ValueError:
        parsed_day = None
        errors["deadline_date"] = "Pick the day the phase closes."
    clock = _parse_time(time_of_day)
    if clock is None:
        errors["deadline_time"] = "Pick the time the phase closes."
    zone = (timezone or "").strip()
    if not is_valid_timezone(zone):
        errors["deadline_timezone"] = "Pick a time zone."
    if errors:
        raise InvalidInput(errors)
    assert parsed_day is not None and clock is not None
    due_at = local_moment(parsed_day, clock[0], clock[1], zone)
    if due_at < now + MIN_DEADLINE_LEAD:
        minutes = int(MIN_DEADLINE_LEAD.total_seconds() // 60)
        raise InvalidInput({"deadline_date": f"Pick a moment at least {minutes} minutes from now."})
    if due_at > now + MAX_DEADLINE_AHEAD:
        raise InvalidInput(
            {"deadline_date": f"Pick a day within {MAX_DEADLINE_AHEAD.days} days from now."}
        )
    return DeadlineSpec(due_at=due_at, timezone=zone)


def deadline_round(session: Session, workshop: Workshop) -> int:
    """The round a deadline of the workshop's current phase belongs to (0 outside rating)."""
    return current_round(session, workshop) if workshop.phase == Phase.rating else 0


def set_deadline(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    spec: DeadlineSpec,
    now: datetime | None = None,
) -> PhaseDeadline:
    """Give the workshop's current phase a deadline (facilitators only); setting it again moves
    it. Reminders already sent in this round are not sent again."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "set a deadline")
    phase = Phase(workshop.phase)
    if phase not in DEADLINE_PHASES:
        raise Conflict(
            "Deadlines are for the stakeholders, rating, fixes and voting phases; "
            f"the workshop is in the {phase.value} phase."
        )
    return _put_deadline(
        session, workshop, phase, deadline_round(session, workshop), spec, user_id, now
    )


def _put_deadline(
    session: Session,
    workshop: Workshop,
    phase: Phase,
    number: int,
    spec: DeadlineSpec,
    user_id: str,
    now: datetime | None,
) -> PhaseDeadline:
    """Insert or move the (workshop, phase, round) deadline; a concurrent insert becomes a move."""
    now = as_utc(now or utcnow())
    values = {
        "due_at": spec.due_at,
        "timezone": spec.timezone,
        "set_by": user_id,
        "set_at": now,
        "state": DeadlineState.pending,
        "settled_at": None,
    }
    return put(
        session,
        lambda: _deadline_row(session, workshop, phase, number),
        lambda: PhaseDeadline(
            team_id=workshop.team_id,
            workshop_id=pk(workshop),
            phase=phase.value,
            round=number,
            **values,  # type: ignore[arg-type]
        ),
        values,
        "Someone set this deadline at the same moment; have a look at the board.",
    )


def _deadline_row(
    session: Session, workshop: Workshop, phase: Phase, number: int
) -> PhaseDeadline | None:
    return session.exec(
        select(PhaseDeadline).where(
            *of_workshop(PhaseDeadline, workshop),
            PhaseDeadline.phase == phase.value,
            PhaseDeadline.round == number,
        )
    ).first()


def current_deadline(session: Session, workshop: Workshop) -> PhaseDeadline | None:
    """The pending deadline of the workshop's current phase (and round), if any."""
    phase = Phase(workshop.phase)
    if phase not in DEADLINE_PHASES:
        return None
    row = _deadline_row(session, workshop, phase, deadline_round(session, workshop))
    return row if row is not None and row.state == DeadlineState.pending else None


def clear_deadline(session: Session, team_id: str, workshop_id: int, user_id: str) -> bool:
    """Remove the current phase's pending deadline (facilitators only); False if none."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "remove a deadline")
    row = current_deadline(session, workshop)
    if row is None:
        return False
    row.state = DeadlineState.moot
    row.settled_at = utcnow()
    session.flush()
    return True


def due_deadlines(session: Session, now: datetime) -> list[tuple[str, int]]:
    """(team id, deadline id) of every pending deadline at or before `now`, oldest first."""
    rows = session.exec(
        select(PhaseDeadline.team_id, PhaseDeadline.id)
        .where(PhaseDeadline.state == DeadlineState.pending, col(PhaseDeadline.due_at) <= now)
        .order_by(col(PhaseDeadline.due_at), col(PhaseDeadline.id))
    ).all()
    return [(team_id, deadline_id) for team_id, deadline_id in rows if deadline_id is not None]


@dataclass(frozen=True)
class DeadlineClosed:
    change: PhaseChangeResult
    deadline_id: int
    closed_by: str  # who set the deadline: they hear of results that could not be posted
    round: int


def close_at_deadline(
    session: Session, team_id: str, deadline_id: int, now: datetime | None = None
) -> DeadlineClosed | None:
    """Settle a due deadline, once: move the workshop on from its phase (as *Next* would) and
    return the change; None if another scheduler settled it, or the phase had already moved on
    (the deadline is then marked moot)."""
    now = as_utc(now or utcnow())
    deadline = team_row(session, PhaseDeadline, team_id, deadline_id)
    if deadline is None or deadline.state != DeadlineState.pending:
        return None
    workshop = get_workshop(session, team_id, deadline.workshop_id)
    phase = Phase(deadline.phase)
    current = workshop.phase == phase and deadline_round(session, workshop) == deadline.round
    claimed = session.exec(
        update(PhaseDeadline)
        .where(
            col(PhaseDeadline.id) == deadline_id,
            col(PhaseDeadline.team_id) == team_id,
            col(PhaseDeadline.state) == DeadlineState.pending,
            col(PhaseDeadline.due_at) <= now,
        )
        .values(state=DeadlineState.closed if current else DeadlineState.moot, settled_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1 or not current:
        return None
    to_phase = target_phase(phase, PhaseAction.advance)
    # None: moved by a facilitator at this very moment, so nothing is left to close
    if move_phase(session, workshop, phase, to_phase, "deadline", deadline.set_by, now) is None:
        session.execute(
            update(PhaseDeadline)
            .where(col(PhaseDeadline.id) == deadline_id)
            .values(state=DeadlineState.moot)
        )
        return None
    session.flush()
    session.refresh(workshop)
    change = PhaseChangeResult(workshop, phase, to_phase, PhaseAction.advance)
    return DeadlineClosed(change, deadline_id, deadline.set_by, deadline.round)


# Reminders -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderCandidate:
    team_id: str
    workshop_id: int
    round: int
    user_id: str
    deadline_id: int
    window_start: datetime
    due_at: datetime
    timezone: str  # the deadline's zone: for people whose own zone Slack does not give


def reminder_candidates(session: Session, now: datetime) -> list[ReminderCandidate]:
    """Everyone who may still need a reminder: a participant of a workshop in its rating phase
    whose current round has a pending deadline after `now`, who has not rated that round and has
    not been reminded in it."""
    now = as_utc(now)
    deadlines = session.exec(
        select(PhaseDeadline, Workshop)
        .join(Workshop, col(Workshop.id) == col(PhaseDeadline.workshop_id))
        .where(
            PhaseDeadline.state == DeadlineState.pending,
            PhaseDeadline.phase == Phase.rating.value,
            col(PhaseDeadline.due_at) > now,
            col(Workshop.team_id) == col(PhaseDeadline.team_id),
            Workshop.phase == Phase.rating,
        )
        .order_by(col(PhaseDeadline.due_at), col(PhaseDeadline.id))
    ).all()
    candidates: list[ReminderCandidate] = []
    for deadline, workshop in deadlines:
        if current_round(session, workshop) != deadline.round:
            continue
        for user_id in _unreminded_non_raters(session, workshop, deadline.round):
            candidates.append(
                ReminderCandidate(
                    team_id=workshop.team_id,
                    workshop_id=pk(workshop),
                    round=deadline.round,
                    user_id=user_id,
                    deadline_id=pk(deadline),
                    window_start=as_utc(deadline.set_at),
                    due_at=as_utc(deadline.due_at),
                    timezone=deadline.timezone,
                )
            )
    return candidates


def _unreminded_non_raters(session: Session, workshop: Workshop, number: int) -> list[str]:
    rated = select(GapRating.user_id).where(
        *of_workshop(GapRating, workshop),
        GapRating.round == number,
    )
    reminded = select(RatingReminder.user_id).where(
        *of_workshop(RatingReminder, workshop),
        RatingReminder.round == number,
    )
    return list(
        session.exec(
            select(Participant.user_id)
            .where(
                *of_workshop(Participant, workshop),
                col(Participant.user_id).not_in(rated),
                col(Participant.user_id).not_in(reminded),
            )
            .order_by(col(Participant.id))
        ).all()
    )


def claim_reminder(session: Session, candidate: ReminderCandidate) -> bool:
    """Take the (workshop, round, person) reminder; False if it was taken already."""
    statement = (
        insert_into(session, RatingReminder)
        .values(
            team_id=candidate.team_id,
            workshop_id=candidate.workshop_id,
            round=candidate.round,
            user_id=candidate.user_id,
            deadline_id=candidate.deadline_id,
            claimed_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["workshop_id", "round", "user_id"])
        .returning(col(RatingReminder.id))
    )
    return session.execute(statement).first() is not None


# Recurring rounds ------------------------------------------------------------------------------

ROUND_CADENCES = {
    "quarterly": "The first Monday of each quarter (January, April, July, October)",
    "monthly": "The first Monday of each month",
    "cron": "Custom: a cron expression",
}


@dataclass(frozen=True)
class RoundScheduleSpec:
    cron: str
    timezone: str
    open_days: int
    close_hour: int
    close_minute: int


def preset_cron(cadence: str, hour: int, minute: int) -> str | None:
    """The crontab line of a preset (days 1–7 that are a Monday: the month's first Monday)."""
    if cadence == "quarterly":
        return f"{minute} {hour} 1-7 1,4,7,10 mon"
    if cadence == "monthly":
        return f"{minute} {hour} 1-7 * mon"
    return None


def validate_round_schedule(
    cadence: str | None,
    open_time: str | None,
    timezone: str | None,
    open_days: str | int | None,
    close_time: str | None,
    cron: str | None = None,
    now: datetime | None = None,
) -> RoundScheduleSpec:
    """Check the recurring-round form; raise InvalidInput keyed by the modal's block ids."""
    now = as_utc(now or utcnow())
    errors: dict[str, str] = {}
    if cadence not in ROUND_CADENCES:
        errors["round_cadence"] = "Choose when rounds open."
    opens = _parse_time(open_time)
    if opens is None and cadence != "cron":
        errors["round_time"] = "Pick the time rounds open."
    zone = (timezone or "").strip()
    if not is_valid_timezone(zone):
        errors["round_timezone"] = "Pick a time zone."
        zone = "UTC"
    try:
        days = int(str(open_days).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_OPEN_DAYS:
        errors["round_open_days"] = f"Give a number of days between 1 and {MAX_OPEN_DAYS}."
    closes = _parse_time(close_time)
    if closes is None:
        errors["round_close_time"] = "Pick the time rating closes."
    line = (
        " ".join((cron or "").split())
        if cadence == "cron"
        else preset_cron(cadence or "", *(opens or (9, 0)))
    )
    if cadence == "cron" and (problem := _round_cron_problem(line or "", zone, days, now)):
        errors["round_cron"] = problem
    if errors:
        raise InvalidInput(errors)
    assert line is not None and closes is not None
    return RoundScheduleSpec(line, zone, days, closes[0], closes[1])


def _round_cron_problem(line: str, zone: str, days: int, now: datetime) -> str | None:
    if not line:
        return "Write a cron expression, e.g. `0 9 1-7 1,4,7,10 mon` (first Monday of a quarter)."
    if len(line) > 100:
        return "Keep the cron expression to 100 characters."
    try:
        upcoming = DigestRule(Cadence.cron, zone, cron=line).fire_times(now, 6)
    except ValueError as error:
        return f"That is not a valid cron expression: {error}"
    if not upcoming:
        return "That cron expression never fires."
    if any(b - a < timedelta(days=max(days, 1)) for a, b in itertools.pairwise(upcoming)):
        plural = "s" * (days != 1)
        return f"Rounds stay open {days} day{plural}: open them at least that far apart."
    return None


def round_rule(schedule: RoundSchedule | RoundScheduleSpec) -> DigestRule:
    return DigestRule(Cadence.cron, schedule.timezone, cron=schedule.cron)


def round_deadline(schedule: RoundSchedule | RoundScheduleSpec, opened_at: datetime) -> datetime:
    """A scheduled round's deadline: `open_days` after the local day it opened, at the closing
    time, in the schedule's zone."""
    local_day = as_utc(opened_at).astimezone(ZoneInfo(schedule.timezone)).date()
    day = local_day + timedelta(days=schedule.open_days)
    return local_moment(day, schedule.close_hour, schedule.close_minute, schedule.timezone)


def save_round_schedule(
    session: Session,
    team_id: str,
    workshop_id: int,
    user_id: str,
    spec: RoundScheduleSpec,
    now: datetime | None = None,
) -> RoundSchedule:
    """Create or replace the workshop's recurring rounds (facilitators only)."""
    now = as_utc(now or utcnow())
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "schedule rating rounds")
    values = {
        "created_by": user_id,
        "cron": spec.cron,
        "timezone": spec.timezone,
        "open_days": spec.open_days,
        "close_hour": spec.close_hour,
        "close_minute": spec.close_minute,
        "status": RoundScheduleStatus.active,
        "active_since": now,
    }
    return put(
        session,
        lambda: workshop_round_schedule(session, workshop),
        lambda: RoundSchedule(team_id=team_id, workshop_id=workshop_id, **values),  # type: ignore[arg-type]
        values,
        "Someone scheduled rounds at the same moment; try again.",
    )


def workshop_round_schedule(session: Session, workshop: Workshop) -> RoundSchedule | None:
    return session.exec(select(RoundSchedule).where(*of_workshop(RoundSchedule, workshop))).first()


def stop_round_schedule(session: Session, team_id: str, workshop_id: int, user_id: str) -> bool:
    """Stop the recurring rounds (facilitators only); False if there were none."""
    workshop = get_workshop(session, team_id, workshop_id)
    require_facilitator(session, workshop, user_id, "stop scheduled rating rounds")
    schedule = workshop_round_schedule(session, workshop)
    if schedule is None:
        return False
    session.delete(schedule)
    session.flush()
    return True


def next_opening(schedule: RoundSchedule, now: datetime | None = None) -> datetime | None:
    return round_rule(schedule).next_fire_after(as_utc(now or utcnow()))


def due_round_openings(session: Session, now: datetime) -> list[tuple[str, int, datetime]]:
    """(team id, schedule id, fire time) of every active schedule whose latest opening is due,
    not older than OPENING_GRACE nor than the schedule, and not claimed yet."""
    now = as_utc(now)
    due = []
    schedules = session.exec(
        select(RoundSchedule).where(RoundSchedule.status == RoundScheduleStatus.active)
    ).all()
    for schedule in schedules:
        fire = round_rule(schedule).latest_fire_at_or_before(now)
        if fire is None or fire < as_utc(schedule.active_since) or now - fire > OPENING_GRACE:
            continue
        fire = slot_time(fire)
        claimed = session.exec(
            select(ScheduledRound.id).where(
                ScheduledRound.team_id == schedule.team_id,
                ScheduledRound.schedule_id == schedule.id,
                ScheduledRound.fire_time == fire,
            )
        ).first()
        if claimed is None:
            due.append((schedule.team_id, pk(schedule), fire))
    return due


@dataclass(frozen=True)
class ScheduledOpening:
    workshop: Workshop
    round: int | None  # the round now open for rating; None when none was opened
    opened: bool  # a new round was opened (False: the unrated current round was kept)
    due_at: datetime | None
    opener: str
    skipped: str | None = None  # why nothing was opened, in words


def open_scheduled_round(
    session: Session,
    team_id: str,
    schedule_id: int,
    fire_time: datetime,
    now: datetime | None = None,
) -> ScheduledOpening | None:
    """Claim the (schedule, fire time) opening and open the next rating round with its deadline.
    None if another scheduler claimed it first. A current round nobody has rated yet is kept
    (and given the deadline) rather than followed by an empty one."""
    now = as_utc(now or utcnow())
    schedule = team_row(session, RoundSchedule, team_id, schedule_id)
    if schedule is None or schedule.status != RoundScheduleStatus.active:
        return None
    claim = ScheduledRound(
        team_id=team_id,
        workshop_id=schedule.workshop_id,
        schedule_id=schedule_id,
        fire_time=slot_time(fire_time),
        outcome="claimed",
        claimed_at=now,
    )
    if not added(session, claim):
        return None
    workshop = get_workshop(session, team_id, schedule.workshop_id)
    opener = (
        schedule.created_by
        if is_facilitator(session, team_id, schedule.workshop_id, schedule.created_by)
        else workshop.facilitator_id
    )
    number = current_round(session, workshop)
    opened = False
    if workshop.phase != Phase.rating or count_ratings(session, workshop, number) > 0:
        try:
            with session.begin_nested():
                number = open_rating_round(session, team_id, schedule.workshop_id, opener).number
                opened = True
        except Conflict as error:
            claim.outcome = f"skipped: {error}"[:100]
            session.flush()
            return ScheduledOpening(workshop, None, False, None, opener, skipped=str(error))
    session.refresh(workshop)
    due_at = max(round_deadline(schedule, fire_time), now + LATE_DEADLINE_LEAD)
    _put_deadline(
        session,
        workshop,
        Phase.rating,
        number,
        DeadlineSpec(due_at, schedule.timezone),
        opener,
        now,
    )
    claim.round = number
    claim.outcome = "opened" if opened else "kept"
    session.flush()
    return ScheduledOpening(workshop, number, opened, due_at, opener)
