"""The channel × stage heat map: each cell is a channel's mean gap within a stage.

Colour-blind safe: a diverging blue–orange scale (matplotlib's PuOr, readable with the common
colour-vision deficiencies), and the number itself is written in every cell, so no meaning rests
on colour alone; an empty cell (no ratings) is hatched and says "–"; the worst-served channel of
each stage is boxed and marked with "▼". Built on matplotlib's object API (no pyplot).
"""

from __future__ import annotations

from matplotlib import colormaps
from matplotlib.colors import TwoSlopeNorm
from matplotlib.patches import Rectangle

from bot.charts.drawing import hide_spines, new_figure, png_bytes, short, title_and_note
from bot.charts.palette import INK, MUTED
from flows.channels import ChannelResults, channel_label
from flows.gaps.statistics import display, signed

DPI = 110
CELL_W_IN = 1.5
CELL_H_IN = 0.55
MAX_LABEL = 22
GAP_LIMIT = 6.0  # gaps run from −6 to +6 on the 1–7 scales


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return short(text, limit)


def render_channel_heatmap(results: ChannelResults) -> bytes:
    channels = [c.channel for c in results.channels]
    stages = [s for s in results.stages if s.channels]
    width = 2.6 + CELL_W_IN * max(len(stages), 1)
    height = 1.6 + CELL_H_IN * max(len(channels), 1)
    figure = new_figure(width, height, DPI)
    axes = figure.add_axes((2.0 / width, 0.35 / height, 1 - 2.3 / width, 1 - 1.25 / height))
    cmap = colormaps["PuOr"]
    norm = TwoSlopeNorm(vmin=-GAP_LIMIT, vcenter=0.0, vmax=GAP_LIMIT)
    for x, stage in enumerate(stages):
        for y, channel in enumerate(channels):
            cell = stage.cell(channel)
            if cell is None or cell.stats.mean_gap is None:
                axes.add_patch(
                    Rectangle((x, y), 1, 1, facecolor="white", edgecolor="#adb5bd", hatch="///")
                )
                axes.text(x + 0.5, y + 0.5, "–", ha="center", va="center", color=MUTED)
                continue
            gap = cell.stats.mean_gap
            colour = cmap(norm(max(-GAP_LIMIT, min(GAP_LIMIT, gap))))
            worst = channel == stage.worst and len(stage.channels) >= 2
            axes.add_patch(
                Rectangle(
                    (x, y),
                    1,
                    1,
                    facecolor=colour,
                    edgecolor=INK if worst else "white",
                    linewidth=2.5 if worst else 1,
                )
            )
            dark = abs(gap) >= 3.5
            label = signed(gap) + (" ▼" if worst else "")
            axes.text(
                x + 0.5,
                y + 0.5,
                f"{label}\nn={cell.stats.n}",
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold" if worst else "normal",
                color="white" if dark else INK,
            )
    axes.set_xlim(0, max(len(stages), 1))
    axes.set_ylim(max(len(channels), 1), 0)
    axes.set_xticks([x + 0.5 for x in range(len(stages))])
    axes.set_xticklabels(
        [
            _short(s.stage_name, 16)
            + ("\nspread –" if s.spread is None else f"\nspread {display(s.spread):.1f}")
            for s in stages
        ],
        fontsize=9,
    )
    axes.xaxis.tick_top()
    axes.set_yticks([y + 0.5 for y in range(len(channels))])
    axes.set_yticklabels([channel_label(c) for c in channels], fontsize=10)
    axes.tick_params(length=0)
    hide_spines(axes, axes.spines.keys())
    title_and_note(
        figure,
        _short(f"Mean gap by channel and stage · {results.title}", 70)
        + f" · round {results.round}",
        "Gap = experience − expectation (1–7). ▼ boxed = worst served in its stage; spread = "
        "highest − lowest channel gap in the stage; hatched = no rated touchpoint there.",
    )
    return png_bytes(figure)


def heatmap_alt_text(results: ChannelResults) -> str:
    """What the heat map shows, in words (Slack's alt text holds at most 1,000 characters)."""
    parts = [f"Heat map of the mean gap by channel and stage, round {results.round}."]
    for stage in results.stages:
        if not stage.channels:
            continue
        cells = ", ".join(f"{c.label} {signed(c.stats.mean_gap)}" for c in stage.channels)
        parts.append(f"{stage.stage_name}: {cells}.")
    text = " ".join(parts)
    return text if len(text) <= 1000 else text[:999] + "…"
