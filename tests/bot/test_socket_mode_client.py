"""The tuned Socket Mode client on its own, in this process, against the stand-in's Socket Mode
server: what each of its changes to slack_sdk's websocket-client client buys."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.socket_mode.response import SocketModeResponse
from websocket import WebSocketTimeoutException

from bot.app import LISTENER_THREADS
from bot.server import (
    MIN_RECONNECT_INTERVAL_S,
    PING_INTERVAL_S,
    PONG_TIMEOUT_S,
    TunedSocketModeClient,
    socket_mode_handler,
)
from standin import SlackStandIn

CONNECT_TIMEOUT_S = 10.0


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        yield running


@pytest.fixture
def errors() -> list[tuple[float, Exception]]:
    return []


@pytest.fixture
def client(standin, errors) -> Iterator[TunedSocketModeClient]:
    client = TunedSocketModeClient(
        app_token=standin.app_token,
        web_client=WebClient(base_url=standin.api_url),
        ping_interval=PING_INTERVAL_S,
        concurrency=2,
        on_error_listeners=[lambda _session, error: errors.append((time.monotonic(), error))],
    )
    client.socket_mode_request_listeners.append(
        lambda sm, request: sm.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload={"text": "ok"})
        )
    )
    client.connect()
    standin.socket_mode.wait_for_live_link(CONNECT_TIMEOUT_S)
    try:
        yield client
    finally:
        client.close()


def test_a_silent_connection_is_noticed_by_its_unanswered_ping_and_replaced_at_once(
    standin, client, errors
):
    server = standin.socket_mode
    cut_at = time.monotonic()
    server.cut()
    server.wait_for_live_link(PING_INTERVAL_S + 2 * PONG_TIMEOUT_S + CONNECT_TIMEOUT_S)
    reconnected_at = time.monotonic()
    timed_out_at = next(at for at, e in errors if isinstance(e, WebSocketTimeoutException))
    assert timed_out_at - cut_at < PING_INTERVAL_S + 2 * PONG_TIMEOUT_S + 1
    # No close handshake over the dead connection (websocket-client would wait 3 s for it).
    assert reconnected_at - timed_out_at < 2.0
    assert server.deliver("events_api", {"type": "event_callback"}).payload == {"text": "ok"}


def test_a_closed_connection_is_replaced_without_slack_sdks_half_second_wait(standin, client):
    server = standin.socket_mode
    delays = []
    for _ in range(3):
        closed_at = time.monotonic()
        server.close_connections()
        server.wait_for_live_link(CONNECT_TIMEOUT_S)
        delays.append(time.monotonic() - closed_at)
    # slack_sdk polls for a new connection to run every 0.5 s: never faster than that.
    assert min(delays) < 0.45, delays


def test_a_refresh_opens_exactly_one_new_connection_at_once(standin, client):
    server = standin.socket_mode
    for _ in range(4):
        assert server.disconnect()
        # Sent at once: acked only once the old connection is over and the new one open. The
        # old one's read loop used to sleep through its close for up to the pong timeout.
        ack = server.deliver("slash_commands", {"command": "/workshop"})
        assert ack.payload == {"text": "ok"} and ack.elapsed < 1.5, ack
    time.sleep(PING_INTERVAL_S)  # the monitor had its turn too
    assert len(standin.calls_to("apps.connections.open")) == server.connections_opened == 5


def test_slow_acks_do_not_hold_up_the_requests_behind_them(standin):
    """slack_sdk hands 10 requests to Bolt at a time: the 11th waited for one of them."""
    requests, slow_s = 20, 2.0
    app = App(
        client=WebClient(token=standin.bot_token, base_url=standin.api_url),
        signing_secret="unused",
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS),
    )

    @app.command("/workshop")
    def slow(ack):  # e.g. a database row lock held by someone else
        time.sleep(slow_s)
        ack()

    handler = socket_mode_handler(app, standin.app_token)
    handler.connect()
    try:
        standin.socket_mode.wait_for_live_link(CONNECT_TIMEOUT_S)
        acks = []

        def command() -> None:
            payload = {"command": "/workshop", "text": "", "team_id": standin.team_id}
            acks.append(standin.socket_mode.deliver("slash_commands", payload, timeout=20))

        senders = [threading.Thread(target=command) for _ in range(requests)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=30)
        assert len(acks) == requests
        assert max(ack.elapsed for ack in acks) < 1.75 * slow_s
    finally:
        handler.close()


def test_an_endpoint_that_refuses_connections_is_tried_again_once_a_second(standin, client):
    server = standin.socket_mode
    server.refusing = True
    server.close_connections()
    before, watch_s = len(standin.calls_to("apps.connections.open")), 3.0
    time.sleep(watch_s)
    attempts = len(standin.calls_to("apps.connections.open")) - before
    assert 1 <= attempts <= watch_s / MIN_RECONNECT_INTERVAL_S + 1
    server.refusing = False
    server.wait_for_live_link(CONNECT_TIMEOUT_S)


def test_an_ack_due_while_the_connection_is_replaced_waits_for_the_new_one(standin):
    acked_after_s, handshake_s = 0.3, 1.0
    client = TunedSocketModeClient(
        app_token=standin.app_token, web_client=WebClient(base_url=standin.api_url)
    )

    def ack_later(sm, request) -> None:
        time.sleep(acked_after_s)  # Slack asks for a refresh meanwhile
        sm.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    client.socket_mode_request_listeners.append(ack_later)
    client.connect()
    server = standin.socket_mode
    try:
        server.wait_for_live_link(CONNECT_TIMEOUT_S)
        acks = []
        sender = threading.Thread(
            target=lambda: acks.append(server.deliver("events_api", {}, timeout=10))
        )
        sender.start()
        time.sleep(acked_after_s / 3)
        server.handshake_delay = handshake_s  # the new connection opens after the ack is due
        server.disconnect()
        sender.join(timeout=15)
        assert acks and acks[0].elapsed >= handshake_s
    finally:
        client.close()
