"""The scheduler's rounds job: open scheduled rounds, remind non-raters, close phases at their
deadlines and post the results. Every scheduler process runs it once a minute; the claim rows in
flows.rounds make each step happen once however many run, and since all state is in the
database, a restarted scheduler carries on where the last one stopped.

`run_rounds_tick(db, client_for, now)` takes `now`, so tests and the demo drive it at chosen
moments instead of waiting for the clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.home.publish import refresh_workshop_homes
from bot.rounds.blocks import (
    build_reminder_dm,
    build_trends_message,
    deadline_closed_text,
    loop_note_text,
    reminder_text,
    scheduled_round_text,
    trends_text,
)
from bot.rounds.chart import render_trend_chart, trend_chart_alt_text
from bot.slack.people import user_timezone
from bot.workshop.board import post_in_thread, refresh_board, upload_in_thread
from bot.workshop.phase_hooks import run_phase_end_hooks
from flows.gaps.progress import rating_progress
from flows.loop import (
    LoopNoteDue,
    claim_loop_note,
    due_loop_notes,
    loop_closure,
    rated_rounds,
    shown_round,
    touchpoint_trends,
)
from flows.rounds import (
    ReminderCandidate,
    claim_reminder,
    close_at_deadline,
    due_deadlines,
    due_round_openings,
    open_scheduled_round,
    reminder_candidates,
    reminder_time,
)
from flows.schedules import is_valid_timezone
from flows.vote_clicks import apply_workshop_clicks
from flows.workshops import PHASE_NAMES, get_workshop
from storage.db import Database
from storage.models import Phase, PhaseDeadline, Workshop, pk, utcnow

logger = logging.getLogger(__name__)

ClientFor = Callable[[str], WebClient | None]
TIMEZONE_TTL_S = 6 * 3600


class TimezoneCache:
    """People's time zones from users.info, kept a few hours (users.info is Tier 4; the job
    asks about the same non-raters every minute)."""

    def __init__(self, ttl_s: float = TIMEZONE_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._zones: dict[tuple[str, str], tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def zone(self, client: WebClient, team_id: str, user_id: str) -> str | None:
        key = (team_id, user_id)
        with self._lock:
            cached = self._zones.get(key)
        if cached is not None and time.monotonic() - cached[0] < self.ttl_s:
            return cached[1]
        zone = user_timezone(client, user_id)
        zone = zone if zone and is_valid_timezone(zone) else None
        with self._lock:
            self._zones[key] = (time.monotonic(), zone)
        return zone


@dataclass
class TickReport:
    opened: list[tuple[int, int | None]] = field(default_factory=list)  # (workshop, round)
    closed: list[tuple[int, Phase]] = field(default_factory=list)  # (workshop, phase closed)
    reminded: list[tuple[int, str]] = field(default_factory=list)  # (workshop, user)

    def __str__(self) -> str:
        return (
            f"opened {len(self.opened)}, closed {len(self.closed)}, reminded {len(self.reminded)}"
        )


def run_rounds_tick(
    db: Database,
    client_for: ClientFor,
    now: datetime | None = None,
    timezones: TimezoneCache | None = None,
) -> TickReport:
    """Do everything that fell due by `now`: openings first (a round that opens and whose
    deadline passed while the scheduler was down still gets its deadline moved ahead), then
    deadlines, then reminders."""
    now = now or utcnow()
    timezones = timezones or TimezoneCache()
    report = TickReport()
    with db.session() as session:
        openings = due_round_openings(session, now)
    for team_id, schedule_id, fire_time in openings:
        _guarded(_open_round, db, client_for, team_id, schedule_id, fire_time, now, report)
    with db.session() as session:
        deadlines = due_deadlines(session, now)
    for team_id, deadline_id in deadlines:
        _guarded(_close_phase, db, client_for, team_id, deadline_id, now, report)
    with db.session() as session:
        candidates = reminder_candidates(session, now)
    for candidate in candidates:
        _guarded(_remind, db, client_for, candidate, now, timezones, report)
    return report


def _guarded(step: Callable[..., None], *args: object) -> None:
    """One workshop's failure must not stop the others' steps; it is logged with context."""
    try:
        step(*args)
    except Exception:
        logger.exception("rounds step %s failed (%s)", step.__name__, args[2:4])


def _open_round(
    db: Database,
    client_for: ClientFor,
    team_id: str,
    schedule_id: int,
    fire_time: datetime,
    now: datetime,
    report: TickReport,
) -> None:
    client = client_for(team_id)
    if client is None:  # uninstalled: nothing could be posted, so nothing is opened either
        return
    with db.session() as session:
        opening = open_scheduled_round(session, team_id, schedule_id, fire_time, now)
        touchpoints = rating_progress(session, opening.workshop).touchpoints if opening else 0
    if opening is None:
        return
    workshop = opening.workshop
    report.opened.append((pk(workshop), opening.round))
    if opening.round is None or opening.due_at is None:
        logger.info("scheduled round of workshop %s skipped: %s", workshop.id, opening.skipped)
        return
    refresh_board(client, db, team_id, pk(workshop))
    with db.session() as session:
        workshop = get_workshop(session, team_id, pk(workshop))
    post_in_thread(
        client,
        workshop,
        scheduled_round_text(opening.round, opening.opened, opening.due_at, touchpoints),
    )
    refresh_workshop_homes(client, db, team_id, pk(workshop))


def _close_phase(
    db: Database,
    client_for: ClientFor,
    team_id: str,
    deadline_id: int,
    now: datetime,
    report: TickReport,
) -> None:
    client = client_for(team_id)
    if client is None:
        return
    with db.session() as session:
        deadline = session.get(PhaseDeadline, deadline_id)
        if deadline is None or deadline.team_id != team_id:
            return
        workshop_id, phase = deadline.workshop_id, Phase(deadline.phase)
    if phase is Phase.voting:  # vote clicks answered while voting was open count
        with db.session() as session:
            apply_workshop_clicks(session, team_id, workshop_id)
    with db.session() as session:
        closed = close_at_deadline(session, team_id, deadline_id, now)
    if closed is None:
        return
    change = closed.change
    report.closed.append((workshop_id, change.from_phase))
    refresh_board(client, db, team_id, workshop_id)
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
    post_in_thread(
        client,
        workshop,
        deadline_closed_text(PHASE_NAMES[change.from_phase], PHASE_NAMES[change.to_phase]),
    )
    run_phase_end_hooks(client, db, change, closed.closed_by)
    refresh_workshop_homes(client, db, team_id, workshop_id)


def _remind(
    db: Database,
    client_for: ClientFor,
    candidate: ReminderCandidate,
    now: datetime,
    timezones: TimezoneCache,
    report: TickReport,
) -> None:
    client = client_for(candidate.team_id)
    if client is None:
        return
    zone = timezones.zone(client, candidate.team_id, candidate.user_id) or candidate.timezone
    at = reminder_time(candidate.window_start, candidate.due_at, zone)
    if at is None or at > now:
        return
    with db.session() as session:
        if not claim_reminder(session, candidate):
            return
        workshop = get_workshop(session, candidate.team_id, candidate.workshop_id)
    report.reminded.append((candidate.workshop_id, candidate.user_id))
    try:
        client.chat_postMessage(
            channel=candidate.user_id,
            text=reminder_text(workshop.title, candidate.round),
            blocks=build_reminder_dm(
                candidate.workshop_id,
                workshop.title,
                workshop.channel_id,
                candidate.round,
                candidate.due_at,
            ),
        )
    except SlackApiError as error:
        # Claimed, so not tried again: a reminder is never sent twice, even when Slack's answer
        # was lost after it delivered the message.
        logger.warning(
            "reminder to %s (workshop %s, team %s) not sent: %s",
            candidate.user_id,
            candidate.workshop_id,
            candidate.team_id,
            error.response.get("error"),
        )


# Closing the loop (posted when rating ends, after the gap results) -----------------------------


def post_loop(client: WebClient, db: Database, team_id: str, workshop_id: int) -> int:
    """From the second rated round on: the gap trends over all rounds with the loop-closure
    figure (and its chart) in the board's thread; then each "you said, we did" note that fell
    due, once (claimed before it is posted). Returns how many notes were posted."""
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        trends = touchpoint_trends(session, workshop)
        closure = loop_closure(session, workshop, trends)
        notes = due_loop_notes(session, workshop, trends)
    width = rated_rounds(trends)
    if width < 2:
        return 0
    if closure is not None:
        _upload_trend_chart(client, workshop, closure, width)
    post_in_thread(
        client,
        workshop,
        trends_text(width, closure),
        blocks=build_trends_message(trends, width, closure),
    )
    return post_loop_notes(client, db, workshop, notes)


def post_due_loop_notes(client: WebClient, db: Database, team_id: str, workshop_id: int) -> int:
    """When an action item is marked done: each "you said, we did" note that a round whose
    results were already shown bears out (flows.loop.shown_round), once: the same claim as
    post_loop's, so whichever path comes first posts it. Returns how many were posted."""
    with db.session() as session:
        workshop = get_workshop(session, team_id, workshop_id)
        notes = due_loop_notes(session, workshop, through_round=shown_round(session, workshop))
    return post_loop_notes(client, db, workshop, notes)


def post_loop_notes(
    client: WebClient, db: Database, workshop: Workshop, notes: list[LoopNoteDue]
) -> int:
    """Post each note whose claim this call takes: two paths that found the same note due at
    the same moment (a results post and a Done click, two replicas) post it once."""
    posted = 0
    for note in notes:
        with db.session() as session:
            claimed = claim_loop_note(session, workshop, note)
        if claimed:
            post_in_thread(client, workshop, loop_note_text(note))
            posted += 1
    return posted


def _upload_trend_chart(client: WebClient, workshop, closure, width: int) -> None:
    upload_in_thread(
        client,
        workshop,
        render_trend_chart(closure),
        f"gap-trends-{workshop.id}-round-{width}.png",
        f"Gap trends, rounds 1 to {width}",
        trend_chart_alt_text(closure),
    )
