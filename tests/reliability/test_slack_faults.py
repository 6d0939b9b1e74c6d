"""Slack failing under the bot: 429s, 5xx answers and timeouts injected by the stand-in.

Idempotent calls (chat.update, views.update, views.publish, conversations.info, users.info) are
retried and nothing is lost; a call Slack may already have acted on (chat.postMessage,
views.open) is not sent again, so nothing is posted twice, and the user is told; a 429 is always
retried after Retry-After. (Which calls are safe is bot/slack/retries.py.)
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.fixes import FixDraft, propose_fix
from flows.voting import own_votes
from flows.workshops import get_workshop
from storage.models import DigestDelivery, Phase, Touchpoint

ANA, BEN, CHLOE = (p.user_id for p in PEOPLE[:3])
CLIENT_TIMEOUT_S = 1.5  # the bot's Web API timeout in the timeout tests
SLOW_ANSWER_S = 2.5  # how long the stand-in then takes to answer


def statuses(local, method, **params):
    """HTTP statuses of the calls to `method` (those whose params include `params`)."""
    return [
        call.http_status
        for call in local.standin.calls_to(method)
        if all(call.params.get(k) == v for k, v in params.items())
    ]


def board_text(local, board_ts):
    return str(local.standin.message(CHANNEL_ID, board_ts)["blocks"])


def phase_of(local, workshop_id):
    with local.db.session() as session:
        return Phase(get_workshop(session, local.team_id, workshop_id).phase)


def told(local, user, fragment):
    """Wait until `user` has been told something containing `fragment` privately."""
    return local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=user) if fragment in e["text"]]
    )[-1]["text"]


# idempotent calls: retried -------------------------------------------------------------------


def join_refreshes_the_board(local):
    _, board_ts = local.start_workshop(ANA)
    local.standin.inject_fault("chat.update", status=500)
    local.sim.click(CHLOE, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: "*Participants*\\n2" in board_text(local, board_ts))


def open_vote_modal(local):
    """A workshop in the voting phase with one fix, and Ana's vote modal open."""
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.fixes)
    with local.db.session() as session:
        touchpoint = session.exec(select(Touchpoint.id)).first()
        fix_id = propose_fix(
            session, local.team_id, workshop_id, ANA, FixDraft("Chat", touchpoint)
        ).id
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.wait_until_idle()
    local.sim.click(ANA, ids.VOTE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    return workshop_id, fix_id, local.standin.wait_for(lambda: local.standin.top_view(ANA))


def vote_rerenders_the_view(local):
    workshop_id, fix_id, view = open_vote_modal(local)
    local.standin.inject_fault("views.update", status=503)
    local.sim.click(ANA, ids.VOTE_ADD, view_id=view["id"], value=f"{fix_id}|0|1")
    local.standin.wait_for(
        lambda: "You have *2 of 3* votes left" in str(local.standin.top_view(ANA))
    )
    with local.db.session() as session:
        assert own_votes(session, get_workshop(session, local.team_id, workshop_id), ANA) == {
            fix_id: 1
        }


def home_is_published(local):
    local.start_workshop(ANA)
    local.standin.inject_fault("views.publish", status=502)
    local.sim.app_home_opened(ANA)
    local.standin.wait_for(lambda: local.standin.home(ANA))


def command_checks_the_channel(local):
    local.start_workshop(ANA, title="Returns journey")
    local.standin.inject_fault("conversations.info", status=500)
    local.sim.slash_command(ANA, CHANNEL_ID, "list")
    assert "Returns journey" in str(local.standin.wait_for(lambda: local.standin.ephemerals(ANA)))


def digest_form_reads_the_time_zone(local):
    local.start_workshop(ANA)
    local.standin.inject_fault("users.info", status=500)
    local.sim.slash_command(ANA, CHANNEL_ID, "digest")
    view = local.standin.wait_for(lambda: local.standin.top_view(ANA))
    assert "Europe/Lisbon" in str(view["blocks"])  # Ana's zone, not the UTC fallback


@pytest.mark.parametrize(
    ("method", "status", "scenario"),
    [
        ("chat.update", 500, join_refreshes_the_board),
        ("views.update", 503, vote_rerenders_the_view),
        ("views.publish", 502, home_is_published),
        ("conversations.info", 500, command_checks_the_channel),
        ("users.info", 500, digest_form_reads_the_time_zone),
    ],
)
def test_an_idempotent_call_that_got_a_server_error_is_retried(local, method, status, scenario):
    scenario(local)
    local.wait_until_idle()
    assert statuses(local, method)[-2:] == [status, 200]
    assert "Slack didn't" not in str(local.standin.ephemerals())


# calls Slack may have acted on: not repeated, the user is told -------------------------------


def test_a_post_that_got_a_server_error_is_not_repeated_and_the_facilitator_is_told(local):
    workshop_id, board_ts = local.start_workshop(ANA)
    local.standin.inject_fault("chat.postMessage", status=500)
    response = local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    assert response.status == 200
    assert "`fatal_error`" in told(local, ANA, "Slack didn't take one of my messages")
    local.wait_until_idle()
    # The change itself was saved before the ack, and the board shows it.
    assert phase_of(local, workshop_id) is Phase.stakeholders
    assert "*▶ Stakeholders*" in board_text(local, board_ts)
    # The announcement was tried once: had Slack posted it after all, a retry would post twice.
    assert statuses(local, "chat.postMessage", thread_ts=board_ts) == [500]
    assert local.standin.thread(CHANNEL_ID, board_ts) == []


def test_a_modal_that_got_a_server_error_is_not_opened_twice_and_the_user_is_told(local):
    local.standin.inject_fault("views.open", status=500)
    local.sim.slash_command(ANA, CHANNEL_ID, "new Onboarding")
    assert "`fatal_error`" in told(local, ANA, "Slack didn't take one of my messages")
    assert statuses(local, "views.open") == [500]
    assert local.standin.top_view(ANA) is None


def test_a_digest_post_that_got_a_server_error_is_reported_and_never_reposted(local):
    workshop_id, _ = local.start_workshop(ANA)
    board_posts = len(statuses(local, "chat.postMessage", channel=CHANNEL_ID))
    local.standin.inject_fault("chat.postMessage", status=503)
    local.sim.slash_command(ANA, CHANNEL_ID, "digest now")
    assert "fatal_error" in told(local, ANA, "I couldn't post the digest here")
    local.wait_until_idle()
    assert statuses(local, "chat.postMessage", channel=CHANNEL_ID)[board_posts:] == [503]
    with local.db.session() as session:
        (delivery,) = session.exec(select(DigestDelivery)).all()
    assert (delivery.workshop_id, delivery.status, delivery.error) == (
        workshop_id,
        "failed",
        "fatal_error",
    )


# rate limits: always retried -----------------------------------------------------------------


def test_a_rate_limited_post_is_retried_after_retry_after_and_posted_once(local):
    _, board_ts = local.start_workshop(ANA)
    local.standin.inject_fault("chat.postMessage", status=429, retry_after=1)
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: local.standin.thread(CHANNEL_ID, board_ts), timeout=15)
    local.wait_until_idle()
    assert statuses(local, "chat.postMessage", thread_ts=board_ts) == [429, 200]
    assert len(local.standin.thread(CHANNEL_ID, board_ts)) == 1
    assert local.standin.ephemerals(user=ANA) == []


def test_a_rate_limited_modal_opens_after_retry_after(local):
    local.standin.inject_fault("views.open", status=429, retry_after=1)
    local.sim.slash_command(ANA, CHANNEL_ID, "new Onboarding")
    view = local.standin.wait_for(lambda: local.standin.top_view(ANA), timeout=15)
    assert view["callback_id"] == ids.SETUP_MODAL
    assert statuses(local, "views.open") == [429, 200]


# timeouts ------------------------------------------------------------------------------------


@pytest.fixture
def impatient_local(monkeypatch, request):
    """The bot, with a Web API timeout shorter than the stand-in's injected slow answers."""
    monkeypatch.setattr("bot.app.WEB_API_TIMEOUT_S", CLIENT_TIMEOUT_S)
    return request.getfixturevalue("local")


def test_an_edit_that_timed_out_is_retried(impatient_local):
    local = impatient_local
    _, board_ts = local.start_workshop(ANA)
    local.standin.inject_fault("chat.update", delay=SLOW_ANSWER_S)
    local.sim.click(CHLOE, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: len(statuses(local, "chat.update")) == 2, timeout=15)
    local.wait_until_idle()
    # Slack answered the first edit too late for the bot, so it sent the same edit again.
    assert "*Participants*\\n2" in board_text(local, board_ts)
    assert local.standin.ephemerals(user=CHLOE)[-1]["text"].startswith("You've joined")


def test_a_post_that_timed_out_is_not_repeated_and_the_facilitator_is_told(impatient_local):
    local = impatient_local
    workshop_id, board_ts = local.start_workshop(ANA)
    local.standin.inject_fault("chat.postMessage", delay=SLOW_ANSWER_S)
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    assert "no answer in time" in told(local, ANA, "Slack didn't take one of my messages")
    # Slack did post it, late: once, because the bot did not send it again.
    local.standin.wait_for(lambda: local.standin.thread(CHANNEL_ID, board_ts), timeout=15)
    local.wait_until_idle()
    assert len(local.standin.thread(CHANNEL_ID, board_ts)) == 1
    assert len(statuses(local, "chat.postMessage", thread_ts=board_ts)) == 1
    assert phase_of(local, workshop_id) is Phase.stakeholders


def test_a_vote_whose_redraw_keeps_failing_is_saved_and_the_voter_is_told(local):
    workshop_id, fix_id, view = open_vote_modal(local)
    dms_before = len(local.standin.dms(ANA))
    local.standin.inject_fault("views.update", status=503, times=3)  # the call and its retries
    response = local.sim.click(ANA, ids.VOTE_ADD, view_id=view["id"], value=f"{fix_id}|0|1")
    assert response.status == 200
    local.wait_until_idle()
    assert statuses(local, "views.update")[-3:] == [503, 503, 503]
    (dm,) = local.standin.dms(ANA)[dms_before:]  # a modal has no channel: told in a DM
    assert "Slack didn't take one of my messages" in dm["text"] and "`fatal_error`" in dm["text"]
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        assert own_votes(session, workshop, ANA) == {fix_id: 1}
