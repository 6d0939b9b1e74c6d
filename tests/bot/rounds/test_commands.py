"""`/workshop deadline` and `/workshop rounds` end to end, through the real Bolt app: the forms,
inline errors, the board's deadline line in each reader's own time, and stopping."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.rounds import as_utc
from flows.workshops import get_workshop, join_workshop
from storage.models import Phase, PhaseDeadline, RoundSchedule, utcnow

ANA, CHLOE = PEOPLE[0].user_id, PEOPLE[2].user_id


def _in_rating(local):
    workshop_id, board_ts = local.start_workshop(ANA)
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        workshop.phase = Phase.rating
        join_workshop(session, workshop, CHLOE)
    return workshop_id, board_ts


def _open(local, text, user=ANA):
    local.sim.slash_command(user, CHANNEL_ID, text)
    return local.standin.wait_for(lambda: local.standin.top_view(user))


def _block(view, block_id):
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _ephemeral(local, user, fragment):
    return local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=user) if fragment in e["text"]]
    )[-1]["text"]


def _deadlines(local):
    with local.db.session() as session:
        return session.exec(select(PhaseDeadline)).all()


def test_deadline_form_starts_in_the_facilitators_zone_and_refuses_the_past(local):
    _in_rating(local)
    view = _open(local, "deadline")
    assert view["callback_id"] == ids.DEADLINE_MODAL
    zone = _block(view, ids.DEADLINE_TIMEZONE)["element"]["initial_option"]["value"]
    assert zone == "Europe/Lisbon"  # Ana's zone in Slack
    assert _block(view, ids.DEADLINE_TIME)["element"]["initial_time"] == "17:00"
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    response = local.sim.submit_view(ANA, {ids.DEADLINE_DATE: yesterday})
    assert response.json["response_action"] == "errors"
    assert set(response.json["errors"]) == {ids.DEADLINE_DATE}
    assert _deadlines(local) == []


def test_a_deadline_shows_on_the_board_in_each_readers_time(local):
    _, board_ts = _in_rating(local)
    _open(local, "deadline")
    day = (utcnow() + timedelta(days=3)).date()
    response = local.sim.submit_view(
        ANA, {ids.DEADLINE_DATE: day.isoformat(), ids.DEADLINE_TIME: "16:30"}
    )
    assert (response.json or {}).get("response_action") is None, response.json
    [deadline] = local.standin.wait_for(lambda: _deadlines(local))
    local_due = as_utc(deadline.due_at).astimezone(ZoneInfo("Europe/Lisbon"))
    assert (local_due.date(), local_due.strftime("%H:%M")) == (day, "16:30")
    assert (deadline.phase, deadline.round, deadline.set_by) == ("rating", 1, ANA)
    epoch = int(as_utc(deadline.due_at).timestamp())

    def board_line():
        board = local.standin.message(CHANNEL_ID, board_ts)
        return [b for b in board["blocks"] if f"<!date^{epoch}^" in str(b)]

    line = local.standin.wait_for(board_line)[0]["elements"][0]["text"]
    assert line.startswith(":alarm_clock: *Gap rating* closes <!date^")
    assert "<!date^" in _ephemeral(local, ANA, "closes")
    # Asking again shows the deadline as set, to move it.
    view = _open(local, "deadline")
    assert _block(view, ids.DEADLINE_TIME)["element"]["initial_time"] == "16:30"
    local.sim.close_view(ANA)
    local.sim.slash_command(ANA, CHANNEL_ID, "deadline clear")
    assert "Deadline removed" in _ephemeral(local, ANA, "Deadline removed")
    local.standin.wait_for(lambda: not board_line())


def test_only_facilitators_set_deadlines_and_not_before_the_workshop_starts(local):
    local.start_workshop(ANA)
    local.sim.slash_command(ANA, CHANNEL_ID, "deadline")
    assert "Deadlines are for the stakeholders" in _ephemeral(local, ANA, "Deadlines are for")
    local.sim.slash_command(CHLOE, CHANNEL_ID, "deadline")
    assert (
        "facilitator"
        in local.standin.wait_for(lambda: local.standin.ephemerals(user=CHLOE))[-1]["text"]
    )
    assert local.standin.top_view(CHLOE) is None
    local.sim.slash_command(ANA, CHANNEL_ID, "deadline tomorrow")
    assert "/workshop deadline clear" in _ephemeral(local, ANA, "I don't know")


def test_recurring_rounds_are_saved_and_stopped(local):
    workshop_id, _ = _in_rating(local)
    view = _open(local, "rounds")
    assert view["callback_id"] == ids.ROUNDS_MODAL
    response = local.sim.submit_view(ANA, {ids.ROUND_CADENCE: "cron"})
    assert set(response.json["errors"]) == {ids.ROUND_CRON}
    response = local.sim.submit_view(ANA, {ids.ROUND_CADENCE: "quarterly"})
    assert (response.json or {}).get("response_action") is None, response.json
    confirmation = _ephemeral(local, ANA, "Rating rounds of")
    assert "first Monday of each quarter (Europe/Lisbon)" in confirmation
    assert "stay open 4 days and close at 17:00" in confirmation
    assert "The next one opens <!date^" in confirmation
    with local.db.session() as session:
        schedule = session.exec(select(RoundSchedule)).one()
    assert (schedule.workshop_id, schedule.cron, schedule.timezone) == (
        workshop_id,
        "0 9 1-7 1,4,7,10 mon",
        "Europe/Lisbon",
    )
    local.sim.slash_command(ANA, CHANNEL_ID, "rounds off")
    assert _ephemeral(local, ANA, "stopped") == "Scheduled rating rounds stopped."
    with local.db.session() as session:
        assert session.exec(select(RoundSchedule)).all() == []
