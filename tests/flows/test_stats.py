import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.stats import (
    mean_from_sums,
    regularized_incomplete_beta,
    round_half_away,
    sample_sd_from_sums,
    sample_variance_from_sums,
    student_t_cdf,
    student_t_quantile,
    t_confidence_interval,
)

# Two-sided 95 % critical values t(0.975, df) from published tables (e.g. NIST/SEMATECH
# e-Handbook, table 1.3.6.7.2), to the printed precision.
T_975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    15: 2.131,
    20: 2.086,
    25: 2.060,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    100: 1.984,
}


@pytest.mark.parametrize(("df", "expected"), sorted(T_975.items()))
def test_t_quantile_matches_the_published_table(df, expected):
    assert round(student_t_quantile(0.975, df), 3) == expected


def test_t_quantile_more_digits_and_other_levels():
    assert student_t_quantile(0.975, 1) == pytest.approx(12.7062047, abs=1e-6)
    assert student_t_quantile(0.975, 2) == pytest.approx(4.3026527, abs=1e-6)
    assert student_t_quantile(0.975, 10) == pytest.approx(2.2281389, abs=1e-6)
    assert student_t_quantile(0.975, 30) == pytest.approx(2.0422725, abs=1e-6)
    assert student_t_quantile(0.95, 10) == pytest.approx(1.8124611, abs=1e-6)
    assert student_t_quantile(0.995, 5) == pytest.approx(4.0321430, abs=1e-6)
    assert student_t_quantile(0.025, 4) == pytest.approx(-2.7764451, abs=1e-6)
    assert student_t_quantile(0.5, 7) == 0.0


def test_t_quantile_tends_to_the_normal_quantile():
    assert student_t_quantile(0.975, 1_000_000) == pytest.approx(1.959964, abs=1e-5)


def test_closed_forms_for_one_and_two_degrees_of_freedom():
    # df = 1 is the Cauchy distribution; df = 2 has F(t) = 1/2 + t / (2 √(2 + t²)).
    for t in (-3.0, -0.5, 0.3, 1.0, 7.5):
        assert student_t_cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-12)
        assert student_t_cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), 1e-12)


@given(p=st.floats(0.001, 0.999), df=st.integers(1, 200))
def test_quantile_inverts_the_cdf(p, df):
    assert student_t_cdf(student_t_quantile(p, df), df) == pytest.approx(p, abs=1e-9)


def test_incomplete_beta_edges_and_a_known_value():
    assert regularized_incomplete_beta(0.0, 2, 3) == 0.0
    assert regularized_incomplete_beta(1.0, 2, 3) == 1.0
    # I_x(1, 1) = x; I_x(2, 1) = x²
    assert regularized_incomplete_beta(0.3, 1, 1) == pytest.approx(0.3)
    assert regularized_incomplete_beta(0.3, 2, 1) == pytest.approx(0.09)
    with pytest.raises(ValueError):
        regularized_incomplete_beta(1.5, 1, 1)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        student_t_quantile(1.0, 3)
    with pytest.raises(ValueError):
        student_t_quantile(0.9, 0)


def test_moments_from_sums_by_hand():
    # gaps −3, −3, −1: n 3, Σx −7, Σx² 19 → mean −7/3; variance (3·19 − 49) / (3·2) = 4/3
    assert mean_from_sums(3, -7) == pytest.approx(-7 / 3)
    assert sample_variance_from_sums(3, -7, 19) == pytest.approx(4 / 3)
    assert sample_sd_from_sums(3, -7, 19) == pytest.approx(1.1547005)
    # all equal: no spread at all, exactly
    assert sample_sd_from_sums(4, 8, 16) == 0.0
    # n = 1: no sample standard deviation; n = 0: no mean either
    assert sample_sd_from_sums(1, 3, 9) is None
    assert mean_from_sums(0, 0) is None
    # float sums take the other branch and agree
    assert sample_variance_from_sums(3, -7.0, 19.0) == pytest.approx(4 / 3)


@given(st.lists(st.integers(-6, 6), min_size=2, max_size=60))
def test_sd_from_sums_equals_the_textbook_formula(values):
    sd = sample_sd_from_sums(len(values), sum(values), sum(v * v for v in values))
    assert sd == pytest.approx(statistics.stdev(values), abs=1e-12)


def test_confidence_interval_by_hand():
    # mean −7/3, sd 1.1547, n 3: half width 4.302653 · 1.1547 / √3 = 2.868435
    low, high = t_confidence_interval(-7 / 3, 1.1547005383792515, 3)
    assert low == pytest.approx(-5.201768, abs=1e-6)
    assert high == pytest.approx(0.535102, abs=1e-6)
    assert t_confidence_interval(2.0, 0.0, 5) == (2.0, 2.0)
    assert t_confidence_interval(-3.0, None, 1) is None


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (-0.25, 1, -0.3),
        (0.25, 1, 0.3),
        (-0.35, 1, -0.4),
        (2 / 3, 1, 0.7),
        (-7 / 6, 1, -1.2),
        (2.675, 2, 2.68),
        (-0.04, 1, 0.0),
        (62.5, 0, 63.0),
    ],
)
def test_rounding_is_half_away_from_zero(value, digits, expected):
    assert round_half_away(value, digits) == expected
    assert str(round_half_away(-0.04, 1)) == "0.0"  # never "-0.0"
