"""The shared time-of-day and time-zone inputs of the scheduling forms."""

from datetime import UTC, datetime

from bot.slack import ids
from bot.slack.time_inputs import chosen_option, time_input, timezone_groups, timezone_input

SUMMER = datetime(2026, 7, 1, tzinfo=UTC)


def test_a_time_input_is_a_time_picker_with_its_initial_time():
    assert time_input("when", "Opening time", "09:00").to_dict() == {
        "type": "input",
        "block_id": "when",
        "label": {"type": "plain_text", "text": "Opening time", "emoji": True},
        "element": {"type": "timepicker", "action_id": ids.INPUT, "initial_time": "09:00"},
    }


def test_a_time_input_carries_its_hint_when_given():
    data = time_input("when", "Closes at", "17:00", hint="On the last day.").to_dict()
    assert data["hint"]["text"] == "On the last day."


def test_the_time_zone_input_offers_every_zone_with_the_given_one_chosen():
    data = timezone_input("zone", "Asia/Kolkata", hint="Follows this clock.", now=SUMMER).to_dict()
    assert data["block_id"] == "zone" and data["label"]["text"] == "Time zone"
    assert data["hint"]["text"] == "Follows this clock."
    element = data["element"]
    assert element["type"] == "static_select" and element["action_id"] == ids.INPUT
    assert element["initial_option"]["value"] == "Asia/Kolkata"
    assert element["initial_option"]["text"]["text"] == "Asia/Kolkata (UTC+05:30)"
    offered = {o["value"] for g in element["option_groups"] for o in g["options"]}
    assert {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"} <= offered


def test_a_zone_nowhere_in_the_groups_is_not_chosen():
    groups = timezone_groups("UTC", now=SUMMER)
    assert chosen_option(groups, "Mars/Olympus_Mons") is None
    berlin = chosen_option(groups, "Europe/Berlin")
    assert berlin is not None and berlin.to_dict()["text"]["text"] == "Europe/Berlin (UTC+02:00)"


def test_time_zones_are_grouped_at_most_100_to_a_group_with_their_offset():
    groups = timezone_groups("Europe/Berlin", now=datetime(2026, 7, 1, tzinfo=UTC))
    data = [group.to_dict() for group in groups]
    assert all(len(group["options"]) <= 100 for group in data)
    labels = {o["value"]: o["text"]["text"] for g in data for o in g["options"]}
    assert labels["Europe/Berlin"] == "Europe/Berlin (UTC+02:00)"
    assert labels["Asia/Kolkata"] == "Asia/Kolkata (UTC+05:30)"
    assert labels["UTC"] == "UTC (UTC+00:00)"
    assert [g["label"]["text"] for g in data if g["label"]["text"].startswith("America")] == [
        "America (Adak–Montserrat)",
        "America (Nassau–Yakutat)",
    ]
    # A legacy name Slack might report for someone is offered too.
    legacy = [g.to_dict() for g in timezone_groups("US/Eastern")]
    assert "US/Eastern" in {o["value"] for g in legacy for o in g["options"]}
