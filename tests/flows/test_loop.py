"""Closing the loop, with a worked example: trends over three rounds, the loop-closure figure and
the "you said, we did" notes (each once)."""

from flows.exports import export_tables
from flows.journey import StageSpec
from flows.loop import (
    claim_loop_note,
    due_loop_notes,
    loop_closure,
    narrowed,
    touchpoint_trends,
)
from flows.reports import register_reports
from flows.workshops import join_workshop
from storage.models import ActionStatus, RatingRound
from tests.factories import (
    OTHER_TEAM,
    TEAM,
    add_action_item,
    add_gap_rating,
    make_workshop,
    touchpoint_ids,
    utc,
)

JOURNEY = [StageSpec("Service", ("T1", "T2", "T3", "T4", "T5", "T6"))]
# (expectation, experience) of raters UA and UB, per round and touchpoint. Mean gap = the mean of
# experience − expectation:
ROUNDS = {
    1: {
        "T1": ((7, 3), (6, 2)),  # −4, −4 → −4.0
        "T2": ((7, 4), (6, 4)),  # −3, −2 → −2.5
        "T3": ((6, 5), (6, 4)),  # −1, −2 → −1.5
        "T4": ((6, 5), (6, 5)),  # −1, −1 → −1.0
        "T5": ((6, 5), (6, 6)),  # −1,  0 → −0.5
        "T6": ((5, 5), (5, 6)),  #  0, +1 → +0.5 (no shortfall)
    },
    2: {
        "T1": ((7, 5), (6, 4)),  # −2, −2 → −2.0
        "T2": ((7, 4), (6, 4)),  # −2.5 again
    },
    3: {
        "T1": ((7, 6), (6, 5)),  # −1, −1 → −1.0
        "T2": ((7, 5), (6, 4)),  # −2, −2 → −2.0
        "T3": ((6, 5), (6, 4)),  # −1.5 again
        "T5": ((6, 6), (6, 6)),  #  0,  0 →  0.0
    },
}
ROUND_OPENED = {2: utc(2027, 1, 4), 3: utc(2027, 4, 5)}


def _setup(session, team=TEAM):
    workshop = make_workshop(session, team=team, stages=JOURNEY)
    for user in ("UA", "UB"):
        join_workshop(session, workshop, user)
    ids = touchpoint_ids(session, workshop)
    for number, touchpoints in ROUNDS.items():
        if number > 1:
            session.add(
                RatingRound(
                    team_id=team,
                    workshop_id=workshop.id,
                    number=number,
                    opened_by="UF",
                    opened_at=ROUND_OPENED[number],
                )
            )
        for name, answers in touchpoints.items():
            for user, (expectation, experience) in zip(("UA", "UB"), answers, strict=True):
                add_gap_rating(session, workshop, ids[name], user, number, expectation, experience)
    session.flush()
    return workshop, ids


def _item(session, workshop, touchpoint_id, status, created_at, title):
    return add_action_item(
        session,
        workshop,
        touchpoint_id,
        title=title,
        author="UA",
        owner="UB",
        created_by="UF",
        due_date=created_at.date(),
        status=status,
        created_at=created_at,
    )


def _items(session, workshop, ids):
    return {
        # Created while round 2 was current (after 4 January 2027).
        "T1": _item(session, workshop, ids["T1"], ActionStatus.done, utc(2027, 2, 1), "Fix T1"),
        "T2": _item(
            session, workshop, ids["T2"], ActionStatus.in_progress, utc(2027, 2, 1), "Fix T2"
        ),
        "T3": _item(session, workshop, ids["T3"], ActionStatus.done, utc(2027, 2, 1), "Fix T3"),
        # Created while round 1 was current.
        "T5": _item(session, workshop, ids["T5"], ActionStatus.done, utc(2026, 12, 20), "Fix T5"),
    }


def test_narrowed_means_up_by_a_tenth_as_displayed():
    assert narrowed(-2.5, -2.0) and narrowed(-0.5, 0.0)
    assert not narrowed(-1.5, -1.5) and not narrowed(-1.0, -1.04) and not narrowed(-1.0, -1.2)
    assert narrowed(-1.0, -0.95)  # +0.05 shows as +0.1 (halves away from zero)


def test_trends_over_all_rounds(session):
    workshop, _ = _setup(session)
    trends = {t.name: t for t in touchpoint_trends(session, workshop)}
    assert trends["T1"].gaps == (-4.0, -2.0, -1.0)
    assert trends["T1"].change == 3.0  # −1.0 − (−4.0)
    assert trends["T2"].change == 0.5  # −2.0 − (−2.5)
    assert trends["T4"].gaps == (-1.0, None, None) and trends["T4"].change is None
    assert trends["T5"].first == (1, -0.5) and trends["T5"].latest == (3, 0.0)
    assert [t.name for t in touchpoint_trends(session, workshop)] == [
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
    ]


def test_loop_closure_figure(session):
    workshop, ids = _setup(session)
    _items(session, workshop, ids)
    figure = loop_closure(session, workshop)
    # Top gaps: the five shortfalls of round 1, widest first (T6 met expectations).
    assert [g.trend.name for g in figure.top] == ["T1", "T2", "T3", "T4", "T5"]
    closed = {g.trend.name: g.closed for g in figure.top}
    # T1 done, −4.0 → −1.0 (+3.0): closed. T2 narrowed (+0.5) but its item is in progress.
    # T3 done but unchanged (−1.5 → −1.5). T4 never rated again. T5 done, −0.5 → 0.0: closed.
    assert closed == {"T1": True, "T2": False, "T3": False, "T4": False, "T5": True}
    assert (figure.closed, figure.share) == (2, 40)  # 2 of 5 = 40 %


def test_no_figure_without_a_shortfall(session):
    workshop = make_workshop(session, stages=JOURNEY)
    assert loop_closure(session, workshop) is None


def test_you_said_we_did_notes_are_due_once(session):
    workshop, ids = _setup(session)
    items = _items(session, workshop, ids)
    due = due_loop_notes(session, workshop)
    # T1's item came in round 2 (−2.0) and round 3 shows −1.0: narrowed by 1.0.
    # T5's came in round 1 (−0.5); round 3 shows 0.0. T3's touchpoint was not rated in round 2.
    assert [
        (n.touchpoint, n.before_round, n.before_gap, n.after_round, n.after_gap) for n in due
    ] == [
        ("T1", 2, -2.0, 3, -1.0),
        ("T5", 1, -0.5, 3, 0.0),
    ]
    assert due[0].action_item_id == items["T1"].id
    assert claim_loop_note(session, workshop, due[0]) is True
    assert claim_loop_note(session, workshop, due[0]) is False  # once
    assert [n.touchpoint for n in due_loop_notes(session, workshop)] == ["T5"]


def test_other_workspaces_items_never_count(session):
    workshop, _ = _setup(session)
    foreign, foreign_ids = _setup(session, team=OTHER_TEAM)
    _items(session, foreign, foreign_ids)
    assert due_loop_notes(session, workshop) == []
    assert loop_closure(session, workshop).closed == 0


def test_trends_export_table(session):
    register_reports()  # the features' export tables, this one among them
    workshop, _ = _setup(session)
    table = next(t for t in export_tables(session, workshop) if t.name == "touchpoint_trends")
    assert table.columns == (
        "stage",
        "touchpoint",
        "gap_round_1",
        "gap_round_2",
        "gap_round_3",
        "change_since_first",
    )
    assert table.rows[0] == ("Service", "T1", -4.0, -2.0, -1.0, 3.0)
    assert table.rows[3] == ("Service", "T4", -1.0, None, None, None)


def test_notes_through_a_chosen_round(session):
    """The action-item path compares with the latest round whose results were shown."""
    workshop, ids = _setup(session)
    _items(session, workshop, ids)
    early = _item(session, workshop, ids["T1"], ActionStatus.done, utc(2026, 12, 20), "Early T1")
    # Through round 2: the early T1 item (round 1: −4.0) is borne out by round 2 (−2.0), +2.0.
    # T1's later item came in round 2 itself; T5 was not rated in round 2.
    due = due_loop_notes(session, workshop, through_round=2)
    assert [(n.action_item_id, n.before_gap, n.after_round, n.after_gap) for n in due] == [
        (early.id, -4.0, 2, -2.0)
    ]
    assert due_loop_notes(session, workshop, through_round=1) == []
    assert due_loop_notes(session, workshop, through_round=0) == []
