"""Slack's Socket Mode on 127.0.0.1: the WebSocket half of the stand-in.

The bot calls ``apps.connections.open`` on the stand-in's Web API with its app-level token
(``xapp-…``) and gets a one-time ``ws://127.0.0.1:PORT/link/?ticket=…`` URL. On connecting, the
server says ``hello``; :meth:`SocketModeServer.deliver` then sends an envelope, as Slack sends a
slash command, an interaction or an event, and waits for its ack (``{"envelope_id": …}``).

Faults, as Slack and the networks in between produce them:

- :meth:`SocketModeServer.disconnect` — ``{"type": "disconnect", "reason": …}``: the client
  should connect again at once; like Slack, the server stops routing to the old connection and
  closes it ``refresh_grace`` seconds later;
- :meth:`SocketModeServer.close_connections` — a close frame;
- :meth:`SocketModeServer.drop_connections` — the TCP connection ends without a close frame;
- :meth:`SocketModeServer.cut` — a black hole (a proxy that stops forwarding): no bytes either
  way, no close frame, the TCP connection left open. Only a client that pings and expects
  pongs notices;
- :attr:`SocketModeServer.refusing` — new connections turned away at the handshake.

Built on the Sans-I/O protocol of ``websockets``, so the server decides which bytes go out,
pongs included (a black hole must not answer pings).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State
from websockets.server import ServerProtocol

#: How long Slack keeps a connection open after asking the client to refresh it.
REFRESH_GRACE_S = 10.0
_RECV_BYTES = 65536


@dataclass(frozen=True)
class Ack:
    """The client's answer to one envelope."""

    envelope_id: str
    payload: dict[str, Any] | None
    #: Seconds from :meth:`SocketModeServer.deliver` being called to the ack arriving: what
    #: Slack's 3-second clock measures (waiting for a connection included).
    elapsed: float
    #: The connection the envelope went out on.
    link: int


class _Link:
    """One WebSocket connection from the client."""

    def __init__(self, server: SocketModeServer, link_id: int, sock: socket.socket) -> None:
        self.server, self.id, self.sock = server, link_id, sock
        self.protocol = ServerProtocol(max_size=2**22)
        self.lock = threading.Lock()  # the protocol is not thread-safe
        self.ready = False  # handshake done and hello sent
        self.retiring = False  # told to disconnect: no new envelopes
        self.black_holed = False
        self.broken = False  # a send failed
        self.closed = threading.Event()

    @property
    def live(self) -> bool:
        return self.ready and not (
            self.retiring or self.black_holed or self.broken or self.closed.is_set()
        )

    def send_json(self, message: dict[str, Any]) -> bool:
        with self.lock:
            if self.black_holed or self.protocol.state is not State.OPEN:
                return False
            self.protocol.send_text(json.dumps(message).encode())
            sent = self._flush()
        self.broken = self.broken or not sent
        return sent

    def shut(self) -> None:
        """Drop the TCP connection (wakes the thread blocked reading it)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

    def close(self, code: int = 1000, reason: str = "") -> None:
        self.retiring = True
        with self.lock:
            if not self.black_holed and self.protocol.state is State.OPEN:
                self.protocol.send_close(code, reason)
                self._flush()

    def run(self) -> None:
        try:
            if self._handshake():
                self._receive()
        except OSError:
            pass  # the client went away
        finally:
            self.closed.set()
            self.sock.close()
            self.server._forget(self)

    def _flush(self) -> bool:
        """Write what the protocol queued (``b""`` means: half-close the socket)."""
        try:
            for data in self.protocol.data_to_send():
                if data:
                    self.sock.sendall(data)
                else:
                    self.sock.shutdown(socket.SHUT_WR)
            return True
        except OSError:
            return False

    def _handshake(self) -> bool:
        request = None
        while request is None:
            data = self.sock.recv(_RECV_BYTES)
            with self.lock:
                self.protocol.receive_data(data) if data else self.protocol.receive_eof()
                events = self.protocol.events_received()
            if not data and not events:
                return False
            request = next((e for e in events if isinstance(e, Request)), None)
        time.sleep(self.server.handshake_delay)
        with self.lock:
            if self.server.refusing:
                response = self.protocol.reject(503, "unavailable\n")
            elif self.server._redeem(request.path):
                response = self.protocol.accept(request)
            else:
                response = self.protocol.reject(401, "invalid or used ticket\n")
            self.protocol.send_response(response)
            self._flush()
        if response.status_code != 101:
            return False
        self.ready = self.send_json(self.server._hello())
        self.server._changed()
        return self.ready

    def _receive(self) -> None:
        while True:
            data = self.sock.recv(_RECV_BYTES)
            if self.black_holed:
                if not data:
                    return  # the client gave up on the silent connection
                continue  # swallowed: pings go unanswered, acks never arrive
            with self.lock:
                self.protocol.receive_data(data) if data else self.protocol.receive_eof()
                events = self.protocol.events_received()
                self._flush()  # pongs, and the answer to a close frame
            for event in events:
                if isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                    self.server._on_text(self, event.data.decode())
            if not data or self.protocol.state is State.CLOSED:
                return


class SocketModeServer:
    """Socket Mode connections for one app, on ``127.0.0.1``; thread-safe."""

    def __init__(self, app_id: str = "ASTANDIN", refresh_grace: float = REFRESH_GRACE_S) -> None:
        self.app_id = app_id
        self.refresh_grace = refresh_grace
        self._lock = threading.Condition()
        self._listener: socket.socket | None = None
        self._tickets: set[str] = set()
        self._links: dict[int, _Link] = {}
        self._next_link = 0
        self._pending: dict[str, tuple[float, int]] = {}  # envelope_id -> (sent at, link)
        self._acks: dict[str, Ack] = {}
        self._timers: list[threading.Timer] = []
        #: Every connection ever opened (handshake done), for tests counting reconnects.
        self.connections_opened = 0
        #: While true, every new connection is turned away at the handshake (HTTP 503), as
        #: when Slack's Socket Mode endpoint is unavailable.
        self.refusing = False
        #: Seconds each handshake waits before it is answered (a slow Slack).
        self.handshake_delay = 0.0

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> SocketModeServer:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)  # how long stop() may take to be noticed
        self._listener = listener
        threading.Thread(target=self._accept, name="socket-mode", daemon=True).start()
        return self

    def stop(self) -> None:
        """Close every connection (close frames) and stop listening; idempotent."""
        if self._listener is None:
            return
        self._listener.close()
        self._listener = None
        for timer in self._timers:
            timer.cancel()
        links = self._all_links()
        for link in links:
            link.close(1001, "server stopping")
            link.shut()
        for link in links:
            link.closed.wait(timeout=5)  # no thread of ours outlives the server

    def __enter__(self) -> SocketModeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def new_url(self) -> str:
        """A one-time connection URL, as ``apps.connections.open`` returns."""
        if self._listener is None:
            raise RuntimeError("socket mode server not started")
        ticket = secrets.token_hex(16)
        with self._lock:
            self._tickets.add(ticket)
        port = self._listener.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket={ticket}&app_id={self.app_id}"

    # ------------------------------------------------------------------ what tests see

    def live_links(self) -> list[int]:
        """Connections that would receive an envelope now, newest first."""
        return [link.id for link in reversed(self._all_links()) if link.live]

    def open_links(self) -> list[int]:
        """Every connection whose TCP socket is still open (retiring and cut ones too)."""
        return [link.id for link in self._all_links() if not link.closed.is_set()]

    def wait_for_live_link(self, timeout: float) -> int:
        """The newest live connection, waiting up to ``timeout`` seconds for one."""
        with self._lock:
            if not self._lock.wait_for(self.live_links, timeout):
                raise TimeoutError(f"no live Socket Mode connection within {timeout:.1f}s")
            return self.live_links()[0]

    # ------------------------------------------------------------------ requests

    def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
        timeout: float = 10.0,
    ) -> Ack:
        """Send one envelope (``kind``: slash_commands, interactive or events_api) to the
        newest live connection and wait for its ack; ``TimeoutError`` after ``timeout`` s.

        Like a user who clicks while the bot is reconnecting, the clock starts now: waiting
        for a connection counts toward :attr:`Ack.elapsed`.
        """
        started = time.monotonic()
        envelope_id = secrets.token_hex(8)
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason or ""
        deadline = started + timeout
        while True:
            link_id = self.wait_for_live_link(max(0.0, deadline - time.monotonic()))
            with self._lock:
                self._pending[envelope_id] = (started, link_id)
                link = self._links.get(link_id)
            if link is not None and link.send_json(envelope):
                break
            if time.monotonic() >= deadline:
                raise TimeoutError(f"could not send envelope {envelope_id}")
        with self._lock:
            if not self._lock.wait_for(
                lambda: envelope_id in self._acks, max(0.0, deadline - time.monotonic())
            ):
                self._pending.pop(envelope_id, None)
                raise TimeoutError(f"envelope {envelope_id} not acked within {timeout:.1f}s")
            return self._acks.pop(envelope_id)

    # ------------------------------------------------------------------ faults

    def disconnect(self, reason: str = "refresh_requested") -> list[int]:
        """Ask every live connection to go (Slack's ``disconnect`` message); each is closed
        ``refresh_grace`` seconds later. Returns the connections told."""
        told = []
        for link in self._all_links():
            if not link.live:
                continue
            link.retiring = True  # before the message: nothing new goes out on it
            if link.send_json(self._disconnect_message(reason)):
                told.append(link.id)
                timer = threading.Timer(self.refresh_grace, link.close, (1000, "refreshed"))
                timer.daemon = True
                timer.start()
                self._timers.append(timer)
        return told

    def close_connections(self, code: int = 1001, reason: str = "going away") -> list[int]:
        """Close every open connection with a close frame. Returns the connections closed."""
        closed = []
        for link in self._all_links():
            if not link.closed.is_set():
                link.close(code, reason)
                closed.append(link.id)
        return closed

    def drop_connections(self) -> list[int]:
        """End every open TCP connection without a close frame (a crashed or restarted
        server, a reset from a proxy). Returns the connections dropped."""
        dropped = []
        for link in self._all_links():
            if not link.closed.is_set():
                link.broken = True
                link.shut()
                dropped.append(link.id)
        self._changed()
        return dropped

    def cut(self) -> list[int]:
        """Black-hole every open connection: from now on nothing reaches the client and
        nothing the client sends is read or answered. Returns the connections cut."""
        cut = []
        for link in self._all_links():
            if not link.closed.is_set():
                link.black_holed = True
                cut.append(link.id)
        self._changed()
        return cut

    # ------------------------------------------------------------------ internals

    def _all_links(self) -> list[_Link]:
        with self._lock:
            return list(self._links.values())

    def _accept(self) -> None:
        while (listener := self._listener) is not None:
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # stopped
            sock.settimeout(None)
            with self._lock:
                self._next_link += 1
                link = _Link(self, self._next_link, sock)
                self._links[link.id] = link
            threading.Thread(target=link.run, name=f"socket-mode-{link.id}", daemon=True).start()

    def _redeem(self, path: str) -> bool:
        url = urlsplit(path)
        ticket = (parse_qs(url.query).get("ticket") or [""])[0]
        with self._lock:
            if url.path != "/link/" or ticket not in self._tickets:
                return False
            self._tickets.discard(ticket)
            return True

    def _hello(self) -> dict[str, Any]:
        with self._lock:
            self.connections_opened += 1
            count = sum(1 for link in self._links.values() if not link.closed.is_set())
        return {
            "type": "hello",
            "num_connections": count,
            "debug_info": {
                "host": "applink-standin",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }

    @staticmethod
    def _disconnect_message(reason: str) -> dict[str, Any]:
        return {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}}

    def _on_text(self, link: _Link, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return  # Slack ignores what it cannot read; the envelope then times out
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        with self._lock:
            pending = self._pending.pop(str(envelope_id), None)
            if pending is None:
                return  # unknown or already acked
            started, link_id = pending
            payload = message.get("payload")
            self._acks[str(envelope_id)] = Ack(
                str(envelope_id),
                payload if isinstance(payload, dict) else None,
                time.monotonic() - started,
                link_id,
            )
            self._lock.notify_all()

    def _forget(self, link: _Link) -> None:
        with self._lock:
            self._links.pop(link.id, None)
            self._lock.notify_all()

    def _changed(self) -> None:
        """Wake whoever waits for a live connection."""
        with self._lock:
            self._lock.notify_all()
