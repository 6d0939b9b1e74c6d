"""Gap figures, each checked against a worked example computed by hand (see the comments)."""

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from flows.errors import Conflict, InvalidInput, NotAllowed, NotFound
from flows.gaps.aggregation import current_round, journey_touchpoints, touchpoint_gaps
from flows.gaps.form import details_sheet, page_breaks, rating_sheet
from flows.gaps.nudges import plan_nudges
from flows.gaps.progress import rating_figures, rating_progress
from flows.gaps.ratings import (
    Answer,
    RawAnswer,
    RawDetails,
    save_details,
    save_ratings,
    validate_answers,
)
from flows.gaps.results import gap_results
from flows.gaps.rounds import open_rating_round
from flows.gaps.statistics import (
    CONTESTED_SD,
    FEW_RATINGS_BELOW,
    Flag,
    GapStats,
    Quadrant,
    RatingSums,
    display,
    flags_for,
    importance_weights,
    pooled,
    quadrant_for,
)
from flows.journey import DEFAULT_JOURNEY, StageSpec
from flows.workshops import (
    WorkshopSpec,
    create_workshop,
    get_workshop,
    join_workshop,
    participant_role,
)
from storage.models import GapRating, Phase, PhaseChange, utcnow
from tests.factories import touchpoint_ids

TEAM = "T1"
OTHER_TEAM = "T2"
FACILITATOR = "UF"
JOURNEY = [StageSpec("Find", ("A", "B")), StageSpec("Buy", ("C", "D"))]


def make_workshop(session, team=TEAM, stages=JOURNEY, phase=Phase.rating):
    spec = WorkshopSpec(title="Onboarding", stages=list(stages))
    workshop = create_workshop(session, team, "C1", FACILITATOR, spec)
    workshop.phase = phase
    session.add(workshop)
    session.flush()
    return workshop


def raw(expectation=None, experience=None, importance=None, comment=None) -> RawAnswer:
    text = lambda v: None if v is None else str(v)  # noqa: E731
    return RawAnswer(text(expectation), text(experience), text(importance), comment)


def rate(session, workshop, user, answers: dict[str, tuple], team=TEAM):
    ids = touchpoint_ids(session, workshop)
    return save_ratings(
        session, team, workshop.id, user, {ids[name]: raw(*a) for name, a in answers.items()}
    )


def rate_worked_example(session, workshop):
    """Touchpoint A: (6,3,5) (7,4,4) (5,4,–); B: all (4,4,2); C: one rating (5,2);
    D: (2,7,3) (6,3,–). Gaps: A −3 −3 −1; B 0 0 0; C −3; D +5 −3."""
    rate(
        session,
        workshop,
        "U1",
        {"A": (6, 3, 5, "Slow"), "B": (4, 4, 2), "C": (5, 2), "D": (2, 7, 3)},
    )
    rate(session, workshop, "U2", {"A": (7, 4, 4, "Confusing"), "B": (4, 4, 2), "D": (6, 3)})
    rate(session, workshop, "U3", {"A": (5, 4), "B": (4, 4, 2)})


def by_name(results):
    return {t.name: t for t in results.touchpoints}


# Hand-computed worked example ----------------------------------------------------------------


def test_touchpoint_figures_by_hand(session):
    workshop = make_workshop(session)
    rate_worked_example(session, workshop)
    results = gap_results(session, workshop)
    tp = by_name(results)

    a = tp["A"].stats  # gaps −3, −3, −1
    assert a.n == 3
    assert a.mean_expectation == pytest.approx(6.0)  # (6 + 7 + 5) / 3
    assert a.mean_experience == pytest.approx(11 / 3)  # (3 + 4 + 4) / 3
    assert a.mean_gap == pytest.approx(-7 / 3)
    assert a.sd_gap == pytest.approx(1.1547005)  # √((3·19 − 49) / 6) = √(4/3)
    # −7/3 ± 4.302653 · 1.1547005 / √3
    assert a.ci == pytest.approx((-5.201768, 0.535102), abs=1e-6)
    assert (a.n_importance, a.mean_importance) == (2, pytest.approx(4.5))  # 5 and 4; one blank
    assert tp["A"].quadrant is Quadrant.concentrate_here  # importance 4.5 ≥ 3, gap −2.3 < 0
    assert tp["A"].flags == ()

    b = tp["B"].stats  # all equal: no spread at all
    assert (b.n, b.mean_gap, b.sd_gap, b.ci) == (3, 0.0, 0.0, (0.0, 0.0))
    assert tp["B"].quadrant is Quadrant.possible_overkill  # importance 2 < 3, gap 0 ≥ 0

    c = tp["C"].stats  # a single rating: no standard deviation, no interval
    assert (c.n, c.mean_gap, c.sd_gap, c.ci) == (1, -3.0, None, None)
    assert c.ci_note == "n = 1: no interval"
    assert tp["C"].flags == (Flag.few_ratings,)
    assert tp["C"].quadrant is None and tp["C"].weight is None and tp["C"].weighted_gap is None

    d = tp["D"].stats  # n = 2, gaps +5 and −3: mean 1, sd √32
    assert (d.n, d.mean_gap) == (2, 1.0)
    assert d.sd_gap == pytest.approx(5.6568542)
    assert d.ci == pytest.approx((1 - 50.824819, 1 + 50.824819), abs=1e-5)  # 12.706205 · √32/√2
    assert tp["D"].flags == (Flag.few_ratings, Flag.contested)
    assert tp["D"].quadrant is Quadrant.keep_up  # importance 3 ≥ 3 (high), gap +1 ≥ 0


def test_importance_weights_by_hand(session):
    workshop = make_workshop(session)
    rate_worked_example(session, workshop)
    results = gap_results(session, workshop)
    tp = by_name(results)
    # Mean importance A 4.5, B 2, D 3; C has none and is left out. Total 9.5.
    assert tp["A"].weight == pytest.approx(4.5 / 9.5)
    assert tp["B"].weight == pytest.approx(2 / 9.5)
    assert tp["D"].weight == pytest.approx(3 / 9.5)
    assert sum(t.weight for t in results.touchpoints if t.weight) == pytest.approx(1.0)
    assert tp["A"].weighted_gap == pytest.approx(4.5 / 9.5 * -7 / 3)  # −1.105263
    assert tp["B"].weighted_gap == 0.0
    # (4.5 · −7/3 + 2 · 0 + 3 · 1) / 9.5 = −7.5 / 9.5 = −15/19
    assert results.weighted_gap == pytest.approx(-15 / 19)


def test_stage_figures_are_pooled_over_every_rating_of_the_stage(session):
    workshop = make_workshop(session)
    rate_worked_example(session, workshop)
    find, buy = gap_results(session, workshop).stages
    # Find: gaps −3 −3 −1 0 0 0: n 6, Σ −7, Σ² 19 → mean −7/6, var (6·19 − 49)/30 = 65/30
    assert (find.name, find.stats.n) == ("Find", 6)
    assert find.stats.mean_gap == pytest.approx(-7 / 6)
    assert find.stats.sd_gap == pytest.approx((65 / 30) ** 0.5)  # 1.472 < 1.5: not contested
    assert find.stats.mean_expectation == pytest.approx(5.0)  # 30 / 6
    assert find.stats.mean_experience == pytest.approx(23 / 6)
    assert find.stats.ci == pytest.approx((-2.711393, 0.378060), abs=1e-5)  # t(0.975, 5) 2.570582
    assert (find.stats.n_importance, find.stats.mean_importance) == (5, pytest.approx(3.0))
    assert find.quadrant is Quadrant.concentrate_here  # importance 3 is high; gap −7/6 < 0
    assert find.flags == ()
    assert find.weight == pytest.approx(6.5 / 9.5)
    # importance-weighted within the stage: (4.5 · −7/3 + 2 · 0) / (4.5 + 2) = −10.5/6.5
    assert find.weighted_gap == pytest.approx(-10.5 / 6.5)
    # Buy: gaps −3 +5 −3: n 3, Σ −1, Σ² 43 → var (129 − 1)/6 = 21.33: contested
    assert buy.stats.mean_gap == pytest.approx(-1 / 3)
    assert buy.stats.sd_gap == pytest.approx((128 / 6) ** 0.5)
    assert buy.flags == (Flag.contested,)
    # Importance 3 (high) and gap −1/3: short of expectations, so "Concentrate here", although
    # the experience alone, (2 + 7 + 3)/3 = 4, sits at its scale's midpoint (the experience-only
    # quadrant said "Keep up the good work" for a shortfall).
    assert buy.quadrant is Quadrant.concentrate_here
    assert (buy.weight, buy.weighted_gap) == (pytest.approx(3 / 9.5), pytest.approx(1.0))  # D only
    assert buy.touchpoint_ids == tuple(touchpoint_ids(session, workshop)[n] for n in "CD")


def test_journey_pooled_and_ranked_by_widest_shortfall(session):
    workshop = make_workshop(session)
    rate_worked_example(session, workshop)
    results = gap_results(session, workshop)
    # All nine gaps: Σ −8, Σ² 62 → mean −8/9, var (9·62 − 64)/72 = 494/72
    assert results.journey.n == 9
    assert results.journey.mean_gap == pytest.approx(-8 / 9)
    assert results.journey.sd_gap == pytest.approx((494 / 72) ** 0.5)
    assert [t.name for t in results.ranked] == ["C", "A", "B", "D"]  # −3, −2.33, 0, +1
    assert [t.name for t in results.shortfalls] == ["C", "A"]
    assert (results.raters, results.participants) == (3, 4)  # the facilitator has not rated
    assert results.round == 1 and results.previous_round is None
    assert by_name(results)["A"].change is None


def test_pooled_sums_add_every_count_and_sum():
    # A: gaps −3 −3 −1 (n 3, Σe 18, Σx 11, Σg −7, Σg² 19, 2 importances Σ 9) + C: one −3
    a, c = RatingSums(3, 18, 11, -7, 19, 2, 9), RatingSums(1, 5, 2, -3, 9, 0, 0)
    assert pooled([a, c]) == RatingSums(4, 23, 13, -10, 28, 2, 9)
    assert pooled([]) == RatingSums()


def test_gap_results_aggregate_the_ratings_in_one_scan(session):
    """Stages and the journey add up the touchpoints' sums, and both rounds come from one
    GROUP BY (round, touchpoint): one scan of the ratings, not one per level and round (see
    benchmarks/summary_size.py). Raters are counted over the participants, not by a scan for
    distinct raters."""
    workshop = make_workshop(session)
    rate_worked_example(session, workshop)
    open_rating_round(session, TEAM, workshop.id, FACILITATOR, expected_round=1)
    rate(session, workshop, "U1", {"A": (6, 5)})
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement.lower())

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        results = gap_results(session, workshop)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    sums = [s for s in statements if "from gap_rating" in s and "sum(" in s]
    assert len(sums) == 1  # this round's and the previous round's, per touchpoint
    assert not [s for s in statements if "distinct" in s]
    assert results.journey.n == 1 and results.journey_previous.n == 9
    assert (results.participants, results.raters, results.previous_raters) == (4, 1, 3)
    assert [stage.stats.n for stage in results.stages] == [1, 0]


def test_ties_are_broken_by_journey_order(session):
    stages = [StageSpec("One", ("P", "Q")), StageSpec("Two", ("R", "S"))]
    workshop = make_workshop(session, stages=stages)
    # R and Q both −2 (exactly), S and P both −1: earlier stage first, then earlier touchpoint
    rate(session, workshop, "U1", {"S": (5, 4), "R": (6, 4), "Q": (4, 2), "P": (3, 2)})
    assert [t.name for t in gap_results(session, workshop).ranked] == ["Q", "R", "P", "S"]


def test_comments_of_the_worst_shortfalls_newest_first(session):
    workshop = make_workshop(session)
    rate_worked_example(session, workshop)
    results = gap_results(session, workshop)
    a_id = touchpoint_ids(session, workshop)["A"]
    assert set(results.comments) == {a_id}  # C (worst) has no comments; A has two
    assert sorted(results.comments[a_id]) == ["Confusing", "Slow"]


def test_unrated_touchpoints_are_listed_without_figures(session):
    workshop = make_workshop(session)
    rate(session, workshop, "U1", {"A": (5, 3)})
    results = gap_results(session, workshop)
    b = by_name(results)["B"]
    assert (b.stats.n, b.stats.mean_gap, b.stats.ci_note, b.flags) == (0, None, "not rated", ())
    assert [t.name for t in results.ranked] == ["A"]
    assert results.weighted_gap is None  # nobody gave an importance


def test_no_ratings_at_all(session):
    workshop = make_workshop(session)
    results = gap_results(session, workshop)
    assert not results.has_ratings and results.ranked == () and results.journey.mean_gap is None
    assert touchpoint_gaps(session, workshop) == {}


def test_display_rounding_by_hand(session):
    workshop = make_workshop(session)
    # gaps −1, 0, 0, 0 → mean −0.25, shown −0.3 (half away from zero, as by hand)
    for user, answer in zip(
        ["U1", "U2", "U3", "U4"], [(5, 4), (4, 4), (3, 3), (6, 6)], strict=True
    ):
        rate(session, workshop, user, {"A": answer})
    a = by_name(gap_results(session, workshop))["A"].stats
    assert a.mean_gap == -0.25
    assert display(a.mean_gap) == -0.3
    assert display(a.sd_gap, 2) == 0.5  # variance (4·1 − 1)/12 = 0.25
    assert display(-7 / 3) == -2.3 and display(-7 / 6) == -1.2 and display(None) is None


# Small helpers on their own -------------------------------------------------------------------


def test_flags_at_their_thresholds():
    assert FEW_RATINGS_BELOW == 3 and CONTESTED_SD == 1.5
    stats = lambda n, sd: GapStats(n, 4, 4, 0, sd, None, 0, None, None)  # noqa: E731
    assert flags_for(stats(2, 0.0)) == (Flag.few_ratings,)
    assert flags_for(stats(3, 1.49)) == ()
    assert flags_for(stats(3, 1.5)) == (Flag.contested,)  # ≥ 1.5 is contested
    assert flags_for(stats(1, None)) == (Flag.few_ratings,)
    assert flags_for(stats(0, None)) == ()


def test_quadrants_are_importance_against_the_gap_inclusive():
    # (mean importance, mean gap): important at ≥ 3; meeting expectations at a gap ≥ 0.
    assert quadrant_for(3.0, 0.0) is Quadrant.keep_up  # both exactly at the split: high
    assert quadrant_for(3.0, -0.01) is Quadrant.concentrate_here
    assert quadrant_for(2.99, 0.0) is Quadrant.possible_overkill
    assert quadrant_for(2.99, -0.01) is Quadrant.low_priority
    assert quadrant_for(None, -2.0) is None


def test_a_quadrant_never_contradicts_the_gap(session):
    """The issue's round 2: Pricing page −1.5 and Onboarding −1.3, both rated important, with a
    good experience (5.5 of 7, above the experience scale's midpoint 4), which the
    experience-only quadrant called "Keep up the good work". Against the gap they are shortfalls
    and the quadrant says so; with every rating equal, no touchpoint asks for work."""
    pricing = quadrant_for(4.0, 5.5 - 7.0)  # expects 7.0, gets 5.5: gap −1.5
    onboarding = quadrant_for(4.5, 5.0 - 6.3)  # expects 6.3, gets 5.0: gap −1.3
    assert pricing is onboarding is Quadrant.concentrate_here
    uniform = quadrant_for(4.0, 4.0 - 4.0)  # everyone answered 4, 4 and importance 4
    assert uniform is Quadrant.keep_up
    for importance in (1.0, 2.5, 3.0, 5.0):
        for gap in (-6.0, -0.5, -0.01):
            assert quadrant_for(importance, gap) in (
                Quadrant.concentrate_here,
                Quadrant.low_priority,
            )
        for gap in (0.0, 0.5, 6.0):
            assert quadrant_for(importance, gap) in (Quadrant.keep_up, Quadrant.possible_overkill)


def test_importance_weights_sum_to_one_and_skip_unanswered():
    assert importance_weights({1: 4.0, 2: None, 3: 1.0}) == {1: 0.8, 3: 0.2}
    assert importance_weights({1: None}) == {}


def test_stats_from_empty_sums():
    empty = GapStats.from_sums(RatingSums())
    assert (empty.n, empty.mean_gap, empty.sd_gap, empty.ci, empty.mean_importance) == (
        0,
        None,
        None,
        None,
        None,
    )


# Validation ------------------------------------------------------------------------------------


def test_valid_answers_and_blank_touchpoints():
    answers = validate_answers(
        {1: raw(5, 3, None, "  slow  "), 2: raw(), 3: RawAnswer(" 7 ", "1", "5", "")}
    )
    assert answers == {1: Answer(5, 3, None, "slow"), 2: None, 3: Answer(7, 1, 5, None)}
    assert answers[1].gap == -2


def test_invalid_answers_are_reported_per_field():
    with pytest.raises(InvalidInput) as raised:
        validate_answers(
            {
                1: raw(8, 3),  # out of range
                2: raw(None, 4),  # experience without expectation
                3: raw(4, None),  # expectation without experience
                4: raw(4, 4, 6),  # importance out of range
                5: RawAnswer("four", "4"),  # not a number
                6: raw(None, None, 3),  # importance alone
                7: raw(2.5, 3),  # not whole
                8: raw(0, 3),
                9: raw(4, 4, None, "x" * 301),
            }
        )
    assert raised.value.errors == {
        "expectation:1": "Expectation must be from 1 to 7.",
        "expectation:2": "Choose the expectation too, or skip both.",
        "experience:3": "Choose the experience too, or skip both.",
        "importance:4": "Importance must be from 1 to 5.",
        "expectation:5": "Expectation must be a whole number from 1 to 7.",
        "expectation:6": "Rate expectation and experience to save an importance or a comment.",
        "expectation:7": "Expectation must be a whole number from 1 to 7.",
        "expectation:8": "Expectation must be from 1 to 7.",
        "comment:9": "Keep the comment to 300 characters.",
    }


def test_an_invalid_submission_saves_nothing(session):
    workshop = make_workshop(session)
    with pytest.raises(InvalidInput):
        rate(session, workshop, "U1", {"A": (5, 3), "B": (None, 4)})
    assert session.exec(select(GapRating)).all() == []


# Saving, replacing, withdrawing ------------------------------------------------------------------


def test_a_changed_answer_replaces_the_earlier_one(session):
    workshop = make_workshop(session)
    first = rate(session, workshop, "U1", {"A": (6, 2, 5, "bad"), "B": (3, 3)})
    assert (first.round, first.saved, first.cleared, first.joined) == (1, 2, 0, True)
    assert (first.rated_before, first.rated_after, first.progress_changed) == (0, 2, True)
    second = rate(session, workshop, "U1", {"A": (6, 5, None, None), "B": (3, 3)})
    assert second.joined is False
    assert (second.rated_before, second.rated_after, second.progress_changed) == (2, 2, False)
    rows = session.exec(select(GapRating).where(GapRating.user_id == "U1")).all()
    assert len(rows) == 2
    a = next(r for r in rows if r.touchpoint_id == touchpoint_ids(session, workshop)["A"])
    # New scores without details (a score page of the form) keep the details given before.
    assert (a.expectation, a.experience, a.importance, a.comment) == (6, 5, 5, "bad")
    assert touchpoint_gaps(session, workshop)[a.touchpoint_id] == -1.0


def test_details_set_and_clear_importance_and_comment_of_rated_touchpoints(session):
    workshop = make_workshop(session)
    tp = touchpoint_ids(session, workshop)
    rate(session, workshop, "U1", {"A": (6, 2, 5, "bad"), "B": (3, 3)})
    saved = save_details(
        session,
        TEAM,
        workshop.id,
        "U1",
        {tp["A"]: RawDetails(None, "  "), tp["B"]: RawDetails("2", " fine ")},
    )
    assert (saved.round, saved.saved) == (1, 2)
    rows = {
        r.touchpoint_id: (r.expectation, r.experience, r.importance, r.comment)
        for r in session.exec(select(GapRating).where(GapRating.user_id == "U1"))
    }
    assert rows == {tp["A"]: (6, 2, None, None), tp["B"]: (3, 3, 2, "fine")}


def test_details_are_refused_inline_for_bad_values_and_unrated_touchpoints(session):
    workshop = make_workshop(session)
    tp = touchpoint_ids(session, workshop)
    rate(session, workshop, "U1", {"A": (6, 2)})
    with pytest.raises(InvalidInput) as raised:
        save_details(
            session,
            TEAM,
            workshop.id,
            "U1",
            {
                tp["A"]: RawDetails("6", "x" * 301),
                tp["B"]: RawDetails("3"),  # U1 has not rated B
            },
        )
    assert raised.value.errors == {
        f"importance:{tp['A']}": "Importance must be from 1 to 5.",
        f"comment:{tp['A']}": "Keep the comment to 300 characters.",
        f"importance:{tp['B']}": "Rate this touchpoint first (its rating was withdrawn).",
    }
    row = session.exec(select(GapRating).where(GapRating.user_id == "U1")).one()
    assert (row.importance, row.comment) == (None, None)  # nothing saved
    with pytest.raises(NotFound):  # another workspace's workshop
        save_details(session, OTHER_TEAM, workshop.id, "U1", {tp["A"]: RawDetails("3")})


def test_leaving_a_rated_touchpoint_blank_withdraws_the_rating(session):
    workshop = make_workshop(session)
    rate(session, workshop, "U1", {"A": (6, 2), "B": (3, 3)})
    saved = rate(session, workshop, "U1", {"A": (None, None), "B": (3, 4)})
    assert (saved.saved, saved.cleared, saved.rated_after, saved.progress_changed) == (
        1,
        1,
        1,
        True,
    )
    ids = touchpoint_ids(session, workshop)
    assert touchpoint_gaps(session, workshop) == {ids["B"]: 1.0}


def test_rating_joins_the_rater(session):
    workshop = make_workshop(session)
    rate(session, workshop, "UNEW", {"A": (5, 5)})
    assert rating_progress(session, workshop).participants == 2


def test_rating_outside_the_rating_phase_is_refused(session):
    workshop = make_workshop(session, phase=Phase.fixes)
    with pytest.raises(Conflict, match="Rating is closed"):
        rate(session, workshop, "U1", {"A": (5, 5)})


def test_another_workspace_cannot_rate_or_reach_touchpoints(session):
    workshop = make_workshop(session)
    ids = touchpoint_ids(session, workshop)
    with pytest.raises(NotFound):
        save_ratings(session, OTHER_TEAM, workshop.id, "U1", {ids["A"]: raw(5, 5)})
    other = make_workshop(session, team=OTHER_TEAM)
    foreign = touchpoint_ids(session, other)["A"]
    with pytest.raises(NotFound):  # a forged touchpoint id from another workshop
        save_ratings(session, TEAM, workshop.id, "U1", {foreign: raw(5, 5)})
    assert session.exec(select(GapRating)).all() == []


def raw_rating(workshop, touchpoint_id, user_id, expectation, experience):
    """A rating row as it would be inserted, past the flow's checks."""
    return GapRating(
        team_id=TEAM,
        workshop_id=workshop.id,
        touchpoint_id=touchpoint_id,
        round=1,
        user_id=user_id,
        expectation=expectation,
        experience=experience,
    )


def test_the_database_refuses_impossible_values(session):
    workshop = make_workshop(session)
    tp = touchpoint_ids(session, workshop)["A"]
    session.add(raw_rating(workshop, tp, "U1", expectation=9, experience=3))
    with pytest.raises(IntegrityError, match=r"(?i)check"):
        session.flush()
    session.rollback()


def test_the_database_refuses_a_rating_by_someone_who_has_not_joined(session):
    """Raters are counted over the participants, so every rater must be one."""
    workshop = make_workshop(session)
    tp = touchpoint_ids(session, workshop)["A"]
    rate(session, workshop, "U1", {"A": (5, 5)})  # rating joins the rater
    assert participant_role(session, TEAM, workshop.id, "U1") is not None
    session.add(raw_rating(workshop, tp, "U9", expectation=5, experience=3))
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        session.flush()
    session.rollback()


# Rounds ------------------------------------------------------------------------------------------


def test_a_second_round_compares_with_the_first(session):
    workshop = make_workshop(session)
    rate_worked_example(session, workshop)
    opened = open_rating_round(session, TEAM, workshop.id, FACILITATOR, expected_round=1)
    assert (opened.number, opened.moved_from) == (2, None)
    assert current_round(session, workshop) == 2
    assert touchpoint_gaps(session, workshop) == {}  # the new round starts empty
    rate(session, workshop, "U1", {"A": (6, 5)})
    rate(session, workshop, "U2", {"A": (6, 6), "C": (5, 1)})
    results = gap_results(session, workshop)
    tp = by_name(results)
    assert (results.round, results.previous_round, results.raters, results.previous_raters) == (
        2,
        1,
        2,
        3,
    )
    # A: −7/3 in round 1, gaps −1 and 0 → −0.5 now: narrowed by 11/6
    assert tp["A"].stats.mean_gap == -0.5
    assert tp["A"].previous.mean_gap == pytest.approx(-7 / 3)
    assert tp["A"].change == pytest.approx(11 / 6)
    assert tp["C"].change == pytest.approx(-1.0)  # −3 → −4: widened
    assert tp["B"].stats.n == 0 and tp["B"].change is None  # not rated again yet
    find = results.stages[0]
    assert find.change == pytest.approx(-0.5 - (-7 / 6))
    assert results.journey_previous.mean_gap == pytest.approx(-8 / 9)
    assert results.previous_weighted_gap == pytest.approx(-15 / 19)
    # The earlier round's results stay available
    assert gap_results(session, workshop, round_number=1).journey.n == 9


def test_only_a_facilitator_opens_a_round_and_only_once_per_click(session):
    workshop = make_workshop(session)
    rate(session, workshop, "U1", {"A": (5, 3)})
    with pytest.raises(NotAllowed):
        open_rating_round(session, TEAM, workshop.id, "U1")
    open_rating_round(session, TEAM, workshop.id, FACILITATOR, expected_round=1)
    with pytest.raises(Conflict, match="Round 2 is already open"):  # the double click
        open_rating_round(session, TEAM, workshop.id, FACILITATOR, expected_round=1)
    # `/workshop round new` typed again: it saw round 2, which nobody has rated yet
    with pytest.raises(
        Conflict,
        match=r"^Round 2 is already open and nobody has rated it yet; I did not open another\.$",
    ):
        open_rating_round(session, TEAM, workshop.id, FACILITATOR, expected_round=2)
    assert current_round(session, workshop) == 2


def test_a_round_needs_ratings_and_a_workshop_past_setup(session):
    workshop = make_workshop(session)
    with pytest.raises(Conflict, match="Nobody has rated round 1"):
        open_rating_round(session, TEAM, workshop.id, FACILITATOR)
    early = make_workshop(session, phase=Phase.stakeholders)
    with pytest.raises(Conflict, match="has not started"):
        open_rating_round(session, TEAM, early.id, FACILITATOR)
    closed = make_workshop(session, phase=Phase.closed)
    with pytest.raises(Conflict, match="closed"):
        open_rating_round(session, TEAM, closed.id, FACILITATOR)
    with pytest.raises(NotFound):
        open_rating_round(session, OTHER_TEAM, workshop.id, FACILITATOR)


def test_opening_a_round_after_fixes_takes_the_workshop_back_to_rating(session):
    workshop = make_workshop(session)
    rate(session, workshop, "U1", {"A": (5, 3)})
    workshop.phase = Phase.voting
    session.add(workshop)
    session.flush()
    opened = open_rating_round(session, TEAM, workshop.id, FACILITATOR)
    assert (opened.number, opened.moved_from, opened.workshop.phase) == (2, Phase.voting, "rating")
    change = session.exec(select(PhaseChange).where(PhaseChange.workshop_id == workshop.id)).one()
    assert (change.from_phase, change.to_phase, change.action) == ("voting", "rating", "new_round")


# Progress, board figures, nudges -----------------------------------------------------------------


def test_progress_and_board_figures(session):
    workshop = make_workshop(session)
    for user in ("U1", "U2", "U3"):
        join_workshop(session, workshop, user)
    rate(session, workshop, "U1", {"A": (5, 3), "B": (4, 4), "C": (3, 3)})
    progress = rating_progress(session, workshop)
    # 4 participants × 4 touchpoints = 16 possible; 3 given → 18.75 % → 19 %
    assert (progress.raters, progress.participants, progress.ratings_given) == (1, 4, 3)
    assert (progress.possible, progress.completeness) == (16, 19)
    figures = {f.label: f.value for f in rating_figures(session, workshop)}
    assert figures == {
        "Rating round": "1",
        "Rated": "1 of 4 participants",
        "Scores in": "3 of 16 (19 %: 4 people × 4 touchpoints)",
    }
    workshop.phase = Phase.fixes
    assert rating_figures(session, workshop) == []


def test_board_figures_name_the_round_being_compared(session):
    workshop = make_workshop(session)
    rate(session, workshop, "U1", {"A": (5, 3)})
    open_rating_round(session, TEAM, workshop.id, FACILITATOR)
    figures = {f.label: f.value for f in rating_figures(session, workshop)}
    assert figures["Rating round"] == "2 · compared with round 1"
    assert figures["Scores in"] == "0 of 8 (0 %: 2 people × 4 touchpoints)"


def test_nudges_go_to_participants_who_have_not_rated_once_per_cooldown(session):
    workshop = make_workshop(session)
    for user in ("U1", "U2", "U3"):
        join_workshop(session, workshop, user)
    rate(session, workshop, "U1", {"A": (5, 3)})
    plan = plan_nudges(session, TEAM, workshop.id, FACILITATOR)
    assert (plan.round, plan.to_nudge, plan.recently_nudged) == (1, ("U2", "U3"), ())
    again = plan_nudges(session, TEAM, workshop.id, FACILITATOR)  # a double click
    assert (again.to_nudge, again.recently_nudged) == ((), ("U2", "U3"))
    later = plan_nudges(session, TEAM, workshop.id, FACILITATOR, now=utcnow() + timedelta(hours=1))
    assert later.to_nudge == ("U2", "U3")


def test_only_facilitators_nudge_and_only_while_rating(session):
    workshop = make_workshop(session)
    join_workshop(session, workshop, "U1")
    with pytest.raises(NotAllowed):
        plan_nudges(session, TEAM, workshop.id, "U1")
    with pytest.raises(NotFound):
        plan_nudges(session, OTHER_TEAM, workshop.id, FACILITATOR)
    workshop.phase = Phase.fixes
    session.add(workshop)
    with pytest.raises(Conflict):
        plan_nudges(session, TEAM, workshop.id, FACILITATOR)


# The rating form ---------------------------------------------------------------------------------


def test_rating_sheet_prefills_and_shows_progress(session):
    workshop = make_workshop(session)  # Find: A, B; Buy: C, D (4 touchpoints: one page)
    rate(session, workshop, "U1", {"A": (6, 3, 5, "Slow"), "B": (4, 4)})
    sheet = rating_sheet(session, TEAM, workshop.id, "U1")
    assert [(p.stage_names, p.rated, p.complete) for p in sheet.pages] == [
        (("Find", "Buy"), 2, False)
    ]
    assert sheet.page.title == "Find · Buy"
    assert (sheet.rated_count, sheet.touchpoint_count, sheet.unrated) == (2, 4, ("C", "D"))
    assert sheet.next_page is None and sheet.first_unrated_page == 0
    assert [(i.name, i.stage_name, i.answer) for i in sheet.items] == [
        ("A", "Find", Answer(6, 3, 5, "Slow")),
        ("B", "Find", Answer(4, 4, None, None)),
        ("C", "Buy", None),
        ("D", "Buy", None),
    ]
    assert rating_sheet(session, TEAM, workshop.id, "U2").rated_count == 0  # someone else: fresh


def test_the_default_journey_takes_five_pages_that_follow_its_stages(session):
    # Stages of 4, 4, 3, 3 and 5 touchpoints, 19 in all: at least ⌈19 / 4⌉ = 5 pages. Breaking
    # only between stages (after 4, 8, 11, 14) would leave 5 for the last page, so one break
    # falls inside a stage: Purchase's page takes Onboarding along.
    workshop = make_workshop(session, stages=DEFAULT_JOURNEY)
    names = {tp.id: tp.name for tp in journey_touchpoints(session, workshop)}
    rate(session, workshop, "U1", {"Search results": (5, 5), "Checkout": (6, 2)})
    sheet = rating_sheet(session, TEAM, workshop.id, "U1")
    assert [(p.title, [names[t] for t in p.touchpoint_ids], p.rated) for p in sheet.pages] == [
        ("Awareness", ["Search results", "Social media", "Word of mouth", "Advertising"], 1),
        ("Consideration", ["Website", "Reviews", "Pricing page", "Sales conversation"], 0),
        ("Decision", ["Free trial", "Demo", "Proposal and quote"], 0),
        (
            "Purchase · Post-purchase / Loyalty",
            ["Checkout", "Contract and billing", "Confirmation email", "Onboarding"],
            1,
        ),
        (
            "Post-purchase / Loyalty",
            ["Support", "Product updates", "Renewal", "Loyalty programme"],
            0,
        ),
    ]
    assert sheet.page.index == 0 and sheet.next_page.title == "Consideration"
    assert rating_sheet(session, TEAM, workshop.id, "U1", 4).next_page is None


@pytest.mark.parametrize(
    ("stages", "breaks"),
    [
        ([], []),
        ([1], [0]),
        ([1, 1, 1, 1], [0]),
        ([1, 1, 1, 1, 1], [0, 4]),  # one stage of 5: 4 + 1 (as few pages as possible)
        ([1, 1, 2, 2, 2], [0, 2]),  # 2 + 3 keeps both stages whole (4 + 1 would split one)
        ([1, 1, 1, 2, 2, 2], [0, 3]),
        ([1, 2, 3, 4, 5, 6], [0, 4]),  # six stages of one: pages of 4 and 2
        ([1] * 15 + [2], [0, 4, 8, 12]),  # 15 + 1: four pages, however they are cut
        ([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5], [0, 4, 8, 11, 15]),
    ],
)
def test_page_breaks_use_fewest_pages_then_fewest_breaks_inside_a_stage(stages, breaks):
    assert page_breaks(stages, size=4) == breaks


def test_details_sheet_pages_what_was_rated(session):
    workshop = make_workshop(session)
    with pytest.raises(Conflict):  # nothing rated: no details to give
        details_sheet(session, TEAM, workshop.id, "U1")
    rate(session, workshop, "U1", {"A": (6, 3, 5, "Slow"), "B": (4, 4), "D": (2, 2)})
    first = details_sheet(session, TEAM, workshop.id, "U1", 0, page_size=2)
    assert (first.index, first.count, first.is_last) == (0, 2, False)
    assert [(i.name, i.answer) for i in first.items] == [
        ("A", Answer(6, 3, 5, "Slow")),
        ("B", Answer(4, 4, None, None)),
    ]
    last = details_sheet(session, TEAM, workshop.id, "U1", 9, page_size=2)  # past the end
    assert (last.index, last.is_last, [i.name for i in last.items]) == (1, True, ["D"])


def test_rating_sheet_refusals(session):
    workshop = make_workshop(session, phase=Phase.stakeholders)
    with pytest.raises(Conflict):
        rating_sheet(session, TEAM, workshop.id, "U1")
    rating = make_workshop(session)
    with pytest.raises(NotFound):
        rating_sheet(session, TEAM, rating.id, "U1", page_index=7)
    with pytest.raises(NotFound):
        rating_sheet(session, OTHER_TEAM, rating.id, "U1")
    assert get_workshop(session, TEAM, rating.id).phase == Phase.rating
