"""Team against customers: each figure checked against a worked example computed by hand."""

import math

import pytest

from flows.customers.figures import (
    MIN_CUSTOMER_ANSWERS,
    NO_TEAM_RATINGS,
    TOO_FEW_ANSWERS,
    BlindSpotKind,
    Sample,
    compare,
    comparison_note,
    contrast,
    format_p,
    knowledge_blind_spot,
    perception_blind_spot,
    pooled,
    welch,
)
from flows.customers.importing import sd_to_workshop_scale, to_workshop_scale


def test_a_sample_from_its_answers():
    # [1, 2, 3, 4, 5]: mean 15/5 = 3; Σ(x − 3)² = 4 + 1 + 0 + 1 + 4 = 10; variance 10/4 = 2.5.
    sample = Sample.of([1, 2, 3, 4, 5])
    assert (sample.n, sample.mean) == (5, 3)
    assert sample.sd == pytest.approx(math.sqrt(2.5))
    assert Sample.of([4]).sd is None


def test_samples_pool_through_their_sums():
    # [4, 5, 6] (n 3, mean 5, sd 1) with [1, 2, 3, 4, 5] (n 5, mean 3, sd √2.5) is the eight
    # answers 1 2 3 4 4 5 5 6: Σx = 30, mean 3.75; Σx² = 1+4+9+16+16+25+25+36 = 132;
    # variance (132 − 30²/8) / 7 = (132 − 112.5) / 7 = 19.5 / 7 = 2.7857…
    both = pooled([Sample(3, 5.0, 1.0), Sample(5, 3.0, math.sqrt(2.5)), None])
    assert both.n == 8 and both.mean == pytest.approx(3.75)
    assert both.sd == pytest.approx(math.sqrt(19.5 / 7))
    assert pooled([None]) is None


def test_welch_worked_example():
    # a = [4, 5, 6]: mean 5, s² 1;  b = [1, 2, 3, 4, 5]: mean 3, s² 2.5.
    # s²/n: 1/3 and 2.5/5 = 1/2; se² = 5/6, se = 0.912871; t = 2 / 0.912871 = 2.190890.
    # df = (5/6)² / ((1/3)²/2 + (1/2)²/4) = (25/36) / (1/18 + 1/16) = (25/36) / (17/144)
    #    = 100/17 = 5.882353.
    # Two-sided p = 2·(1 − F(2.190890; 5.882353)) = 0.071887 (published t tables: between
    # 0.05 and 0.10, as t₀.₉₇₅ is 2.447 with 6 df and t₀.₉₅ is 1.943).
    # 95 % interval: 2 ± t₀.₉₇₅(5.882353) · 0.912871 = 2 ± 2.458824 · 0.912871 = 2 ± 2.244592.
    test = welch(Sample.of([4, 5, 6]), Sample.of([1, 2, 3, 4, 5]))
    assert test.difference == pytest.approx(2.0)
    assert test.se == pytest.approx(0.912871, abs=1e-6)
    assert test.t == pytest.approx(2.190890, abs=1e-6)
    assert test.df == pytest.approx(100 / 17)
    assert test.p == pytest.approx(0.071887, abs=1e-6)
    assert test.ci == pytest.approx((2 - 2.244592, 2 + 2.244592), abs=1e-5)
    assert not test.significant


def test_welch_needs_spread_on_both_sides():
    assert welch(Sample.of([4]), Sample.of([1, 2, 3])) is None
    assert welch(Sample.of([4, 4]), Sample.of([3, 3])) is None  # se = 0: no test


def test_the_change_of_a_gap_is_a_contrast_of_four_samples():
    # (P₂ − E₂) − (P₁ − E₁) with each sample n 4 and s² 2 (s²/n = 0.5):
    # se² = 4 · 0.5 = 2; df = 2² / (4 · 0.5² / 3) = 4 / (1/3) = 12.
    # Means P₂ 5, E₂ 6, P₁ 3, E₁ 6: gap now −1, then −3, change +2; t = 2 / √2 = 1.414214.
    s = math.sqrt(2)
    test = contrast((Sample(4, 5.0, s), Sample(4, 6.0, s)), (Sample(4, 6.0, s), Sample(4, 3.0, s)))
    assert test.difference == pytest.approx(2.0)
    assert test.df == pytest.approx(12.0)
    assert test.t == pytest.approx(1.414214, abs=1e-6)


def test_a_blind_spot_worked_example():
    # Customers expect [6, 7, 7, 6, 7, 6, 7]: Σ 46, mean 6.571429; Σx² 304,
    # s² = (7·304 − 46²) / (7·6) = (2128 − 2116) / 42 = 0.285714.
    # The team thinks [4, 5, 4]: mean 4.333333, s² = (3·57 − 13²) / (3·2) = 2/6 = 0.333333.
    # E_c − E_t = 2.238095; s²/n: 0.040816 and 0.111111; se² 0.151927, se 0.389778;
    # t = 5.741964; df = 0.151927² / (0.040816²/6 + 0.111111²/2) = 3.578318; p = 0.006364.
    # Significant and ≥ 1 point: "the team underestimates what customers expect".
    customers, team = Sample.of([6, 7, 7, 6, 7, 6, 7]), Sample.of([4, 5, 4])
    test = compare(customers, team)
    assert test.difference == pytest.approx(2.238095, abs=1e-6)
    assert test.t == pytest.approx(5.741964, abs=1e-6)
    assert test.df == pytest.approx(3.578318, abs=1e-6)
    assert test.p == pytest.approx(0.006364, abs=1e-6)
    assert knowledge_blind_spot(test) is BlindSpotKind.underestimates_expectations
    assert knowledge_blind_spot(compare(team_like := Sample.of([4, 5, 4]), team_like)) is None
    # The same test read as P_t − P_c (team 6.6, customers 4.3): the team overrates it.
    reversed_test = welch(customers, team)
    assert perception_blind_spot(reversed_test) is BlindSpotKind.overrates_experience
    assert perception_blind_spot(welch(team, customers)) is BlindSpotKind.underrates_experience
    assert knowledge_blind_spot(welch(team, customers)) is (
        BlindSpotKind.overestimates_expectations
    )


def test_a_significant_difference_under_one_point_is_no_blind_spot():
    # 40 answers of 6 and 7 alternating (mean 6.5, s² 40·0.25/39 = 0.2564) against a team of
    # 40 at 5.8 and 6.0 alternating (mean 5.9, s² 40·0.01/39 = 0.01026): difference 0.6, se
    # √(0.2564/40 + 0.01026/40) = 0.08163, t = 7.35, p < 0.001, but 0.6 < 1 point: no flag.
    test = compare(Sample.of([6, 7] * 20), Sample.of([5.8, 6.0] * 20))
    assert test.p < 0.001 and test.difference == pytest.approx(0.6)
    assert knowledge_blind_spot(test) is None


def test_too_few_customer_answers_never_flag():
    # Four customers all at 7 and a team of three at 1–2: a huge difference, but n < 5.
    customers, team = Sample.of([7, 7, 7, 6]), Sample.of([1, 2, 1])
    assert MIN_CUSTOMER_ANSWERS == 5
    assert comparison_note(customers, team) == TOO_FEW_ANSWERS
    assert compare(customers, team) is None
    assert knowledge_blind_spot(compare(customers, team)) is None
    assert comparison_note(Sample.of([7] * 5), None) == NO_TEAM_RATINGS


def test_scales_convert_linearly_to_one_to_seven():
    # x′ = 1 + (x − low)·6/(high − low)
    assert to_workshop_scale(3, "1-5") == 4.0  # 1 + 2·6/4
    assert to_workshop_scale(5, "1-5") == 7.0
    assert to_workshop_scale(10, "0-10") == 7.0  # 1 + 10·0.6
    assert to_workshop_scale(5, "0-10") == 4.0
    assert to_workshop_scale(4, "1-10") == 3.0  # 1 + 3·6/9
    assert to_workshop_scale(6, "1-7") == 6.0
    assert sd_to_workshop_scale(2, "1-5") == 3.0  # 2·6/4


def test_p_values_are_written_conventionally():
    assert format_p(0.0004) == "p < 0.001"
    assert format_p(0.0064) == "p = 0.006"
    assert format_p(0.0719) == "p = 0.07"
    assert format_p(0.405) == "p = 0.41"
