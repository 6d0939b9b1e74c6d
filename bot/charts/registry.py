"""Chart renderers for digest sections, by key: a section's `DigestChart(key, data, ...)` is drawn
by the renderer under that key (matplotlib, Agg) as PNG bytes. The features name their renderers
in their `Feature(charts={key: renderer})` (bot/features.py); `register_chart(key)` adds one at
run time.

A section whose chart key has no renderer is still posted, without the picture.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.features import ChartRenderer, chart_renderers
from flows.digest import DigestChart

logger = logging.getLogger(__name__)

_renderers: dict[str, ChartRenderer] = {}


def register_chart(key: str) -> Callable[[ChartRenderer], ChartRenderer]:
    def register(renderer: ChartRenderer) -> ChartRenderer:
        _renderers[key] = renderer
        return renderer

    return register


def _all_renderers() -> dict[str, ChartRenderer]:
    """The features' charts (bot/features.py), and any registered here at run time."""
    return {**chart_renderers(), **_renderers}


def renderer_for(key: str) -> ChartRenderer | None:
    return _all_renderers().get(key)


def renderer_modules() -> set[str]:
    return {renderer.__module__ for renderer in _all_renderers().values()}


def render_chart(chart: DigestChart) -> bytes | None:
    """The chart's PNG, or None when no renderer is registered or drawing fails (logged): the
    digest's text already says everything the picture shows."""
    renderer = renderer_for(chart.key)
    if renderer is None:
        logger.debug("no chart renderer registered for %r", chart.key)
        return None
    try:
        return renderer(chart.data)
    except Exception:
        logger.exception("chart %r could not be drawn", chart.key)
        return None
