"""A phase's results that could not be posted in the board's thread are not lost silently.

When the gap results, the stakeholder grid or the ranked fixes fail to post as the facilitator
moves on, the facilitator is told privately, in words, with a *Post it again* button that posts
them once (facilitators only), and says so again if it fails again.
"""

from __future__ import annotations

import time

import pytest

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from storage.models import Phase

ANA, BEN, CHLOE = (p.user_id for p in PEOPLE[:3])
ANNOUNCEMENTS = (":arrow_forward:", ":checkered_flag:")

# The phase the facilitator leaves, the results then posted, and how their text starts.
RESULTS = [
    pytest.param(Phase.stakeholders, "the stakeholder grid", "Workshop #", id="grid"),
    pytest.param(Phase.rating, "the gap results", "No ratings in round", id="gaps"),
    pytest.param(Phase.voting, "the ranked fixes", "Voting has closed", id="ranking"),
]


def is_results_post(params):
    text = str(params.get("text") or "")
    return bool(params.get("thread_ts")) and not text.startswith(ANNOUNCEMENTS)


def results_in_thread(local, board_ts, starts):
    return [m for m in local.standin.thread(CHANNEL_ID, board_ts) if m["text"].startswith(starts)]


def button_value(notice):
    return notice["blocks"][-1]["elements"][0]["value"]


def notices(local, user=ANA):
    return [e for e in local.standin.ephemerals(user=user) if "I couldn't post" in e["text"]]


def move_on_with_failing_results(local, phase, **fault):
    """A workshop in `phase`; the facilitator presses Next and the results' post fails."""
    workshop_id, board_ts = local.start_workshop(ANA, phase=phase)
    local.standin.inject_fault("chat.postMessage", matching=is_results_post, **fault)
    # With no fixes, voting has no Next on the board: closing it ends the vote all the same.
    button = ids.PHASE_CLOSE if phase is Phase.voting else ids.PHASE_ADVANCE
    local.sim.click(ANA, button, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    return workshop_id, board_ts


def forged_click(local, user, value):
    """`user` clicks a Post it again button carrying `value`, as a tampering client could."""
    button = {
        "type": "button",
        "action_id": ids.RESULTS_POST_AGAIN,
        "text": {"type": "plain_text", "text": "Go"},
        "value": value,
    }
    ts = local.standin.add_message(
        CHANNEL_ID, user, "forged", blocks=[{"type": "actions", "elements": [button]}]
    )
    response = local.sim.click(user, ids.RESULTS_POST_AGAIN, channel=CHANNEL_ID, ts=ts)
    local.wait_until_idle()
    return response


def post_again(local, user=ANA):
    local.sim.click(user, ids.RESULTS_POST_AGAIN, channel=CHANNEL_ID)
    local.wait_until_idle()


@pytest.mark.parametrize(("phase", "what", "starts"), RESULTS)
def test_failed_results_are_told_and_posted_again_once(local, phase, what, starts):
    workshop_id, board_ts = move_on_with_failing_results(local, phase, status=500)
    (notice,) = notices(local)
    assert notice["text"] == (
        f":warning: I couldn't post {what} of workshop #{workshop_id} in the board's thread "
        "(`fatal_error`). Slack may have posted them after all: look in the thread before "
        "posting again."
    )
    assert results_in_thread(local, board_ts, starts) == []

    post_again(local)
    assert len(results_in_thread(local, board_ts, starts)) == 1
    (done,) = [e for e in local.standin.ephemerals(user=ANA) if "again in the board's" in e["text"]]
    assert done["text"] == (
        f":white_check_mark: Posted {what} of workshop #{workshop_id} again in the board's thread."
    )
    assert notices(local) == [], "the notice was replaced: its button is gone"


def test_a_refusal_by_slack_says_why_without_doubt(local):
    move_on_with_failing_results(local, Phase.rating, error="msg_too_long")
    (notice,) = notices(local)
    assert "(`msg_too_long`)." in notice["text"] and "may have posted" not in notice["text"]


def test_a_post_that_fails_again_is_told_again_with_a_fresh_button(local):
    _, board_ts = move_on_with_failing_results(local, Phase.rating, status=500)
    (first,) = notices(local)
    local.standin.inject_fault("chat.postMessage", matching=is_results_post, status=503)
    post_again(local)
    (second,) = notices(local)
    assert second["ts"] == first["ts"], "the same notice, now saying it failed again"
    assert button_value(second) != button_value(first)
    post_again(local)
    assert len(results_in_thread(local, board_ts, "No ratings in round")) == 1


def test_a_double_click_posts_once(local):
    _, board_ts = move_on_with_failing_results(local, Phase.rating, status=500)
    # The post takes a second, so the second click arrives while the first is still posting.
    local.standin.inject_fault("chat.postMessage", matching=is_results_post, delay=1.0)
    local.sim.click(ANA, ids.RESULTS_POST_AGAIN, channel=CHANNEL_ID)
    time.sleep(0.2)
    local.sim.click(ANA, ids.RESULTS_POST_AGAIN, channel=CHANNEL_ID)
    local.wait_until_idle()
    assert len(results_in_thread(local, board_ts, "No ratings in round")) == 1
    assert any("already posted those again" in e["text"] for e in local.standin.ephemerals(ANA))


def test_only_a_facilitator_can_post_again(local):
    _, board_ts = move_on_with_failing_results(local, Phase.rating, status=500)
    (notice,) = notices(local)
    forged_click(local, CHLOE, button_value(notice))
    assert any(
        "Only the facilitator can post the results again" in e["text"]
        for e in local.standin.ephemerals(user=CHLOE)
    )
    assert results_in_thread(local, board_ts, "No ratings in round") == []
    post_again(local)  # the facilitator's own button still works: the refusal claimed nothing
    assert len(results_in_thread(local, board_ts, "No ratings in round")) == 1


@pytest.mark.parametrize("value", ["", "1|gaps", "1|nope|0123456789abcdef", "x|gaps|zz"])
def test_a_junk_value_is_told_out_of_date(local, value):
    local.start_workshop(ANA)
    assert forged_click(local, ANA, value or " ").status == 200
    assert any("That button is out of date" in e["text"] for e in local.standin.ephemerals(ANA))


def test_a_number_past_any_id_is_refused_before_the_listener(local):
    local.start_workshop(ANA)
    assert forged_click(local, ANA, "9" * 40).status == 400
    assert not any("Posted" in e["text"] for e in local.standin.ephemerals(ANA))


def test_the_notice_goes_by_dm_when_it_cannot_be_shown_in_the_channel(local):
    local.standin.inject_fault(
        "chat.postEphemeral",
        error="user_not_in_channel",
        matching=lambda params: "I couldn't post" in str(params.get("text")),
    )
    workshop_id, board_ts = move_on_with_failing_results(local, Phase.rating, status=500)
    (dm,) = [m for m in local.standin.dms(ANA) if "I couldn't post" in m["text"]]
    assert f"the gap results of workshop #{workshop_id}" in dm["text"]
    local.sim.click(ANA, ids.RESULTS_POST_AGAIN, channel=ANA)
    local.wait_until_idle()
    assert len(results_in_thread(local, board_ts, "No ratings in round")) == 1
