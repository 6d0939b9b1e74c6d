"""Charts stay readable under deuteranopia: the rendered PNGs are seen as a deuteranope would
(Machado, Oliveira & Fernandes 2009, "A physiologically-based model for simulation of color
vision deficiency", severity 1.0, applied in linear RGB), and the colours that tell categories
apart must still differ clearly (CIELAB ΔE*76 ≥ MIN_DELTA_E). Shapes and labels carry the same
meaning (checked on the charts' own constants)."""

import io

import matplotlib.image
import numpy as np
import pytest

from bot.charts import palette
from bot.gaps.chart import (
    FEELING_INK,
    LOWEST,
    LOWEST_MARKER,
    MET,
    POINT_MARKER,
    SHORTFALL,
    STAGE_MARKER,
    render_gap_chart,
)
from bot.kpis.chart import (
    BENCHMARK_COLOUR,
    MET_COLOUR,
    MET_MARKER,
    MISSED_COLOUR,
    MISSED_MARKER,
    render_kpi_chart,
)
from bot.stakeholders.chart import ATTITUDE_COLOURS, ATTITUDE_MARKERS, render_stakeholder_grid
from flows.gaps.results import gap_results
from flows.kpis import kpi_table
from flows.stakeholders import stakeholder_grid
from storage.models import Attitude
from tests.report_fixtures import full_workshop

# Machado et al. 2009, deuteranomaly at severity 1.0 (deuteranopia), on linear RGB.
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
MIN_DELTA_E = 20.0  # clearly different at a glance (ΔE*76 ≈ 2.3 is just noticeable)
TOLERANCE = 3 / 255  # a pixel "is" a colour within this much per channel (antialiasing aside)


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0, 1)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def deuteranope_sees(rgb: np.ndarray) -> np.ndarray:
    """sRGB (…, 3) in 0–1 → the sRGB a deuteranope perceives as the same colour."""
    return linear_to_srgb(srgb_to_linear(rgb) @ DEUTERANOPIA.T)


def lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB 0–1 → CIELAB (D65)."""
    linear = srgb_to_linear(rgb)
    xyz = (
        linear
        @ np.array(
            [
                [0.4124564, 0.3575761, 0.1804375],
                [0.2126729, 0.7151522, 0.0721750],
                [0.0193339, 0.1191920, 0.9503041],
            ]
        ).T
    )
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def seen_in_png(png: bytes, colours: dict[str, str]) -> dict[str, np.ndarray]:
    """Simulate deuteranopia on the whole rendered image, then read what each category's
    pixels (those drawn in its colour) look like: the mean simulated colour of those pixels.
    Every category must be in the picture."""
    image = matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3].astype(float)
    simulated = deuteranope_sees(image)
    seen = {}
    for name, colour in colours.items():
        mask = np.all(np.abs(image - hex_rgb(colour)) <= TOLERANCE, axis=-1)
        assert mask.sum() >= 10, f"{name} ({colour}) is not drawn in the chart"
        seen[name] = simulated[mask].mean(axis=0)
    return seen


def assert_distinguishable(seen: dict[str, np.ndarray]) -> None:
    names = list(seen)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            delta = float(np.linalg.norm(lab(seen[first]) - lab(seen[second])))
            assert delta >= MIN_DELTA_E, f"{first} and {second}: ΔE {delta:.1f} for a deuteranope"


def test_the_simulation_merges_what_the_old_grid_colours_showed():
    """The check can fail: the grid's former supporter teal and neutral grey look alike to a
    deuteranope (the issue's "the same grey"), and so did the KPI chart's missed red and
    benchmark orange."""
    old_supporter, old_neutral = hex_rgb("#2a9d8f"), hex_rgb("#7b8794")
    old_missed, old_benchmark = hex_rgb("#d62828"), hex_rgb("#e76f51")
    for first, second in ((old_supporter, old_neutral), (old_missed, old_benchmark)):
        delta = np.linalg.norm(lab(deuteranope_sees(first)) - lab(deuteranope_sees(second)))
        assert delta < MIN_DELTA_E


@pytest.fixture
def workshop(session):
    return full_workshop(session)


def test_the_stakeholder_grid_tells_attitudes_apart_by_colour_and_shape(session, workshop):
    png = render_stakeholder_grid(stakeholder_grid(session, workshop.team_id, workshop.id))
    assert_distinguishable(
        seen_in_png(png, {a.value: colour for a, colour in ATTITUDE_COLOURS.items()})
    )
    assert len(set(ATTITUDE_MARKERS.values())) == len(Attitude)  # a shape per attitude


def test_the_kpi_chart_tells_met_missed_and_benchmark_apart(session, workshop):
    png = render_kpi_chart(kpi_table(session, workshop.team_id, workshop.id))
    assert_distinguishable(
        seen_in_png(
            png, {"met": MET_COLOUR, "missed": MISSED_COLOUR, "benchmark": BENCHMARK_COLOUR}
        )
    )
    assert MET_MARKER != MISSED_MARKER and "D" not in (MET_MARKER, MISSED_MARKER)


def test_the_gap_chart_tells_shortfalls_from_met_expectations(session, workshop):
    png = render_gap_chart(gap_results(session, workshop))
    assert_distinguishable(seen_in_png(png, {"shortfall": SHORTFALL, "met": MET}))


def test_the_gap_chart_feeling_panel_tells_the_lowest_points_apart(session, workshop):
    """The panel drawn with a curve whose every touchpoint but one dips: the lowest points'
    orange ▼ against the curve's ink and the stage means' grey."""
    from dataclasses import replace

    from flows.emotions import summarise_curve

    results = gap_results(session, workshop)
    stage_names = {stage.stage_id: stage.name for stage in results.stages}
    journey = [
        (t.touchpoint_id, t.name, t.stage_id, stage_names[t.stage_id]) for t in results.touchpoints
    ]
    sums = {tp: (2, -index) for index, (tp, *_) in enumerate(journey)}
    curve = summarise_curve(workshop.id, workshop.title, results.round, journey, sums)
    assert curve.lowest
    png = render_gap_chart(replace(results, curve=curve))
    assert_distinguishable(
        seen_in_png(png, {"lowest": LOWEST, "curve": FEELING_INK, "stage": palette.MUTED})
    )
    assert len({LOWEST_MARKER, POINT_MARKER, STAGE_MARKER}) == 3  # a shape for each


def test_the_palette_is_okabe_ito():
    assert (palette.BLUE, palette.VERMILLION, palette.BLUISH_GREEN) == (
        "#0072B2",
        "#D55E00",
        "#009E73",
    )


def _emotion_lines(personas):
    from flows.emotions import summarise_lines

    journey = [(1, "A", 1, "Find"), (2, "B", 1, "Find"), (3, "C", 2, "Buy"), (4, "D", 2, "Buy")]
    rows = [  # (round, persona, touchpoint, n, Σ): every persona's line has points
        (r, p, tp, 1, (tp + p + r) % 5 - 2)
        for r in (1, 2, 3)
        for p in range(1, 6)
        for tp in range(1, 5)
    ]
    return summarise_lines(7, "T", 3, journey, rows, personas)


def test_the_emotion_lines_are_told_apart_by_colour_marker_and_style():
    """Up to five persona lines, and the latest round against the rounds before it."""
    from bot.emotions.lines import COLOURS, chart_lines, render_emotion_lines

    by_persona = _emotion_lines([(p, f"Persona {p}") for p in range(1, 6)])
    drawn = chart_lines(by_persona)
    assert len(drawn) == len(COLOURS) == 5
    assert len({line.marker for line in drawn}) == len({str(line.style) for line in drawn}) == 5
    png = render_emotion_lines(by_persona)
    assert_distinguishable(seen_in_png(png, {line.label: line.colour for line in drawn}))
    by_round = _emotion_lines([])
    drawn = chart_lines(by_round)
    assert [line.emphasised for line in drawn] == [False, False, True]
    png = render_emotion_lines(by_round)
    assert_distinguishable(seen_in_png(png, {line.label: line.colour for line in drawn}))


def test_the_trend_chart_tells_its_five_lines_apart():
    """The top gaps' trend over rounds (bot/rounds/chart.py): five lines, each its own colour
    and marker, still apart for a deuteranope."""
    from bot.rounds.chart import COLOURS, MARKERS, render_trend_chart
    from flows.loop import LoopClosure, TopGap, TouchpointTrend

    top = tuple(
        TopGap(
            TouchpointTrend(n, "Stage", f"Touchpoint {n}", (-3.0 + n * 0.4, -2.0 + n * 0.3, -1.0)),
            baseline_gap=-3.0 + n * 0.4,
            latest_round=3,
            latest_gap=-1.0,
            done=n % 2 == 0,
        )
        for n in range(5)
    )
    assert len(set(COLOURS)) == len(set(MARKERS)) == 5
    png = render_trend_chart(LoopClosure(top))
    assert_distinguishable(seen_in_png(png, {f"line {i}": COLOURS[i] for i in range(5)}))
