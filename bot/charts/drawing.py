"""What every chart does the same way: start a figure, shorten a label, clear away sides of the
frame, title it with a footnote, and hand back the PNG bytes (without the "Software" stamp, so
the same chart is the same bytes)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.charts.palette import INK

NOTE_COLOUR = "#495057"


def new_figure(
    width: float, height: float, dpi: float, layout: Literal["constrained"] | None = None
) -> Figure:
    """A `width` × `height` inch figure with its Agg canvas (the object API: no pyplot)."""
    figure = Figure(figsize=(width, height), dpi=dpi, layout=layout)
    FigureCanvasAgg(figure)
    return figure


def short(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the last an ellipsis when anything was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hide_spines(axes: Axes, sides: Iterable[str] = ("top", "right")) -> None:
    """No frame line on these `sides` of the plot (by default the open top and right)."""
    for side in sides:
        axes.spines[side].set_visible(False)


def title_and_note(figure: Figure, title: str, note: str) -> None:
    """The chart's title at its top left and what it shows, in small print, at its bottom left."""
    figure.suptitle(title, x=0.02, ha="left", fontsize=11, color=INK)
    figure.text(0.02, 0.02, note, fontsize=7.5, color=NOTE_COLOUR)


def png_bytes(figure: Figure, dpi: float | None = None) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
