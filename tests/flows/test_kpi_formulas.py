"""KPI formulas against examples computed by hand (the arithmetic is in each comment)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.kpi_formulas import (
    AnswersError,
    Attainment,
    Direction,
    FormulaError,
    NpsBreakdown,
    benchmark_index,
    ces,
    change_direction,
    churn_rate,
    csat,
    customer_lifetime_value,
    margin,
    nps,
    nps_breakdown,
    parse_answers,
    parse_number,
    parse_numbers,
    retention_rate,
    target_attainment,
)

# NPS: % promoters (9–10) − % detractors (0–6) --------------------------------------------------


def test_nps_worked_example():
    answers = [10, 9, 9, 8, 7, 6, 3, 10, 0, 9]
    # promoters 10, 9, 9, 10, 9 = 5; passives 8, 7 = 2; detractors 6, 3, 0 = 3
    assert nps_breakdown(answers) == NpsBreakdown(promoters=5, passives=2, detractors=3)
    assert nps(answers) == pytest.approx(20.0)  # 50 % − 30 %


def test_nps_with_no_detractors():
    assert nps([9, 10, 8, 7]) == pytest.approx(50.0)  # 2/4 promoters − 0/4 detractors


def test_nps_when_everyone_is_passive_is_zero():
    assert nps([7, 8, 7, 8, 7]) == 0.0


def test_nps_from_one_answer_is_an_extreme():
    assert nps([10]) == 100.0
    assert nps([6]) == -100.0
    assert nps([8]) == 0.0


def test_nps_boundaries_six_is_a_detractor_nine_a_promoter():
    assert nps_breakdown([6, 7, 8, 9]) == NpsBreakdown(promoters=1, passives=2, detractors=1)


def test_nps_with_a_thirds_split():
    assert nps([10, 10, 0]) == pytest.approx(100 / 3)  # 2/3 − 1/3 = 33.33…


def test_nps_all_detractors():
    assert nps([0, 1, 2, 3, 4, 5, 6]) == -100.0


def test_nps_needs_answers_in_scale():
    with pytest.raises(FormulaError):
        nps([])
    with pytest.raises(FormulaError):
        nps([11])


# CSAT: share of 4–5 answers on 1–5, in % --------------------------------------------------------


def test_csat_worked_example():
    assert csat([5, 4, 3, 2, 1, 5, 4, 4]) == pytest.approx(62.5)  # 5 of 8 are 4 or 5


def test_csat_from_one_answer():
    assert csat([3]) == 0.0
    assert csat([4]) == 100.0


def test_csat_rejects_out_of_scale_answers():
    with pytest.raises(FormulaError):
        csat([0, 5])


# CES: mean of 1–7 answers -----------------------------------------------------------------------


def test_ces_worked_example():
    assert ces([2, 3, 4, 1, 5]) == pytest.approx(3.0)  # 15 / 5
    assert ces([1, 2]) == pytest.approx(1.5)
    assert ces([7]) == 7.0


def test_ces_rejects_out_of_scale_answers():
    with pytest.raises(FormulaError):
        ces([0])
    with pytest.raises(FormulaError):
        ces([8])


# Retention and churn ----------------------------------------------------------------------------


def test_retention_and_churn_worked_example():
    # (1150 at end − 90 new) / 1200 at start × 100 = 1060 / 1200 × 100 = 88.33…
    assert retention_rate(1200, 1150, 90) == pytest.approx(88.3333333)
    assert churn_rate(1200, 1150, 90) == pytest.approx(11.6666667)


def test_retention_when_everyone_stays_and_when_nobody_does():
    assert retention_rate(100, 130, 30) == 100.0
    assert churn_rate(100, 130, 30) == 0.0
    assert retention_rate(100, 0, 0) == 0.0
    assert churn_rate(100, 0, 0) == 100.0


@pytest.mark.parametrize(
    ("start", "end", "new", "message"),
    [
        (0, 10, 0, "at the start must be more than 0"),
        (-5, 10, 0, "at the start must be more than 0"),
        (100, -1, 0, "cannot be negative"),
        (100, 50, -1, "cannot be negative"),
        (100, 50, 60, "New customers (60) cannot exceed customers at the end (50)"),
        (100, 150, 10, "140 customers kept (end − new) is more than the 100 at the start"),
    ],
)
def test_retention_refuses_inconsistent_counts(start, end, new, message):
    with pytest.raises(FormulaError, match=message.replace("(", r"\(").replace(")", r"\)")):
        retention_rate(start, end, new)


# CLV --------------------------------------------------------------------------------------------


def test_clv_worked_example():
    assert customer_lifetime_value(62.5, 1.6, 12) == pytest.approx(1200.0)  # 62.5 × 1.6 × 12
    assert customer_lifetime_value(80, 0, 24) == 0.0


def test_clv_refuses_negative_factors():
    with pytest.raises(FormulaError):
        customer_lifetime_value(-1, 2, 3)


# Benchmark index --------------------------------------------------------------------------------


def test_index_when_higher_is_better():
    assert benchmark_index(40, 50, higher_is_better=True).value == pytest.approx(80.0)  # 40/50
    assert benchmark_index(90, 75, higher_is_better=True).value == pytest.approx(120.0)


def test_index_when_lower_is_better():
    # first response 30 min against a 45 min benchmark: 45 / 30 × 100 = 150 (better)
    assert benchmark_index(30, 45, higher_is_better=False).value == pytest.approx(150.0)
    # churn 5 % against 4 %: 4 / 5 × 100 = 80 (worse)
    assert benchmark_index(5, 4, higher_is_better=False).value == pytest.approx(80.0)


def test_index_is_100_on_par():
    assert benchmark_index(4.2, 4.2, higher_is_better=False).value == pytest.approx(100.0)


@pytest.mark.parametrize("higher_is_better", [True, False])
def test_no_index_against_a_benchmark_of_zero(higher_is_better):
    index = benchmark_index(12, 0, higher_is_better)
    assert index.value is None
    assert index.reason == "the benchmark is 0, so a ratio to it means nothing"


def test_no_index_for_a_zero_value_when_lower_is_better():
    index = benchmark_index(0, 45, higher_is_better=False)
    assert index.value is None
    assert "nothing to divide by" in index.reason


def test_a_zero_value_when_higher_is_better_has_index_zero():
    assert benchmark_index(0, 30, higher_is_better=True).value == 0.0


def test_no_index_for_a_negative_nps_against_a_positive_benchmark():
    index = benchmark_index(-10, 30, higher_is_better=True)
    assert index.value is None  # −10 / 30 × 100 = −33 would read as "a third of the way"
    assert index.reason == "the value is negative, so a ratio to it would mislead"
    assert margin(-10, 30, higher_is_better=True) == -40  # the difference still means something


def test_no_index_against_a_negative_benchmark():
    # NPS +10 against −20: 10 / −20 = −50 would call a better score worse
    index = benchmark_index(10, -20, higher_is_better=True)
    assert index.value is None
    assert "negative" in index.reason


# Target attainment, margin and direction --------------------------------------------------------


def test_attainment_when_higher_is_better():
    assert target_attainment(32, 30, True) == Attainment(met=True, margin=2)
    assert target_attainment(30, 30, True) == Attainment(met=True, margin=0)
    # NPS −5 against a target of +10: 15 points short (a % of target would be meaningless)
    assert target_attainment(-5, 10, True) == Attainment(met=False, margin=-15)


def test_attainment_when_lower_is_better():
    assert target_attainment(4, 5, False) == Attainment(met=True, margin=1)  # churn 4 % ≤ 5 %
    assert target_attainment(50, 30, False) == Attainment(met=False, margin=-20)  # 50 min > 30


def test_direction_depends_on_which_way_is_better():
    assert change_direction(4, higher_is_better=True) is Direction.better  # NPS up
    assert change_direction(-1.5, higher_is_better=False) is Direction.better  # churn down
    assert change_direction(0.3, higher_is_better=False) is Direction.worse  # effort up
    assert change_direction(-2, higher_is_better=True) is Direction.worse
    assert change_direction(0, higher_is_better=True) is Direction.unchanged


def test_a_change_below_the_shown_precision_is_unchanged():
    assert change_direction(0.04, True, tolerance=0.05) is Direction.unchanged
    assert change_direction(0.06, True, tolerance=0.05) is Direction.better


# Parsing pasted answers and typed numbers -------------------------------------------------------


def test_answers_separated_by_commas_spaces_semicolons_and_new_lines():
    assert parse_answers("9, 10 7\n8;6\t+5 ,, 09", 0, 10) == [9, 10, 7, 8, 6, 5, 9]


def test_an_answer_out_of_range_is_named_by_its_position():
    with pytest.raises(AnswersError) as raised:
        parse_answers("9 10 7 8 5 6 11", 0, 10)
    assert raised.value.problems == ["answer 7 ('11') is outside 0–10"]
    assert str(raised.value) == "answer 7 ('11') is outside 0–10"


def test_every_bad_answer_is_reported_and_the_message_stays_short():
    with pytest.raises(AnswersError) as raised:
        parse_answers("4 x 4.5 0 6 -1 3", 1, 5)
    assert raised.value.problems == [
        "answer 2 ('x') is not a whole number",
        "answer 3 ('4.5') is not a whole number",
        "answer 4 ('0') is outside 1–5",
        "answer 5 ('6') is outside 1–5",
        "answer 6 ('-1') is outside 1–5",
    ]
    assert str(raised.value).endswith("; … and 2 more problems")


def test_no_answers_at_all():
    with pytest.raises(AnswersError, match="Paste at least one answer from 1 to 7"):
        parse_answers(" ,\n ", 1, 7)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", 42.0),
        (" -12.5 ", -12.5),
        ("\u221212", -12.0),
        ("+3", 3.0),
        ("1,234.5", 1234.5),
        ("87%", 87.0),
        ("87 %", 87.0),
        (".5", 0.5),
    ],
)
def test_typed_numbers(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "1e3", "12..5", "1,2,3"])
def test_not_numbers(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(text)


def test_a_decimal_comma_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="write decimals with a point"):
        parse_number("3,5")


def test_parse_numbers_needs_exactly_the_count():
    assert parse_numbers("1200, 1150, 90", 3, "start, end, new") == [1200, 1150, 90]
    with pytest.raises(FormulaError, match=r"Give 3 numbers: start, end, new \(2 given\)"):
        parse_numbers("1200 1150", 3, "start, end, new")
    with pytest.raises(FormulaError, match=r"Number 2 \('many'\) is not a number"):
        parse_numbers("1200 many 90", 3, "start, end, new")


# Properties over any answers ------------------------------------------------------------------

nps_answers = st.lists(st.integers(0, 10), min_size=1, max_size=200)


@given(nps_answers)
def test_nps_is_promoter_share_minus_detractor_share_within_bounds(answers):
    split = nps_breakdown(answers)
    assert split.count == len(answers)
    assert -100 <= nps(answers) <= 100
    promoters = 100 * sum(a >= 9 for a in answers) / len(answers)
    detractors = 100 * sum(a <= 6 for a in answers) / len(answers)
    assert nps(answers) == pytest.approx(promoters - detractors)


@given(nps_answers)
def test_pasted_answers_read_back_whatever_the_separators(answers):
    separators = [", ", " ", "\n", ";", ",\n"]
    text = "".join(f"{a}{separators[i % len(separators)]}" for i, a in enumerate(answers))
    assert parse_answers(text, 0, 10) == answers


@given(
    st.integers(1, 10_000),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)
def test_retention_and_churn_add_up_to_100_when_the_counts_are_consistent(start, end, new):
    if new > end or end - new > start:
        with pytest.raises(FormulaError):
            retention_rate(start, end, new)
        return
    assert 0 <= retention_rate(start, end, new) <= 100
    assert retention_rate(start, end, new) + churn_rate(start, end, new) == pytest.approx(100)


@given(
    st.floats(0.01, 1e6, allow_nan=False),
    st.floats(0.01, 1e6, allow_nan=False),
    st.booleans(),
)
def test_the_index_is_above_100_exactly_when_the_value_beats_the_benchmark(value, bench, higher):
    index = benchmark_index(value, bench, higher).value
    beats = value > bench if higher else value < bench
    if value == bench:
        assert index == pytest.approx(100)
    else:
        assert (index > 100) == beats
