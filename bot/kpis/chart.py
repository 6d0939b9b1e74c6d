"""The KPI trend chart: one small panel per KPI, so a dozen KPIs stay readable at a glance.

Each panel shows the KPI's last periods as a line, its target as a dashed line, the industry
benchmark as diamonds, and the latest value labelled and coloured by its target (green met, red
missed, blue no target). Rendered with matplotlib's object API (no pyplot global state), so
listeners can draw charts in parallel threads.
"""

from __future__ import annotations

import math
from io import BytesIO

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.charts import palette
from bot.charts.drawing import hide_spines, new_figure
from flows.kpis import KpiRow, KpiTable

MAX_PANELS = 12
COLUMNS = 3
PANEL_WIDTH_IN, PANEL_HEIGHT_IN = 4.2, 2.9
DPI = 110

# Colour-blind-safe (bot/charts/palette.py), and shapes that carry the meaning too: the latest
# value is a ● when its target is met and a ✖ when missed; benchmarks are hollow ◇.
VALUE_COLOUR = palette.INK
TARGET_COLOUR = palette.BLUISH_GREEN
BENCHMARK_COLOUR = palette.REDDISH_PURPLE
MET_COLOUR, MISSED_COLOUR = palette.BLUE, palette.VERMILLION
MET_MARKER, MISSED_MARKER = "o", "X"
GRID_COLOUR = "#e5e5e5"


def render_kpi_chart(table: KpiTable) -> bytes:
    """PNG bytes of the table's trends (the first MAX_PANELS KPIs, in table order)."""
    rows = table.rows[:MAX_PANELS]
    if not rows:
        raise ValueError("no KPI values to chart")
    columns = min(COLUMNS, len(rows))
    lines = math.ceil(len(rows) / columns)
    figure = new_figure(
        PANEL_WIDTH_IN * columns, PANEL_HEIGHT_IN * lines + 0.7, DPI, layout="constrained"
    )
    title = f"KPIs · {table.title}"
    if len(table.rows) > len(rows):
        title += f"  (the first {len(rows)} of {len(table.rows)})"
    figure.suptitle(title, fontsize=14, fontweight="bold", color=VALUE_COLOUR)
    axes = figure.subplots(lines, columns, squeeze=False)
    for ax, row in zip(axes.flat, rows, strict=False):
        _panel(ax, row)
    for ax in list(axes.flat)[len(rows) :]:
        ax.set_visible(False)
    figure.legend(
        handles=_legend_handles(),
        loc="outside lower center",
        ncols=5,
        frameon=False,
        fontsize=9,
    )
    buffer = BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


def _legend_handles() -> list[Line2D]:
    return [
        Line2D([], [], color=VALUE_COLOUR, marker="o", lw=2, label="value"),
        Line2D([], [], color=TARGET_COLOUR, ls="--", lw=1.5, label="target"),
        Line2D([], [], color=BENCHMARK_COLOUR, mfc="white", marker="D", ls="", label="benchmark ◇"),
        Line2D(
            [], [], color=MET_COLOUR, marker=MET_MARKER, ls="", ms=9, label="latest: target met ●"
        ),
        Line2D(
            [],
            [],
            color=MISSED_COLOUR,
            marker=MISSED_MARKER,
            ls="",
            ms=10,
            label="latest: missed ✖",
        ),
    ]


def _panel(ax: Axes, row: KpiRow) -> None:
    kpi = row.kpi
    positions = list(range(len(row.trend)))
    values = [point.value for point in row.trend]
    targets = [_nan(point.target) for point in row.trend]
    benchmarks = [_nan(point.benchmark) for point in row.trend]

    ax.plot(positions, values, color=VALUE_COLOUR, marker="o", lw=2, ms=5, zorder=3)
    if any(not math.isnan(t) for t in targets):
        ax.plot(positions, targets, color=TARGET_COLOUR, ls="--", lw=1.5, zorder=2)
    if any(not math.isnan(b) for b in benchmarks):
        ax.plot(
            positions,
            benchmarks,
            color=BENCHMARK_COLOUR,
            mfc="white",
            mew=1.5,
            marker="D",
            ls="",
            ms=6,
            zorder=2,
        )

    latest_colour, latest_marker = VALUE_COLOUR, MET_MARKER
    if row.attainment is not None:
        met = row.attainment.met
        latest_colour = MET_COLOUR if met else MISSED_COLOUR
        latest_marker = MET_MARKER if met else MISSED_MARKER
    ax.plot(positions[-1], values[-1], marker=latest_marker, ms=11, color=latest_colour, zorder=4)
    ax.annotate(
        kpi.format(values[-1]),
        (positions[-1], values[-1]),
        xytext=(0, 9),
        textcoords="offset points",
        ha="center",
        fontsize=10,
        fontweight="bold",
        color=latest_colour,
        zorder=5,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
    )

    name = kpi.short_name + (f" · {row.stage}" if row.stage else "")
    ax.set_title(name, loc="left", fontsize=11, fontweight="bold", color=VALUE_COLOUR)
    better = "higher" if kpi.higher_is_better else "lower"
    ax.set_title(f"{kpi.better_arrow} {better} is better", loc="right", fontsize=8, color="grey")

    ax.set_xticks(positions, [_tick(row, i) for i in positions], fontsize=8)
    ax.set_xlim(-0.5, max(positions) + 0.5)
    ax.set_ylim(*_y_limits(row, values + targets + benchmarks))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: kpi.format(y)))
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", color=GRID_COLOUR)
    ax.set_axisbelow(True)
    hide_spines(ax)


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _tick(row: KpiRow, position: int) -> str:
    day = row.trend[position].period_end
    new_year = position == 0 or row.trend[position - 1].period_end.year != day.year
    return f"{day.day} {day:%b}" + (f"\n{day.year}" if new_year else "")


def _y_limits(row: KpiRow, numbers: list[float]) -> tuple[float, float]:
    """Room around everything drawn (and for the latest value's label), kept inside the KPI's
    possible range so an NPS axis never runs past 100."""
    known = [n for n in numbers if not math.isnan(n)]
    low, high = min(known), max(known)
    pad = (high - low) * 0.2 or max(abs(high) * 0.1, 1.0)
    low, high = low - pad, high + pad * 1.6
    if row.kpi.minimum is not None:
        low = max(low, row.kpi.minimum - pad * 0.2)
    if row.kpi.maximum is not None:
        high = min(high, row.kpi.maximum + pad * 0.6)
    return low, high
