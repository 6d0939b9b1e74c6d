"""Helpers for end-to-end tests: serve a Bolt app (or any WSGI app) on an ephemeral port."""

from __future__ import annotations

import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

#: Where Bolt's WSGI adapter listens for Slack requests.
EVENTS_PATH = "/slack/events"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # concurrent test requests; a stuck handler must not block stop()
    block_on_close = False
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output free of per-request access logs."""


def serve_wsgi(app: App | Callable[..., Any]) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` on ``127.0.0.1`` (ephemeral port) from a daemon thread.

    A :class:`slack_bolt.App` is wrapped in its WSGI adapter (requests go to
    ``base_url + EVENTS_PATH``); any other WSGI callable is served as is.
    Returns ``(base_url, stop)``; ``stop()`` is idempotent.
    """
    wsgi_app = SlackRequestHandler(app) if isinstance(app, App) else app
    server = _ThreadingWSGIServer(("127.0.0.1", 0), _QuietHandler)
    server.set_app(wsgi_app)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.02},  # stop() waits up to one poll; tests stop often
        name="wsgi-bot",
        daemon=True,
    )
    thread.start()
    stopped = threading.Event()

    def stop() -> None:
        if stopped.is_set():
            return
        stopped.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://127.0.0.1:{server.server_port}", stop
