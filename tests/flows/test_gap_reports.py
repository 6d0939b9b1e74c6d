"""Gap rating in digests, exports and Home, from the worked fixture in tests/report_fixtures."""

import csv
import io

import pytest

from flows.digest import DigestSection, plain_text
from flows.exports import ExportFormat, build_export, export_files
from flows.gap_reports import (
    TOUCHPOINT_GAP_COLUMNS,
    gaps_headline,
    ratings_left,
    touchpoint_gaps_table,
    widest_gaps,
    widest_gaps_section,
)
from flows.gaps.results import gap_results
from flows.gaps.rounds import open_rating_round
from flows.journey import StageSpec
from flows.workshops import join_workshop
from storage.models import Phase
from tests.report_fixtures import (
    JOURNEY,
    ROUND_1,
    ROUND_2,
    make_workshop,
    rate_round,
    rate_two_rounds,
    set_phase,
)

pytestmark = pytest.mark.usefixtures("reports")


def figures(section: DigestSection) -> dict[str, str]:
    return {f.label: plain_text(f.value) for f in section.figures}


def items(section: DigestSection) -> list[str]:
    lines = []
    for item in section.items:
        details = "; ".join(f"{f.label}: {plain_text(f.value)}" for f in item.fields)
        lines.append(f"{plain_text(item.text)} ({details})")
    return lines


def test_round_1_lists_shortfalls_by_the_gap_it_shows(session):
    workshop = make_workshop(session)
    rate_round(session, workshop, ROUND_1)
    results = gap_results(session, workshop)
    # Mean gaps (experience − expectation): A (3−6, 4−6) = −2.5, B (0, −1) = −0.5,
    # C (2−5, 2−6) = −3.5, D (+2, +1) = +1.5. Listed by the gap shown, widest first: C, A, B
    # (weighted, A would lead: 4/8 × −2.5 = −1.25 against C's 1/8 × −3.5; the list shows the
    # mean gap, so it is sorted by it).
    assert [t.name for t in widest_gaps(results)] == ["C", "A", "B"]

    section = widest_gaps_section(session, workshop, since=None)
    assert plain_text(section.note) == (
        "Round 1 is the first rating: a later round will show whether these gaps close."
    )
    assert figures(section) == {
        "Round": "1",
        "Journey mean gap": "−1.3",  # (−3−2+0−1−3−4+2+1)/8 = −1.25, half away from zero
        "Importance-weighted gap": "−1.6",  # −1.625
        "Short of expectations": "3 of 4 rated touchpoints",
        "Rated by": "2 of 3 participants",  # UF, U1, U2
    }
    assert items(section) == [
        # C: expect (5+6)/2 = 5.5, get (2+2)/2 = 2.0
        "C: customers expect 5.5, get 2.0 (gap −3.5) · Buy (importance: 1.0 of 5; flags: few "
        "ratings)",
        "A: customers expect 6.0, get 3.5 (gap −2.5) · Find (importance: 4.0 of 5; flags: few "
        "ratings)",
        "B: customers expect 4.5, get 4.0 (gap −0.5) · Find (importance: 2.0 of 5; flags: few "
        "ratings)",
    ]
    assert section.total == 3
    assert section.chart.key == "journey_gaps" and section.chart.data.round == 1
    # The top message: the three widest in words, and the first digest's headline clause.
    assert (
        section.summary.title == "Widest shortfalls, round 1 (3 of 4 rated touchpoints fall short)"
    )
    assert [plain_text(line) for line in section.summary.lines] == [
        "C: customers expect 5.5, get 2.0 (gap −3.5)",
        "A: customers expect 6.0, get 3.5 (gap −2.5)",
        "B: customers expect 4.5, get 4.0 (gap −0.5)",
    ]
    assert section.summary.headline == "3 of 4 rated touchpoints fall short in round 1"
    assert section.memo == {"round": 1, "journey_gap": -1.25}


def test_round_2_says_the_gaps_are_closing_like_for_like(session):
    workshop = make_workshop(session)
    rate_two_rounds(session, workshop)
    section = widest_gaps_section(session, workshop, since=None)
    # Every touchpoint is rated in both rounds. Round 1 pooled: −10/8 = −1.25; round 2:
    # (−1+0+1+0−2−4+1+1)/8 = −0.5. A −2.5 → −0.5 narrowed, B −0.5 → +0.5 narrowed and closed,
    # C −3.5 → −3.0 narrowed, D +1.5 → +1.0 widened.
    assert plain_text(section.note) == (
        "Gaps are closing: the mean gap narrowed from −1.3 to −0.5 since round 1. Compared over "
        "the 4 touchpoints rated in both rounds 1 and 2. Of those, 3 narrowed (1 closed: short "
        "of expectations then, meeting them now) and 1 widened."
    )
    assert figures(section)["Round"] == "2, compared with round 1"
    assert figures(section)["Importance-weighted gap"] == "−0.4"
    assert figures(section)["Short of expectations"] == "2 of 4 rated touchpoints"
    assert items(section) == [
        "C: customers expect 5.5, get 2.5 (gap −3.0), narrowed since round 1 · Buy "
        "(importance: 1.0 of 5; flags: few ratings)",
        "A: customers expect 6.0, get 5.5 (gap −0.5), narrowed since round 1 · Find "
        "(importance: 4.0 of 5; flags: few ratings)",
    ]
    assert section.summary.headline == (
        "gaps narrowed from −1.3 to −0.5 since round 1 (over the 4 touchpoints rated in both)"
    )
    # B closed its gap, so it is no longer among the shortfalls; the chart has every touchpoint.
    assert section.chart.data.round == 2 and len(section.chart.data.touchpoints) == 4


def test_widening_gaps_are_called_widening(session):
    workshop = make_workshop(session)
    rate_round(session, workshop, ROUND_2)
    open_rating_round(session, workshop.team_id, workshop.id, workshop.facilitator_id)
    rate_round(session, workshop, ROUND_1)
    section = widest_gaps_section(session, workshop, since=None)
    assert plain_text(section.note) == (
        "Gaps are widening: the mean gap widened from −0.5 to −1.3 since round 1. Compared over "
        "the 4 touchpoints rated in both rounds 1 and 2. Of those, 1 narrowed (0 closed: short "
        "of expectations then, meeting them now) and 3 widened."
    )
    assert "B: customers expect 4.5, get 4.0 (gap −0.5), widened since round 1" in (
        " ".join(items(section))
    )


def test_a_touchpoint_not_rated_again_is_left_out_of_the_comparison_and_named(session):
    workshop = make_workshop(session)
    rate_round(session, workshop, ROUND_1)
    open_rating_round(session, workshop.team_id, workshop.id, workshop.facilitator_id)
    # Round 2 skips C, the widest shortfall of round 1 (−3.5).
    rate_round(
        session, workshop, {u: {k: v for k, v in a.items() if k != "C"} for u, a in ROUND_2.items()}
    )
    section = widest_gaps_section(session, workshop, since=None)
    # Like for like over A, B, D: round 1 (−3−2+0−1+2+1)/6 = −0.5; round 2 (−1+0+1+0+1+1)/6
    # = +2/6 = +0.33 → "+0.3". Had C counted in round 1 only, the journey gap would have moved
    # from −1.25 to +0.33, a change made by who rated what.
    assert plain_text(section.note) == (
        "Gaps are closing: the mean gap narrowed from −0.5 to +0.3 since round 1. Compared over "
        "the 3 touchpoints rated in both rounds 1 and 2; not rated again in round 2: C. Of "
        "those, 2 narrowed (1 closed: short of expectations then, meeting them now) and 1 "
        "widened."
    )


def test_the_headline_says_what_moved_since_the_previous_digest(session):
    workshop = make_workshop(session)
    rate_round(session, workshop, ROUND_1)
    results = gap_results(session, workshop)
    # The previous digest saw round 1 at −2.0; now −1.25 shows as −1.3: narrowed.
    assert gaps_headline(results, None, {"round": 1, "journey_gap": -2.0}) == (
        "the journey gap narrowed from −2.0 to −1.3 as ratings came in"
    )
    # Compared as shown: −1.24 shows −1.2 and −1.25 shows −1.3, so it widened, by 0.01.
    assert gaps_headline(results, None, {"round": 1, "journey_gap": -1.24}) == (
        "the journey gap widened from −1.2 to −1.3 as ratings came in"
    )
    # Unchanged as shown (−1.26 and −1.25 both show −1.3): nothing to say.
    assert gaps_headline(results, None, {"round": 1, "journey_gap": -1.26}) == ""


def test_a_round_nobody_has_rated_yet_shows_the_one_before(session):
    workshop = make_workshop(session)
    rate_round(session, workshop, ROUND_1)
    open_rating_round(session, workshop.team_id, workshop.id, workshop.facilitator_id)
    section = widest_gaps_section(session, workshop, since=None)
    assert figures(section)["Round"] == "1"
    assert plain_text(section.note).endswith("Round 2 is open; nobody has rated it yet.")


def test_without_ratings_the_section_is_left_out(session):
    workshop = make_workshop(session)
    assert widest_gaps_section(session, workshop, since=None) is None
    assert touchpoint_gaps_table(session, workshop) is None


def test_without_importance_answers_the_plain_journey_gap_is_compared(session):
    workshop = make_workshop(session)
    no_importance = {u: {k: (e, x, "") for k, (e, x, _) in a.items()} for u, a in ROUND_1.items()}
    rate_round(session, workshop, no_importance)
    open_rating_round(session, workshop.team_id, workshop.id, workshop.facilitator_id)
    rate_round(
        session,
        workshop,
        {u: {k: (e, x, "") for k, (e, x, _) in a.items()} for u, a in ROUND_2.items()},
    )
    section = widest_gaps_section(session, workshop, since=None)
    # Mean gap over the 4 touchpoints rated in both: round 1 −10/8 = −1.25, round 2 −4/8 = −0.5
    assert plain_text(section.note).startswith(
        "Gaps are closing: the mean gap narrowed from −1.3 to −0.5 since round 1."
    )
    assert figures(section)["Importance-weighted gap"] == "no importance answers yet"
    assert [plain_text(i.text) for i in section.items] == [
        "C: customers expect 5.5, get 2.5 (gap −3.0), narrowed since round 1 · Buy",
        "A: customers expect 6.0, get 5.5 (gap −0.5), narrowed since round 1 · Find",
    ]


# The export --------------------------------------------------------------------------------------


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_every_round_and_touchpoint_is_exported_and_reads_back_equal(session):
    journey = [*JOURNEY[:1], StageSpec("Buy", ("C", "D", "E"))]  # E: nobody rates it
    workshop = make_workshop(session, stages=journey)
    rate_two_rounds(session, workshop)
    export = build_export(session, workshop.team_id, workshop.id)
    files = dict(export_files(export, [ExportFormat.csv]))
    rows = read_csv(files[f"workshop-{workshop.id}-touchpoint_gaps.csv"])
    assert tuple(rows[0]) == TOUCHPOINT_GAP_COLUMNS
    assert [(r["round"], r["touchpoint"]) for r in rows] == [
        (str(n), name) for n in (1, 2) for name in "ABCDE"
    ]

    def number(text):
        return None if text == "" else float(text)

    for round_number in (1, 2):
        results = gap_results(session, workshop, round_number)
        for touchpoint, row in zip(
            results.touchpoints, rows[5 * (round_number - 1) :], strict=False
        ):
            stats = touchpoint.stats
            assert int(row["touchpoint_id"]) == touchpoint.touchpoint_id
            assert row["stage"] == touchpoint.stage_name
            assert int(row["n"]) == stats.n
            assert number(row["mean_gap"]) == stats.mean_gap
            assert number(row["sd_gap"]) == stats.sd_gap
            assert (number(row["ci_low"]), number(row["ci_high"])) == (stats.ci or (None, None))
            assert number(row["mean_importance"]) == stats.mean_importance
            assert number(row["weighted_gap"]) == touchpoint.weighted_gap
            assert number(row["change_since_previous_round"]) == touchpoint.change
    by_key = {(r["round"], r["touchpoint"]): r for r in rows}
    # Hand-checked: round 1, A: gaps −3 and −2 → mean −2.5, sd √0.5, weight 4/8.
    a1 = by_key[("1", "A")]
    assert (a1["mean_expectation"], a1["mean_experience"], a1["mean_gap"]) == ("6.0", "3.5", "-2.5")
    assert float(a1["sd_gap"]) == pytest.approx(0.5**0.5)
    assert (a1["weight"], a1["weighted_gap"], a1["quadrant"]) == (
        "0.5",
        "-1.25",
        "Concentrate here",
    )
    assert a1["flags"] == "few ratings" and a1["change_since_previous_round"] == ""
    assert by_key[("2", "B")]["change_since_previous_round"] == "1.0"
    # E was never rated: n = 0 and empty figures, not zeros.
    e2 = by_key[("2", "E")]
    assert (e2["n"], e2["mean_gap"], e2["weighted_gap"], e2["quadrant"]) == ("0", "", "", "")


def test_another_workspace_exports_none_of_it(session):
    workshop = make_workshop(session)
    rate_round(session, workshop, ROUND_1)
    other = make_workshop(session, team="T2")
    assert touchpoint_gaps_table(session, other) is None


# The Home tab ------------------------------------------------------------------------------------


def test_ratings_left_counts_the_current_round_for_this_user(session):
    workshop = make_workshop(session, title="Onboarding")
    rate_round(session, workshop, {"U1": {"A": (6, 3, 4), "B": (4, 4, 2)}})
    join_workshop(session, workshop, "U3")
    [u1] = ratings_left(session, workshop.team_id, "U1")
    assert (u1.workshop_id, u1.title, u1.round, u1.touchpoints, u1.rated, u1.left) == (
        workshop.id,
        "Onboarding",
        1,
        4,
        2,
        2,
    )
    assert ratings_left(session, workshop.team_id, "U3")[0].left == 4
    rate_round(session, workshop, {"U1": {"C": (5, 2, 1), "D": (3, 5, 1)}})
    assert ratings_left(session, workshop.team_id, "U1") == []  # all rated
    open_rating_round(session, workshop.team_id, workshop.id, workshop.facilitator_id)
    assert ratings_left(session, workshop.team_id, "U1")[0].left == 4  # a fresh round
    assert ratings_left(session, "T2", "U1") == []
    set_phase(session, workshop, Phase.fixes)
    assert ratings_left(session, workshop.team_id, "U3") == []  # rating is over
    assert ratings_left(session, workshop.team_id, "U9") == []  # not in the workshop
