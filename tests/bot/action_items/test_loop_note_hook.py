""" "You said, we did" when an action item is marked done: if a round whose results were already
shown bears it out, the note is posted then; otherwise the next round's results post it. The one
`loop_note` claim means one note whichever path comes first, and a double click posts one."""

import threading

from sqlmodel import func, select

from bot.rounds.posts import post_loop, post_loop_notes
from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.loop import due_loop_notes
from flows.workshops import get_workshop
from storage.models import (
    ActionItem,
    ActionStatus,
    LoopNote,
    Phase,
    RatingRound,
    Touchpoint,
)
from tests.bot.rounds.test_loop_posts import _bens_action_item, _client, _rate

ANA, BEN = PEOPLE[0].user_id, PEOPLE[1].user_id
NOTE = "*You said, we did.*"


def _two_rounds_and_an_open_item(local):
    """Round 1 rated (gap −4.0), an open action item of Ben's on that touchpoint, and round 2
    rated (gap −2.0: narrowed by 2.0) but still open for rating, so not yet shown."""
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.rating, joiners=[BEN])
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        touchpoint = session.exec(
            select(Touchpoint).where(Touchpoint.workshop_id == workshop_id)
        ).first()
        _rate(session, workshop, touchpoint.id, 1, 3)  # 7 expected, 3 experienced: −4.0
        item_id = _bens_action_item(session, workshop, touchpoint.id).id
        session.add(
            RatingRound(team_id=local.team_id, workshop_id=workshop_id, number=2, opened_by=ANA)
        )
        _rate(session, workshop, touchpoint.id, 2, 5)  # −2.0
    return workshop_id, board_ts, item_id


def _notes(local, board_ts):
    return [m for m in local.standin.thread(CHANNEL_ID, board_ts) if NOTE in m.get("text", "")]


def _claims(local):
    with local.db.session() as session:
        return session.exec(select(func.count()).select_from(LoopNote)).one()


def _done_on_home(local, item_id, clicks=1):
    """Ben presses Done on his Home tab, `clicks` times at once (a double click)."""
    local.sim.app_home_opened(BEN)
    value = f"{item_id}|done"
    local.standin.wait_for(lambda: value in str(local.standin.home(BEN)))
    start = threading.Barrier(clicks)

    def click():
        start.wait()
        local.sim.click(BEN, ids.ACTION_ITEM_STATUS_DONE, home=True, value=value)

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    local.wait_until_idle()


def _results(local, board_ts):
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)  # rating ends
    local.wait_until_idle()


def test_marked_done_after_the_results_a_double_click_posts_one_note(local):
    workshop_id, board_ts, item_id = _two_rounds_and_an_open_item(local)
    _results(local, board_ts)  # round 2's results: the item is not done yet, so no note
    local.standin.wait_for(
        lambda: any(
            m.get("text", "").startswith("Gap trends over all 2 rounds")
            for m in local.standin.thread(CHANNEL_ID, board_ts)
        )
    )
    assert _notes(local, board_ts) == []
    _done_on_home(local, item_id, clicks=2)
    notes = local.standin.wait_for(lambda: _notes(local, board_ts))
    local.wait_until_idle()
    assert len(_notes(local, board_ts)) == 1 and _claims(local) == 1
    assert "(−4.0 in round 1)" in notes[0]["text"] and "narrowed by 2.0" in notes[0]["text"]
    assert "<@" not in notes[0]["text"]  # quiet: nobody is mentioned
    # The results posted again (*Post it again*) do not repeat it.
    assert post_loop(_client(local), local.db, local.team_id, workshop_id) == 0
    assert len(_notes(local, board_ts)) == 1


def test_marked_done_before_the_results_the_results_post_the_note(local):
    workshop_id, board_ts, item_id = _two_rounds_and_an_open_item(local)
    _done_on_home(local, item_id)
    # Round 2 is still being rated: its narrowing has not been shown, so nothing is said yet.
    assert _notes(local, board_ts) == [] and _claims(local) == 0
    _results(local, board_ts)
    local.standin.wait_for(lambda: _notes(local, board_ts))
    local.wait_until_idle()
    assert len(_notes(local, board_ts)) == 1 and _claims(local) == 1
    assert post_loop(_client(local), local.db, local.team_id, workshop_id) == 0


def test_two_paths_that_find_the_same_note_due_at_once_post_it_once(local):
    """The results post and a Done click (or two replicas) may both find the note due before
    either claims it: the claim lets one of them post."""
    workshop_id, board_ts, item_id = _two_rounds_and_an_open_item(local)
    with local.db.session() as session:
        session.get(ActionItem, item_id).status = ActionStatus.done
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        due = due_loop_notes(session, workshop)  # through round 2, the current one
    assert [n.action_item_id for n in due] == [item_id]
    client = _client(local)
    assert post_loop_notes(client, local.db, workshop, due) == 1
    assert post_loop_notes(client, local.db, workshop, due) == 0  # found due, but claimed
    assert len(_notes(local, board_ts)) == 1 and _claims(local) == 1
