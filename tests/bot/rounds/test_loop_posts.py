"""The trends message and "you said, we did" notes in the board's thread, through the stand-in:
posted from the second round on, each note once however often the results are posted."""

from sqlmodel import select

from bot.rounds.posts import post_loop
from demo.local import CHANNEL_ID, PEOPLE
from flows.workshops import get_workshop, join_workshop
from storage.models import (
    ActionItem,
    ActionStatus,
    Fix,
    RatingRound,
    Touchpoint,
    utcnow,
)
from tests.factories import add_gap_rating

ANA, BEN = PEOPLE[0].user_id, PEOPLE[1].user_id


def _rate(session, workshop, touchpoint_id, number, experience):
    for user in (ANA, BEN):
        add_gap_rating(session, workshop, touchpoint_id, user, number, 7, experience)


def _bens_action_item(session, workshop, touchpoint_id, status=ActionStatus.open) -> ActionItem:
    """Ben's fix "Call back within a day" on the touchpoint, made his action item due today."""
    fix = Fix(
        team_id=workshop.team_id,
        workshop_id=workshop.id,
        touchpoint_id=touchpoint_id,
        author_id=BEN,
        title="Call back within a day",
    )
    session.add(fix)
    session.flush()
    item = ActionItem(
        team_id=workshop.team_id,
        workshop_id=workshop.id,
        fix_id=fix.id,
        owner_id=BEN,
        due_date=utcnow().date(),
        status=status,
        created_by=ANA,
    )
    session.add(item)
    session.flush()
    return item


def test_trends_and_a_note_once(local):
    workshop_id, board_ts = local.start_workshop(ANA)
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        join_workshop(session, workshop, BEN)
        touchpoint = session.exec(
            select(Touchpoint).where(Touchpoint.workshop_id == workshop_id)
        ).first()
        _rate(session, workshop, touchpoint.id, 1, 3)  # gap −4.0
        _bens_action_item(session, workshop, touchpoint.id, ActionStatus.done)
    assert post_loop(_client(local), local.db, local.team_id, workshop_id) == 0  # one round
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        session.add(
            RatingRound(team_id=local.team_id, workshop_id=workshop_id, number=2, opened_by=ANA)
        )
        _rate(session, workshop, touchpoint.id, 2, 5)  # gap −2.0: narrowed by 2.0
    client = _client(local)
    assert post_loop(client, local.db, local.team_id, workshop_id) == 1
    assert post_loop(client, local.db, local.team_id, workshop_id) == 0  # the note once
    thread = [m.get("text", "") for m in local.standin.thread(CHANNEL_ID, board_ts)]
    assert (
        sum(t.startswith("Gap trends over all 2 rounds: loop closure 100 %") for t in thread) == 2
    )
    notes = [t for t in thread if "*You said, we did.*" in t]
    assert len(notes) == 1
    assert "(−4.0 in round 1)" in notes[0] and "narrowed by 2.0" in notes[0]
    assert "<@" not in notes[0]
    charts = [f for f in local.standin.files(CHANNEL_ID) if f["name"].startswith("gap-trends-")]
    assert len(charts) == 2


def _client(local):
    from bot.app import create_web_client
    from bot.config import Settings

    return create_web_client(
        Settings(
            slack_bot_token=local.standin.bot_token,
            slack_signing_secret=local.signing_secret,
            slack_api_url=local.standin.api_url,
            database_url=local.db.url,
        )
    )
