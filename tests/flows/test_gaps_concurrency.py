"""Concurrent requests (double clicks, retries, two replicas) never count anything twice: the
database settles it (unique keys, upserts, compare-and-set), on SQLite and PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from flows.errors import Conflict
from flows.gaps.aggregation import current_round
from flows.gaps.nudges import plan_nudges
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.gaps.rounds import open_rating_round
from flows.journey import StageSpec
from flows.workshops import WorkshopSpec, create_workshop, join_workshop
from storage.models import GapRating, Phase, RatingRound, Touchpoint, Workshop

TEAM = "T1"
THREADS = 8


def setup_workshop(db):
    with db.session() as session:
        spec = WorkshopSpec("Concurrent", [StageSpec("S", ("A", "B"))])
        workshop = create_workshop(session, TEAM, "C1", "UF", spec)
        workshop.phase = Phase.rating
        for user in ("U1", "U2", "U3"):
            join_workshop(session, workshop, user)
        ids = session.exec(select(Touchpoint.id).where(Touchpoint.workshop_id == workshop.id)).all()
        return workshop.id, list(ids)


def rated_workshop(db) -> int:
    """The workshop of `setup_workshop` with one rating in round 1, so a round 2 may open."""
    workshop_id, (a, _) = setup_workshop(db)
    with db.session() as session:
        save_ratings(session, TEAM, workshop_id, "U1", {a: RawAnswer("5", "3")})
    return workshop_id


def run_together(task, count=THREADS):
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(task, index) for index in range(count)]
        outcomes = []
        for future in futures:
            try:
                outcomes.append(future.result())
            except Conflict as error:
                outcomes.append(error)
        return outcomes


def test_the_same_answers_submitted_at_once_are_stored_once(db):
    workshop_id, (a, b) = setup_workshop(db)

    def submit(index):
        with db.session() as session:
            answers = {a: RawAnswer("6", str(1 + index % 7)), b: RawAnswer("4", "4")}
            save_ratings(session, TEAM, workshop_id, "U1", answers)

    run_together(submit)
    with db.session() as session:
        rows = session.exec(select(GapRating)).all()
    assert sorted(r.touchpoint_id for r in rows) == [a, b]  # one row per touchpoint, never more


def test_two_facilitators_opening_a_round_at_once_open_one(db):
    workshop_id = rated_workshop(db)

    def open_round(_):
        with db.session() as session:
            return open_rating_round(session, TEAM, workshop_id, "UF", expected_round=1).number

    outcomes = run_together(open_round)
    assert [o for o in outcomes if not isinstance(o, Conflict)] == [2]
    refusals = {str(o) for o in outcomes if isinstance(o, Conflict)}
    assert refusals == {"Round 2 is already open; I did not open another."}
    with db.session() as session:
        assert len(session.exec(select(RatingRound)).all()) == 1
        workshop = session.get(Workshop, workshop_id)
        assert current_round(session, workshop) == 2


def test_round_new_commands_at_once_open_one_round(db):
    """Each command reads the round it sees, then opens the round after that one."""
    workshop_id = rated_workshop(db)

    def command(_):
        with db.session() as session:
            seen = current_round(session, session.get(Workshop, workshop_id))
        with db.session() as session:
            return open_rating_round(session, TEAM, workshop_id, "UF", expected_round=seen).number

    outcomes = run_together(command)
    assert [o for o in outcomes if not isinstance(o, Conflict)] == [2]
    for refusal in (o for o in outcomes if isinstance(o, Conflict)):
        # it saw round 1 and lost the race, or saw round 2 already open
        assert str(refusal).startswith("Round 2 is already open"), refusal
    with db.session() as session:
        assert session.exec(select(RatingRound.number)).all() == [2]


def test_nudges_claimed_at_once_reach_each_person_once(db):
    workshop_id, _ = setup_workshop(db)

    def nudge(_):
        with db.session() as session:
            return plan_nudges(session, TEAM, workshop_id, "UF").to_nudge

    claimed = [user for outcome in run_together(nudge) for user in outcome]
    assert sorted(claimed) == ["U1", "U2", "U3"]


def test_a_persona_round_asked_for_at_once_opens_one_round_for_it(db):
    """Eight `/workshop round persona Parent` at once, after round 1 was rated: one round 2,
    one persona row; the others are told it is already open or already the parent's."""
    from flows.personas import add_persona, rate_round_for_persona
    from storage.models import RoundPersona

    workshop_id, (a, _) = setup_workshop(db)
    with db.session() as session:
        add_persona(session, TEAM, workshop_id, "UF", "Parent")
        save_ratings(session, TEAM, workshop_id, "U1", {a: RawAnswer("5", "3")})

    def ask(_):
        with db.session() as session:
            given = rate_round_for_persona(session, TEAM, workshop_id, "UF", "Parent", 1)
            return (given.number, given.changed)

    outcomes = run_together(ask)
    assert [o for o in outcomes if not isinstance(o, Conflict)].count((2, True)) == 1
    assert {o for o in outcomes if not isinstance(o, Conflict)} <= {(2, True), (2, False)}
    with db.session() as session:
        assert [
            (r.round, r.persona_id is not None) for r in session.exec(select(RoundPersona))
        ] == [(2, True)]
        assert len(session.exec(select(RatingRound)).all()) == 1
