"""The emotion curve as several lines: one per persona when the workshop has personas, otherwise
one per round (the latest emphasised). Each line has its own colour from the colour-blind-safe
palette *and* its own marker and line style, and is named at its end and in the legend, so the
lines are told apart without colour; each line's lowest point below 0 is marked ▼ on the line
and named in a list above the plot (one row each, with the line's marker), so names never run
into each other or the axis labels.
The alt text says the same in words. Built on matplotlib's object API (no pyplot).
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bot.charts import palette
from bot.charts.drawing import new_figure, png_bytes, short
from bot.emotions.chart import DPI, MAX_LABEL, feeling_frame
from flows.emotions import EmotionCurve, EmotionLines, EmotionPoint
from flows.formatting import signed

# One look per line, in this order: colour (palette.LINES), marker and dash pattern all differ.
COLOURS = palette.LINES
MARKERS = ("o", "s", "^", "D", "P")
STYLES = ("-", "--", "-.", ":", (0, (6, 2, 1, 2)))
LATEST = palette.BLUE  # the current round's line, drawn thicker
EARLIER = (palette.ORANGE, palette.SKY_BLUE, palette.REDDISH_PURPLE, palette.BLACK)
MAX_ROUND_LINES = 5  # the latest and the four before it
# The layout, in inches: the plot keeps its size and the figure grows one row per named low.
BELOW_AXES = 1.9  # the touchpoint names (at 45°), the legend and the note
AXES_HEIGHT = 3.0
ABOVE_AXES = 0.7  # the stage names and the title
TITLE_ROOM = 0.42  # from the top of the figure to the list of lowest points
LIST_ROW = 0.16
END_GAP = 0.27  # scale points between names at the lines' ends (7.5 pt type on a 3 in plot)
END_FLOOR = -2.35  # the lowest a name at a line's end goes: inside the plot (its floor: −2.5)
LOW_HEADING, LOW_LABEL = "lowest-points-heading", "lowest-point"  # artist ids (tests)


@dataclass(frozen=True)
class Line:
    label: str
    curve: EmotionCurve
    colour: str
    marker: str
    style: str | tuple
    width: float
    emphasised: bool = False


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return short(text, limit)


def chart_lines(lines: EmotionLines) -> list[Line]:
    """What is drawn: per persona (labelled with the round when it is not the current one), or
    per round, oldest first, the latest emphasised."""
    if lines.by_persona:
        return [
            Line(
                _short(p.name, 18)
                + ("" if p.curve.round == lines.current.round else f" (round {p.curve.round})"),
                p.curve,
                COLOURS[i % len(COLOURS)],
                MARKERS[i % len(MARKERS)],
                STYLES[i % len(STYLES)],
                2.0,
            )
            for i, p in enumerate(lines.personas)
        ]
    shown = lines.rounds[-MAX_ROUND_LINES:]
    drawn = []
    for i, curve in enumerate(shown):
        latest = curve.round == lines.current.round
        back = len(shown) - 1 - i  # 0 for the latest
        drawn.append(
            Line(
                f"Round {curve.round}" + (" (now)" if latest else ""),
                curve,
                LATEST if latest else EARLIER[(back - 1) % len(EARLIER)],
                MARKERS[back % len(MARKERS)],
                STYLES[back % len(STYLES)],
                3.0 if latest else 1.5,
                emphasised=latest,
            )
        )
    return drawn


def _lowest(line: Line, by_persona: bool) -> tuple:
    """The points named on a line: each persona's lowest, or the latest round's moments."""
    if by_persona:
        return line.curve.lowest[:1]
    return line.curve.lowest if line.emphasised else ()


def _spread_ends(drawn: list[Line]) -> dict[int, float]:
    """Where each line's name goes at its end (line index → y): lines ending at the same
    touchpoint get their names END_GAP apart, highest first, so they never overprint."""
    ends: dict[int, list[tuple[float, int]]] = {}
    for index, line in enumerate(drawn):
        rated = [(i, p.mean) for i, p in enumerate(line.curve.points) if p.mean is not None]
        if rated:
            ends.setdefault(rated[-1][0], []).append((rated[-1][1], index))
    placed: dict[int, float] = {}
    for group in ends.values():
        below = None
        stacked = {}
        for y, index in sorted(group, key=lambda end: (-end[0], end[1])):
            y = y if below is None else min(y, below - END_GAP)
            stacked[index] = below = y
        lift = max(0.0, END_FLOOR - min(stacked.values()))  # keep clear of the axis labels
        placed.update({index: y + lift for index, y in stacked.items()})
    return placed


def _named_lows(lines: EmotionLines, drawn: list[Line]) -> list[tuple[Line, EmotionPoint]]:
    return [(line, low) for line in drawn for low in _lowest(line, lines.by_persona)]


def render_emotion_lines(lines: EmotionLines) -> bytes:
    return png_bytes(draw_emotion_lines(lines))


def draw_emotion_lines(lines: EmotionLines) -> Figure:
    """The chart. The lowest points are marked ▼ on their lines and named in a list of their
    own between the title and the plot, one row each: names never pile up on each other or on
    the axis labels, however many lines share a low point (the figure grows a row per name)."""
    points = lines.current.points
    drawn = chart_lines(lines)
    named = _named_lows(lines, drawn)
    width = max(8.0, 0.55 * len(points) + 3.5)
    list_height = (len(named) + 1) * LIST_ROW if named else 0.0
    height = BELOW_AXES + AXES_HEIGHT + ABOVE_AXES + list_height
    figure = new_figure(width, height, DPI)
    axes = figure.add_axes((0.16, BELOW_AXES / height, 0.78, AXES_HEIGHT / height))
    for band, stage in enumerate(lines.current.stages):
        members = [i for i, p in enumerate(points) if p.stage_id == stage.stage_id]
        if members:
            axes.axvspan(
                members[0] - 0.5, members[-1] + 0.5, color=palette.BANDS[band % 2], zorder=0
            )
            axes.text(
                (members[0] + members[-1]) / 2,
                2.45,
                _short(stage.name, 18),
                ha="center",
                va="bottom",
                fontsize=8,
                color=palette.INK,
            )
    axes.axhline(0, color="#adb5bd", linewidth=1)
    end_labels = _spread_ends(drawn)
    for order, line in enumerate(drawn):
        rated = [(i, p.mean) for i, p in enumerate(line.curve.points) if p.mean is not None]
        if not rated:
            continue
        axes.plot(
            [i for i, _ in rated],
            [mean for _, mean in rated],
            color=line.colour,
            marker=line.marker,
            linestyle=line.style,
            linewidth=line.width,
            markersize=7 if line.emphasised else 6,
            label=line.label,
            zorder=5 if line.emphasised else 3,
        )
        last_x, last_y = rated[-1]
        axes.annotate(
            line.label,
            (last_x, last_y),
            textcoords="data",
            xytext=(last_x + 0.12, end_labels[order]),
            va="center",
            ha="left",
            fontsize=7.5,
            fontweight="bold" if line.emphasised else "normal",
            color=palette.INK,
            annotation_clip=False,
        )
        for low in _lowest(line, lines.by_persona):
            x = next(i for i, p in enumerate(points) if p.touchpoint_id == low.touchpoint_id)
            axes.scatter([x], [low.mean], marker="v", s=120, color=palette.INK, zorder=6)
    if named:
        _list_lows(figure, lines, named, height)
    feeling_frame(axes, [p.name for p in points], bottom=-2.5)
    if axes.get_legend_handles_labels()[0]:
        figure.legend(
            loc="lower left",
            bbox_to_anchor=(0.02, 0.07),
            ncol=min(len(drawn), 5),
            fontsize=8,
            frameon=False,
        )
    what = "per persona" if lines.by_persona else "per round"
    figure.suptitle(
        _short(f"How the customer feels {what} · {lines.current.title}", 80),
        x=0.02,
        ha="left",
        fontsize=11,
        color=palette.INK,
    )
    figure.text(
        0.02,
        0.02,
        "Mean feeling per touchpoint (−2…+2), one line "
        + ("per persona (its latest round)" if lines.by_persona else "per round (thick: now)")
        + "; ▼ named: the lowest points below 0 (the moments that matter);\n"
        "a touchpoint without a point on a line: no feeling given there for it.",
        fontsize=7.5,
        color=palette.MUTED,
    )
    return figure


def _list_lows(
    figure: Figure, lines: EmotionLines, named: list[tuple[Line, EmotionPoint]], height: float
) -> None:
    """The lowest points' names, one row each under a heading, below the title: per persona
    whose point it is and in its line's colour and marker; per round the current round's
    moments that matter, lowest first."""
    top = 1 - TITLE_ROOM / height
    row = LIST_ROW / height
    figure.text(
        0.02,
        top,
        "▼ Lowest points" + (" per persona" if lines.by_persona else " (the moments that matter)"),
        fontsize=8,
        fontweight="bold",
        color=palette.INK,
        va="top",
        gid=LOW_HEADING,
    )
    for index, (line, low) in enumerate(named, start=1):
        y = top - index * row
        figure.lines.append(
            Line2D(
                [0.33 / figure.get_figwidth()],
                [y - row * 0.3],
                transform=figure.transFigure,
                marker=line.marker,
                color=line.colour,
                markersize=5,
                linestyle="none",
            )
        )
        who = f" · {_short(line.label, 28)}" if lines.by_persona else ""
        figure.text(
            0.45 / figure.get_figwidth(),
            y,
            f"{_short(low.name, 30)} {signed(low.mean)}{who}",
            fontsize=7.5,
            color=palette.INK,
            va="top",
            gid=LOW_LABEL,
        )


def lines_alt_text(lines: EmotionLines) -> str:
    what = "per persona" if lines.by_persona else "per round"
    parts = [f"Emotion curve {what}, mean feeling on −2 to +2 per touchpoint."]
    for line in chart_lines(lines):
        values = ", ".join(f"{p.name} {signed(p.mean)}" for p in line.curve.points if p.n)
        lowest = _lowest(line, lines.by_persona)
        low = (
            "; lowest " + ", ".join(f"{p.name} {signed(p.mean)}" for p in lowest) if lowest else ""
        )
        parts.append(f"{line.label}: {values or 'no feeling given'}{low}.")
    text = " ".join(parts)
    return text if len(text) <= 1000 else text[:999] + "…"


def draws_lines(lines: EmotionLines | None) -> bool:
    """Whether the curve is drawn as several lines: with personas, or after round 1."""
    return lines is not None and (lines.by_persona or len(lines.rounds) > 1)
