"""Digest schedules: when a digest falls due (in the schedule's own time zone), validating the
schedule form, and the schedule's life (create, list, pause, resume, delete, failing).

Fire times are computed here, with zoneinfo (crontab lines in flows.crontab), and nowhere else:
the scheduler's trigger, the "next digest" shown to users and the slot a run claims all come from
`DigestRule`.

Wall-clock rules across daylight-saving changes: a 09:00 digest stays at 09:00 local time. A time
that does not exist on the day the clocks go forward (02:30 in Europe/Berlin on 2026-03-29) fires
at the same instant as the hour before the change would have (03:30 local); a time that happens
twice when they go back fires once, at its first occurrence.
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from flows.crontab import Crontab, parse_crontab
from flows.errors import InvalidInput, NotAllowed, NotFound
from flows.scope import count_of, in_workshop, rows_of
from flows.workshops import is_facilitator, require_facilitator
from storage.db import Database
from storage.models import (
    Cadence,
    DeliveryStatus,
    DigestDelivery,
    DigestSchedule,
    ScheduleStatus,
    Workshop,
    pk,
    utcnow,
)

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_SCHEDULES_PER_WORKSHOP = 10
MAX_DM_RECIPIENTS = 20
MIN_CRON_GAP = timedelta(minutes=59)  # at most one digest an hour: a digest is not a chat
DEFAULT_TIMEZONE = "UTC"
_LOOKBACKS = (timedelta(hours=2), timedelta(days=2), timedelta(days=32), timedelta(days=400))


# Fire times ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestRule:
    """When a schedule fires. Plain data, so it pickles into the scheduler's job store."""

    cadence: Cadence
    timezone: str = DEFAULT_TIMEZONE
    hour: int = 9
    minute: int = 0
    weekday: int | None = None  # 0 = Monday (weekly)
    day_of_month: int | None = None  # 1–31 (monthly; the last day in shorter months)
    cron: str | None = None  # standard five-field crontab (cron), in `timezone`

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def next_fire_after(self, after: datetime) -> datetime | None:
        """The first fire time strictly after `after`, in UTC (None: a cron that never fires)."""
        if self.cadence is Cadence.cron:
            return self._crontab().next_fire_after(_as_utc(after), self.zone)
        after = _as_utc(after)
        local_day = after.astimezone(self.zone).date()
        for offset in range(64):  # every cadence fires within any 62 consecutive days
            candidate = self._fire_on(local_day + timedelta(days=offset))
            if candidate is not None and candidate > after:
                return candidate
        return None

    def first_fire_at_or_after(self, moment: datetime) -> datetime | None:
        return self.next_fire_after(_as_utc(moment) - timedelta(microseconds=1))

    def latest_fire_at_or_before(self, moment: datetime) -> datetime | None:
        """The most recent fire time not after `moment`: the slot a run belongs to."""
        moment = _as_utc(moment)
        if self.cadence is Cadence.cron:
            for lookback in _LOOKBACKS:  # walk forward from ever further back
                latest, fire = None, self.first_fire_at_or_after(moment - lookback)
                while fire is not None and fire <= moment:
                    latest, fire = fire, self.next_fire_after(fire)
                if latest is not None:
                    return latest
            return None
        local_day = moment.astimezone(self.zone).date()
        for offset in range(64):
            candidate = self._fire_on(local_day - timedelta(days=offset))
            if candidate is not None and candidate <= moment:
                return candidate
        return None

    def fire_times(self, after: datetime, count: int) -> list[datetime]:
        times: list[datetime] = []
        fire = self.next_fire_after(after)
        while fire is not None and len(times) < count:
            times.append(fire)
            fire = self.next_fire_after(fire)
        return times

    def _fire_on(self, day: date) -> datetime | None:
        if not self._fires_on(day):
            return None
        # fold=0: a wall time skipped by DST maps past the gap; a repeated one, to its first.
        local = datetime.combine(day, time(self.hour, self.minute), tzinfo=self.zone)
        return local.astimezone(UTC)

    def _fires_on(self, day: date) -> bool:
        if self.cadence is Cadence.daily:
            return True
        if self.cadence is Cadence.weekdays:
            return day.weekday() < 5
        if self.cadence is Cadence.weekly:
            return day.weekday() == self.weekday
        if self.cadence is Cadence.monthly:
            last_day = calendar.monthrange(day.year, day.month)[1]
            return day.day == min(self.day_of_month or 1, last_day)
        raise ValueError(f"no day rule for {self.cadence}")

    def _crontab(self) -> Crontab:
        return parse_crontab(self.cron or "")

    def describe(self) -> str:
        """ "Every weekday at 09:00 (Europe/Berlin)"."""
        at = f"{self.hour:02d}:{self.minute:02d}"
        if self.cadence is Cadence.daily:
            when = f"Every day at {at}"
        elif self.cadence is Cadence.weekdays:
            when = f"Every weekday (Mon–Fri) at {at}"
        elif self.cadence is Cadence.weekly:
            when = f"Every {WEEKDAY_NAMES[self.weekday or 0]} at {at}"
        elif self.cadence is Cadence.monthly:
            day = self.day_of_month or 1
            last = " (or the month's last day)" if day > 28 else ""
            when = f"Monthly on the {_ordinal(day)}{last} at {at}"
        else:
            when = f"Cron `{self.cron}`"
        return f"{when} ({self.timezone})"


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def rule_of(schedule: DigestSchedule) -> DigestRule:
    return DigestRule(
        cadence=Cadence(schedule.cadence),
        timezone=schedule.timezone,
        hour=schedule.hour,
        minute=schedule.minute,
        weekday=schedule.weekday,
        day_of_month=schedule.day_of_month,
        cron=schedule.cron,
    )


def slot_time(moment: datetime) -> datetime:
    """Fire times are stored to the second in UTC, so equal instants compare equal everywhere."""
    return _as_utc(moment).replace(microsecond=0)


# The schedule form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleSpec:
    rule: DigestRule
    channel_id: str | None = None
    dm_user_ids: list[str] = field(default_factory=list)


TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def is_valid_timezone(name: str | None) -> TypeGuard[str]:
    if not name or ("/" not in name and name != "UTC"):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def validate_schedule(
    cadence: str | None,
    time_of_day: str | None,
    timezone: str | None,
    weekday: str | int | None = None,
    day_of_month: str | int | None = None,
    cron: str | None = None,
    channel_id: str | None = None,
    dm_user_ids: list[str] | None = None,
) -> ScheduleSpec:
    """Check the schedule form; raise InvalidInput keyed by field (the modal's block ids)."""
    errors: dict[str, str] = {}
    try:
        kind = Cadence(cadence or "")
    except ValueError:
        errors["cadence"] = "Choose how often the digest is sent."
        kind = Cadence.daily
    hour, minute = 9, 0
    if kind is not Cadence.cron:
        match = TIME_PATTERN.match((time_of_day or "").strip())
        if match:
            hour, minute = int(match.group(1)), int(match.group(2))
        else:
            errors["time"] = "Pick the time of day the digest is sent."
    zone = (timezone or "").strip()
    if not is_valid_timezone(zone):
        errors["timezone"] = "Pick a time zone."
        zone = DEFAULT_TIMEZONE
    day = _weekday(weekday) if kind is Cadence.weekly else None
    if kind is Cadence.weekly and day is None:
        errors["weekday"] = "Pick the day of the week for a weekly digest."
    month_day = _month_day(day_of_month) if kind is Cadence.monthly else None
    if kind is Cadence.monthly and month_day is None:
        errors["day_of_month"] = "Give a day of the month between 1 and 31."
    expression = " ".join((cron or "").split()) if kind is Cadence.cron else None
    if kind is Cadence.cron and (problem := cron_problem(expression or "", zone)):
        errors["cron"] = problem
    recipients = list(dict.fromkeys(dm_user_ids or []))
    if not channel_id and not recipients:
        errors["channel"] = "Choose a channel, or people to receive the digest by DM (or both)."
    if len(recipients) > MAX_DM_RECIPIENTS:
        errors["recipients"] = f"At most {MAX_DM_RECIPIENTS} people receive a digest by DM."
    if errors:
        raise InvalidInput(errors)
    rule = DigestRule(kind, zone, hour, minute, day, month_day, expression)
    return ScheduleSpec(rule=rule, channel_id=channel_id or None, dm_user_ids=recipients)


def cron_problem(expression: str, zone: str = DEFAULT_TIMEZONE) -> str | None:
    """Why a crontab line cannot be a digest schedule, or None if it can."""
    if not expression:
        return "Write a cron expression, e.g. `0 9 * * 1-5` (09:00 Monday to Friday)."
    if len(expression) > 100:
        return "Keep the cron expression to 100 characters."
    try:
        rule = DigestRule(Cadence.cron, zone, cron=expression)
        upcoming = rule.fire_times(utcnow(), 24)
    except ValueError as error:
        return f"That is not a valid cron expression: {error}"
    if not upcoming:
        return "That cron expression never fires."
    if any(later - earlier < MIN_CRON_GAP for earlier, later in itertools.pairwise(upcoming)):
        return "A digest can be sent at most once an hour; fix the minute field (e.g. `0`)."
    return None


def _weekday(raw: str | int | None) -> int | None:
    try:
        value = int(str(raw))
    except ValueError:
        return None
    return value if 0 <= value <= 6 else None


def _month_day(raw: str | int | None) -> int | None:
    try:
        value = int(str(raw).strip())
    except ValueError:
        return None
    return value if 1 <= value <= 31 else None


# The schedule's life -------------------------------------------------------------------------


class ScheduleAction(StrEnum):
    pause = "pause"
    resume = "resume"
    delete = "delete"


@dataclass(frozen=True)
class ScheduleView:
    """A schedule as lists and the Home tab show it."""

    id: int
    workshop_id: int
    workshop_title: str
    created_by: str
    description: str
    channel_id: str | None
    dm_user_ids: list[str]
    status: ScheduleStatus
    last_error: str | None
    next_fire: datetime | None
    last_sent: datetime | None


def create_schedule(
    session: Session, workshop: Workshop, user_id: str, spec: ScheduleSpec
) -> DigestSchedule:
    require_facilitator(session, workshop, user_id, "set up digests for this workshop")
    existing = count_of(session, DigestSchedule, workshop)
    if existing >= MAX_SCHEDULES_PER_WORKSHOP:
        raise InvalidInput(
            {
                "cadence": f"This workshop already has {existing} digest schedules; delete one "
                "with `/workshop digest list` first."
            }
        )
    rule = spec.rule
    schedule = DigestSchedule(
        team_id=workshop.team_id,
        workshop_id=pk(workshop),
        created_by=user_id,
        cadence=rule.cadence,
        hour=rule.hour,
        minute=rule.minute,
        weekday=rule.weekday,
        day_of_month=rule.day_of_month,
        cron=rule.cron,
        timezone=rule.timezone,
        channel_id=spec.channel_id,
        dm_user_ids=spec.dm_user_ids,
    )
    session.add(schedule)
    session.flush()
    return schedule


def get_schedule(session: Session, team_id: str, schedule_id: int) -> DigestSchedule:
    schedule = session.exec(
        select(DigestSchedule).where(
            DigestSchedule.id == schedule_id, DigestSchedule.team_id == team_id
        )
    ).first()
    if schedule is None:
        raise NotFound("That digest schedule no longer exists.")
    return schedule


def can_manage(session: Session, schedule: DigestSchedule, user_id: str) -> bool:
    """The schedule's creator, or a facilitator of its workshop."""
    return schedule.created_by == user_id or is_facilitator(
        session, schedule.team_id, schedule.workshop_id, user_id
    )


def change_schedule(
    session: Session, team_id: str, schedule_id: int, user_id: str, action: ScheduleAction
) -> DigestSchedule:
    schedule = get_schedule(session, team_id, schedule_id)
    if not can_manage(session, schedule, user_id):
        raise NotAllowed(
            "Only the person who set up this digest, or the workshop's facilitators, can change it."
        )
    now = utcnow()
    if action is ScheduleAction.delete:
        session.delete(schedule)
        session.flush()
        return schedule
    if action is ScheduleAction.pause:
        schedule.status = ScheduleStatus.paused
    else:  # resume: a fresh start, so a failure is reported again if it recurs
        schedule.status = ScheduleStatus.active
        schedule.last_error = None
        schedule.failure_notified = False
        schedule.active_since = now
    schedule.updated_at = now
    session.add(schedule)
    session.flush()
    return schedule


def workshop_schedules(session: Session, workshop: Workshop) -> list[ScheduleView]:
    schedules = rows_of(session, DigestSchedule, workshop, col(DigestSchedule.id))
    return _views(session, workshop.team_id, [(s, workshop.title) for s in schedules])


def owned_schedules(
    session: Session, team_id: str, user_id: str, limit: int = 50
) -> list[ScheduleView]:
    rows = session.exec(
        select(DigestSchedule, Workshop.title)
        .join(Workshop, col(Workshop.id) == col(DigestSchedule.workshop_id))
        .where(
            DigestSchedule.team_id == team_id,
            Workshop.team_id == team_id,
            DigestSchedule.created_by == user_id,
        )
        .order_by(col(DigestSchedule.id))
        .limit(limit)
    ).all()
    return _views(session, team_id, list(rows))


def _views(
    session: Session, team_id: str, rows: list[tuple[DigestSchedule, str]]
) -> list[ScheduleView]:
    ids = [schedule.id for schedule, _ in rows]
    last_sent = dict(
        session.exec(
            select(DigestDelivery.schedule_id, func.max(DigestDelivery.generated_at))
            .where(
                DigestDelivery.team_id == team_id,
                col(DigestDelivery.schedule_id).in_(ids),
                DigestDelivery.status == DeliveryStatus.sent,
            )
            .group_by(col(DigestDelivery.schedule_id))
        ).all()
    )
    now = utcnow()
    return [
        ScheduleView(
            id=pk(schedule),
            workshop_id=schedule.workshop_id,
            workshop_title=title,
            created_by=schedule.created_by,
            description=rule_of(schedule).describe(),
            channel_id=schedule.channel_id,
            dm_user_ids=list(schedule.dm_user_ids or []),
            status=ScheduleStatus(schedule.status),
            last_error=schedule.last_error,
            next_fire=rule_of(schedule).next_fire_after(now)
            if schedule.status in RUNNING_STATUSES
            else None,
            last_sent=_as_utc(last_sent[schedule.id]) if schedule.id in last_sent else None,
        )
        for schedule, title in rows
    ]


# The statuses whose schedules have a job and post (paused and suspended ones do not).
RUNNING_STATUSES = (ScheduleStatus.active, ScheduleStatus.failing)


@dataclass(frozen=True)
class RunnableSchedule:
    """What the scheduler needs to keep a job for a schedule (every workspace's)."""

    schedule_id: int
    team_id: str
    rule: DigestRule
    active_since: datetime


def runnable_schedules(session: Session) -> list[RunnableSchedule]:
    """Every schedule that should have a job: active or failing (a failing one keeps trying, so
    it heals by itself once the bot is back in its channel). This is the scheduler's own view
    across workspaces; each run then reads its schedule scoped by the job's team id."""
    schedules = session.exec(
        select(DigestSchedule).where(col(DigestSchedule.status).in_(RUNNING_STATUSES))
    ).all()
    return [
        RunnableSchedule(pk(s), s.team_id, rule_of(s), _as_utc(s.active_since)) for s in schedules
    ]


# Deliveries: the claim that makes every post happen once ------------------------------------


def claim_delivery(
    db: Database,
    team_id: str,
    workshop_id: int,
    fire_time: datetime,
    schedule_id: int | None = None,
    requested_by: str | None = None,
) -> int | None:
    """Take the (schedule, fire time) slot in a transaction of its own and return the delivery
    id, or None if the slot was already taken (another scheduler, a retry, a double click).

    The unique constraint decides, so it holds across processes and machines: on PostgreSQL a
    concurrent insert waits for the first to commit, then fails; SQLite serialises writers.
    """
    try:
        with db.session() as session:
            delivery = DigestDelivery(
                team_id=team_id,
                workshop_id=workshop_id,
                schedule_id=schedule_id,
                fire_time=slot_time(fire_time),
                requested_by=requested_by,
            )
            session.add(delivery)
            session.flush()
            return delivery.id
    except IntegrityError:
        return None


def previous_digest_time(
    session: Session, team_id: str, workshop_id: int, schedule_id: int | None, before_id: int
) -> datetime | None:
    """When the previous digest (of this schedule; of any kind when `schedule_id` is None) was
    generated: the start of the period the next one covers."""
    query = select(func.max(DigestDelivery.generated_at)).where(
        *in_workshop(DigestDelivery, team_id, workshop_id),
        DigestDelivery.status == DeliveryStatus.sent,
        col(DigestDelivery.id) != before_id,
    )
    if schedule_id is not None:
        query = query.where(DigestDelivery.schedule_id == schedule_id)
    latest = session.exec(query).one()
    return _as_utc(latest) if latest else None


def finish_delivery(
    session: Session,
    team_id: str,
    delivery_id: int,
    generated_at: datetime,
    error: str | None = None,
    memos: dict[str, object] | None = None,
) -> None:
    """Record how the delivery went; a sent one keeps its sections' memos for the next digest."""
    session.execute(
        update(DigestDelivery)
        .where(col(DigestDelivery.id) == delivery_id, col(DigestDelivery.team_id) == team_id)
        .values(
            status=DeliveryStatus.failed if error else DeliveryStatus.sent,
            generated_at=generated_at,
            error=(error or None) and error[:100],
            section_memos=None if error else (memos or None),
        )
    )


def record_channel_failure(session: Session, team_id: str, schedule_id: int, error: str) -> bool:
    """Mark the schedule failing; True the first time, when its creator should be told."""
    now = utcnow()
    first = session.exec(
        update(DigestSchedule)
        .where(
            col(DigestSchedule.id) == schedule_id,
            col(DigestSchedule.team_id) == team_id,
            col(DigestSchedule.failure_notified).is_(False),
        )
        .values(
            status=ScheduleStatus.failing,
            last_error=error[:100],
            failure_notified=True,
            updated_at=now,
        )
    ).rowcount
    if first:
        return True
    session.execute(
        update(DigestSchedule)
        .where(col(DigestSchedule.id) == schedule_id, col(DigestSchedule.team_id) == team_id)
        .values(status=ScheduleStatus.failing, last_error=error[:100], updated_at=now)
    )
    return False


# A schedule that runs and posts: no failure on record, the next one to be told of again.
_HEALTHY: dict[str, object] = {
    "status": ScheduleStatus.active,
    "last_error": None,
    "failure_notified": False,
}


def record_channel_success(session: Session, team_id: str, schedule_id: int) -> bool:
    """A failing schedule posted again (the bot was invited back): it is healthy. True if it
    was failing until now."""
    return bool(
        session.exec(
            update(DigestSchedule)
            .where(
                col(DigestSchedule.id) == schedule_id,
                col(DigestSchedule.team_id) == team_id,
                col(DigestSchedule.status) == ScheduleStatus.failing,
            )
            .values(**_HEALTHY, updated_at=utcnow())
        ).rowcount
    )


# Workspaces that leave: schedules stop while the app has no token there ----------------------


def suspend_schedule(session: Session, team_id: str, schedule_id: int, reason: str) -> bool:
    """Stop one running schedule whose workspace token Slack refused (`reason`: Slack's error).
    True if it was running until now."""
    return _suspend(session, team_id, reason, col(DigestSchedule.id) == schedule_id) > 0


def suspend_workspace_schedules(session: Session, team_id: str, reason: str) -> int:
    """Stop every running schedule of a workspace that uninstalled the app or revoked its
    token; how many. Paused ones stay paused: a reinstall must not resume what a user paused."""
    return _suspend(session, team_id, reason)


def _suspend(session: Session, team_id: str, reason: str, *where: Any) -> int:
    return session.exec(
        update(DigestSchedule)
        .where(
            col(DigestSchedule.team_id) == team_id,
            col(DigestSchedule.status).in_(RUNNING_STATUSES),
            *where,
        )
        .values(status=ScheduleStatus.suspended, last_error=reason[:100], updated_at=utcnow())
    ).rowcount


def resume_workspace_schedules(session: Session, team_id: str) -> int:
    """The app is installed again: the workspace's suspended schedules run again from now (the
    slots missed meanwhile are not sent); how many."""
    now = utcnow()
    return session.exec(
        update(DigestSchedule)
        .where(
            col(DigestSchedule.team_id) == team_id,
            col(DigestSchedule.status) == ScheduleStatus.suspended,
        )
        .values(**_HEALTHY, active_since=now, updated_at=now)
    ).rowcount
