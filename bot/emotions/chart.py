"""The emotion curve chart: the mean feeling at each touchpoint in journey order, joined by a
line, in stage bands with each stage's mean as a dashed segment; the lowest points are marked
with ▼ and named. Meaning is never by colour alone: the scale is labelled in words, and the
values are written next to the points. Built on matplotlib's object API (no pyplot).
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes

from bot.charts.drawing import hide_spines, new_figure, png_bytes, short, title_and_note
from bot.charts.palette import BANDS, INK, MUTED
from flows.emotions import FEELINGS, EmotionCurve
from flows.gaps.statistics import signed

DPI = 110
LOW = "#b5179e"
MAX_LABEL = 22


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return short(text, limit)


def render_emotion_curve(curve: EmotionCurve) -> bytes:
    points = curve.points
    width = max(8.0, 0.55 * len(points) + 2.5)
    figure = new_figure(width, 5.2, DPI)
    axes = figure.add_axes((0.16, 0.32, 0.82, 0.56))
    for band, stage in enumerate(curve.stages):
        members = [i for i, p in enumerate(points) if p.stage_id == stage.stage_id]
        if not members:
            continue
        first, last = members[0], members[-1]
        axes.axvspan(first - 0.5, last + 0.5, color=BANDS[band % 2], zorder=0)
        axes.text(
            (first + last) / 2,
            2.45,
            _short(stage.name, 18)
            + f"\nmean {signed(stage.mean) if stage.mean is not None else '–'}",
            ha="center",
            va="bottom",
            fontsize=8,
            color=INK,
        )
        if stage.mean is not None:
            axes.hlines(stage.mean, first - 0.4, last + 0.4, colors=MUTED, linestyles="dashed")
    axes.axhline(0, color="#adb5bd", linewidth=1)
    rated = [(i, p.mean) for i, p in enumerate(points) if p.mean is not None]
    if rated:
        axes.plot(
            [i for i, _ in rated], [mean for _, mean in rated], color=INK, marker="o", zorder=3
        )
        for i, mean in rated:
            axes.annotate(
                signed(mean),
                (i, mean),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=7.5,
                color=INK,
            )
    lowest = {p.touchpoint_id: rank for rank, p in enumerate(curve.lowest)}
    for i, p in enumerate(points):
        if p.touchpoint_id in lowest and p.mean is not None:
            axes.scatter([i], [p.mean], marker="v", s=140, color=LOW, zorder=4)
            axes.annotate(
                f"▼ {_short(p.name, 16)} {signed(p.mean)}",
                (i, p.mean),
                textcoords="offset points",
                xytext=(0, -16 - 11 * (lowest[p.touchpoint_id] % 2)),
                ha="center",
                fontsize=8,
                fontweight="bold",
                color=LOW,
            )
    feeling_frame(axes, [p.name for p in points])
    title_and_note(
        figure,
        _short(f"How the customer feels · {curve.title}", 70) + f" · round {curve.round}",
        "Mean feeling per touchpoint (−2…+2); dashed: the stage's mean; ▼ named: the lowest "
        "points below 0 (the moments that matter); no point: no feeling given.",
    )
    return png_bytes(figure)


def feeling_frame(axes: Axes, names: Sequence[str], bottom: float = -2.4) -> None:
    """The frame of both emotion charts: a column per touchpoint `names` (slanted below), the
    feelings from +2 down to −2 up the side (down to `bottom`), no frame line at top or right."""
    axes.set_xlim(-0.5, max(len(names) - 0.5, 0.5))
    axes.set_ylim(bottom, 2.4)
    axes.set_yticks([2, 1, 0, -1, -2])
    axes.set_yticklabels(
        [f"{v:+d} {FEELINGS[v]}" if v else f"0 {FEELINGS[0]}" for v in (2, 1, 0, -1, -2)],
        fontsize=8,
    )
    axes.set_xticks(list(range(len(names))))
    axes.set_xticklabels([_short(name) for name in names], rotation=45, ha="right", fontsize=8)
    hide_spines(axes)


def curve_alt_text(curve: EmotionCurve) -> str:
    parts = [f"Emotion curve, round {curve.round}, mean feeling on −2 to +2 per touchpoint."]
    for stage in curve.stages:
        members = [
            f"{p.name} {signed(p.mean)}"
            for p in curve.points
            if p.stage_id == stage.stage_id and p.n
        ]
        if members:
            parts.append(f"{stage.name}: {', '.join(members)}.")
    if curve.lowest:
        parts.append("Lowest: " + ", ".join(p.name for p in curve.lowest) + ".")
    text = " ".join(parts)
    return text if len(text) <= 1000 else text[:999] + "…"
