import io
from dataclasses import replace

from bot.gaps.chart import (
    DPI,
    FEELING_WIDTH_IN,
    LEGEND_ROWS_IN,
    LOWEST,
    WIDTH_IN,
    chart_alt_text,
    render_gap_chart,
)
from flows.emotions import emotion_curve, set_emotion_curve, with_curve
from flows.gaps.results import gap_results
from flows.journey import DEFAULT_JOURNEY, StageSpec
from tests.factories import gap_results_for
from tests.flows.test_emotions import JOURNEY as EMOTION_JOURNEY
from tests.flows.test_emotions import feel
from tests.flows.test_emotions import worked_example as emotion_worked_example
from tests.flows.test_gaps import FACILITATOR, TEAM, make_workshop
from tests.helpers import png_size


def default_answers(shift=0):
    names = [name for stage in DEFAULT_JOURNEY for name in stage.touchpoints][:-1]  # one unrated
    gaps = {"Onboarding": -4 + shift, "Support": -3 + shift, "Checkout": -2}
    return {
        f"U{u}": {name: (6, max(1, min(7, 6 + gaps.get(name, 0) + u % 2)), 4) for name in names}
        for u in range(4)
    }


def test_chart_is_a_png_that_grows_with_the_journey(session):
    small = gap_results_for(
        session, [StageSpec("Find", ("Search",))], {"U1": {"Search": (5, 3, 4)}}
    )
    full = gap_results_for(session, list(DEFAULT_JOURNEY), default_answers())
    small_png, full_png = render_gap_chart(small), render_gap_chart(full)
    small_size, full_size = png_size(small_png), png_size(full_png)
    assert small_size[0] == full_size[0]  # same width
    assert full_size[1] > small_size[1] + 500  # 19 touchpoints and 5 stage bands are taller


def test_chart_with_a_previous_round_and_unrated_touchpoints(session):
    results = gap_results_for(
        session, list(DEFAULT_JOURNEY), default_answers(), second_round=default_answers(shift=3)
    )
    assert results.previous_round == 1
    data = render_gap_chart(results)
    assert png_size(data)[1] > 1000
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(data))
    assert pixels.std() > 0.05  # something was drawn


def test_chart_of_a_hundred_touchpoints(session):
    stages = [
        StageSpec(f"Stage {s}", tuple(f"Touchpoint {s}-{t}" for t in range(10))) for s in range(10)
    ]
    answers = {
        "U1": {f"Touchpoint {s}-{t}": (7, 1 + t % 7, 3) for s in range(10) for t in range(10)}
    }
    data = render_gap_chart(gap_results_for(session, stages, answers))
    _, height = png_size(data)
    assert height > 4000 and len(data) < 2_000_000


def test_alt_text_names_the_worst_gaps(session):
    results = gap_results_for(session, list(DEFAULT_JOURNEY), default_answers())
    text = chart_alt_text(results)
    assert text.startswith("Journey gap chart, round 1: expectation and experience for 18 rated")
    assert "Widest shortfalls: Onboarding −3.5, Support −2.5, Checkout −1.5." in text


# The feeling panel (issue 17) -------------------------------------------------------------------


def _orange_rows(png):
    """The pixel rows drawn in the lowest points' orange, grouped where they touch: one group
    per ▼ (and one for the legend's)."""
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png))[..., :3]
    target = [int(LOWEST[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    mask = (abs(pixels - target) <= 3 / 255).all(axis=-1)
    rows = sorted(set(mask.nonzero()[0].tolist()))
    groups = [[rows[0]]] if rows else []
    for row in rows[1:]:
        if row - groups[-1][-1] > 2:
            groups.append([])
        groups[-1].append(row)
    return groups


def test_without_feelings_the_chart_is_byte_for_byte_the_same(session):
    """The lane is off until used: turned on, but nobody gave a feeling this round."""
    workshop = make_workshop(session, stages=EMOTION_JOURNEY)
    assert set_emotion_curve(session, TEAM, workshop.id, FACILITATOR, True)
    feel(session, workshop, "U1", {"A": (6, 3, None), "C": (5, 4, None)})
    results = gap_results(session, workshop)
    assert with_curve(session, workshop, results) is results  # nothing attached
    empty = replace(results, curve=emotion_curve(session, workshop))  # a curve, no feelings
    assert empty.curve is not None and not empty.curve.has_feelings
    assert render_gap_chart(empty) == render_gap_chart(results)
    assert chart_alt_text(empty) == chart_alt_text(results)
    assert _orange_rows(render_gap_chart(results)) == []


def test_the_feeling_panel_beside_the_gaps(session):
    """tests/flows/test_emotions.py's worked example: mean feelings A −1.5, B +1.0, C +0.5,
    D −1.0; the lowest points (below 0, lowest first) A then D."""
    workshop = emotion_worked_example(session)
    plain = gap_results(session, workshop)
    results = with_curve(session, workshop, plain)
    assert results.curve is not None and [p.name for p in results.curve.lowest] == ["A", "D"]
    with_panel, without = render_gap_chart(results), render_gap_chart(plain)
    (width, height), (plain_width, plain_height) = png_size(with_panel), png_size(without)
    assert width == round((WIDTH_IN + FEELING_WIDTH_IN) * DPI) and plain_width == WIDTH_IN * DPI
    assert height == plain_height + round(LEGEND_ROWS_IN * DPI)  # the legend's second row
    # a ▼ on A's row and one on D's row, then the legend's: three, top to bottom
    groups = _orange_rows(with_panel)
    assert len(groups) == 3
    a_row, d_row, legend = (sum(g) / len(g) for g in groups)
    assert a_row < d_row < legend
    assert not _orange_rows(without)


def test_the_alt_text_names_the_lowest_points(session):
    workshop = emotion_worked_example(session)
    results = with_curve(session, workshop, gap_results(session, workshop))
    text = chart_alt_text(results)
    assert text.startswith(chart_alt_text(replace(results, curve=None)))
    # A: (−2 − 1) / 2 = −1.5; D: −1 / 1 = −1.0
    assert text.endswith(
        "Feeling (−2 to +2) per touchpoint beside the gaps; lowest points: A −1.5, D −1.0."
    )


def test_the_alt_text_of_a_curve_that_never_dips(session):
    workshop = make_workshop(session, stages=EMOTION_JOURNEY)
    assert set_emotion_curve(session, TEAM, workshop.id, FACILITATOR, True)
    feel(session, workshop, "U1", {"A": (6, 3, 0), "B": (5, 5, 1)})
    results = with_curve(session, workshop, gap_results(session, workshop))
    assert results.curve is not None and results.curve.lowest == ()
    assert chart_alt_text(results).endswith("none is negative on average.")
    assert not [g for g in _orange_rows(render_gap_chart(results))[:-1]]  # only the legend's
