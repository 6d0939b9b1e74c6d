"""The emotion lines' labels never overlap each other or the axes' labels, even with five
personas whose lowest points fall at the same touchpoint (bounding boxes from the renderer)."""

from itertools import combinations

import pytest

from bot.emotions.lines import LOW_HEADING, LOW_LABEL, draw_emotion_lines
from flows.emotions import summarise_lines

JOURNEY = [
    (1, "Search results page", 1, "Find"),
    (2, "Ads", 1, "Find"),
    (3, "Onboarding call", 2, "Buy"),
    (4, "Delivery", 2, "Buy"),
]
PERSONAS = [(p, f"Persona number {p}") for p in range(1, 6)]


def lines_with_one_low(lowest: int, last: int):
    """Every persona feels +1 everywhere but at the onboarding call (`lowest` for odd personas,
    `lowest` + 1 for even ones) and at the delivery (`last` for all): the five ▼ and the five
    names at the lines' ends fall on the same touchpoints."""
    rows = []
    for persona, _ in PERSONAS:
        for touchpoint in range(1, 5):
            feeling = 1
            if touchpoint == 3:
                feeling = lowest + (persona + 1) % 2
            elif touchpoint == 4:
                feeling = last
            rows.append((1, persona, touchpoint, 1, feeling))
    return summarise_lines(7, "Web shop", 1, JOURNEY, rows, PERSONAS)


def boxes(figure):
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    (axes,) = figure.axes

    def extent(artist):
        return artist.get_window_extent(renderer)

    lows = [extent(t) for t in figure.texts if t.get_gid() == LOW_LABEL]
    heading = [extent(t) for t in figure.texts if t.get_gid() == LOW_HEADING]
    ticks = [extent(t) for t in axes.get_xticklabels() + axes.get_yticklabels() if t.get_text()]
    inside = [extent(t) for t in axes.texts]  # stage names and the names at the lines' ends
    others = [extent(t) for t in figure.texts if t.get_gid() is None]  # the title, the note
    legend = [extent(t) for legend in figure.legends for t in legend.get_texts()]
    return lows, heading, ticks, inside, others, legend, extent(axes)


@pytest.mark.parametrize(("lowest", "last"), [(-2, 1), (-2, -2), (-2, 2)])
def test_five_personas_at_one_low_point_never_overlap(lowest, last):
    lows, heading, ticks, inside, others, legend, plot = boxes(
        draw_emotion_lines(lines_with_one_low(lowest, last))
    )
    assert len(lows) == 5 and len(heading) == 1  # one row per persona's lowest point
    labels = lows + heading + inside + others + legend
    for a, b in combinations(labels, 2):
        assert not a.overlaps(b), (a, b)
    for label in labels:
        for tick in ticks:
            assert not label.overlaps(tick), (label, tick)
    for label in lows + heading + others + legend:  # the list sits outside the plot
        assert not label.overlaps(plot), label
    # the names at the lines' ends stay within the plot's height (never down into the axis)
    assert all(plot.y0 <= box.y0 and box.y1 <= plot.y1 + 40 for box in inside)


def test_without_a_point_below_zero_there_is_no_list():
    rows = [(1, p, tp, 1, 1) for p, _ in PERSONAS for tp in range(1, 5)]
    figure = draw_emotion_lines(summarise_lines(7, "T", 1, JOURNEY, rows, PERSONAS))
    assert not [t for t in figure.texts if t.get_gid() in (LOW_LABEL, LOW_HEADING)]
