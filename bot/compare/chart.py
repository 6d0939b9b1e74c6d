"""The comparison chart: each matched stage's mean gap in every compared workshop, side by side
(a dot plot, stages in journey order top to bottom). Each workshop has its own marker shape and
Okabe–Ito colour and is named in the legend; every dot carries its value, and zero (customers
get what they expect) is a labelled line, so nothing is told by colour alone. matplotlib's
object API (no pyplot), like every chart."""

from __future__ import annotations

from bot.charts.drawing import hide_spines, new_figure, png_bytes, short
from bot.charts.palette import (
    BLUE,
    BLUISH_GREEN,
    MUTED,
    ORANGE,
    REDDISH_PURPLE,
    SKY_BLUE,
    VERMILLION,
)
from flows.benchmarking import Comparison
from flows.formatting import signed

COLOURS = (BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, ORANGE, SKY_BLUE)
MARKERS = ("o", "s", "^", "D", "v", "P")
MAX_LABEL = 28
MAX_ALT_TEXT = 1000  # files.getUploadURLExternal refuses longer alt text


def _short(text: str) -> str:
    return short(text, MAX_LABEL)


def render_comparison_chart(comparison: Comparison) -> bytes | None:
    """PNG bytes; None when no stage matched (there is nothing to draw side by side)."""
    stages = comparison.stages
    if not stages:
        return None
    count = len(comparison.workshops)
    figure = new_figure(9.0, 1.6 + 0.9 * len(stages), 110)
    axes = figure.add_subplot(1, 1, 1)
    axes.axvline(0, color=MUTED, lw=1, ls="--")
    axes.annotate(
        "expectations met",
        (0, -0.6),
        xytext=(4, 0),
        textcoords="offset points",
        color=MUTED,
        fontsize=8,
    )
    step = 0.7 / max(count, 1)
    for place, workshop in enumerate(comparison.workshops):
        offset = (place - (count - 1) / 2) * step
        xs, ys = [], []
        for row_number, row in enumerate(stages):
            cell = row.cells[place]
            if cell is None or cell.mean_gap is None:
                continue
            xs.append(cell.mean_gap)
            ys.append(row_number + offset)
        colour, marker = COLOURS[place % len(COLOURS)], MARKERS[place % len(MARKERS)]
        axes.scatter(
            xs,
            ys,
            color=colour,
            marker=marker,
            s=60,
            edgecolors="black",
            linewidths=0.6,
            zorder=3,
            label=f"#{workshop.id} {_short(workshop.title)} (round {workshop.round or '–'})",
        )
        for x, y in zip(xs, ys, strict=True):
            axes.annotate(
                signed(x),
                (x, y),
                xytext=(7, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color="black",
            )
    axes.set_yticks(range(len(stages)), [_short(row.name) for row in stages])
    axes.set_ylim(len(stages) - 0.4, -0.8)  # journey order top to bottom
    gaps = [c.mean_gap for row in stages for c in row.cells if c and c.mean_gap is not None]
    low, high = min([*gaps, 0.0]), max([*gaps, 0.0])
    axes.set_xlim(low - 0.6, high + 0.9)
    axes.set_xlabel("mean gap (experience − expectation); left of 0: customers get less")
    axes.set_title("Gap per stage, workshops side by side (latest rated round)", fontsize=10)
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.06), ncol=2, fontsize=8, frameon=False)
    hide_spines(axes)
    figure.tight_layout()
    return png_bytes(figure)


def comparison_alt_text(comparison: Comparison) -> str:
    """Every stage's gaps in words, for screen readers."""
    names = {place: f"#{w.id}" for place, w in enumerate(comparison.workshops)}
    parts = [
        f"{row.name}: "
        + ", ".join(
            f"{names[p]} {signed(c.mean_gap)}"
            for p, c in enumerate(row.cells)
            if c is not None and c.mean_gap is not None
        )
        for row in comparison.stages
    ]
    text = "Dot plot of the mean gap per stage, one marker shape per workshop. " + "; ".join(parts)
    return text[:MAX_ALT_TEXT]
