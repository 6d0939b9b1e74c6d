"""The rounds builders, each on its own: forms within Slack's limits, times as `<!date>` tokens
(each reader's own zone), people's text escaped, quiet reminders."""

from datetime import date

from bot.rounds.blocks import (
    build_deadline_modal,
    build_reminder_dm,
    build_rounds_modal,
    deadline_closed_text,
    deadline_line,
    deadline_set_text,
    reminder_text,
    rounds_scheduled_text,
    scheduled_round_text,
)
from bot.slack import ids
from tests.factories import utc

DUE = utc(2030, 1, 11, 17)  # epoch 1894381200
TOKEN = "<!date^1894381200^{date_short_pretty} at {time}|2030-01-11 17:00 UTC>"
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
    text = deadline_set_text(HOSTILE, "Voting", DUE)
    assert TOKEN in text and "R&amp;D &lt;!channel&gt;" in text and "*Voting*" in text


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
