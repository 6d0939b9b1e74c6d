"""Helpers for end-to-end tests: serve a Bolt app (or any WSGI app) on an ephemeral port."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.server import EVENTS_PATH, HttpServer

__all__ = ["EVENTS_PATH", "serve_wsgi"]


def serve_wsgi(app: App | Callable[..., Any]) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` on ``127.0.0.1`` (ephemeral port) from a daemon thread.

    A :class:`slack_bolt.App` is wrapped in its WSGI adapter (requests go to
    ``base_url + EVENTS_PATH``); any other WSGI callable is served as is.
    Returns ``(base_url, stop)``; ``stop()`` is idempotent.
    """
    wsgi_app = SlackRequestHandler(app, path=EVENTS_PATH) if isinstance(app, App) else app
    server = HttpServer(wsgi_app).start()
    return server.url, server.stop
