"""How long a workshop spent in each phase: one bar per phase on a time axis.

Every digest draws one, so it is drawn cheaply: matplotlib's object API (no pyplot global state,
safe from any thread), fixed margins instead of `tight_layout` (which draws every text once more
to measure it), and figures kept for the next chart instead of built anew (a figure, its axes and
their ticks are about a third of the work). A kept figure is emptied of the last chart's bars and
labels; everything else is set again for each chart, so it draws exactly what a new one would.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bot.charts.drawing import hide_spines, new_figure
from flows.digest import PHASE_NAMES, PhaseSpan
from storage.models import Phase

PHASE_COLOURS = {
    Phase.setup: "#a8dadc",
    Phase.stakeholders: "#457b9d",
    Phase.rating: "#e63946",
    Phase.fixes: "#f4a261",
    Phase.voting: "#2a9d8f",
    Phase.closed: "#6c757d",
}
DPI = 110
WIDTH_IN = 8.0
ROW_IN = 0.4
# Margins in inches: the longest phase name ("Stakeholders") on the left, the title above, the
# two lines of date ticks and "UTC" below.
LEFT_IN, RIGHT_IN, TOP_IN, BOTTOM_IN = 1.15, 0.2, 0.4, 0.62
X_MARGIN = 0.12  # of the time range, right of the last bar: room for its label
BAR_HEIGHT = 0.6
MAX_SPARE_FIGURES = 4  # at most this many kept (one per thread drawing at the same time)

_spare_figures: list[Figure] = []
_spare_lock = threading.Lock()


def duration_label(duration: timedelta) -> str:
    """ "3 d 4 h", "5 h 10 min", "12 min", "40 s": the two largest units that matter."""
    seconds = int(duration.total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s" if seconds else "< 1 s"


def phase_timeline_png(spans: list[PhaseSpan]) -> bytes:
    rows = list(reversed(spans))  # the first phase at the top
    starts = [mdates.date2num(span.start) for span in rows]
    widths = [
        max(mdates.date2num(span.end) - start, 1e-6)
        for span, start in zip(rows, starts, strict=True)
    ]
    first = min(starts)
    last = max(start + width for start, width in zip(starts, widths, strict=True))
    with _empty_axes(TOP_IN + BOTTOM_IN + ROW_IN * len(rows)) as (figure, axes):
        axes.barh(
            range(len(rows)),
            widths,
            left=starts,
            color=[PHASE_COLOURS[span.phase] for span in rows],
            height=BAR_HEIGHT,
        )
        for row, (span, start, width) in enumerate(zip(rows, starts, widths, strict=True)):
            axes.annotate(
                duration_label(span.end - span.start),
                (start + width, row),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
        axes.set_yticks(range(len(rows)), [PHASE_NAMES[span.phase] for span in rows])
        axes.set_ylim(-0.5, len(rows) - 0.5)
        axes.set_xlim(first, last + X_MARGIN * (last - first))
        locator = mdates.AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()


@contextmanager
def _empty_axes(height_in: float) -> Iterator[tuple[Figure, Axes]]:
    """A figure WIDTH_IN × height_in and its axes with nothing drawn on it: a kept one if there is
    one, else a new one. Given back emptied afterwards; one whose drawing failed is dropped."""
    with _spare_lock:
        figure = _spare_figures.pop() if _spare_figures else None
    if figure is None:
        figure = _new_figure()
    figure.set_size_inches(WIDTH_IN, height_in)
    figure.subplots_adjust(
        left=LEFT_IN / WIDTH_IN,
        right=1 - RIGHT_IN / WIDTH_IN,
        top=1 - TOP_IN / height_in,
        bottom=BOTTOM_IN / height_in,
    )
    axes = figure.axes[0]
    yield figure, axes
    for artist in [*axes.patches, *axes.texts]:
        artist.remove()
    axes.containers.clear()
    with _spare_lock:
        if len(_spare_figures) < MAX_SPARE_FIGURES:
            _spare_figures.append(figure)


def _new_figure() -> Figure:
    """A figure with the parts every phase timeline shares."""
    figure = new_figure(WIDTH_IN, TOP_IN + BOTTOM_IN + ROW_IN, DPI)
    axes = figure.add_subplot()
    axes.set_xlabel("UTC")
    axes.set_title("Time spent in each phase", loc="left")
    hide_spines(axes)
    return figure
