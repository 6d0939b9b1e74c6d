"""The stakeholder grid as a picture: Mendelow's influence × interest quadrants, shaded and
named, with each stakeholder a point coloured by attitude and labelled by name.

Labels are placed so that they never overlap each other, the quadrant names or (where room
allows) other points: for each stakeholder, most influential first, candidate positions on
widening rings around its point are measured with the renderer and the first one that is free
is taken; a label pushed away from its point gets a leader line. Up to MAX_LABELS stakeholders
are labelled; any more are drawn as unlabelled points (the text version lists everyone).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

from bot.charts import palette
from bot.charts.drawing import hide_spines, png_bytes
from bot.stakeholders.blocks import ATTITUDE_LABELS
from flows.formatting import plural
from flows.stakeholders import (
    QUADRANT_NAMES,
    SCALE_MIDPOINT,
    GridResult,
    GridStakeholder,
    Quadrant,
)
from storage.models import Attitude
from storage.models.stakeholders import RATING_MAX, RATING_MIN

FIGURE_INCHES = (10.0, 7.5)
DPI = 160
PIXEL_SIZE = (1600, 1200)  # FIGURE_INCHES × DPI; savefig keeps it exact (no tight bbox)
MAX_LABELS = 40
MAX_LABEL_CHARS = 28
AXIS_LIMITS = (RATING_MIN - 0.5, RATING_MAX + 0.5)

# Colour-blind-safe colours (bot/charts/palette.py) and a shape each, so the attitude reads
# without colour: ▲ supporter, ● neutral, ▼ blocker.
ATTITUDE_MARKERS = {
    Attitude.supporter: "^",
    Attitude.neutral: "o",
    Attitude.blocker: "v",
}
ATTITUDE_SYMBOLS = {Attitude.supporter: "▲", Attitude.neutral: "●", Attitude.blocker: "▼"}
ATTITUDE_COLOURS = {
    Attitude.supporter: palette.BLUE,
    Attitude.neutral: palette.GREY,
    Attitude.blocker: palette.VERMILLION,
}
QUADRANT_SHADES = {
    Quadrant.manage_closely: "#fde4e1",
    Quadrant.keep_satisfied: "#fff3cd",
    Quadrant.keep_informed: "#dcecfb",
    Quadrant.monitor: "#eef1f4",
}
QUADRANT_INK = {
    Quadrant.manage_closely: "#9b2c1f",
    Quadrant.keep_satisfied: "#8a6100",
    Quadrant.keep_informed: "#1d5d99",
    Quadrant.monitor: "#5b6670",
}

LABEL_FONT_SIZE = 8.5
LABEL_PAD = 0.25  # of the font size, around the label text (its white box)
LABEL_MARGIN_PX = 3.0  # kept free between any two labels
MARKER_AREA = 70.0  # points², labelled stakeholders
SMALL_MARKER_AREA = 28.0
LEADER_GAP_PX = 14.0  # a label farther than this from its point gets a leader line
# Gaps (pixels) between a point and its label's nearest edge, tried in order, and the
# directions tried at each gap (right, left, up, down first: they read best).
RING_GAPS_PX = (4, 10, 18, 28, 40, 55, 72, 92, 115, 140, 170, 205, 245, 290, 340, 400)
RING_ANGLES_DEG = (0, 180, 90, 270, 30, 150, 210, 330, 60, 120, 240, 300)


@dataclass
class GridFigure:
    """The drawn figure and its stakeholder labels (for tests: their boxes must not overlap)."""

    figure: Figure
    labels: list[Annotation]
    unlabelled: int


def render_stakeholder_grid(result: GridResult) -> bytes | None:
    """The grid as a PNG of PIXEL_SIZE, or None when no stakeholder has a place on it yet
    (no stakeholders, or none rated): the bot then says so instead of posting an empty chart."""
    drawn = build_grid_figure(result)
    if drawn is None:
        return None
    return png_bytes(drawn.figure, dpi=DPI)


def grid_alt_text(result: GridResult) -> str:
    """A short description for screen readers (files upload alt text)."""
    counts = ", ".join(
        f"{len(result.in_quadrant(q))} {QUADRANT_NAMES[q].lower()}" for q in QUADRANT_NAMES
    )
    return f"Stakeholder grid of influence against interest for “{result.title}”: {counts}."[:1000]


def build_grid_figure(result: GridResult) -> GridFigure | None:
    placed = result.rated  # most influential first
    if not placed:
        return None
    figure = Figure(figsize=FIGURE_INCHES, dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0.075, 0.125, 0.9, 0.755))
    quadrant_titles = _draw_quadrants(axes)
    _draw_header(figure, result)
    labelled, unlabelled = placed[:MAX_LABELS], placed[MAX_LABELS:]
    _draw_points(axes, unlabelled, SMALL_MARKER_AREA, alpha=0.55)
    _draw_points(axes, labelled, MARKER_AREA, alpha=0.95)
    _draw_legend(figure, result, len(unlabelled))
    labels = _place_labels(canvas.get_renderer(), axes, labelled, placed, quadrant_titles)
    return GridFigure(figure, labels, len(unlabelled))


# Drawing -------------------------------------------------------------------------------------


def _draw_quadrants(axes) -> list[Text]:
    low, high = AXIS_LIMITS
    mid = SCALE_MIDPOINT
    axes.set_xlim(low, high)
    axes.set_ylim(low, high)
    # x is interest, y is influence: (x0, y0, where the name goes, alignment)
    regions = {
        Quadrant.manage_closely: (mid, mid, (high - 0.06, high - 0.06), ("right", "top")),
        Quadrant.keep_satisfied: (low, mid, (low + 0.06, high - 0.06), ("left", "top")),
        Quadrant.keep_informed: (mid, low, (high - 0.06, low + 0.06), ("right", "bottom")),
        Quadrant.monitor: (low, low, (low + 0.06, low + 0.06), ("left", "bottom")),
    }
    titles = []
    for quadrant, (x0, y0, (tx, ty), (ha, va)) in regions.items():
        width = (mid - low) if x0 == low else (high - mid)
        height = (mid - low) if y0 == low else (high - mid)
        axes.add_patch(
            Rectangle((x0, y0), width, height, facecolor=QUADRANT_SHADES[quadrant], zorder=0)
        )
        titles.append(
            axes.text(
                tx,
                ty,
                QUADRANT_NAMES[quadrant],
                ha=ha,
                va=va,
                fontsize=13,
                fontweight="bold",
                color=QUADRANT_INK[quadrant],
                alpha=0.85,
                zorder=1,
            )
        )
    axes.axvline(mid, color="#9aa5b1", linewidth=1, linestyle="--", zorder=1)
    axes.axhline(mid, color="#9aa5b1", linewidth=1, linestyle="--", zorder=1)
    ticks = list(range(RATING_MIN, RATING_MAX + 1))
    axes.set_xticks(ticks)
    axes.set_yticks(ticks)
    axes.set_xlabel("Interest in the customer's experience  →", fontsize=10)
    axes.set_ylabel("Influence over the customer's experience  →", fontsize=10)
    axes.tick_params(labelsize=9, length=0)
    hide_spines(axes, axes.spines.keys())
    return titles


def _draw_header(figure: Figure, result: GridResult) -> None:
    title = _shorten(f"Stakeholder map · {result.title}", 90)
    figure.text(0.075, 0.955, title, fontsize=15, fontweight="bold", parse_math=False)
    raters = result.rater_count
    subtitle = (
        f"{len(result.rated)} stakeholders at the mean of "
        f"{plural(raters, 'participant')}' ratings (1–5); "
        f"{SCALE_MIDPOINT:g} or more counts as high."
    )
    if result.unrated:
        subtitle += f" {len(result.unrated)} not yet rated are not shown."
    figure.text(0.075, 0.918, subtitle, fontsize=10, color="#52606d")


def _draw_points(axes, stakeholders, area: float, alpha: float) -> None:
    for attitude, colour in ATTITUDE_COLOURS.items():
        group = [s for s in stakeholders if s.attitude is attitude]
        if group:
            axes.scatter(
                [s.interest.mean for s in group],
                [s.influence.mean for s in group],
                s=area,
                marker=ATTITUDE_MARKERS[attitude],
                color=colour,
                alpha=alpha,
                edgecolors="white",
                linewidths=0.8,
                zorder=3,
            )


def _draw_legend(figure: Figure, result: GridResult, unlabelled: int) -> None:
    handles = [
        Line2D(
            [],
            [],
            marker=ATTITUDE_MARKERS[attitude],
            linestyle="",
            markersize=9,
            markerfacecolor=colour,
            markeredgecolor="white",
            label=f"{ATTITUDE_SYMBOLS[attitude]} {ATTITUDE_LABELS[attitude]}",
        )
        for attitude, colour in ATTITUDE_COLOURS.items()
    ]
    figure.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.07, 0.005),
        ncol=3,
        frameon=False,
        fontsize=10,
        title="Attitude",
        title_fontsize=10,
        alignment="left",
    )
    if unlabelled:
        figure.text(
            0.975,
            0.015,
            f"Labels show the {MAX_LABELS} most influential of {len(result.rated)}.\n"
            f"{unlabelled} more are unlabelled points; the list in the thread has everyone.",
            ha="right",
            va="bottom",
            fontsize=9,
            color="#52606d",
            linespacing=1.4,
        )


# Label placement -----------------------------------------------------------------------------


def _position(stakeholder: GridStakeholder) -> tuple[float, float]:
    """(interest, influence): only rated stakeholders reach the grid."""
    interest, influence = stakeholder.interest, stakeholder.influence
    if interest is None or influence is None:
        raise ValueError(f"stakeholder {stakeholder.stakeholder_id} is not rated")
    return interest.mean, influence.mean


def _place_labels(
    renderer: RendererAgg,
    axes,
    labelled: tuple[GridStakeholder, ...],
    everyone: tuple[GridStakeholder, ...],
    obstacles: list[Text],
) -> list[Annotation]:
    area = axes.get_window_extent(renderer)
    marker_radius = math.sqrt(MARKER_AREA) / 2 * DPI / 72 + 1
    points = axes.transData.transform([_position(s) for s in everyone])
    point_boxes = np.column_stack([points - marker_radius, points + marker_radius])
    taken = np.array(
        [_box(text.get_window_extent(renderer), LABEL_MARGIN_PX) for text in obstacles]
    ).reshape(-1, 4)
    pad_px = LABEL_PAD * LABEL_FONT_SIZE * DPI / 72
    labels = []
    for stakeholder, point in zip(labelled, points, strict=False):
        text = _shorten(stakeholder.name, MAX_LABEL_CHARS)
        xy = _position(stakeholder)
        # Measure the label where va/ha="center" puts it on its own point.
        probe = axes.annotate(text, xy=xy, **_label_style(stakeholder, (0.0, 0.0)))
        extent = probe.get_window_extent(renderer)
        probe.remove()
        size = np.array([extent.width + 2 * pad_px, extent.height + 2 * pad_px])
        skew = np.array([(extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2]) - point
        centre = _free_spot(point, size, taken, point_boxes, area, marker_radius)
        offset = centre - point - skew
        labels.append(axes.annotate(text, xy=xy, **_label_style(stakeholder, tuple(offset))))
        distance = np.hypot(*np.maximum(np.abs(centre - point) - size / 2, 0))
        if distance > marker_radius + LEADER_GAP_PX:
            # Drawn under the points and the opaque label boxes, so it never crosses a name.
            end = axes.transData.inverted().transform(centre)
            axes.plot(
                [xy[0], end[0]],
                [xy[1], end[1]],
                color=ATTITUDE_COLOURS[stakeholder.attitude],
                linewidth=0.7,
                alpha=0.8,
                zorder=2,
            )
        half = size / 2 + LABEL_MARGIN_PX
        taken = np.vstack([taken, [*(centre - half), *(centre + half)]])
    return labels


def _label_style(stakeholder: GridStakeholder, offset: tuple[float, ...]) -> dict:
    return {
        "xytext": offset,
        "textcoords": "offset pixels",
        "ha": "center",
        "va": "center",
        "fontsize": LABEL_FONT_SIZE,
        "color": "#1f2933",
        "parse_math": False,  # a "$" in a name is text, not mathtext
        "zorder": 4,
        "bbox": {
            "boxstyle": f"round,pad={LABEL_PAD}",
            "facecolor": "white",
            "edgecolor": ATTITUDE_COLOURS[stakeholder.attitude],
            "linewidth": 0.8,
        },
    }


def _free_spot(
    point: np.ndarray,
    size: np.ndarray,
    taken: np.ndarray,
    point_boxes: np.ndarray,
    area,
    marker_radius: float,
) -> np.ndarray:
    """The centre for a label of `size` near `point`: the first candidate on the widening rings
    that stays inside the axes and clear of every label already placed, preferring spots that
    cover no other point; failing that, the nearest free cell of a scan over the whole axes."""
    half = size / 2
    bounds = (area.x0 + 2, area.y0 + 2, area.x1 - 2, area.y1 - 2)
    candidates = []
    for gap in RING_GAPS_PX:
        reach = half + marker_radius + gap
        for angle in RING_ANGLES_DEG:
            radians = math.radians(angle)
            candidates.append(point + reach * np.array([math.cos(radians), math.sin(radians)]))
    fallback = None
    for centre in candidates:
        if not _fits(centre, half, bounds) or _hits(centre, half, taken):
            continue
        if not _hits(centre, half, point_boxes):
            return centre
        fallback = fallback if fallback is not None else centre
    if fallback is not None:
        return fallback
    step = 8.0
    xs = np.arange(bounds[0] + half[0], bounds[2] - half[0], step)
    ys = np.arange(bounds[1] + half[1], bounds[3] - half[1], step)
    cells = np.array([(x, y) for x in xs for y in ys]).reshape(-1, 2)
    cells = cells[np.argsort(np.hypot(*(cells - point).T))]
    for centre in cells:
        if not _hits(centre, half, taken):
            return centre
    return point  # the axes are full: cannot happen for MAX_LABELS labels of this size


def _fits(centre: np.ndarray, half: np.ndarray, bounds: tuple[float, ...]) -> bool:
    x0, y0, x1, y1 = bounds
    return (
        centre[0] - half[0] >= x0
        and centre[1] - half[1] >= y0
        and centre[0] + half[0] <= x1
        and centre[1] + half[1] <= y1
    )


def _hits(centre: np.ndarray, half: np.ndarray, boxes: np.ndarray) -> bool:
    """Whether the box around `centre` overlaps any of `boxes` (rows of x0, y0, x1, y1)."""
    if boxes.size == 0:
        return False
    x0, y0 = centre - half
    x1, y1 = centre + half
    return bool(
        np.any((boxes[:, 0] < x1) & (boxes[:, 2] > x0) & (boxes[:, 1] < y1) & (boxes[:, 3] > y0))
    )


def _box(extent, margin: float) -> list[float]:
    return [extent.x0 - margin, extent.y0 - margin, extent.x1 + margin, extent.y1 + margin]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
