"""Running the Bolt app: HTTP (WSGI) or Socket Mode."""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.logs import redact
from bot.request_guard import GuardedSlackHandler

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_application(app: App):  # type: ignore[no-untyped-def]
    """Slack's endpoint at POST /slack/events, and GET /healthz for load balancers."""
    slack = GuardedSlackHandler(app, path=EVENTS_PATH)

    def application(environ, start_response):  # type: ignore[no-untyped-def]
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        return slack(environ, start_response)

    return application


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a stuck request must never block shutdown
    block_on_close = False
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        # Masked here too, for handlers set up without RedactSecrets (the OAuth redirect's code).
        logger.debug("%s %s", self.address_string(), redact(format % args))


class HttpServer:
    """A threaded WSGI server: one thread per request, so slow work never blocks an ack."""

    def __init__(self, wsgi_app, host: str = "127.0.0.1", port: int = 0) -> None:  # type: ignore[no-untyped-def]
        self._server = make_server(
            host, port, wsgi_app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        host = self._server.server_address[0]
        return f"http://{host}:{self.port}"

    def start(self) -> HttpServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # how long stop() may wait
            name="http-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving; safe to call more than once."""
        if self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._thread = None


def run_socket_mode(app: App, app_token: str) -> None:
    SocketModeHandler(app, app_token).start()
