import itertools

import pytest
from matplotlib.text import Annotation

from bot.stakeholders.chart import (
    MAX_LABELS,
    PIXEL_SIZE,
    build_grid_figure,
    grid_alt_text,
    render_stakeholder_grid,
)
from tests.grid_factory import demo_grid, entry, grid, random_grid
from tests.helpers import png_size


def overlapping_pairs(boxes):
    return [
        (i, j)
        for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2)
        if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1
    ]


def drawn_label_boxes(drawn):
    figure = drawn.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    return [label.get_bbox_patch().get_window_extent(renderer) for label in drawn.labels]


def test_no_stakeholders_produce_no_chart():
    assert render_stakeholder_grid(grid([])) is None


def test_stakeholders_nobody_rated_produce_no_chart():
    assert render_stakeholder_grid(grid([entry(1, "CFO", None, None)])) is None


@pytest.mark.parametrize("count", [1, 40, 200])
def test_chart_is_a_png_of_the_fixed_size(count):
    data = render_stakeholder_grid(random_grid(count))
    assert png_size(data) == PIXEL_SIZE == (1600, 1200)
    assert data.endswith(b"IEND\xaeB`\x82")  # complete, not truncated


def test_demo_chart_labels_every_stakeholder():
    drawn = build_grid_figure(demo_grid())
    texts = [label.get_text() for label in drawn.labels]
    assert texts[0] == "CFO"  # most influential first
    assert sorted(texts) == sorted(s.name for s in demo_grid().stakeholders)
    assert drawn.unlabelled == 0


@pytest.mark.parametrize(
    "result",
    [random_grid(40, seed=7), random_grid(40, seed=8, clustered=True)],
    ids=["spread", "piled on three points"],
)
def test_forty_labels_never_overlap_and_stay_inside_the_grid(result):
    drawn = build_grid_figure(result)
    assert len(drawn.labels) == MAX_LABELS
    boxes = drawn_label_boxes(drawn)
    assert overlapping_pairs(boxes) == []
    renderer = drawn.figure.canvas.get_renderer()
    axes = drawn.figure.axes[0]
    area = axes.get_window_extent(renderer)
    assert all(
        area.x0 <= b.x0 and b.x1 <= area.x1 and area.y0 <= b.y0 and b.y1 <= area.y1 for b in boxes
    )
    quadrant_names = [
        t.get_window_extent(renderer) for t in axes.texts if not isinstance(t, Annotation)
    ]
    assert len(quadrant_names) == 4
    assert overlapping_pairs(quadrant_names + boxes) == []


def test_beyond_forty_the_most_influential_are_labelled_and_the_rest_are_points():
    result = random_grid(200, seed=3)
    drawn = build_grid_figure(result)
    assert drawn.unlabelled == 160
    labelled = {label.get_text() for label in drawn.labels}
    most_influential = {s.name[:27].rstrip() for s in result.stakeholders[:MAX_LABELS]}
    assert {text.rstrip("…") for text in labelled} == most_influential
    assert overlapping_pairs(drawn_label_boxes(drawn)) == []
    footnote = drawn.figure.texts[-1].get_text()
    assert "40 most influential of 200" in footnote and "160 more" in footnote


def test_names_are_plain_text_not_mathtext():
    result = grid([entry(1, "$5 buyers $ and 50% of_them^2", 4, 4)])
    assert png_size(render_stakeholder_grid(result)) == PIXEL_SIZE


def test_alt_text_counts_each_quadrant():
    assert grid_alt_text(demo_grid()) == (
        "Stakeholder grid of influence against interest for “Northwind onboarding”: "
        "1 manage closely, 3 keep satisfied, 2 keep informed, 2 monitor."
    )
