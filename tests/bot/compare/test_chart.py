"""The comparison chart: a PNG with one marker shape and Okabe–Ito colour per workshop that a
deuteranope still tells apart, values beside the dots, alt text with every stage's gaps."""

from bot.compare.chart import COLOURS, MARKERS, comparison_alt_text, render_comparison_chart
from flows.benchmarking import Cell, ComparedWorkshop, Comparison, Row
from tests.bot.charts.test_colour_vision import assert_distinguishable, seen_in_png


def _comparison(stages: tuple[Row, ...]) -> Comparison:
    workshops = tuple(
        ComparedWorkshop(n, f"Workshop <{n}>", 1, 3) for n in (12, 15, 17, 20, 21, 22)
    )
    return Comparison(
        team_id="T1",
        workshops=workshops,
        stages=stages,
        touchpoints=(),
        unmatched=((),) * 6,
        suggestions=(),
        index=(None,) * 6,
        leads=(),
    )


def _row(name: str, gaps: list[float | None]) -> Row:
    cells = tuple(None if g is None else Cell(name, None, 6, g) for g in gaps)
    return Row(name, name, cells)


STAGES = (
    _row("Awareness", [-2.0, -1.5, -0.5, 0.5, -1.0, None]),
    _row("Purchase", [-1.25, -2.75, -1.0, 0.0, 1.0, -3.0]),
)


def test_every_workshop_has_its_own_shape_and_a_colour_a_deuteranope_tells_apart():
    assert len(set(MARKERS)) == len(MARKERS) == len(COLOURS) == 6
    png = render_comparison_chart(_comparison(STAGES))
    assert png is not None and png.startswith(b"\x89PNG")
    seen = seen_in_png(png, {f"w{i}": colour for i, colour in enumerate(COLOURS[:3])})
    assert_distinguishable(seen)


def test_no_matched_stage_no_chart_and_the_alt_text_says_every_gap():
    assert render_comparison_chart(_comparison(())) is None
    alt = comparison_alt_text(_comparison(STAGES))
    assert "Awareness: #12 −2.0, #15 −1.5, #17 −0.5, #20 +0.5, #21 −1.0;" in alt
    assert "Purchase: #12 −1.3, #15 −2.8" in alt  # −1.25 and −2.75 shown halves away from zero
