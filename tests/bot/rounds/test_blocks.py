"""The rounds builders, each on its own: forms within Slack's limits, times as `<!date>` tokens
(each reader's own zone), people's text escaped, quiet reminders."""

from datetime import date

from bot.rounds.blocks import (
    build_deadline_modal,
    build_reminder_dm,
    build_rounds_modal,
    build_trends_message,
    deadline_closed_text,
    deadline_line,
    deadline_set_text,
    loop_closure_line,
    loop_note_text,
    reminder_text,
    rounds_scheduled_text,
    scheduled_round_text,
    trend_table,
    trends_text,
)
from bot.slack import ids
from flows.loop import LoopClosure, LoopNoteDue, TopGap, TouchpointTrend
from tests.factories import utc

DUE = utc(2030, 1, 11, 17)  # epoch 1894381200
TOKEN = "<!date^1894381200^{date_short_pretty} at {time}|Fri 11 Jan 2030 17:00 UTC>"
HOSTILE = "R&D <!channel>"


def test_deadline_modal():
    view = build_deadline_modal(12, HOSTILE, "C1", "Gap rating", "Europe/Lisbon", date(2030, 1, 11))
    data = view.to_dict()
    assert data["callback_id"] == ids.DEADLINE_MODAL and len(data["title"]["text"]) <= 24
    blocks = {b.get("block_id"): b for b in data["blocks"]}
    assert blocks[ids.DEADLINE_DATE]["element"]["initial_date"] == "2030-01-11"
    assert blocks[ids.DEADLINE_TIME]["element"]["initial_time"] == "17:00"
    assert blocks[ids.DEADLINE_TIMEZONE]["element"]["initial_option"]["value"] == "Europe/Lisbon"
    intro = data["blocks"][0]["elements"][0]["text"]
    assert "R&amp;D &lt;!channel&gt;" in intro and "*Gap rating*" in intro
    assert "reminded once" in intro
    voting = build_deadline_modal(12, "T", "C1", "Voting", "UTC", date(2030, 1, 11), rating=False)
    assert "reminded" not in voting.to_dict()["blocks"][0]["elements"][0]["text"]


def test_rounds_modal():
    data = build_rounds_modal(12, HOSTILE, "C1", "Asia/Tokyo").to_dict()
    assert data["callback_id"] == ids.ROUNDS_MODAL and len(data["title"]["text"]) <= 24
    blocks = {b.get("block_id"): b for b in data["blocks"]}
    cadences = [o["value"] for o in blocks[ids.ROUND_CADENCE]["element"]["options"]]
    assert cadences == ["quarterly", "monthly", "cron"]
    assert blocks[ids.ROUND_OPEN_DAYS]["element"]["max_value"] == "28"
    assert blocks[ids.ROUND_CRON]["optional"] is True
    assert "&lt;!channel&gt;" in data["blocks"][0]["elements"][0]["text"]


def test_deadline_line_is_in_each_readers_time():
    assert deadline_line("Gap rating", DUE) == f":alarm_clock: *Gap rating* closes {TOKEN}"


def test_deadline_set_text():
    text = deadline_set_text(HOSTILE, "Voting", DUE, rating=False)
    assert TOKEN in text and "R&amp;D &lt;!channel&gt;" in text and "*Voting*" in text
    assert "reminded" not in text
    assert "reminded once" in deadline_set_text("T", "Gap rating", DUE, rating=True)


def test_rounds_scheduled_text():
    text = rounds_scheduled_text(HOSTILE, "on the first Monday", 1, "17:00", DUE)
    assert "stay open 1 day and close at 17:00" in text
    assert f"The next one opens {TOKEN}." in text and "&lt;!channel&gt;" in text
    assert "next one" not in rounds_scheduled_text("T", "x", 4, "17:00", None)


def test_reminder_dm_is_quiet_and_has_one_primary_button():
    blocks = [b.to_dict() for b in build_reminder_dm(12, HOSTILE, "C1", 2, DUE)]
    text = blocks[0]["text"]["text"]
    assert "Rating round 2" in text and TOKEN in text and "<#C1>" in text
    assert "<@" not in text and "&lt;!channel&gt;" in text
    [button] = blocks[1]["elements"]
    assert (button["action_id"], button["value"], button["style"]) == (
        ids.RATE_OPEN,
        "12",
        "primary",
    )
    assert "&lt;!channel&gt;" in reminder_text(HOSTILE, 2)


def test_deadline_closed_text():
    assert deadline_closed_text("Gap rating", "Fixes") == (
        ":alarm_clock: *Gap rating* closed at its deadline; the workshop moved on to *Fixes*."
    )


def test_scheduled_round_text():
    opened = scheduled_round_text(3, True, DUE, 19)
    assert opened.startswith(":repeat: *Rating round 3* is open, as scheduled, on the same 19")
    assert opened.endswith(f"rating closes {TOKEN}.")
    kept = scheduled_round_text(1, False, DUE, 19)
    assert "Round 1 is still waiting for its first ratings." in kept


# Closing the loop -------------------------------------------------------------------------------


def _trend(name, *gaps, touchpoint_id=1):
    return TouchpointTrend(touchpoint_id, "Stage", name, gaps)


def _closure():
    top = (
        TopGap(_trend("Support", -3.8, -3.8, -0.6), -3.8, 3, -0.6, done=True),
        TopGap(_trend(HOSTILE, -2.0, -1.0, None), -2.0, 2, -1.0, done=False),
    )
    return LoopClosure(top)


def test_loop_closure_line_names_the_closed_loops():
    line = loop_closure_line(_closure())
    # 1 of 2 top gaps: done and narrowed (−3.8 → −0.6) → 50 %.
    assert line == (
        ":arrows_counterclockwise: *Loop closure 50 %*: 1 of the 2 widest gaps of round 1 has "
        "a finished action item and narrowed since (Support)."
    )


def test_trend_table_sorts_by_latest_gap_and_escapes_in_the_code_section():
    trends = [
        _trend("Support", -3.8, -3.8, -0.6),
        _trend(HOSTILE, -2.0, -1.0, None),
        _trend("Never rated", None, None, None),
    ]
    table = trend_table(trends, 3)
    assert table.split("\n") == [
        "Touchpoint              R1    R2    R3  since first",
        "R&D <!channel>        -2.0  -1.0     –         +1.0",
        "Support               -3.8  -3.8  -0.6         +3.2",
    ]
    blocks = [b.to_dict() for b in build_trends_message(trends, 3, _closure())]
    assert blocks[0]["text"]["text"].startswith("*Gap trends over all 3 rounds*\n")
    code = blocks[1]["text"]["text"]
    assert code.startswith("```") and "R&amp;D &lt;!channel&gt;" in code
    assert "widest shortfall first" in blocks[2]["elements"][0]["text"]
    assert trends_text(3, _closure()) == (
        "Gap trends over all 3 rounds: loop closure 50 % (1 of 2 top gaps)."
    )
    assert trends_text(2, None) == "Gap trends over all 2 rounds"


def test_trend_table_says_how_many_are_left_out():
    trends = [_trend(f"T{n}", -1.0 * n, 0.0, touchpoint_id=n) for n in range(1, 13)]
    assert trend_table(trends, 2).endswith("… and 2 more (every touchpoint is in the export)")


def test_loop_note_in_words():
    note = LoopNoteDue(7, HOSTILE, "U1", "Support", 2, -3.8, 3, -0.6)
    assert loop_note_text(note) == (
        ":speech_balloon: *You said, we did.* You said *Support* fell short (−3.8 in round 2). "
        "We did “R&amp;D &lt;!channel&gt;” (action item done). In round 3 its gap is −0.6: "
        "narrowed by 3.2."
    )
