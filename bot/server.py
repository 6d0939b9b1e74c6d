"""Running the Bolt app: HTTP (WSGI) or Socket Mode."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
from slack_sdk.socket_mode.websocket_client import SocketModeClient
from websocket import WebSocketApp, WebSocketException, WebSocketTimeoutException

from bot.logs import redact
from bot.slack.request_guard import GuardedSlackHandler

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_application(app: App):
    """Slack's endpoint at POST /slack/events, and GET /healthz for load balancers."""
    slack = GuardedSlackHandler(app, path=EVENTS_PATH)

    def application(environ, start_response):
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

    def __init__(self, wsgi_app, host: str = "127.0.0.1", port: int = 0) -> None:
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


# Socket Mode runs on slack_sdk's websocket-client client (README, "Socket Mode"), tuned so that
# a dead connection is noticed within seconds: it pings every PING_INTERVAL_S and drops a
# connection whose pong is PONG_TIMEOUT_S late, then connects again at once.
PING_INTERVAL_S = 4.0
PONG_TIMEOUT_S = 2.0
# How often the session runner looks for a new connection to run (slack_sdk: 0.5 s, all of it
# added to every reconnection).
SESSION_POLL_S = 0.05
# After a connection that never opened, wait this long before the next, so an endpoint that
# refuses connections is not hammered (each attempt also costs a rate-limited
# `apps.connections.open` call).
MIN_RECONNECT_INTERVAL_S = 1.0
# How long an ack may wait for a connection being replaced to open, rather than be lost.
ACK_WAIT_S = 2.0
_ACK_WAIT_POLL_S = 0.01
# Threads that take envelopes to Bolt; each is busy only until its listener acks.
SOCKET_MODE_THREADS = 32


class TunedSocketModeClient(SocketModeClient):
    """slack_sdk's websocket-client Socket Mode client, with what it lacks to reconnect fast.

    - A pong deadline: slack_sdk runs connections without `ping_timeout`, so one that goes
      silent without a close frame (a proxy or NAT dropping it) was never noticed.
    - A silent connection is dropped without the close handshake, which would wait 3 s for an
      answer that cannot come.
    - On `disconnect` (Slack refreshing the connection) the old connection gets a close frame
      and its TCP connection ends at once: websocket-client would wait up to 3 s for Slack's
      reply, slack_sdk did so on the thread that hands out envelopes, and the old connection's
      read loop could sleep through the close; the new connection starts only after it.
    - A connection that is opened but not yet running counts as connected, so the monitor and
      the old connection's close handler do not open yet another (`apps.connections.open` is
      rate limited).
    - A new connection starts within SESSION_POLL_S rather than 0.5 s, but after one that
      never opened, not before MIN_RECONNECT_INTERVAL_S.
    - An ack sent while the connection is being replaced waits for the new one to open
      (slack_sdk tried once more at once, then dropped it).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("on_error_listeners", []).append(_drop_silent_connection)
        kwargs.setdefault("on_open_listeners", []).append(self._opened)
        super().__init__(*args, **kwargs)
        self.current_session_runner.interval_seconds = SESSION_POLL_S
        self._started: WebSocketApp | None = None
        self._started_at = float("-inf")
        self._last_opened: WebSocketApp | None = None

    def _opened(self, session: WebSocketApp) -> None:
        self._last_opened = session

    def is_connected(self) -> bool:
        session = self.current_session
        if session is None:
            return False
        return session.sock is not None or session is not self._started

    def send_message(self, message: str) -> None:
        deadline = time.monotonic() + ACK_WAIT_S
        while not self._current_is_open() and time.monotonic() < deadline:
            time.sleep(_ACK_WAIT_POLL_S)
        super().send_message(message)

    def _current_is_open(self) -> bool:
        session = self.current_session
        return session is not None and session.sock is not None and session.sock.connected

    def connect(self) -> None:
        old, self.current_session = self.current_session, None  # so slack_sdk won't close it
        super().connect()
        if old is not None:
            _close_at_once(old)

    def _run_current_session(self) -> None:
        session = self.current_session
        if session is None or session is self._started:
            return  # nothing new to run: the monitor or a close handler connects again
        failed = self._started is not None and self._last_opened is not self._started
        if failed and time.monotonic() - self._started_at < MIN_RECONNECT_INTERVAL_S:
            return  # the previous one never opened: try again on a later poll
        self._started, self._started_at = session, time.monotonic()
        try:
            self.logger.info("Starting to receive messages from a new connection")
            session.run_forever(
                ping_interval=self.ping_interval,
                ping_timeout=PONG_TIMEOUT_S,
                http_proxy_host=self.http_proxy_host,
                http_proxy_port=self.http_proxy_port,
                http_proxy_auth=self.http_proxy_auth,
                proxy_type=self.proxy_type,
            )
            self.logger.info("Stopped receiving messages from a connection")
        except Exception:
            self.logger.exception("Socket Mode connection failed")
            session.close()  # the monitor then sees no connection and connects again


def _close_at_once(session: WebSocketApp) -> None:
    session.keep_running = False
    connection = session.sock
    if connection is None or connection.sock is None:
        return  # already over
    with contextlib.suppress(WebSocketException, OSError):
        connection.send_close(reason=b"refreshed")
    with contextlib.suppress(OSError):
        connection.sock.shutdown(socket.SHUT_RDWR)  # wakes its read loop, which then ends


def _drop_silent_connection(session: WebSocketApp, error: Exception) -> None:
    if isinstance(error, WebSocketTimeoutException) and session.sock is not None:
        session.sock.shutdown()  # then the close handler connects again at once


class _SocketModeHandler(SocketModeHandler):
    """Bolt's websocket-client adapter on the tuned client (Bolt's __init__ would start
    threads for an untuned client of its own, so it is not called)."""

    def __init__(self, app: App, app_token: str) -> None:
        self.app, self.app_token = app, app_token
        self.client = TunedSocketModeClient(
            app_token=app_token,
            logger=app.logger,
            web_client=app.client,
            ping_interval=PING_INTERVAL_S,
            concurrency=SOCKET_MODE_THREADS,
        )
        self.client.socket_mode_request_listeners.append(self.handle)


def socket_mode_handler(app: App, app_token: str) -> SocketModeHandler:
    return _SocketModeHandler(app, app_token)


def run_socket_mode(app: App, app_token: str) -> None:
    socket_mode_handler(app, app_token).start()
