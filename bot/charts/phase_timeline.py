"""How long a workshop spent in each phase: one bar per phase on a time axis."""

from __future__ import annotations

import io
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt

from bot.charts.registry import register_chart
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


@register_chart("phase_timeline")
def phase_timeline_png(spans: list[PhaseSpan]) -> bytes:
    figure, axes = plt.subplots(figsize=(8, 0.5 + 0.45 * len(spans)), dpi=110)
    try:
        for row, span in enumerate(reversed(spans)):
            start = mdates.date2num(span.start)
            width = max(mdates.date2num(span.end) - start, 1e-6)
            axes.barh(row, width, left=start, color=PHASE_COLOURS[span.phase], height=0.6)
            axes.annotate(
                duration_label(span.end - span.start),
                (start + width, row),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
        axes.set_yticks(range(len(spans)), [PHASE_NAMES[s.phase] for s in reversed(spans)])
        locator = mdates.AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        axes.set_xlabel("UTC")
        axes.margins(x=0.12)  # room for the last bar's label
        axes.set_title("Time spent in each phase", loc="left")
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(figure)
