"""Workshops that run themselves: reminder times (worked examples), deadlines, reminders' claims
and recurring rounds, each settled exactly once."""

from datetime import timedelta

import pytest
from sqlmodel import select

from flows.errors import Conflict, InvalidInput, NotAllowed
from flows.rounds import (
    DeadlineSpec,
    claim_reminder,
    clear_deadline,
    close_at_deadline,
    current_deadline,
    due_deadlines,
    due_round_openings,
    next_opening,
    open_scheduled_round,
    reminder_candidates,
    reminder_time,
    round_deadline,
    save_round_schedule,
    set_deadline,
    stop_round_schedule,
    validate_deadline,
    validate_round_schedule,
)
from flows.workshops import join_workshop
from storage.models import (
    DeadlineState,
    Phase,
    PhaseChange,
    PhaseDeadline,
    ScheduledRound,
)
from tests.factories import (
    OTHER_TEAM,
    TEAM,
    add_gap_rating,
    first_touchpoint_id,
    make_workshop,
    utc,
)

# Reminder times ---------------------------------------------------------------------------------
# A deadline on Friday 2026-12-11 at 17:00 Lisbon time (UTC+0 in December) = 17:00 UTC, set on
# Monday 2026-12-07 09:00 UTC. The reminder must leave 4 h: the latest moment is 13:00 UTC.
SET = utc(2026, 12, 7, 9)
FRIDAY_17 = utc(2026, 12, 11, 17)


def test_reminder_in_lisbon_is_the_deadlines_morning():
    # Friday 10:00 Lisbon = 10:00 UTC <= 13:00 UTC, and a weekday.
    assert reminder_time(SET, FRIDAY_17, "Europe/Lisbon") == utc(2026, 12, 11, 10)


def test_reminder_in_tokyo_is_their_friday_morning():
    # 13:00 UTC Friday = 22:00 Tokyo (UTC+9); Friday 10:00 Tokyo = 01:00 UTC, before 13:00.
    assert reminder_time(SET, FRIDAY_17, "Asia/Tokyo") == utc(2026, 12, 11, 1)


def test_reminder_in_new_york_is_the_day_before():
    # 13:00 UTC Friday = 08:00 New York (UTC-5): Friday 10:00 there (15:00 UTC) leaves less than
    # 4 h, so Thursday 10:00 New York = Thursday 15:00 UTC.
    assert reminder_time(SET, FRIDAY_17, "America/New_York") == utc(2026, 12, 10, 15)


def test_reminders_skip_the_weekend():
    # Deadline Monday 2026-12-14 12:00 UTC: latest 08:00 UTC Monday; Monday 10:00 Lisbon is
    # later, Sunday and Saturday are skipped: Friday 2026-12-11 10:00 UTC.
    assert reminder_time(SET, utc(2026, 12, 14, 12), "Europe/Lisbon") == utc(2026, 12, 11, 10)


def test_a_short_window_reminds_half_way():
    # Set Friday 14:00 UTC, due 17:00 UTC: that morning's 10:00 is before the window opened,
    # so the middle of the 3-hour window: 14:00 + 1:30 = 15:30 UTC.
    start = utc(2026, 12, 11, 14)
    assert reminder_time(start, FRIDAY_17, "Europe/Lisbon") == utc(2026, 12, 11, 15, 30)


def test_no_reminder_in_a_window_under_an_hour():
    assert reminder_time(utc(2026, 12, 11, 16, 30), FRIDAY_17, "Europe/Lisbon") is None


# The deadline form -------------------------------------------------------------------------------


def test_deadline_is_read_in_the_chosen_zone():
    # 17:00 in Berlin (UTC+1 in December) = 16:00 UTC.
    spec = validate_deadline("2026-12-11", "17:00", "Europe/Berlin", now=SET)
    assert spec == DeadlineSpec(utc(2026, 12, 11, 16), "Europe/Berlin")


def test_deadline_form_errors_are_per_field():
    with pytest.raises(InvalidInput) as error:
        validate_deadline("", "25:00", "Mars/Olympus", now=SET)
    assert set(error.value.errors) == {"deadline_date", "deadline_time", "deadline_timezone"}
    with pytest.raises(InvalidInput) as past:
        validate_deadline("2026-12-07", "09:10", "UTC", now=SET)  # 10 minutes ahead: too soon
    assert set(past.value.errors) == {"deadline_date"}
    with pytest.raises(InvalidInput) as far:
        validate_deadline("2027-12-07", "09:00", "UTC", now=SET)
    assert "90 days" in far.value.errors["deadline_date"]


# Deadlines: set, shown, closed once ------------------------------------------------------------


def _rating_workshop(session, team=TEAM):
    workshop = make_workshop(session, team=team)
    workshop.phase = Phase.rating
    for user in ("UA", "UB"):
        join_workshop(session, workshop, user)
    session.flush()
    return workshop


def _rate(session, workshop, user_id, number=1):
    add_gap_rating(
        session, workshop, first_touchpoint_id(session, workshop.id), user_id, number, 6, 3
    )
    session.flush()


def test_only_facilitators_set_deadlines_and_only_in_working_phases(session):
    workshop = _rating_workshop(session)
    spec = DeadlineSpec(FRIDAY_17, "Europe/Lisbon")
    with pytest.raises(NotAllowed):
        set_deadline(session, TEAM, workshop.id, "UA", spec, now=SET)
    workshop.phase = Phase.setup
    session.flush()
    with pytest.raises(Conflict):
        set_deadline(session, TEAM, workshop.id, "UF", spec, now=SET)


def test_setting_again_moves_the_deadline(session):
    workshop = _rating_workshop(session)
    first = set_deadline(session, TEAM, workshop.id, "UF", DeadlineSpec(FRIDAY_17, "UTC"), SET)
    later = FRIDAY_17 + timedelta(days=1)
    again = set_deadline(session, TEAM, workshop.id, "UF", DeadlineSpec(later, "UTC"), SET)
    assert first.id == again.id and (first.phase, first.round) == ("rating", 1)
    assert current_deadline(session, workshop).due_at.replace(tzinfo=None) == later.replace(
        tzinfo=None
    )
    assert clear_deadline(session, TEAM, workshop.id, "UF") is True
    assert current_deadline(session, workshop) is None
    assert clear_deadline(session, TEAM, workshop.id, "UF") is False


def test_a_due_deadline_moves_the_workshop_on_once(session):
    workshop = _rating_workshop(session)
    deadline = set_deadline(session, TEAM, workshop.id, "UF", DeadlineSpec(FRIDAY_17, "UTC"), SET)
    assert due_deadlines(session, FRIDAY_17 - timedelta(seconds=1)) == []
    assert due_deadlines(session, FRIDAY_17) == [(TEAM, deadline.id)]
    assert close_at_deadline(session, OTHER_TEAM, deadline.id, FRIDAY_17) is None  # isolation
    closed = close_at_deadline(session, TEAM, deadline.id, FRIDAY_17)
    assert closed is not None
    assert (closed.change.from_phase, closed.change.to_phase) == (Phase.rating, Phase.fixes)
    assert closed.closed_by == "UF"
    assert close_at_deadline(session, TEAM, deadline.id, FRIDAY_17) is None  # settled: once
    session.refresh(deadline)
    assert deadline.state == DeadlineState.closed
    change = session.exec(select(PhaseChange).where(PhaseChange.action == "deadline")).one()
    assert (change.from_phase, change.to_phase) == (Phase.rating, Phase.fixes)


def test_a_deadline_whose_phase_moved_on_is_moot(session):
    workshop = _rating_workshop(session)
    deadline = set_deadline(session, TEAM, workshop.id, "UF", DeadlineSpec(FRIDAY_17, "UTC"), SET)
    workshop.phase = Phase.fixes  # the facilitator pressed Next before the deadline
    session.flush()
    assert close_at_deadline(session, TEAM, deadline.id, FRIDAY_17) is None
    session.refresh(deadline)
    assert deadline.state == DeadlineState.moot
    assert workshop.phase == Phase.fixes


def test_voting_deadline_closes_the_workshop(session):
    workshop = _rating_workshop(session)
    workshop.phase = Phase.voting
    session.flush()
    deadline = set_deadline(session, TEAM, workshop.id, "UF", DeadlineSpec(FRIDAY_17, "UTC"), SET)
    assert deadline.round == 0
    closed = close_at_deadline(session, TEAM, deadline.id, FRIDAY_17)
    assert closed.change.to_phase == Phase.closed
    assert closed.change.workshop.phase_before_close == Phase.voting


# Reminders ---------------------------------------------------------------------------------------


def test_reminders_go_to_non_raters_once(session):
    workshop = _rating_workshop(session)
    _rate(session, workshop, "UA")
    set_deadline(session, TEAM, workshop.id, "UF", DeadlineSpec(FRIDAY_17, "Europe/Lisbon"), SET)
    candidates = reminder_candidates(session, SET)
    assert [c.user_id for c in candidates] == ["UF", "UB"]  # UA rated
    bee = candidates[1]
    assert (bee.round, bee.window_start, bee.due_at) == (1, SET, FRIDAY_17)
    assert claim_reminder(session, bee) is True
    assert claim_reminder(session, bee) is False  # never twice
    assert [c.user_id for c in reminder_candidates(session, SET)] == ["UF"]
    assert reminder_candidates(session, FRIDAY_17) == []  # the deadline has passed


# Recurring rounds --------------------------------------------------------------------------------


def test_quarterly_preset_opens_the_first_monday_of_a_quarter():
    spec = validate_round_schedule("quarterly", "09:00", "Europe/Berlin", "4", "17:00", now=SET)
    assert spec.cron == "0 9 1-7 1,4,7,10 mon"

    class Schedule:
        cron, timezone, open_days, close_hour, close_minute = spec.cron, "Europe/Berlin", 4, 17, 0

    # 2027-01-01 is a Friday: the first Monday is 4 January; 09:00 Berlin (UTC+1) = 08:00 UTC.
    assert next_opening(Schedule, SET) == utc(2027, 1, 4, 8)
    # Then 5 April (1 April 2027 is a Thursday), 09:00 summer time (UTC+2) = 07:00 UTC.
    assert next_opening(Schedule, utc(2027, 1, 4, 8)) == utc(2027, 4, 5, 7)
    # Open 4 days: Friday 8 January at 17:00 Berlin = 16:00 UTC.
    assert round_deadline(Schedule, utc(2027, 1, 4, 8)) == utc(2027, 1, 8, 16)


def test_round_form_errors_are_per_field():
    with pytest.raises(InvalidInput) as error:
        validate_round_schedule("", "9", "Nowhere", "40", "", now=SET)
    assert set(error.value.errors) == {
        "round_cadence",
        "round_time",
        "round_timezone",
        "round_open_days",
        "round_close_time",
    }
    with pytest.raises(InvalidInput) as close:
        # Every Monday, open 10 days: rounds would overlap.
        validate_round_schedule("cron", None, "UTC", "10", "17:00", cron="0 9 * * mon", now=SET)
    assert set(close.value.errors) == {"round_cron"}


def _quarterly(session, workshop, now=SET):
    spec = validate_round_schedule("quarterly", "09:00", "Europe/Berlin", "4", "17:00", now=now)
    return save_round_schedule(session, workshop.team_id, workshop.id, "UF", spec, now=now)


def _rated_then_in(session, phase):
    """A workshop whose round 1 UA rated, then moved on to `phase`, and its quarterly rounds."""
    workshop = _rating_workshop(session)
    _rate(session, workshop, "UA")
    workshop.phase = phase
    session.flush()
    return workshop, _quarterly(session, workshop)


def test_a_scheduled_round_opens_once_with_its_deadline(session):
    _, schedule = _rated_then_in(session, Phase.fixes)
    opening = utc(2027, 1, 4, 8)
    assert due_round_openings(session, opening - timedelta(minutes=1)) == []
    due = due_round_openings(session, opening + timedelta(minutes=1))
    assert due == [(TEAM, schedule.id, opening)]
    assert open_scheduled_round(session, OTHER_TEAM, schedule.id, opening) is None  # isolation
    opened = open_scheduled_round(session, TEAM, schedule.id, opening, now=opening)
    assert (opened.round, opened.opened, opened.due_at) == (2, True, utc(2027, 1, 8, 16))
    assert opened.workshop.phase == Phase.rating  # taken back from fixes to rate again
    assert open_scheduled_round(session, TEAM, schedule.id, opening, now=opening) is None
    assert due_round_openings(session, opening + timedelta(minutes=2)) == []
    deadline = current_deadline(session, opened.workshop)
    assert (deadline.round, deadline.set_by) == (2, "UF")
    claim = session.exec(select(ScheduledRound)).one()
    assert (claim.round, claim.outcome) == (2, "opened")


def test_an_unrated_round_is_kept_not_followed(session):
    workshop = _rating_workshop(session)  # round 1, nobody has rated
    schedule = _quarterly(session, workshop)
    opening = utc(2027, 1, 4, 8)
    opened = open_scheduled_round(session, TEAM, schedule.id, opening, now=opening)
    assert (opened.round, opened.opened) == (1, False)
    assert current_deadline(session, workshop).round == 1


def test_an_opening_missed_by_more_than_the_grace_is_skipped(session):
    workshop = _rating_workshop(session)
    _quarterly(session, workshop)
    # 08:00 + 12 h grace = 20:00 UTC; at 20:01 the opening is no longer made.
    assert due_round_openings(session, utc(2027, 1, 4, 20)) != []
    assert due_round_openings(session, utc(2027, 1, 4, 20, 1)) == []


def test_a_round_before_the_schedule_existed_is_not_opened(session):
    workshop = _rating_workshop(session)
    _quarterly(session, workshop, now=utc(2027, 1, 4, 8, 30))  # just after an opening time
    assert due_round_openings(session, utc(2027, 1, 4, 9)) == []


def test_stopping_rounds(session):
    workshop = _rating_workshop(session)
    _quarterly(session, workshop)
    with pytest.raises(NotAllowed):
        stop_round_schedule(session, TEAM, workshop.id, "UA")
    assert stop_round_schedule(session, TEAM, workshop.id, "UF") is True
    assert stop_round_schedule(session, TEAM, workshop.id, "UF") is False
    assert due_round_openings(session, utc(2027, 1, 4, 9)) == []
    assert session.exec(select(PhaseDeadline)).all() == []


def test_a_closed_workshop_is_skipped_and_the_schedule_carries_on(session):
    workshop, schedule = _rated_then_in(session, Phase.closed)
    opening = utc(2027, 1, 4, 8)
    skipped = open_scheduled_round(session, TEAM, schedule.id, opening, now=opening)
    assert (skipped.round, skipped.opened) == (None, False)
    assert "closed" in skipped.skipped
    assert workshop.phase == Phase.closed and current_deadline(session, workshop) is None
    assert session.exec(select(ScheduledRound)).one().outcome.startswith("skipped: ")
    # The next opening (5 April 2027, 07:00 UTC) is due in its turn.
    assert due_round_openings(session, utc(2027, 4, 5, 7, 1)) == [
        (TEAM, schedule.id, utc(2027, 4, 5, 7))
    ]
