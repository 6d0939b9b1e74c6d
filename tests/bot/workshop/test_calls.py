"""The "your turn" message: channel-visible, once per phase change, what to do, how long, one
button, no mentions; and the Join reply's next step."""

from __future__ import annotations

import json

from slack_sdk import WebClient

from bot.slack import ids
from bot.workshop.blocks.calls import build_join_reply, build_your_turn
from bot.workshop.calls import post_your_turn
from demo.local import CHANNEL_ID, PEOPLE
from flows.board import BoardSummary, StageSummary
from flows.phase_calls import PhaseCallFacts
from flows.workshops import PhaseAction, change_phase
from storage.models import Phase
from tests.helpers import rendered, said

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id


def summary(phase: Phase, title="Onboarding journey") -> BoardSummary:
    return BoardSummary(
        7, "T1", "C1", title, phase, ["UF"], 4, [StageSummary("Find", ["Ads", "Search"])], []
    )


def buttons(blocks):
    return [e for b in blocks if b.type == "actions" for e in b.elements]


def test_the_call_says_what_to_do_how_long_and_offers_the_phases_one_button():
    facts = PhaseCallFacts(Phase.rating, minutes=4, touchpoints=19, vote_budget=3)
    text, blocks = build_your_turn(summary(Phase.rating), facts)
    assert text == (
        ":point_right: *Your turn:* workshop #7 “Onboarding journey” is at *Gap rating*. "
        "Rate what customers expect and what they get at each of the 19 touchpoints. "
        "About 4 minutes."
    )
    (button,) = buttons(blocks)
    assert (button.action_id, button.text.text, button.style) == (
        ids.RATE_OPEN,
        "Rate touchpoints",
        "primary",
    )
    assert "<@" not in rendered(blocks) + text and "<!" not in rendered(blocks) + text


def test_every_called_phase_has_its_own_task_and_button():
    expected = {
        Phase.stakeholders: (ids.ADD_STAKEHOLDER, "About 5 minutes."),
        Phase.fixes: (ids.FIX_PROPOSE, "About 5 minutes."),
        Phase.voting: (ids.VOTE_OPEN, "Spend your 3 votes"),
    }
    for phase, (action_id, words) in expected.items():
        text, blocks = build_your_turn(summary(phase), PhaseCallFacts(phase, 5, 19, 3))
        assert [b.action_id for b in buttons(blocks)] == [action_id]
        assert words in text


def test_the_join_reply_says_what_is_next_with_its_button():
    facts = PhaseCallFacts(Phase.fixes, 5, 19, 3)
    text, blocks = build_join_reply(summary(Phase.fixes), facts)
    assert text.startswith("You've joined “Onboarding journey”. Next: Propose fixes")
    assert [b.action_id for b in buttons(blocks)] == [ids.FIX_PROPOSE]
    # While the team gathers there is nothing to press yet: it says what will happen.
    text, blocks = build_join_reply(summary(Phase.setup), PhaseCallFacts(Phase.setup, 1, 19, 3))
    assert "*Your turn* message in this channel" in text and buttons(blocks) == []


def test_a_hostile_title_cannot_ping_the_channel():
    text, _ = build_your_turn(
        summary(Phase.fixes, title="<!channel> & co"), PhaseCallFacts(Phase.fixes, 5, 2, 3)
    )
    assert "&lt;!channel&gt; &amp; co" in text and "<!channel>" not in text


# end to end ----------------------------------------------------------------------------------


def calls(local):
    return [m for m in local.standin.messages(CHANNEL_ID) if m["text"].startswith(":point_right:")]


def test_moving_on_posts_one_call_in_the_channel_not_only_in_the_thread(local):
    workshop_id, board_ts = local.start_workshop(ANA, joiners=(CHLOE,))
    assert calls(local) == []  # setup calls nobody
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    (call,) = calls(local)
    assert "thread_ts" not in call or call.get("thread_ts") in (None, call["ts"])
    assert "is at *Stakeholders*" in call["text"] and "<@" not in json.dumps(call)
    assert ids.ADD_STAKEHOLDER in json.dumps(call["blocks"])

    # The same click again (a retry, or a stale board drawn in setup) changes nothing and
    # calls nobody again.
    stale = f"{workshop_id}|setup"
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts, forge_value=stale)
    local.wait_until_idle()
    assert len(calls(local)) == 1
    # The next step calls the team once more.
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    assert len(calls(local)) == 2 and "is at *Gap rating*" in calls(local)[-1]["text"]
    # Going back is a correction: no new call.
    local.sim.click(ANA, ids.PHASE_BACK, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    assert len(calls(local)) == 2


def test_a_second_replica_or_a_rerun_posts_the_call_once(local):
    workshop_id, _ = local.start_workshop(ANA)
    with local.db.session() as session:
        change = change_phase(session, local.team_id, workshop_id, ANA, PhaseAction.advance)
    client = WebClient(token=local.standin.bot_token, base_url=local.standin.api_url)
    first = post_your_turn(client, local.db, change)
    second = post_your_turn(client, local.db, change)
    assert first is not None and second is None
    assert len(calls(local)) == 1


def test_join_reply_says_what_to_do_next(local):
    _, board_ts = local.start_workshop(ANA)
    local.sim.click(BEN, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)
    reply = said(local, BEN, "You've joined")
    assert "*Your turn* message" in reply["text"]
