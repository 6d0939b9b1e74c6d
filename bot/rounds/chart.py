"""The trend chart: the top gaps' mean gap in every round, one line each. Each line has its own
marker shape and its name at its end, so no line is told apart by colour alone; zero (customers
get what they expect) is a labelled line. matplotlib's object API (no pyplot), like every chart.
"""

from __future__ import annotations

from bot.charts import palette
from bot.charts.drawing import hide_spines, new_figure, png_bytes, short
from flows.gaps.statistics import signed
from flows.loop import LoopClosure

COLOURS = palette.LINES
MARKERS = ("o", "s", "^", "D", "v")
MAX_LABEL = 28


def _short(text: str) -> str:
    return short(text, MAX_LABEL)


def render_trend_chart(closure: LoopClosure) -> bytes:
    """PNG bytes: the top gaps' mean gap per round."""
    rounds = max(len(gap.trend.gaps) for gap in closure.top)
    figure = new_figure(9.0, 5.0, 110)
    axes = figure.add_subplot(1, 1, 1)
    axes.axhline(0, color=palette.MUTED, lw=1, ls="--")
    axes.annotate(
        "expectations met",
        (1, 0),
        xytext=(4, 4),
        textcoords="offset points",
        color=palette.MUTED,
        fontsize=9,
    )
    for index, gap in enumerate(closure.top):
        points = [(n, g) for n, g in enumerate(gap.trend.gaps, 1) if g is not None]
        xs, ys = zip(*points, strict=True)
        colour, marker = COLOURS[index % len(COLOURS)], MARKERS[index % len(MARKERS)]
        style = "-" if gap.done else ":"
        axes.plot(xs, ys, style, color=colour, marker=marker, lw=2, ms=7)
        label = f"{_short(gap.trend.name)} {signed(ys[-1])}" + (" ✓ done" if gap.done else "")
        axes.annotate(
            label,
            (xs[-1], ys[-1]),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            color=colour,
            fontsize=9,
        )
    axes.set_xticks(range(1, rounds + 1), [f"Round {n}" for n in range(1, rounds + 1)])
    axes.set_xlim(0.8, rounds + 1.2)
    axes.set_ylabel("mean gap (experience − expectation)")
    axes.set_title(
        "Top gaps of round 1, round by round (solid: action item done; dotted: not yet)",
        fontsize=10,
    )
    hide_spines(axes)
    figure.tight_layout()
    return png_bytes(figure)


def trend_chart_alt_text(closure: LoopClosure) -> str:
    parts = [
        f"{gap.trend.name}: "
        + ", ".join(signed(g) for g in gap.trend.gaps if g is not None)
        + (" (action item done)" if gap.done else "")
        for gap in closure.top
    ]
    return ("Gap trend chart, mean gap per round of round 1's top gaps. " + "; ".join(parts))[:1000]
