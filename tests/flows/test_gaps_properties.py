"""Properties of the gap results, on random data, against a plain-Python reference computation.

The SQL aggregation (GROUP BY sums) must agree with statistics.mean / statistics.stdev over the
raw ratings, on SQLite and on PostgreSQL (run the suite with TEST_DATABASE_URL to cover both).
"""

import math
import random
import statistics
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.gaps.aggregation import touchpoint_gaps
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.gaps.results import gap_results
from flows.journey import StageSpec
from flows.stats import student_t_quantile
from flows.workshops import WorkshopSpec, create_workshop
from storage.models import Phase
from tests.factories import touchpoint_ids

TEAM = "T1"
STAGES = [StageSpec("Find", ("A", "B", "C")), StageSpec("Buy", ("D", "E"))]
STAGE_OF = {name: stage.name for stage in STAGES for name in stage.touchpoints}
USERS = [f"U{i}" for i in range(6)]

DB_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

answer = st.tuples(st.integers(1, 7), st.integers(1, 7), st.none() | st.integers(1, 5))
# {(user, touchpoint): (expectation, experience, importance)}
ratings_strategy = st.dictionaries(
    st.tuples(st.sampled_from(USERS), st.sampled_from(sorted(STAGE_OF))), answer, max_size=30
)


def new_workshop(session):
    workshop = create_workshop(
        session, TEAM, "C1", "UF", WorkshopSpec(title="Props", stages=list(STAGES))
    )
    workshop.phase = Phase.rating
    session.add(workshop)
    session.flush()
    ids = touchpoint_ids(session, workshop)
    return workshop, ids


def save_one(session, workshop, ids, user, name, values):
    expectation, experience, importance = values
    raw = RawAnswer(
        str(expectation), str(experience), None if importance is None else str(importance)
    )
    save_ratings(session, TEAM, workshop.id, user, {ids[name]: raw})


# The reference: textbook formulas over the raw ratings ------------------------------------------


def reference(group: list[tuple[int, int, int | None]]) -> dict:
    if not group:
        return {"n": 0}
    gaps = [xp - exp for exp, xp, _ in group]
    importances = [imp for _, _, imp in group if imp is not None]
    n = len(group)
    sd = statistics.stdev(gaps) if n > 1 else None
    ci = None
    if sd is not None:
        half = student_t_quantile(0.975, n - 1) * sd / math.sqrt(n)
        ci = (statistics.mean(gaps) - half, statistics.mean(gaps) + half)
    return {
        "n": n,
        "mean_expectation": statistics.mean(exp for exp, _, _ in group),
        "mean_experience": statistics.mean(xp for _, xp, _ in group),
        "mean_gap": statistics.mean(gaps),
        "sd_gap": sd,
        "ci": ci,
        "n_importance": len(importances),
        "mean_importance": statistics.mean(importances) if importances else None,
    }


def assert_stats_match(stats, expected: dict):
    assert stats.n == expected["n"]
    if not expected["n"]:
        assert stats.mean_gap is None
        return
    for name in ("mean_expectation", "mean_experience", "mean_gap", "mean_importance", "sd_gap"):
        value, wanted = getattr(stats, name), expected[name]
        assert (value is None) == (wanted is None), name
        if wanted is not None:
            assert value == pytest.approx(wanted, abs=1e-9), name
    assert stats.n_importance == expected["n_importance"]
    if expected["ci"] is None:
        assert stats.ci is None
    else:
        assert stats.ci == pytest.approx(expected["ci"], abs=1e-9)


def assert_results_match(results, ratings: dict):
    by_touchpoint, by_stage = defaultdict(list), defaultdict(list)
    for (_, name), values in ratings.items():
        by_touchpoint[name].append(values)
        by_stage[STAGE_OF[name]].append(values)
    for touchpoint in results.touchpoints:
        assert_stats_match(touchpoint.stats, reference(by_touchpoint.get(touchpoint.name, [])))
    for stage in results.stages:
        assert_stats_match(stage.stats, reference(by_stage.get(stage.name, [])))
    assert_stats_match(results.journey, reference(list(ratings.values())))
    assert results.raters == len({user for user, _ in ratings})
    # Weights: normalised mean importance over touchpoints with any importance answer
    importance = {
        name: statistics.mean(imp for _, _, imp in group if imp is not None)
        for name, group in by_touchpoint.items()
        if any(imp is not None for _, _, imp in group)
    }
    total = sum(importance.values())
    for touchpoint in results.touchpoints:
        if touchpoint.name in importance:
            assert touchpoint.weight == pytest.approx(importance[touchpoint.name] / total)
        else:
            assert touchpoint.weight is None
    if importance:
        expected_weighted = sum(
            importance[name] / total * reference(by_touchpoint[name])["mean_gap"]
            for name in importance
        )
        assert results.weighted_gap == pytest.approx(expected_weighted, abs=1e-9)
    else:
        assert results.weighted_gap is None
    # Ranking: mean gap ascending, ties in journey order
    order = [name for stage in STAGES for name in stage.touchpoints]
    expected_ranking = sorted(
        by_touchpoint,
        key=lambda name: (reference(by_touchpoint[name])["mean_gap"], order.index(name)),
    )
    assert [t.name for t in results.ranked] == expected_ranking


# Properties --------------------------------------------------------------------------------------


@DB_SETTINGS
@given(ratings=ratings_strategy)
def test_sql_aggregation_agrees_with_the_python_reference(db, ratings):
    with db.session() as session:
        workshop, ids = new_workshop(session)
        for (user, name), values in ratings.items():
            save_one(session, workshop, ids, user, name, values)
        assert_results_match(gap_results(session, workshop), ratings)


def test_sql_aggregation_agrees_on_a_large_random_workshop(db):
    rng = random.Random(20261122)
    names = [f"T{i:02d}" for i in range(40)]
    stages = [StageSpec(f"S{s}", tuple(names[s * 10 : s * 10 + 10])) for s in range(4)]
    with db.session() as session:
        workshop = create_workshop(session, TEAM, "C1", "UF", WorkshopSpec("Big", stages))
        workshop.phase = Phase.rating
        ids = touchpoint_ids(session, workshop)
        raw_by_touchpoint = defaultdict(list)
        for rater in range(25):
            page = {}
            for name in rng.sample(names, rng.randint(5, 40)):
                exp, xp = rng.randint(1, 7), rng.randint(1, 7)
                imp = rng.choice([None, 1, 2, 3, 4, 5])
                page[ids[name]] = RawAnswer(str(exp), str(xp), None if imp is None else str(imp))
                raw_by_touchpoint[name].append((exp, xp, imp))
            save_ratings(session, TEAM, workshop.id, f"R{rater}", page)
        results = gap_results(session, workshop)
    for touchpoint in results.touchpoints:
        assert_stats_match(touchpoint.stats, reference(raw_by_touchpoint[touchpoint.name]))
    everything = [values for group in raw_by_touchpoint.values() for values in group]
    assert_stats_match(results.journey, reference(everything))


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(1, 7), st.integers(1, 7)), min_size=1, max_size=40))
def test_mean_gap_is_mean_experience_minus_mean_expectation(pairs):
    from flows.gaps.statistics import GapStats, RatingSums

    gaps = [xp - exp for exp, xp in pairs]
    stats = GapStats.from_sums(
        RatingSums(
            n=len(pairs),
            expectation=sum(exp for exp, _ in pairs),
            experience=sum(xp for _, xp in pairs),
            gap=sum(gaps),
            gap_squares=sum(g * g for g in gaps),
        )
    )
    assert stats.mean_gap == pytest.approx(stats.mean_experience - stats.mean_expectation)


@DB_SETTINGS
@given(ratings=ratings_strategy.filter(bool))
def test_mean_gap_is_mean_experience_minus_mean_expectation_in_sql(db, ratings):
    with db.session() as session:
        workshop, ids = new_workshop(session)
        for (user, name), values in ratings.items():
            save_one(session, workshop, ids, user, name, values)
        results = gap_results(session, workshop)
    for stats in (
        [t.stats for t in results.ranked] + [s.stats for s in results.stages] + [results.journey]
    ):
        if stats.n:
            assert stats.mean_gap == pytest.approx(stats.mean_experience - stats.mean_expectation)


def comparable(results) -> list:
    """Everything the results say, without the ids that differ between workshops."""
    return [
        (t.name, t.stats.n, t.stats.mean_gap, t.stats.sd_gap, t.stats.ci, t.weight, t.quadrant)
        for t in results.ranked
    ] + [(s.name, s.stats.n, s.stats.mean_gap, s.stats.ci, s.weighted_gap) for s in results.stages]


@DB_SETTINGS
@given(ratings=ratings_strategy, data=st.data())
def test_results_do_not_depend_on_the_order_of_ratings(db, ratings, data):
    shuffled = data.draw(st.permutations(list(ratings.items())))
    with db.session() as session:
        first, first_ids = new_workshop(session)
        second, second_ids = new_workshop(session)
        for (user, name), values in ratings.items():
            save_one(session, first, first_ids, user, name, values)
        for (user, name), values in shuffled:
            save_one(session, second, second_ids, user, name, values)
        assert comparable(gap_results(session, first)) == comparable(gap_results(session, second))


@DB_SETTINGS
@given(
    submissions=st.lists(
        st.tuples(st.sampled_from(USERS[:3]), st.sampled_from(["A", "B", "D"]), answer),
        min_size=1,
        max_size=25,
    )
)
def test_a_changed_answer_replaces_the_earlier_one(db, submissions):
    latest = {}
    with db.session() as session:
        workshop, ids = new_workshop(session)
        for user, name, values in submissions:
            save_one(session, workshop, ids, user, name, values)
            # What should count: the last scores; an answer without importance (a score page of
            # the form) keeps the importance given before.
            kept = latest.get((user, name), (None, None, None))[2]
            latest[(user, name)] = (*values[:2], kept if values[2] is None else values[2])
        results = gap_results(session, workshop)
        gaps = touchpoint_gaps(session, workshop)
    assert_results_match(results, latest)
    assert results.journey.n == len(latest)
    expected = defaultdict(list)
    for (_, name), (exp, xp, _) in latest.items():
        expected[ids[name]].append(xp - exp)
    assert gaps == pytest.approx({tp: statistics.mean(g) for tp, g in expected.items()})
