"""The emotion curve as several lines: one per persona when the workshop has personas, otherwise
one per round (the latest emphasised). Each line has its own colour from the colour-blind-safe
palette *and* its own marker and line style, and is named at its end and in the legend, so the
lines are told apart without colour; each line's lowest point below 0 is marked ▼ and named.
The alt text says the same in words. Built on matplotlib's object API (no pyplot).
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.charts import palette
from bot.charts.drawing import png_bytes
from flows.emotions import FEELINGS, EmotionCurve, EmotionLines
from flows.formatting import signed

DPI = 110
BANDS = ("#f1f4f8", "#ffffff")
MAX_LABEL = 22
# One look per line, in this order: colour, marker and dash pattern all differ. These five
# Okabe–Ito colours stay ΔE ≥ 24 apart for a deuteranope (tests/bot/charts/test_colour_vision.py).
COLOURS = (
    palette.BLUE,
    palette.VERMILLION,
    palette.BLUISH_GREEN,
    palette.BLACK,
    palette.SKY_BLUE,
)
MARKERS = ("o", "s", "^", "D", "P")
STYLES = ("-", "--", "-.", ":", (0, (6, 2, 1, 2)))
LATEST = palette.BLUE  # the current round's line, drawn thicker
EARLIER = (palette.ORANGE, palette.SKY_BLUE, palette.REDDISH_PURPLE, palette.BLACK)
MAX_ROUND_LINES = 5  # the latest and the four before it


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
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def render_emotion_lines(lines: EmotionLines) -> bytes:
    points = lines.current.points
    drawn = chart_lines(lines)
    width = max(8.0, 0.55 * len(points) + 3.5)
    figure = Figure(figsize=(width, 5.6), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.16, 0.34, 0.78, 0.54))
    for band, stage in enumerate(lines.current.stages):
        members = [i for i, p in enumerate(points) if p.stage_id == stage.stage_id]
        if members:
            axes.axvspan(members[0] - 0.5, members[-1] + 0.5, color=BANDS[band % 2], zorder=0)
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
            textcoords="offset points",
            xytext=(8, 4 - 9 * (order % 3)),
            ha="left",
            fontsize=7.5,
            fontweight="bold" if line.emphasised else "normal",
            color=palette.INK,
            annotation_clip=False,
        )
        for rank, low in enumerate(_lowest(line, lines.by_persona)):
            x = next(i for i, p in enumerate(points) if p.touchpoint_id == low.touchpoint_id)
            axes.scatter([x], [low.mean], marker="v", s=120, color=palette.INK, zorder=6)
            # Per persona, one row of names per persona (whose point it is, said in words);
            # per round, the current round's up to three moments on two alternating rows.
            who = f" · {_short(line.label, 18)}" if lines.by_persona else ""
            row = order if lines.by_persona else rank % 2
            axes.annotate(
                f"▼ {_short(low.name, 14)} {signed(low.mean)}{who}",
                (x, low.mean),
                textcoords="offset points",
                xytext=(0, -12 - 11 * row),
                ha="center",
                va="top",
                fontsize=7.5,
                fontweight="bold",
                color=palette.INK,
            )
    axes.set_xlim(-0.5, max(len(points) - 0.5, 0.5))
    axes.set_ylim(-2.9, 2.4)  # room under −2 for the lowest points' names
    axes.set_yticks([2, 1, 0, -1, -2])
    axes.set_yticklabels(
        [f"{v:+d} {FEELINGS[v]}" if v else f"0 {FEELINGS[0]}" for v in (2, 1, 0, -1, -2)],
        fontsize=8,
    )
    axes.set_xticks(list(range(len(points))))
    axes.set_xticklabels([_short(p.name) for p in points], rotation=45, ha="right", fontsize=8)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
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
    return png_bytes(figure)


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
