"""A board post whose outcome is unknown is reconciled, never repeated blindly.

Slack may post the board and still fail to answer (a timeout, a 5xx). The bot then keeps no ts,
so without care the next Join or Next would post a second board. Every board carries a metadata
marker; before posting a board again, the bot looks in the channel's history around the
unanswered post, adopts the board it finds, and posts only when Slack shows it is not there.
"""

from __future__ import annotations

import pytest

from bot.slack import ids
from bot.workshop.board import BOARD_EVENT_TYPE
from demo.local import CHANNEL_ID, PEOPLE
from flows.workshops import channel_workshops
from storage.models import Phase

ANA, BEN, CHLOE = (p.user_id for p in PEOPLE[:3])
CLIENT_TIMEOUT_S = 1.5  # the bot's Web API timeout in the timeout test
SLOW_ANSWER_S = 2.5  # how long the stand-in then takes to answer (and post)


def boards(local):
    """The workshop boards in the channel (top-level messages carrying the board marker)."""
    return [
        m
        for m in local.standin.messages(CHANNEL_ID)
        if (m.get("metadata") or {}).get("event_type") == BOARD_EVENT_TYPE
    ]


def the_workshop(local):
    with local.db.session() as session:
        (workshop,) = channel_workshops(session, local.team_id, CHANNEL_ID)
    return workshop


def set_up_workshop(local, user=ANA, title="Onboarding journey"):
    """Run /workshop new and submit the form; the board is posted after the ack."""
    local.sim.slash_command(user, CHANNEL_ID, f"new {title}")
    local.standin.wait_for(lambda: local.standin.top_view(user))
    local.sim.submit_view(user, {})
    local.submit_stages(user)  # step 2: the stages as the default journey has them


def dm_text(local, user, fragment):
    return local.standin.wait_for(
        lambda: [m["text"] for m in local.standin.dms(user) if fragment in m["text"]]
    )[-1]


def history_calls(local):
    return local.standin.calls_to("conversations.history")


@pytest.fixture
def impatient_local(monkeypatch, request):
    """The bot, with a Web API timeout shorter than the stand-in's injected slow answers."""
    monkeypatch.setattr("bot.app.WEB_API_TIMEOUT_S", CLIENT_TIMEOUT_S)
    return request.getfixturevalue("local")


def test_every_board_carries_its_marker(local):
    workshop_id, board_ts = local.start_workshop(ANA)
    (board,) = boards(local)
    assert board["ts"] == board_ts
    assert board["metadata"]["event_payload"] == {
        "team_id": local.team_id,
        "workshop_id": workshop_id,
    }


def test_a_board_posted_but_timed_out_at_setup_is_found_at_the_next_join(impatient_local):
    local = impatient_local
    local.standin.inject_fault("chat.postMessage", delay=SLOW_ANSWER_S)
    set_up_workshop(local)
    told = dm_text(local, ANA, "Slack didn't confirm that it posted the board")
    assert "no answer in time" in told and "/workshop board #" in told
    (board,) = local.standin.wait_for(lambda: boards(local), timeout=15)  # Slack posted it, late
    local.wait_until_idle()
    assert the_workshop(local).board_ts is None

    local.sim.click(CHLOE, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board["ts"])
    local.standin.wait_for(
        lambda: "*Participants*\\n2" in str(local.standin.message(CHANNEL_ID, board["ts"]))
    )
    local.wait_until_idle()
    assert [b["ts"] for b in boards(local)] == [board["ts"]]
    assert the_workshop(local).board_ts == board["ts"]
    (search,) = history_calls(local)
    assert search.params["include_all_metadata"] in ("1", "true", True)


def test_a_board_posted_but_answered_500_at_setup_is_found_at_the_next_step(local):
    local.standin.inject_fault("chat.postMessage", status=500, after=True)
    set_up_workshop(local)
    assert "`fatal_error`" in dm_text(local, ANA, "Slack didn't confirm that it posted the board")
    (board,) = boards(local)
    local.wait_until_idle()

    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board["ts"])
    local.standin.wait_for(
        lambda: "*▶ Stakeholders*" in str(local.standin.message(CHANNEL_ID, board["ts"]))
    )
    local.wait_until_idle()
    assert [b["ts"] for b in boards(local)] == [board["ts"]]
    workshop = the_workshop(local)
    assert (workshop.board_ts, workshop.phase) == (board["ts"], Phase.stakeholders)
    assert workshop.board_post_sent_at is None and workshop.board_claimed_at is None
    (announced,) = local.standin.thread(CHANNEL_ID, board["ts"])  # in the found board's thread
    assert announced["text"].startswith(":arrow_forward:")


def test_a_board_slack_never_posted_is_posted_once_after_looking(local):
    local.standin.inject_fault("chat.postMessage", status=500)  # Slack failed before posting
    set_up_workshop(local)
    dm_text(local, ANA, "Slack didn't confirm that it posted the board")
    local.wait_until_idle()
    assert boards(local) == []
    workshop_id = the_workshop(local).id

    local.sim.slash_command(ANA, CHANNEL_ID, f"board #{workshop_id}")
    (board,) = local.standin.wait_for(lambda: boards(local))
    local.wait_until_idle()
    assert len(history_calls(local)) == 1  # looked first, found nothing, then posted
    assert the_workshop(local).board_ts == board["ts"]
    local.sim.slash_command(ANA, CHANNEL_ID, f"board #{workshop_id}")  # now only redrawn
    local.wait_until_idle()
    assert len(boards(local)) == 1 and len(history_calls(local)) == 1


def test_a_board_slack_refused_is_posted_without_looking(local):
    local.standin.inject_fault("chat.postMessage", error="not_in_channel")
    set_up_workshop(local)
    told = dm_text(local, ANA, "could not post its board")
    assert "`not_in_channel`" in told and "Invite me to the channel" in told
    local.wait_until_idle()
    assert the_workshop(local).board_post_sent_at is None

    local.sim.slash_command(ANA, CHANNEL_ID, "board")
    local.standin.wait_for(lambda: boards(local))
    local.wait_until_idle()
    assert len(boards(local)) == 1 and history_calls(local) == []


def test_an_install_without_the_history_scopes_posts_the_board_again(local):
    local.standin.inject_fault("chat.postMessage", status=500)
    set_up_workshop(local)
    dm_text(local, ANA, "Slack didn't confirm that it posted the board")
    local.wait_until_idle()
    local.standin.inject_fault("conversations.history", error="missing_scope")
    local.sim.slash_command(ANA, CHANNEL_ID, "board")
    local.standin.wait_for(lambda: boards(local))
    local.wait_until_idle()
    assert len(boards(local)) == 1 and the_workshop(local).board_ts == boards(local)[0]["ts"]


def test_a_failed_history_search_posts_nothing_and_looks_again_next_time(local):
    local.standin.inject_fault("chat.postMessage", status=500, after=True)
    set_up_workshop(local)
    (board,) = local.standin.wait_for(lambda: boards(local))
    local.wait_until_idle()
    local.standin.inject_fault("conversations.history", error="internal_error")
    local.sim.slash_command(ANA, CHANNEL_ID, "board")
    local.wait_until_idle()
    assert the_workshop(local).board_ts is None and len(boards(local)) == 1
    local.sim.slash_command(ANA, CHANNEL_ID, "board")
    local.wait_until_idle()
    assert the_workshop(local).board_ts == board["ts"] and len(boards(local)) == 1
