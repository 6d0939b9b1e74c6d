"""The journey gap chart: every touchpoint in journey order, grouped into stage bands.

Left panel: expectation (hollow) and experience (filled) on the 1–7 scale, joined by a line that
is the gap, red where expectations are not met. Right panel: the mean gap as a bar with its 95 %
confidence interval, and the previous round's gap as a diamond, so the change is visible. The
widest shortfalls are drawn darker and their names are bold.

While the emotion curve is in use (the results carry a curve with feelings), a narrow panel
"Feeling (−2…+2)" sits between the gap and the figures, on the same rows: the mean feeling per
touchpoint joined top to bottom (the emotion lane beside the steps), each stage's mean as a
square on its stage row, a zero line, and the lowest points (the moments that matter) as ▼ with
their figure in bold and "lowest" beside them. Without it the chart is drawn exactly as before.

Built on matplotlib's object API (no pyplot), so concurrent listener threads never share state.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bot.charts import palette
from bot.charts.drawing import hide_spines, new_figure, png_bytes, short
from bot.charts.palette import BANDS, GRID, INK, MUTED, RULE
from flows.emotions import EmotionCurve
from flows.gaps.results import GapResults, StageGap, TouchpointGap
from flows.gaps.statistics import signed

WORST_HIGHLIGHTED = 3
ROW_HEIGHT_IN = 0.36
WIDTH_IN = 13.0
DPI = 110
MAX_LABEL = 34

# Colour-blind-safe (bot/charts/palette.py); a gap's side of zero and its sign in the notes say
# the same as its colour.
SHORTFALL = palette.VERMILLION
WORST = palette.REDDISH_PURPLE
MET = palette.BLUE
NEUTRAL = "#8d99ae"

# The feeling panel: an ordinary point is a small filled circle, a lowest point a larger ▼ in
# orange with "lowest" written beside it (shape and label say it without the colour).
FEELING_INK = INK
LOWEST = palette.ORANGE
LOWEST_MARKER = "v"
POINT_MARKER = "o"
STAGE_MARKER = "s"
FEELING_RATIO = 0.5  # the panel's width, against the scale panel's 1.2
FEELING_WIDTH_IN = 1.9  # the figure grows by about the panel, so the other panels keep theirs
LABELS_IN = 0.17 * WIDTH_IN  # the row labels' room on the left
LEGEND_ROWS_IN = 0.22  # the legend's second row


@dataclass(frozen=True)
class _Row:
    y: int
    label: str
    touchpoint: TouchpointGap | None = None
    stage: StageGap | None = None


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return short(text, limit)


def _layout(results: GapResults) -> list[_Row]:
    rows: list[_Row] = []
    by_stage = {stage.stage_id: stage for stage in results.stages}
    current_stage = None
    for touchpoint in results.touchpoints:
        if touchpoint.stage_id != current_stage:
            current_stage = touchpoint.stage_id
            stage = by_stage[current_stage]
            rows.append(_Row(len(rows), _short(stage.name.upper(), MAX_LABEL), stage=stage))
        rows.append(_Row(len(rows), _short(touchpoint.name), touchpoint=touchpoint))
    return rows


def _colour(touchpoint: TouchpointGap, worst: set[int]) -> str:
    gap = touchpoint.stats.mean_gap
    if touchpoint.touchpoint_id in worst:
        return WORST
    if gap is None or abs(gap) < 1e-12:
        return NEUTRAL
    return SHORTFALL if gap < 0 else MET


def _drawn_curve(results: GapResults) -> EmotionCurve | None:
    """The curve the feeling panel draws: only one with feelings (the lane is off until used)."""
    curve = results.curve
    return curve if curve is not None and curve.has_feelings else None


def render_gap_chart(results: GapResults) -> bytes:
    """The journey gap chart as PNG bytes; with the feeling panel when the results carry a
    curve with feelings (flows.emotions.with_curve)."""
    rows = _layout(results)
    worst = {t.touchpoint_id for t in results.shortfalls[:WORST_HIGHLIGHTED]}
    curve = _drawn_curve(results)
    legend_in = LEGEND_ROWS_IN if curve is not None else 0.0  # its legend takes two rows
    height = 2.2 + legend_in + ROW_HEIGHT_IN * max(len(rows), 3)
    width = WIDTH_IN + (FEELING_WIDTH_IN if curve is not None else 0.0)
    figure = new_figure(width, height, DPI)
    ratios = (1.2, 1.0, FEELING_RATIO, 0.62) if curve is not None else (1.2, 1.0, 0.62)
    grid = figure.add_gridspec(1, len(ratios), width_ratios=ratios, wspace=0.03)
    scale_axes = figure.add_subplot(grid[0, 0])
    gap_axes = figure.add_subplot(grid[0, 1], sharey=scale_axes)
    feeling_axes = figure.add_subplot(grid[0, 2], sharey=scale_axes) if curve is not None else None
    note_axes = figure.add_subplot(grid[0, len(ratios) - 1], sharey=scale_axes)
    note_axes.axis("off")
    note_axes.set_xlim(0, 1)
    _note_titles(note_axes, results.previous_round)

    _draw_bands(rows, (scale_axes, gap_axes) + ((feeling_axes,) if feeling_axes else ()))
    for row in rows:
        if row.touchpoint is not None:
            _draw_scale_row(scale_axes, row, worst)
            _draw_gap_row(gap_axes, row, worst)
            _draw_touchpoint_note(note_axes, row, worst, results.previous_round)
        elif row.stage is not None:
            _draw_stage_note(note_axes, row, results.previous_round)

    _style_scale_axes(scale_axes, rows, worst)
    _style_gap_axes(gap_axes, results)
    if feeling_axes is not None and curve is not None:
        _draw_feelings(feeling_axes, rows, curve)
    _titles(figure, results)
    _legend(figure, results, curve is not None)
    top = 1 - 1.05 / height
    bottom = (0.85 + legend_in) / height
    left = LABELS_IN / width if curve is not None else 0.17
    figure.subplots_adjust(left=left, right=0.99, top=top, bottom=bottom)
    return png_bytes(figure)


def _draw_bands(rows: list[_Row], axes_pair: tuple[Axes, ...]) -> None:
    stage_starts = [row.y for row in rows if row.stage is not None] + [len(rows)]
    for index, (start, end) in enumerate(itertools.pairwise(stage_starts)):
        for axes in axes_pair:
            axes.axhspan(start - 0.5, end - 0.5, color=BANDS[index % 2], zorder=0, lw=0)
            axes.axhline(start - 0.5, color=RULE, lw=0.8, zorder=1)


def _draw_scale_row(axes: Axes, row: _Row, worst: set[int]) -> None:
    touchpoint = row.touchpoint
    assert touchpoint is not None
    stats = touchpoint.stats
    expectation, experience = stats.mean_expectation, stats.mean_experience
    if expectation is None or experience is None:  # nobody rated it (n = 0)
        axes.text(4, row.y, "not rated", ha="center", va="center", color=MUTED, fontsize=8.5)
        return
    colour = _colour(touchpoint, worst)
    width = 4.5 if touchpoint.touchpoint_id in worst else 2.5
    axes.plot([expectation, experience], [row.y, row.y], color=colour, lw=width, zorder=2)
    axes.scatter([expectation], [row.y], s=70, facecolor="white", edgecolor=INK, lw=1.6, zorder=3)
    axes.scatter([experience], [row.y], s=70, color=colour, edgecolor=INK, lw=0.8, zorder=4)


def _draw_gap_row(axes: Axes, row: _Row, worst: set[int]) -> None:
    touchpoint = row.touchpoint
    assert touchpoint is not None
    stats = touchpoint.stats
    previous_gap = touchpoint.previous.mean_gap if touchpoint.previous else None
    if previous_gap is not None:
        axes.scatter(
            [previous_gap], [row.y], marker="D", s=38, facecolor="white", edgecolor=INK, zorder=5
        )
    gap = stats.mean_gap
    if gap is None:  # nobody rated it (n = 0)
        return
    colour = _colour(touchpoint, worst)
    axes.barh(row.y, gap, height=0.56, color=colour, alpha=0.9, zorder=2)
    if stats.ci is not None:
        low, high = stats.ci
        axes.plot([max(low, -6.4), min(high, 6.4)], [row.y, row.y], color=INK, lw=1.0, zorder=3)
    if previous_gap is not None and abs(gap - previous_gap) >= 0.05:
        # An arrow from last round's gap to this round's: the change at a glance.
        axes.annotate(
            "",
            xy=(gap, row.y - 0.3),
            xytext=(previous_gap, row.y - 0.3),
            arrowprops={"arrowstyle": "->", "color": INK, "lw": 0.9},
            zorder=6,
        )


def _draw_feelings(axes: Axes, rows: list[_Row], curve: EmotionCurve) -> None:
    """The feeling panel: the curve top to bottom, stage means, the zero line, lowest points."""
    at = {row.touchpoint.touchpoint_id: row.y for row in rows if row.touchpoint is not None}
    stage_at = {row.stage.stage_id: row.y for row in rows if row.stage is not None}
    lowest = {point.touchpoint_id for point in curve.lowest}
    felt = [  # (mean feeling, row, lowest?) of every touchpoint with feelings, top to bottom
        (p.mean, at[p.touchpoint_id], p.touchpoint_id in lowest)
        for p in curve.points
        if p.mean is not None and p.touchpoint_id in at
    ]
    axes.axvline(0, color=INK, lw=0.9, zorder=2)
    axes.plot([m for m, _, _ in felt], [y for _, y, _ in felt], color=FEELING_INK, lw=1.4, zorder=3)
    for mean, y, is_lowest in felt:
        if not is_lowest:
            axes.scatter([mean], [y], marker=POINT_MARKER, s=22, color=FEELING_INK, zorder=4)
            continue
        axes.scatter([mean], [y], marker=LOWEST_MARKER, s=95, color=LOWEST, edgecolor=INK, zorder=5)
        axes.text(
            mean + 0.28,
            y,
            f"{signed(mean)} lowest",
            va="center",
            fontsize=8,
            fontweight="bold",
            color=INK,
            zorder=6,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
    for stage in curve.stages:
        if stage.mean is None or stage.stage_id not in stage_at:
            continue
        y = stage_at[stage.stage_id]
        axes.scatter([stage.mean], [y], marker=STAGE_MARKER, s=30, color=MUTED, zorder=4)
        axes.text(
            stage.mean + 0.25,
            y,
            signed(stage.mean),
            va="center",
            fontsize=7.5,
            color=MUTED,
            zorder=6,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
    axes.set_xlim(-2.6, 2.6)
    axes.set_xticks(range(-2, 3))
    axes.set_xticklabels([signed(value) for value in range(-2, 3)], fontsize=8)
    axes.grid(axis="x", color=GRID, lw=0.7, zorder=1)
    axes.tick_params(axis="y", left=False, labelleft=False)
    axes.set_xlabel("← negative   positive →", fontsize=9)
    axes.set_title("Feeling (−2…+2)", fontsize=10, color=INK, loc="left")
    hide_spines(axes, ("top", "right", "left"))


NOTE_GAP_X, NOTE_CHANGE_X, NOTE_N_X = 0.02, 0.21, 0.52
CLEAR_CHANGE = 0.5  # a change of at least half a scale point is coloured: narrowed or widened


def _change_colour(change: float | None) -> str:
    if change is None or abs(change) < CLEAR_CHANGE:
        return MUTED
    return MET if change > 0 else SHORTFALL


def _draw_note(
    axes: Axes,
    y: int,
    stats_gap: float | None,
    change: float | None,
    tail: str,
    previous_round: int | None,
    colour: str,
    bold: bool,
) -> None:
    weight = "bold" if bold else "normal"
    axes.text(
        NOTE_GAP_X, y, signed(stats_gap), va="center", fontsize=8.5, color=colour, fontweight=weight
    )
    if previous_round is not None:
        axes.text(
            NOTE_CHANGE_X,
            y,
            f"Δ {signed(change)}",
            va="center",
            fontsize=8.5,
            color=_change_colour(change),
            fontweight="bold" if change is not None and abs(change) >= CLEAR_CHANGE else weight,
        )
    tail_x = NOTE_N_X if previous_round is not None else NOTE_CHANGE_X
    axes.text(tail_x, y, tail, va="center", fontsize=8, color=colour, fontweight=weight)


def _draw_touchpoint_note(
    axes: Axes, row: _Row, worst: set[int], previous_round: int | None
) -> None:
    touchpoint = row.touchpoint
    assert touchpoint is not None
    stats = touchpoint.stats
    if not stats.rated:
        return
    tail = f"n={stats.n}"
    notes = ", ".join(str(flag) for flag in touchpoint.flags)
    if notes:
        tail += f" · {notes}"
    highlighted = touchpoint.touchpoint_id in worst
    colour = WORST if highlighted else INK
    _draw_note(
        axes, row.y, stats.mean_gap, touchpoint.change, tail, previous_round, colour, highlighted
    )


def _draw_stage_note(axes: Axes, row: _Row, previous_round: int | None) -> None:
    stage = row.stage
    assert stage is not None
    if not stage.stats.rated:
        return
    tail = f"n={stage.stats.n} (stage)"
    _draw_note(axes, row.y, stage.stats.mean_gap, stage.change, tail, previous_round, MUTED, True)


def _note_titles(axes: Axes, previous_round: int | None) -> None:
    title: dict[str, Any] = {
        "fontsize": 10,
        "color": INK,
        "va": "bottom",
        "transform": axes.transAxes,
    }
    axes.text(NOTE_GAP_X, 1.005, "gap", **title)
    if previous_round is not None:
        axes.text(NOTE_CHANGE_X, 1.005, f"Δ vs round {previous_round}", **title)


def _style_scale_axes(axes: Axes, rows: list[_Row], worst: set[int]) -> None:
    axes.set_xlim(0.5, 7.5)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.set_xticks(range(1, 8))
    axes.set_xlabel("1 = very low  …  7 = very high", fontsize=9, color=MUTED)
    axes.set_yticks([row.y for row in rows])
    axes.set_yticklabels([row.label for row in rows], fontsize=9)
    for row, tick in zip(rows, axes.get_yticklabels(), strict=True):
        if row.stage is not None:
            tick.set_fontweight("bold")
            tick.set_color(MUTED)
        elif row.touchpoint is not None and row.touchpoint.touchpoint_id in worst:
            tick.set_fontweight("bold")
            tick.set_color(WORST)
    axes.tick_params(axis="y", length=0)
    axes.grid(axis="x", color=GRID, lw=0.7, zorder=1)
    axes.set_title("Expectation ○ and experience ● (mean, 1–7)", fontsize=10, color=INK, loc="left")
    hide_spines(axes)


def _style_gap_axes(axes: Axes, results: GapResults) -> None:
    axes.set_xlim(-6.5, 6.5)
    axes.set_xticks(range(-6, 7, 2))
    axes.axvline(0, color=INK, lw=1.0, zorder=2)
    axes.grid(axis="x", color=GRID, lw=0.7, zorder=1)
    axes.tick_params(axis="y", left=False, labelleft=False)
    axes.set_xlabel("← expectations not met      gap      expectations exceeded →", fontsize=9)
    title = "Gap = experience − expectation (95 % CI)"
    axes.set_title(title, fontsize=10, color=INK, loc="left")
    hide_spines(axes, ("top", "right", "left"))


def _titles(figure: Figure, results: GapResults) -> None:
    height = figure.get_figheight()
    figure.text(
        0.01,
        1 - 0.28 / height,
        _short(f"{results.title}: journey gaps, round {results.round}", 90),
        fontsize=15,
        fontweight="bold",
        color=INK,
        va="top",
    )
    subtitle = (
        f"{results.raters} of {results.participants} participants rated · "
        f"journey mean gap {signed(results.journey.mean_gap)}"
    )
    if results.weighted_gap is not None:
        subtitle += f" · importance-weighted {signed(results.weighted_gap)}"
    if results.journey_previous is not None and results.journey_previous.mean_gap is not None:
        subtitle += (
            f" · round {results.previous_round}: {signed(results.journey_previous.mean_gap)}"
        )
    figure.text(0.01, 1 - 0.62 / height, subtitle, fontsize=10, color=MUTED, va="top")


def _legend(figure: Figure, results: GapResults, feelings: bool = False) -> None:
    handles = [
        Line2D([], [], marker="o", ls="", mfc="white", mec=INK, label="expectation"),
        Line2D([], [], marker="o", ls="", color=NEUTRAL, mec=INK, label="experience"),
        Patch(color=SHORTFALL, label="expectations not met"),
        Patch(color=WORST, label=f"widest {WORST_HIGHLIGHTED} shortfalls"),
        Patch(color=MET, label="met or exceeded"),
        Line2D([], [], color=INK, lw=1, label="95 % confidence interval"),
    ]
    if results.previous_round is not None:
        handles.append(
            Line2D(
                [],
                [],
                marker="D",
                ls="",
                mfc="white",
                mec=INK,
                label=f"round {results.previous_round} gap",
            )
        )
    if feelings:
        handles += [
            Line2D([], [], marker=POINT_MARKER, color=FEELING_INK, label="mean feeling"),
            Line2D([], [], marker=STAGE_MARKER, ls="", color=MUTED, label="stage feeling"),
            Line2D(
                [],
                [],
                marker=LOWEST_MARKER,
                ls="",
                color=LOWEST,
                mec=INK,
                label="lowest: the moments that matter",
            ),
        ]
    figure.legend(
        handles=handles,
        loc="lower center",
        ncol=math.ceil(len(handles) / 2) if feelings else len(handles),
        fontsize=8.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )


def chart_alt_text(results: GapResults) -> str:
    """What the chart shows, for screen readers (Slack's alt text)."""
    worst = ", ".join(
        f"{t.name} {signed(t.stats.mean_gap)}" for t in results.shortfalls[:WORST_HIGHLIGHTED]
    )
    text = (
        f"Journey gap chart, round {results.round}: expectation and experience for "
        f"{results.rated_count} rated touchpoints in journey order."
    )
    if worst:
        text += f" Widest shortfalls: {worst}."
    curve = _drawn_curve(results)
    if curve is not None:
        text += " " + _curve_sentence(curve)
    return text[:1000]


def _curve_sentence(curve: EmotionCurve) -> str:
    lowest = ", ".join(f"{p.name} {signed(p.mean)}" for p in curve.lowest)
    if lowest:
        return f"Feeling (−2 to +2) per touchpoint beside the gaps; lowest points: {lowest}."
    return "Feeling (−2 to +2) per touchpoint beside the gaps; none is negative on average."
