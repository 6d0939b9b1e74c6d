"""The schedule form and the schedule list."""

import json
from datetime import UTC, datetime

import pytest

from bot.digests.blocks.schedules import build_schedule_list, build_schedule_modal
from bot.slack import ids
from flows.schedules import ScheduleView
from storage.models import ScheduleStatus


def test_the_form_fits_slacks_limits_and_preselects_the_zone():
    view = build_schedule_modal(12, "Onboarding " * 30, "C1", "America/Argentina/Buenos_Aires")
    data = view.to_dict()  # slack_sdk checks title, submit and option lengths here
    assert len(data["blocks"]) <= 100
    assert len(json.dumps(data)) < 250_000
    zone = next(b for b in data["blocks"] if b.get("block_id") == ids.DIGEST_TIMEZONE)
    assert zone["element"]["initial_option"]["value"] == "America/Argentina/Buenos_Aires"
    cadence = data["blocks"][1]
    assert cadence["dispatch_action"] is True  # choosing another frequency redraws the form
    assert json.loads(data["private_metadata"]) == {
        "workshop_id": 12,
        "channel_id": "C1",
        "title": ("Onboarding " * 30)[:99] + "…",
    }


@pytest.mark.parametrize(
    ("cadence", "fields"),
    [
        (None, [ids.DIGEST_WEEKDAY, ids.DIGEST_TIME]),  # none given: weekly, Monday 09:00
        ("daily", [ids.DIGEST_TIME]),
        ("weekdays", [ids.DIGEST_TIME]),
        ("weekly", [ids.DIGEST_WEEKDAY, ids.DIGEST_TIME]),
        ("monthly", [ids.DIGEST_DAY_OF_MONTH, ids.DIGEST_TIME]),
        ("cron", [ids.DIGEST_CRON]),
        ("forged", [ids.DIGEST_WEEKDAY, ids.DIGEST_TIME]),  # unknown: the default, weekly
    ],
)
def test_each_frequency_shows_only_its_own_fields(cadence, fields):
    chosen = {} if cadence is None else {"cadence": cadence}
    data = build_schedule_modal(12, "Onboarding", "C1", "UTC", **chosen).to_dict()
    block_ids = [b.get("block_id") for b in data["blocks"] if b["type"] == "input"]
    assert block_ids == [
        ids.DIGEST_CADENCE,
        *fields,
        ids.DIGEST_TIMEZONE,
        ids.DIGEST_CHANNEL,
        ids.DIGEST_RECIPIENTS,
    ]


def schedule(number, status=ScheduleStatus.active, error=None):
    return ScheduleView(
        id=number,
        workshop_id=3,
        workshop_title="Onboarding",
        created_by="UF",
        description="Every day at 09:00 (UTC)",
        channel_id="C1",
        dm_user_ids=[f"U{n}" for n in range(7)],
        status=status,
        last_error=error,
        next_fire=datetime(2026, 11, 23, 9, tzinfo=UTC),
        last_sent=None,
    )


def test_the_list_shows_each_schedule_with_its_buttons():
    blocks = build_schedule_list(
        3, "Onboarding", [schedule(1), schedule(2, ScheduleStatus.failing, "is_archived")]
    )
    rendered = json.dumps([b.to_dict() for b in blocks])
    assert "<#C1> and DMs to <@U0>, <@U1>, <@U2>, <@U3> and <@U4> and 2 more" in rendered
    assert "next <!date^1795424400^" in rendered
    assert "`is_archived`: invite me back, then Resume" in rendered
    actions = [b.to_dict() for b in blocks if b.type == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        ids.SCHEDULE_SEND_NOW,
        ids.SCHEDULE_PAUSE,
        ids.SCHEDULE_DELETE,
    ]
    assert actions[1]["elements"][1]["action_id"] == ids.SCHEDULE_RESUME  # failing: resume
    assert actions[0]["elements"][2]["confirm"]["title"]["text"] == "Delete this digest?"


def test_a_schedule_stopped_by_a_refused_token_says_why_and_offers_resume():
    stopped = schedule(1, ScheduleStatus.suspended, "token_revoked")
    (blocks,) = [build_schedule_list(3, "Onboarding", [stopped])]
    rendered = json.dumps([b.to_dict() for b in blocks])
    assert "Stopped (Slack refused my access: `token_revoked`; Resume, or reinstall me)" in rendered
    (actions,) = [b.to_dict() for b in blocks if b.type == "actions"]
    assert actions["elements"][1]["action_id"] == ids.SCHEDULE_RESUME


def test_an_empty_list_says_how_to_start():
    assert "`/workshop digest` sets one up" in str(build_schedule_list(3, "X", [])[1].to_dict())
