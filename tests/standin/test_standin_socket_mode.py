"""The stand-in's Socket Mode server, driven by a plain websocket-client connection."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest
import websocket
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from standin import SimulatedSlack, SlackStandIn
from standin.server import DEMO_CHANNEL_ID, DEMO_USERS
from standin.socket_mode import SocketModeServer

ALICE = DEMO_USERS[0][0]


def connect(url: str) -> websocket.WebSocket:
    connection = websocket.create_connection(url, timeout=5)
    hello = json.loads(connection.recv())
    assert hello["type"] == "hello"
    return connection


@pytest.fixture
def server() -> Iterator[SocketModeServer]:
    with SocketModeServer(app_id="ATEST", refresh_grace=0.2) as running:
        yield running


def test_connections_open_wants_the_app_token_and_its_url_works_once(standin: SlackStandIn):
    def open_with(token: str | None) -> str:
        return WebClient(base_url=standin.api_url).apps_connections_open(app_token=token)["url"]

    for token, error in (
        (standin.bot_token, "not_allowed_token_type"),
        ("xapp-1-forged", "invalid_auth"),
    ):
        with pytest.raises(SlackApiError) as refused:
            open_with(token)
        assert refused.value.response["error"] == error
    url = open_with(standin.app_token)
    assert url.startswith("ws://127.0.0.1:")
    first = connect(url)
    with pytest.raises(websocket.WebSocketBadStatusException) as reused:
        websocket.create_connection(url, timeout=5)
    assert reused.value.status_code == 401
    first.close()


def test_an_envelope_is_acked_with_its_payload_and_timed(server: SocketModeServer):
    connection = connect(server.new_url())
    answers = []

    def answer() -> None:
        envelope = json.loads(connection.recv())
        answers.append(envelope)
        connection.send(json.dumps({"envelope_id": envelope["envelope_id"], "payload": {"a": 1}}))

    threading.Thread(target=answer, daemon=True).start()
    ack = server.deliver("events_api", {"type": "event_callback"}, retry_attempt=1, timeout=5)
    envelope = answers[0]
    assert envelope["type"] == "events_api" and envelope["retry_attempt"] == 1
    assert envelope["payload"] == {"type": "event_callback"}
    assert ack.envelope_id == envelope["envelope_id"] and ack.payload == {"a": 1}
    assert 0 < ack.elapsed < 5
    connection.close()


def test_an_envelope_nobody_acks_times_out(server: SocketModeServer):
    connection = connect(server.new_url())
    with pytest.raises(TimeoutError, match="not acked"):
        server.deliver("slash_commands", {}, timeout=0.3)
    connection.close()


def test_disconnect_asks_the_client_to_go_and_closes_the_connection_after_the_grace(
    server: SocketModeServer,
):
    connection = connect(server.new_url())
    told = server.wait_for_live_link(5)  # the hello is out just before the link counts as live
    assert server.disconnect("refresh_requested") == [told]
    message = json.loads(connection.recv())
    assert message["type"] == "disconnect" and message["reason"] == "refresh_requested"
    assert server.live_links() == []  # nothing new goes to a connection told to go
    opcode, _ = connection.recv_data(control_frame=True)  # the close frame, after the grace
    assert opcode == websocket.ABNF.OPCODE_CLOSE


def test_a_cut_connection_answers_no_ping_and_a_dropped_one_ends_without_a_close_frame(
    server: SocketModeServer,
):
    silent = connect(server.new_url())
    silent.ping("are you there")
    assert silent.recv_data(control_frame=True)[0] == websocket.ABNF.OPCODE_PONG
    server.cut()
    silent.ping("are you there")
    silent.settimeout(0.5)
    with pytest.raises(websocket.WebSocketTimeoutException):
        silent.recv_data(control_frame=True)
    assert server.live_links() == []
    silent.close(timeout=0)

    dropped = connect(server.new_url())
    server.drop_connections()
    with pytest.raises(websocket.WebSocketConnectionClosedException):
        dropped.recv_data(control_frame=True)


def test_the_simulator_sends_slack_requests_as_envelopes(standin: SlackStandIn):
    connection = connect(
        WebClient(base_url=standin.api_url).apps_connections_open(app_token=standin.app_token)[
            "url"
        ]
    )
    envelopes = []

    def ack_everything() -> None:
        while True:
            try:
                text = connection.recv()
            except (websocket.WebSocketException, OSError):
                return
            if not text:
                return  # closed
            envelope = json.loads(text)
            envelopes.append(envelope)
            payload = {"text": "hi"} if envelope["type"] == "slash_commands" else None
            reply = {"envelope_id": envelope["envelope_id"], "payload": payload}
            connection.send(json.dumps({k: v for k, v in reply.items() if v}))

    threading.Thread(target=ack_everything, daemon=True).start()
    sim = SimulatedSlack.over_socket_mode(standin, timeout=5)
    reply = sim.slash_command(ALICE, DEMO_CHANNEL_ID, "help")
    assert reply.status == 200 and reply.json == {"text": "hi"} and not reply.problems
    assert standin.ephemerals(user=ALICE)[-1]["text"] == "hi"  # shown as Slack shows it
    sim.event({"type": "app_mention", "user": ALICE, "text": "hi"}, retry_num=2)
    started = time.monotonic()
    while len(envelopes) < 2 and time.monotonic() - started < 5:
        time.sleep(0.01)
    command, event = envelopes
    assert command["type"] == "slash_commands" and command["accepts_response_payload"]
    assert command["payload"]["command"] == "/workshop" and command["payload"]["text"] == "help"
    assert event["type"] == "events_api" and event["retry_attempt"] == 2
    assert event["payload"]["event"]["type"] == "app_mention"
    connection.close()
