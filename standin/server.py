"""A local stand-in for the Slack Web API, served over real HTTP on 127.0.0.1.

Point ``slack_sdk.WebClient(base_url=standin.api_url, token=standin.bot_token)`` at it and the
bot talks to it exactly as to Slack: same encodings (form, JSON, query), same response shapes,
same ``{"ok": false, "error": ...}`` failures, same 429 + ``Retry-After`` rate limiting. Tests
then read what the bot did through thread-safe accessors (:meth:`SlackStandIn.messages`,
:meth:`SlackStandIn.top_view`, ...) and the log of every call (:attr:`SlackStandIn.calls`).

Example::

    with SlackStandIn() as slack:
        slack.add_user("U1", "alice", tz="Europe/Berlin")
        slack.add_channel("C1", "journey-workshop", members=["U1"])
        WebClient(token=slack.bot_token, base_url=slack.api_url).chat_postMessage(
            channel="C1", text="hi"
        )
        assert slack.messages("C1")[0]["text"] == "hi"

Besides ``/api/<method>`` the server answers the two other URLs Slack hands to apps:
``/upload/<file_id>`` (the ``upload_url`` of ``files.getUploadURLExternal``) and
``/response/<token>`` (the ``response_url`` of slash commands and message actions, issued by
:class:`~standin.simulator.SimulatedSlack`).

Deliberate simplifications: one workspace, one bot token, no multi-person DMs, no scopes, no
``multipart/form-data`` bodies (only the retired ``files.upload`` needed them; it answers
``method_deprecated`` as Slack now does).

``apps.connections.open`` (with :attr:`SlackStandIn.app_token`) hands out URLs of the stand-in's
Socket Mode server (:attr:`SlackStandIn.socket_mode`, :mod:`standin.socket_mode`).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import math
import random
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from standin import blockkit

if TYPE_CHECKING:
    from standin.socket_mode import SocketModeServer

T = TypeVar("T")

#: ``Call.method`` recorded for raw byte uploads to an ``upload_url``.
UPLOAD_CALL = "upload"
FILE_DOWNLOAD_CALL = "file_download"  # GET of a url_private: what the bot downloaded
#: ``Call.method`` recorded for POSTs to a ``response_url``.
RESPONSE_URL_CALL = "response_url"

_JSON_PARAMS = ("blocks", "attachments", "view", "files", "metadata")
_MAX_TEXT = 40_000
_RESPONSE_URL_MAX_USES = 5  # Slack: a response_url works up to 5 times (within 30 minutes)
_TZ_LABELS = {
    "UTC": "Coordinated Universal Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "JST": "Japan Standard Time",
    "IST": "India Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
}


@dataclass(frozen=True)
class Call:
    """One request the stand-in answered (faulted and rate-limited ones included)."""

    method: str
    params: dict[str, Any]
    response: dict[str, Any]
    http_status: int
    at: float


class _ApiError(Exception):
    """Raised by method handlers; becomes Slack's ``{"ok": false, "error": ...}`` answer."""

    def __init__(self, error: str, messages: list[str] | None = None, **extra: Any) -> None:
        super().__init__(error)
        self.body: dict[str, Any] = {"ok": False, "error": error, **extra}
        if messages:
            self.body["response_metadata"] = {"messages": messages}


def _invalid_arguments(*messages: str) -> _ApiError:
    return _ApiError("invalid_arguments", list(messages))


@dataclass
class _Fault:
    status: int | None
    retry_after: int
    error: str | None
    delay: float
    remaining: int
    after: bool = False  # carry the call out, then answer with the fault
    matching: Callable[[dict[str, Any]], bool] | None = None  # only calls with such params
    omit: tuple[str, ...] = ()  # answer normally, without these top-level fields


@dataclass
class _Bucket:
    """Token bucket: ``rate`` tokens per second, at most ``capacity`` saved up."""

    rate: float
    capacity: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take a token; return 0 on success, else the seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class _Channel:
    id: str
    name: str
    members: list[str]
    is_private: bool = False
    is_archived: bool = False
    is_im: bool = False
    im_user: str | None = None
    created: int = 0


@dataclass
class _ResponseUrl:
    user: str
    channel: str
    message_ts: str | None
    is_ephemeral: bool
    uses: int = 0


class _RequestHandler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "SlackStandIn/1.0"

    def do_POST(self) -> None:
        self.server.standin._serve(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr log; :attr:`SlackStandIn.calls` records everything."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a request sleeping in an injected delay must not block stop()
    request_queue_size = 128  # fan-out benchmarks open many connections at once

    def __init__(self, standin: SlackStandIn, port: int) -> None:
        self.standin = standin
        super().__init__(("127.0.0.1", port), _RequestHandler)


def wait_for(
    predicate: Callable[[], T],
    timeout: float = 10.0,
    interval: float = 0.02,
    describe: Callable[[], str] | None = None,
) -> T:
    """Poll ``predicate`` until it returns something truthy, and return that.

    Bolt listeners keep working after they ack, so tests poll for the effect instead of
    sleeping. On timeout raise ``AssertionError`` naming the predicate, its last value and
    ``describe()`` (e.g. the recent API calls).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            name = getattr(predicate, "__qualname__", repr(predicate))
            detail = f"\n{describe()}" if describe else ""
            raise AssertionError(
                f"timed out after {timeout:.1f}s waiting for {name} (last value: {value!r}){detail}"
            )
        time.sleep(interval)


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _int(params: dict[str, Any], key: str, default: int) -> int:
    value = params.get(key)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _invalid_arguments(f"[ERROR] must be an integer [json-pointer:/{key}]") from None


def _require(params: dict[str, Any], key: str) -> Any:
    value = params.get(key)
    if value in (None, ""):
        raise _invalid_arguments(f"[ERROR] missing required field: {key}")
    return value


def _encode_cursor(kind: str, offset: int) -> str:
    return base64.b64encode(f"{kind}:{offset}".encode()).decode()


def _paginate(
    items: list[T], params: dict[str, Any], kind: str, default_limit: int
) -> tuple[list[T], str]:
    """Slice ``items`` by Slack's ``limit``/``cursor``; return the page and ``next_cursor``."""
    limit = _int(params, "limit", default_limit) or len(items) or 1
    offset = 0
    cursor = params.get("cursor")
    if cursor:
        try:
            prefix, _, raw = base64.b64decode(cursor).decode().partition(":")
            offset = int(raw)
            if prefix != kind:
                raise ValueError(prefix)
        except ValueError:
            raise _ApiError("invalid_cursor") from None
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return page, _encode_cursor(kind, offset + limit) if more else ""


def _content_type(value: str | None) -> str:
    message = Message()
    message["content-type"] = value or ""
    return message.get_content_type() if value else ""


def _parse_params(query: str, content_type: str | None, body: bytes) -> tuple[dict[str, Any], bool]:
    """Decode a Web API request the way Slack does; return ``(params, body_was_json)``."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    ctype = _content_type(content_type)
    is_json = False
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _ApiError("invalid_charset") from None
        if ctype == "application/json":
            try:
                decoded = json.loads(text)
            except ValueError:
                raise _ApiError("invalid_json") from None
            if not isinstance(decoded, dict):
                raise _ApiError("invalid_json")
            params.update(decoded)
            is_json = True
        elif ctype == "application/x-www-form-urlencoded":
            params.update(parse_qsl(text, keep_blank_values=True))
        elif not ctype:
            raise _ApiError("missing_post_type")
        else:
            raise _ApiError("invalid_post_type")
    params = {k: v for k, v in params.items() if v is not None}
    for key in _JSON_PARAMS:
        if isinstance(params.get(key), str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                if key == "blocks":
                    raise _ApiError("invalid_blocks_format") from None
                raise _invalid_arguments(
                    f"[ERROR] failed to parse json [json-pointer:/{key}]"
                ) from None
    return params, is_json


class SlackStandIn:
    """An in-process fake Slack workspace with a real HTTP Web API.

    All state lives behind one lock, so tests may read it while bot threads call the API.
    Accessors return deep copies in Slack's own shapes.
    """

    def __init__(
        self,
        team_id: str = "T0STANDIN",
        team_name: str = "Stand-in Co",
        bot_token: str = "xoxb-standin-token",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        app_id: str = "ASTANDIN",
        trigger_ttl: float = 3.0,
        *,
        team_domain: str = "standin",
        bot_name: str = "workshop-bot",
        verification_token: str = "standin-verification-token",
        app_token: str = "xapp-1-ASTANDIN-1-standin-token",
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.bot_token = bot_token
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.trigger_ttl = trigger_ttl
        #: The legacy ``token`` field Slack puts in every payload it sends to the app.
        self.verification_token = verification_token
        #: The app-level token (Socket Mode's ``apps.connections.open``).
        self.app_token = app_token
        self._socket_mode: SocketModeServer | None = None

        self._lock = threading.RLock()
        self._rng = random.Random(f"{team_id}:{bot_token}")  # deterministic ids per workspace
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._last_ts_us = 0

        self._calls: list[Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._rate_limits: dict[str, tuple[float, float]] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}

        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, _Channel] = {}
        self._dm_by_user: dict[str, str] = {}
        self._opened_dms: set[str] = set()
        self._messages: dict[str, dict[str, dict[str, Any]]] = {}
        self._edits: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._ephemerals: list[dict[str, Any]] = []

        self._triggers: dict[str, tuple[float, str | None]] = {}
        self._exchanged: set[str] = set()
        self._views: dict[str, dict[str, Any]] = {}
        self._view_owner: dict[str, str | None] = {}
        self._closed_views: set[str] = set()
        self._stacks: dict[str | None, list[str]] = {}
        self._homes: dict[str, str] = {}

        self._files: dict[str, dict[str, Any]] = {}
        self._file_data: dict[str, bytes] = {}
        self._completed: set[str] = set()
        self._response_urls: dict[str, _ResponseUrl] = {}
        # OAuth install: registered app credentials, codes users approved, tokens issued.
        self._oauth_apps: dict[str, str] = {}
        self._oauth_codes: dict[str, tuple[str, str]] = {}  # code → (installer, team)
        self._installed_tokens: set[str] = set()

        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
            "files.upload": self._files_upload_v1,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.open": self._conversations_open,
            "conversations.list": self._conversations_list,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "oauth.v2.access": self._oauth_v2_access,
        }
        self._users[bot_user_id] = self._bot_user_object()

    # ------------------------------------------------------------------ lifecycle

    def start(self, port: int = 0) -> SlackStandIn:
        """Serve on ``127.0.0.1:port`` (0 = an ephemeral port) from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("stand-in already started")
        self._server = _HTTPServer(self, port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},  # stop() waits up to one poll; tests stop often
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; idempotent."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        if self._socket_mode is not None:
            self._socket_mode.stop()
            self._socket_mode = None

    def __enter__(self) -> SlackStandIn:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running server."""
        if self._server is None:
            raise RuntimeError("stand-in not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The ``base_url`` to give ``slack_sdk.WebClient`` (with its trailing slash)."""
        return f"{self.base_url}/api/"

    @property
    def socket_mode(self) -> SocketModeServer:
        """The Socket Mode server whose URLs ``apps.connections.open`` hands out (started on
        first use; stopped with the stand-in)."""
        from standin.socket_mode import SocketModeServer

        with self._lock:
            if self._socket_mode is None:
                self._socket_mode = SocketModeServer(app_id=self.app_id).start()
            return self._socket_mode

    # ------------------------------------------------------------------ workspace setup

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str | None = None,
        tz: str = "UTC",
        tz_offset: int | None = None,
        is_bot: bool = False,
        is_admin: bool = False,
        *,
        display_name: str | None = None,
        email: str | None = None,
    ) -> str:
        """Add a workspace member; ``tz_offset`` (seconds) defaults to ``tz``'s current one."""
        zone_now = dt.datetime.now(ZoneInfo(tz))
        offset = zone_now.utcoffset()
        abbreviation = zone_now.tzname() or tz
        real_name = real_name or name.title()
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": False,
            "color": "9f69e7",
            "real_name": real_name,
            "tz": tz,
            "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
            "tz_offset": tz_offset if tz_offset is not None else int(offset.total_seconds()),
            "profile": {
                "title": "",
                "phone": "",
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": display_name if display_name is not None else name,
                "display_name_normalized": display_name if display_name is not None else name,
                "status_text": "",
                "status_emoji": "",
                "email": email or f"{name}@{self.team_domain}.example",
                "image_48": f"https://avatars.{self.team_domain}.example/{user_id}_48.png",
                "team": self.team_id,
            },
            "is_admin": is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
        }
        with self._lock:
            self._users[user_id] = user
        return user_id

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: list[str],
        bot_is_member: bool = True,
        is_private: bool = False,
    ) -> str:
        """Add a public (``C…``) or private channel; members must already be users."""
        with self._lock:
            unknown = [m for m in members if m not in self._users]
            if unknown:
                raise KeyError(f"add_user first for {unknown}")
            member_list = list(dict.fromkeys(members))
            if bot_is_member and self.bot_user_id not in member_list:
                member_list.append(self.bot_user_id)
            self._channels[channel_id] = _Channel(
                id=channel_id,
                name=name,
                members=member_list,
                is_private=is_private,
                created=int(time.time()),
            )
            self._messages.setdefault(channel_id, {})
        return channel_id

    def remove_bot_from_channel(self, channel_id: str) -> None:
        """Kick the bot: posting then fails with ``not_in_channel`` (``channel_not_found`` if
        the channel is private, because Slack hides private channels from non-members)."""
        with self._lock:
            channel = self._channels[channel_id]
            channel.members = [m for m in channel.members if m != self.bot_user_id]

    def archive_channel(self, channel_id: str) -> None:
        """Archive a channel: posting then fails with ``is_archived``."""
        with self._lock:
            self._channels[channel_id].is_archived = True

    def delete_channel(self, channel_id: str) -> None:
        """Delete a channel and its history: every method then says ``channel_not_found``."""
        with self._lock:
            del self._channels[channel_id]
            self._messages.pop(channel_id, None)

    def add_message(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """Record a message a *person* posted (e.g. a thread the bot should read); return ts."""
        with self._lock:
            channel_id = self._channel_key(channel)
            if channel_id not in self._channels:
                raise KeyError(f"no channel {channel!r}")
            message: dict[str, Any] = {
                "type": "message",
                "user": user,
                "text": text,
                "ts": self._next_ts(),
                "team": self.team_id,
            }
            if blocks is not None:
                message["blocks"] = blockkit.normalize_blocks(blocks, self._short_id)
            return self._store_message(channel_id, message, thread_ts)["ts"]

    def issue_trigger_id(self, user_id: str | None = None) -> str:
        """Issue a trigger id (as a user interaction would); valid for ``trigger_ttl`` seconds
        and one exchange. Modals opened with it land on ``user_id``'s view stack."""
        with self._lock:
            trigger_id = (
                f"{self._rng.randrange(10**12, 10**13)}.{self._rng.randrange(10**12, 10**13)}."
                f"{self._rng.getrandbits(128):032x}"
            )
            self._triggers[trigger_id] = (time.monotonic(), user_id)
            return trigger_id

    def dm_channel_id(self, user_id: str) -> str:
        """The stable ``D…`` id of ``user_id``'s DM with the bot (created on first use)."""
        with self._lock:
            return self._dm_for(user_id).id

    # ------------------------------------------------------------------ faults and limits

    def inject_fault(
        self,
        method: str,
        *,
        status: int | None = None,
        retry_after: int = 1,
        error: str | None = None,
        delay: float = 0.0,
        times: int = 1,
        after: bool = False,
        matching: Callable[[dict[str, Any]], bool] | None = None,
        omit: tuple[str, ...] = (),
    ) -> None:
        """Make the next ``times`` calls to ``method`` misbehave.

        - default: HTTP 429 ``ratelimited`` with ``Retry-After: retry_after``;
        - ``status=5xx``: that HTTP status with ``{"ok": false, "error": "fatal_error"}``;
        - ``error="..."``: that API error (HTTP 200 unless ``status`` says otherwise);
        - ``delay=s`` alone: answer normally, but only after ``s`` seconds (a client timeout);
          the call still takes effect, as a slow Slack request usually does;
        - ``delay`` with a status/error: sleep, then fail;
        - ``after=True`` with a status/error: carry the call out (the message is posted), then
          answer with that failure: Slack acted, but its answer was lost;
        - ``matching=predicate``: only calls whose params satisfy it misbehave (say, the one post
          whose text starts "Journey gaps"); the others are answered normally.
        - ``omit=("field", ...)`` alone: answer ``ok`` without those top-level fields, as Slack
          sometimes leaves out an optional one (the call still takes effect).

        ``method`` may also be :data:`UPLOAD_CALL` or :data:`RESPONSE_URL_CALL`.
        """
        if status is None and error is None and not delay and not omit:
            status = 429
        with self._lock:
            self._faults.setdefault(method, []).append(
                _Fault(status, retry_after, error, delay, times, after, matching, tuple(omit))
            )

    def clear_faults(self) -> None:
        """Drop every pending injected fault."""
        with self._lock:
            self._faults.clear()

    def set_rate_limit(
        self,
        method: str = "chat.postMessage",
        per_channel_per_second: float | None = 1.0,
        burst: float = 1.0,
    ) -> None:
        """Enforce Slack's per-channel posting limit (~1 message/s/channel) on ``method``.

        A token bucket per channel holds up to ``burst`` calls; past it the call answers HTTP
        429 with ``Retry-After`` (whole seconds, rounded up) and has no effect.
        ``per_channel_per_second=None`` removes the limit.
        """
        with self._lock:
            self._buckets = {k: v for k, v in self._buckets.items() if k[0] != method}
            if per_channel_per_second is None:
                self._rate_limits.pop(method, None)
            else:
                self._rate_limits[method] = (per_channel_per_second, max(1.0, burst))

    # ------------------------------------------------------------------ recording

    @property
    def calls(self) -> list[Call]:
        """Every request answered so far, oldest first (a copy)."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def describe_calls(self, last: int = 15) -> str:
        """A short human summary of the latest calls, for assertion messages."""
        calls = self.calls[-last:]
        if not calls:
            return "no API calls recorded"
        lines = [
            f"  {c.method} -> {c.http_status} "
            f"{'ok' if c.response.get('ok') else c.response.get('error')}"
            for c in calls
        ]
        return "latest API calls:\n" + "\n".join(lines)

    def wait_for(
        self, predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.02
    ) -> T:
        """:func:`wait_for`, with the latest API calls in the failure message."""
        return wait_for(predicate, timeout, interval, describe=self.describe_calls)

    # ------------------------------------------------------------------ state accessors

    def user(self, user_id: str) -> dict[str, Any]:
        """The Slack user object; ``KeyError`` if there is no such user."""
        with self._lock:
            return copy.deepcopy(self._users[user_id])

    def channel(self, channel_id: str) -> dict[str, Any]:
        """The ``conversations.info`` object; ``KeyError`` if there is no such conversation."""
        with self._lock:
            return self._channel_object(self._channels[channel_id])

    def messages(
        self, channel: str, thread_ts: str | None = None, include_replies: bool = False
    ) -> list[dict[str, Any]]:
        """Messages in a channel, oldest first.

        Top-level messages (plus ``reply_broadcast`` replies) by default; with ``thread_ts``,
        the replies of that thread; ``include_replies`` adds every reply. ``channel`` may be a
        user id, meaning that user's DM with the bot.
        """
        with self._lock:
            stored = self._messages.get(self._channel_key(channel), {}).values()
            if thread_ts is not None:
                chosen = [
                    m for m in stored if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts
                ]
            elif include_replies:
                chosen = list(stored)
            else:
                chosen = [m for m in stored if self._is_top_level(m)]
            return copy.deepcopy(chosen)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The current version of one message (an edited one carries Slack's ``edited``)."""
        with self._lock:
            found = self._messages.get(self._channel_key(channel), {}).get(ts)
            return copy.deepcopy(found)

    def edits(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """Earlier versions of a message, oldest first (one entry per ``chat.update``)."""
        with self._lock:
            return copy.deepcopy(self._edits.get((self._channel_key(channel), ts), []))

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The replies of the thread started by ``ts``, oldest first."""
        return self.messages(channel, thread_ts=ts)

    def ephemerals(
        self, user: str | None = None, channel: str | None = None
    ) -> list[dict[str, Any]]:
        """Ephemeral messages, oldest first; ``user`` is the one who saw them.

        Each has ``channel``, ``user``, ``ts`` (the ``message_ts``), ``text``, ``blocks`` and
        ``source`` (``"chat.postEphemeral"`` or ``"response_url"``).
        """
        with self._lock:
            channel_key = self._channel_key(channel) if channel else None
            return copy.deepcopy(
                [
                    e
                    for e in self._ephemerals
                    if (user is None or e["user"] == user)
                    and (channel_key is None or e["channel"] == channel_key)
                ]
            )

    def dms(self, user: str) -> list[dict[str, Any]]:
        """Messages the bot sent to ``user``'s DM (thread replies included), oldest first."""
        with self._lock:
            dm = self._dm_by_user.get(user)
            stored = self._messages.get(dm, {}).values() if dm else []
            return copy.deepcopy([m for m in stored if m.get("user") == self.bot_user_id])

    def view(self, view_id: str) -> dict[str, Any] | None:
        """A view by id (open, closed or Home tab), with its latest ``state``."""
        with self._lock:
            return copy.deepcopy(self._views.get(view_id))

    def view_stack(self, user: str | None) -> list[dict[str, Any]]:
        """The user's open modals, root first."""
        with self._lock:
            return copy.deepcopy([self._views[v] for v in self._stacks.get(user, [])])

    def top_view(self, user: str | None) -> dict[str, Any] | None:
        """The modal the user currently sees, if any."""
        stack = self.view_stack(user)
        return stack[-1] if stack else None

    def home(self, user: str) -> dict[str, Any] | None:
        """The Home tab view published for ``user``, if any."""
        with self._lock:
            view_id = self._homes.get(user)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def files(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Uploaded files (optionally only those shared to ``channel``), oldest first."""
        with self._lock:
            channel_key = self._channel_key(channel) if channel else None
            return copy.deepcopy(
                [
                    f
                    for f in self._files.values()
                    if channel_key is None or channel_key in f["channels"] + f["ims"] + f["groups"]
                ]
            )

    def file_bytes(self, file_id: str) -> bytes:
        """The exact bytes uploaded for ``file_id``."""
        with self._lock:
            return self._file_data[file_id]

    # ------------------------------------------------------------------ hooks for the simulator

    def _issue_response_url(
        self, user: str, channel: str, message_ts: str | None = None, is_ephemeral: bool = False
    ) -> str:
        with self._lock:
            token = f"{self.team_id}/{self._rng.getrandbits(64):016x}"
            self._response_urls[token] = _ResponseUrl(user, channel, message_ts, is_ephemeral)
            return f"{self.base_url}/response/{token}"

    def _deliver_response(self, response_url: str, payload: dict[str, Any]) -> tuple[int, str]:
        """Apply a ``response_url`` message; return ``(http_status, body)`` as Slack would."""
        token = response_url.rsplit("/response/", 1)[-1]
        with self._lock:
            binding = self._response_urls.get(token)
            if binding is None:
                return 404, "expired_url"
            binding.uses += 1
            if binding.uses > _RESPONSE_URL_MAX_USES:
                return 404, "used_url"
            return self._apply_response(binding, payload)

    def _set_view_state(self, view_id: str, values: dict[str, dict[str, Any]]) -> None:
        """Remember what the user has typed/picked in a view (Slack keeps it across updates)."""
        with self._lock:
            self._views[view_id]["state"] = {"values": copy.deepcopy(values)}

    def _push_view(self, user: str, view: dict[str, Any]) -> str | None:
        """Push a ``response_action: push`` view; return an error code or ``None``."""
        with self._lock:
            stack = self._stacks.setdefault(user, [])
            if len(stack) >= 3:
                return "push_limit_reached"
            previous = stack[-1] if stack else None
            record = self._new_view(view, user, root=stack[0] if stack else None, previous=previous)
            stack.append(record["id"])
            return None

    def _replace_view(self, view_id: str, view: dict[str, Any]) -> None:
        """Apply a ``response_action: update`` view in place (same id, new hash)."""
        with self._lock:
            self._update_view_record(self._views[view_id], view)

    def _close_view(self, user: str, view_id: str, *, clear: bool) -> None:
        """Close one view (or, with ``clear``, the user's whole stack)."""
        with self._lock:
            stack = self._stacks.get(user, [])
            closing = list(stack) if clear else [v for v in stack if v == view_id]
            self._closed_views.update(closing)
            self._stacks[user] = [] if clear else [v for v in stack if v != view_id]

    # ------------------------------------------------------------------ HTTP plumbing

    def _serve(self, handler: _RequestHandler) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if url.path.startswith("/api/"):
            status, headers, payload = self._serve_api(
                url.path[len("/api/") :],
                url.query,
                handler.headers.get("Content-Type"),
                handler.headers.get("Authorization"),
                body,
            )
        elif url.path.startswith("/upload/"):
            status, headers, payload = self._serve_upload(url.path[len("/upload/") :], body)
        elif url.path.startswith("/response/"):
            status, headers, payload = self._serve_response_url(url.path, body)
        elif url.path.startswith("/files-pri/"):
            status, headers, payload = self._serve_file_download(
                url.path, handler.headers.get("Authorization")
            )
        else:
            status, headers, payload = 404, {"Content-Type": "text/plain"}, b"Not Found"
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during an injected delay)

    def _record(
        self, method: str, params: dict[str, Any], response: dict[str, Any], status: int
    ) -> None:
        with self._lock:
            self._calls.append(Call(method, copy.deepcopy(params), response, status, time.time()))

    def _take_fault(self, method: str, params: dict[str, Any] | None = None) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(method) or []
            fault = next((f for f in queue if f.matching is None or f.matching(params or {})), None)
            if fault is None:
                return None
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.remove(fault)
            return fault

    def _fault_answer(self, fault: _Fault) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        """Sleep for the fault's delay; return the faulty answer, or ``None`` to answer normally."""
        if fault.delay:
            time.sleep(fault.delay)
        if fault.error is not None:
            return fault.status or 200, {}, {"ok": False, "error": fault.error}
        if fault.status == 429:
            return (
                429,
                {"Retry-After": str(fault.retry_after)},
                {"ok": False, "error": "ratelimited"},
            )
        if fault.status is not None:
            return fault.status, {}, {"ok": False, "error": "fatal_error"}
        return None

    def _serve_api(
        self,
        method: str,
        query: str,
        content_type: str | None,
        authorization: str | None,
        body: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        json_headers = {"Content-Type": "application/json; charset=utf-8"}
        try:
            params, body_was_json = _parse_params(query, content_type, body)
        except _ApiError as exc:
            self._record(method, {}, exc.body, 200)
            return 200, json_headers, json.dumps(exc.body).encode()
        token = params.pop("token", None)
        if body_was_json:
            # Slack ignores a token inside a JSON body: JSON callers must use the header.
            token = dict(parse_qsl(query)).get("token")
        if authorization and authorization.startswith("Bearer "):
            token = authorization[len("Bearer ") :].strip()

        fault = self._take_fault(method, params)
        answer = self._fault_answer(fault) if fault else None
        if answer is not None and not fault.after:  # type: ignore[union-attr]
            status, headers, response = answer
            self._record(method, params, response, status)
            return status, {**json_headers, **headers}, json.dumps(response).encode()

        status, headers = 200, {}
        with self._lock:
            handler = self._methods.get(method)
            try:
                if method == "apps.connections.open":  # the app-level token, not the bot's
                    response = {"ok": True, **self._apps_connections_open(token)}
                    self._record(method, params, response, status)
                    return status, json_headers, json.dumps(response).encode()
                if handler is None:
                    raise _ApiError("unknown_method")
                if method == "oauth.v2.access":  # authenticated by client credentials
                    response = {"ok": True, **self._oauth_v2_access(params, authorization)}
                    self._record(method, params, response, status)
                    return status, json_headers, json.dumps(response).encode()
                if not token:
                    raise _ApiError("not_authed")
                if token != self.bot_token and token not in self._installed_tokens:
                    raise _ApiError("invalid_auth")
                wait = self._rate_limited(method, params)
                if wait:
                    status, headers = 429, {"Retry-After": str(math.ceil(wait))}
                    raise _ApiError("ratelimited")
                response = {"ok": True, **handler(params)}
                for omitted in fault.omit if fault else ():
                    response.pop(omitted, None)
            except _ApiError as exc:
                response = exc.body
            if answer is not None:  # done, but the caller hears of a failure instead
                status, headers, response = answer
            self._record(method, params, response, status)
        return status, {**json_headers, **headers}, json.dumps(response).encode()

    def _rate_limited(self, method: str, params: dict[str, Any]) -> float:
        limit = self._rate_limits.get(method)
        if limit is None:
            return 0.0
        rate, burst = limit
        channel = str(params.get("channel") or params.get("channel_id") or "")
        key = (method, self._channel_key(channel) if channel else "")
        now = time.monotonic()
        bucket = self._buckets.setdefault(key, _Bucket(rate, burst, burst, now))
        return bucket.take(now)

    def _serve_upload(self, file_id: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        params = {"file_id": file_id, "length": len(body)}
        fault = self._take_fault(UPLOAD_CALL)
        answer = self._fault_answer(fault) if fault else None
        if answer is not None:
            status, headers, response = answer
            self._record(UPLOAD_CALL, params, response, status)
            return status, {"Content-Type": "text/plain", **headers}, response["error"].encode()
        with self._lock:
            pending = self._files.get(file_id)
            if pending is None or file_id in self._file_data:
                self._record(UPLOAD_CALL, params, {"ok": False, "error": "not_found"}, 404)
                return 404, {"Content-Type": "text/plain"}, b"Not Found"
            self._file_data[file_id] = body
            self._record(UPLOAD_CALL, params, {"ok": True}, 200)
        return 200, {"Content-Type": "text/plain; charset=utf-8"}, f"OK - {len(body)}".encode()

    def _serve_file_download(
        self, path: str, authorization: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        """``url_private`` / ``url_private_download`` of a file a user shared: the bytes, for a
        request with the bot token in ``Authorization: Bearer``; Slack answers anything else
        with its sign-in page (HTML, status 200), so the stand-in does too."""
        parts = path.split("/")  # ["", "files-pri", "<team>-<file id>", ("download",) name]
        file_id = parts[2].rsplit("-", 1)[-1] if len(parts) > 3 else ""
        token = (authorization or "").removeprefix("Bearer ").strip()
        params = {"file": file_id, "path": path}
        with self._lock:
            known = file_id in self._file_data and file_id in self._completed
            allowed = token == self.bot_token or token in self._installed_tokens
            if not (known and allowed):
                self._record(FILE_DOWNLOAD_CALL, params, {"ok": False, "error": "sign_in"}, 200)
                return 200, {"Content-Type": "text/html"}, b"<html>Sign in to Slack</html>"
            self._record(FILE_DOWNLOAD_CALL, params, {"ok": True}, 200)
            return 200, {"Content-Type": "application/octet-stream"}, self._file_data[file_id]

    def add_user_file(self, user_id: str, filename: str, content: bytes) -> dict[str, Any]:
        """A file a user uploaded in Slack (through a modal's file input, say): its record as
        ``files.info`` returns it, with ``url_private`` pointing at the stand-in."""
        with self._lock:
            file_id = self._new_id("F")
            now = int(time.time())
            base = f"{self.base_url}/files-pri/{self.team_id}-{file_id}"
            record = {
                "id": file_id,
                "created": now,
                "timestamp": now,
                "name": filename,
                "title": filename,
                "mimetype": "text/csv" if filename.lower().endswith(".csv") else "text/plain",
                "filetype": filename.rsplit(".", 1)[-1].lower() if "." in filename else "text",
                "user": user_id,
                "user_team": self.team_id,
                "size": len(content),
                "mode": "hosted",
                "is_external": False,
                "is_public": False,
                "url_private": f"{base}/{filename}",
                "url_private_download": f"{base}/download/{filename}",
                "permalink": f"https://{self.team_domain}.slack.com/files/{user_id}/{file_id}/{filename}",
                "channels": [],
                "groups": [],
                "ims": [],
                "shares": {},
                "comments_count": 0,
            }
            self._files[file_id] = record
            self._file_data[file_id] = content
            self._completed.add(file_id)
            return copy.deepcopy(record)

    def _serve_response_url(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        text_headers = {"Content-Type": "text/plain; charset=utf-8"}
        try:
            payload = json.loads(body.decode("utf-8") or "{}")
            if not isinstance(payload, dict):
                raise ValueError("not an object")
        except ValueError:
            self._record(RESPONSE_URL_CALL, {}, {"ok": False, "error": "invalid_payload"}, 400)
            return 400, text_headers, b"invalid_payload"
        fault = self._take_fault(RESPONSE_URL_CALL)
        answer = self._fault_answer(fault) if fault else None
        if answer is not None:
            status, headers, response = answer
            self._record(RESPONSE_URL_CALL, payload, response, status)
            return status, {**text_headers, **headers}, response["error"].encode()
        status, text = self._deliver_response(path, payload)
        response = {"ok": True} if status == 200 else {"ok": False, "error": text}
        self._record(RESPONSE_URL_CALL, payload, response, status)
        return status, text_headers, text.encode()

    # ------------------------------------------------------------------ internals

    def _next_ts(self) -> str:
        """A unique, increasing message ts in Slack's ``seconds.micros`` form."""
        with self._lock:
            self._last_ts_us = max(int(time.time() * 1_000_000), self._last_ts_us + 1)
            seconds, micros = divmod(self._last_ts_us, 1_000_000)
            return f"{seconds}.{micros:06d}"

    def _new_id(self, prefix: str) -> str:
        alphabet = string.ascii_uppercase + string.digits
        return prefix + "".join(self._rng.choices(alphabet, k=10))

    def _short_id(self) -> str:
        """Like the 4-5 character block/action ids Slack generates."""
        return "".join(self._rng.choices(string.ascii_letters + string.digits, k=5))

    def _bot_user_object(self) -> dict[str, Any]:
        return {
            "id": self.bot_user_id,
            "team_id": self.team_id,
            "name": self.bot_name,
            "deleted": False,
            "real_name": self.bot_name,
            "tz": "America/Los_Angeles",
            "tz_label": "Pacific Standard Time",
            "tz_offset": -28800,
            "profile": {
                "real_name": self.bot_name,
                "display_name": "",
                "bot_id": self.bot_id,
                "api_app_id": self.app_id,
                "always_active": False,
                "team": self.team_id,
            },
            "is_admin": False,
            "is_owner": False,
            "is_bot": True,
            "is_app_user": False,
            "updated": int(time.time()),
        }

    def _channel_key(self, channel: str) -> str:
        """Map a user id to that user's DM id (for accessors); leave other ids alone."""
        if channel[:1] in ("U", "W") and channel in self._users:
            return self._dm_for(channel).id
        return channel

    def _dm_for(self, user_id: str) -> _Channel:
        dm_id = self._dm_by_user.get(user_id)
        if dm_id is None:
            dm_id = self._new_id("D")
            self._dm_by_user[user_id] = dm_id
            self._channels[dm_id] = _Channel(
                id=dm_id,
                name=user_id,
                members=[user_id, self.bot_user_id],
                is_im=True,
                im_user=user_id,
                created=int(time.time()),
            )
            self._messages[dm_id] = {}
        return self._channels[dm_id]

    def _visible_channel(self, channel_id: Any) -> _Channel:
        """Look a conversation up by id (or ``#name``) as the bot sees it."""
        if not isinstance(channel_id, str) or not channel_id:
            raise _ApiError("channel_not_found")
        channel = self._channels.get(channel_id)
        if channel is None:
            name = channel_id.lstrip("#")
            channel = next(
                (c for c in self._channels.values() if not c.is_im and c.name == name), None
            )
        if channel is None or (channel.is_private and self.bot_user_id not in channel.members):
            raise _ApiError("channel_not_found")
        return channel

    def _resolve_channel(self, channel_id: Any) -> _Channel:
        """A conversation to post into: user ids mean their DM with the bot."""
        if isinstance(channel_id, str) and channel_id[:1] in ("U", "W"):
            user = self._users.get(channel_id)
            if user is None:
                raise _ApiError("channel_not_found")
            if user["is_bot"]:
                raise _ApiError("cannot_dm_bot")
            return self._dm_for(channel_id)
        channel = self._visible_channel(channel_id)
        if channel.is_archived:
            raise _ApiError("is_archived")
        if self.bot_user_id not in channel.members:
            raise _ApiError("not_in_channel")
        return channel

    def _channel_object(
        self, channel: _Channel, include_num_members: bool = False
    ) -> dict[str, Any]:
        if channel.is_im:
            return {
                "id": channel.id,
                "created": channel.created,
                "is_im": True,
                "is_org_shared": False,
                "user": channel.im_user,
                "is_user_deleted": False,
                "priority": 0,
            }
        obj: dict[str, Any] = {
            "id": channel.id,
            "name": channel.name,
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.is_private,
            "created": channel.created,
            "is_archived": channel.is_archived,
            "is_general": False,
            "unlinked": 0,
            "name_normalized": channel.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": self.team_id,
            "parent_conversation": None,
            "creator": channel.members[0] if channel.members else "",
            "is_ext_shared": False,
            "shared_team_ids": [self.team_id],
            "is_member": self.bot_user_id in channel.members,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }
        if include_num_members:
            obj["num_members"] = len(channel.members)
        return obj

    @staticmethod
    def _is_top_level(message: dict[str, Any]) -> bool:
        thread_ts = message.get("thread_ts")
        return thread_ts in (None, message["ts"]) or message.get("subtype") == "thread_broadcast"

    def _store_message(
        self, channel_id: str, message: dict[str, Any], thread_ts: Any
    ) -> dict[str, Any]:
        """Store a message, maintaining Slack's thread bookkeeping on the parent."""
        stored = self._messages.setdefault(channel_id, {})
        if thread_ts:
            parent = stored.get(thread_ts)
            if parent is not None and parent.get("thread_ts") not in (None, parent["ts"]):
                # Replying to a reply lands in the parent's thread, as in Slack.
                thread_ts, parent = parent["thread_ts"], stored.get(parent["thread_ts"])
            message["thread_ts"] = thread_ts
            if parent is not None:
                message["parent_user_id"] = parent.get("user")
                reply_users = list(dict.fromkeys([*parent.get("reply_users", []), message["user"]]))
                parent.update(
                    thread_ts=parent["ts"],
                    reply_count=parent.get("reply_count", 0) + 1,
                    reply_users=reply_users,
                    reply_users_count=len(reply_users),
                    latest_reply=message["ts"],
                    is_locked=False,
                    subscribed=False,
                )
        stored[message["ts"]] = message
        return message

    def _bot_message(self, text: str, ts: str) -> dict[str, Any]:
        return {
            "user": self.bot_user_id,
            "type": "message",
            "ts": ts,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": text,
            "team": self.team_id,
            "bot_profile": {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": self.bot_name,
                "icons": {},
                "deleted": False,
                "updated": 0,
                "team_id": self.team_id,
            },
        }

    def _check_content(self, params: dict[str, Any], *, require: bool = True) -> None:
        """Slack's message content checks: text/blocks presence, sizes and Block Kit limits."""
        text, blocks, attachments = (
            params.get("text"),
            params.get("blocks"),
            params.get("attachments"),
        )
        if require and not text and not blocks and not attachments:
            raise _ApiError("no_text")
        if isinstance(text, str) and len(text) > _MAX_TEXT:
            raise _ApiError("msg_too_long")
        if attachments is not None and (
            not isinstance(attachments, list) or len(attachments) > 100
        ):
            raise _ApiError("too_many_attachments")
        if blocks is not None:
            errors = blockkit.validate_blocks(blocks, max_blocks=blockkit.MAX_MESSAGE_BLOCKS)
            if errors:
                raise _ApiError(
                    "invalid_blocks",
                    errors,
                    errors=[e.removeprefix("[ERROR] ") for e in errors],
                )
            if blockkit.block_text_length(blocks) > blockkit.MAX_MESSAGE_BLOCK_TEXT:
                raise _ApiError("msg_blocks_too_long")

    def _apply_content(self, message: dict[str, Any], params: dict[str, Any]) -> None:
        if "text" in params:
            message["text"] = str(params["text"])
        if "blocks" in params:
            message["blocks"] = blockkit.normalize_blocks(params["blocks"], self._short_id)
        if "attachments" in params:
            message["attachments"] = copy.deepcopy(params["attachments"])
        if isinstance(params.get("metadata"), dict):
            message["metadata"] = copy.deepcopy(params["metadata"])

    def _find_message(
        self, params: dict[str, Any], ts_key: str = "ts"
    ) -> tuple[_Channel, dict[str, Any]]:
        channel = self._visible_channel(params.get("channel"))
        message = self._messages.get(channel.id, {}).get(params.get(ts_key) or "")
        if message is None:
            raise _ApiError("message_not_found")
        return channel, message

    # ------------------------------------------------------------------ methods: auth, chat

    # ------------------------------------------------------------------ OAuth install

    def register_oauth_app(self, client_id: str, client_secret: str) -> None:
        """Accept these app credentials in ``oauth.v2.access``."""
        with self._lock:
            self._oauth_apps[client_id] = client_secret

    def approve_install(self, user_id: str, team_id: str | None = None) -> str:
        """The user presses *Allow* on Slack's install page: returns the one-time code that
        Slack appends to the app's redirect URL. ``team_id``: install into another workspace
        than this stand-in's (its token then works here, as this workspace's does)."""
        team = team_id or self.team_id
        code = f"{team}.{secrets.token_hex(8)}"
        with self._lock:
            self._oauth_codes[code] = (user_id, team)
        return code

    def _oauth_v2_access(
        self, params: dict[str, Any], authorization: str | None = None
    ) -> dict[str, Any]:
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[len("Basic ") :]).decode()
            client_id, _, client_secret = decoded.partition(":")
        if client_id not in self._oauth_apps:
            raise _ApiError("invalid_client_id")
        if self._oauth_apps[client_id] != client_secret:
            raise _ApiError("bad_client_secret")
        approved = self._oauth_codes.pop(str(params.get("code")), None)
        if approved is None:
            raise _ApiError("invalid_code")
        installer, team_id = approved
        token = f"xoxb-installed-{secrets.token_hex(12)}"
        self._installed_tokens.add(token)
        return {
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": self.bot_user_id,
            "app_id": self.app_id,
            "team": {
                "id": team_id,
                "name": self.team_name if team_id == self.team_id else team_id,
            },
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": installer},
        }

    def _apps_connections_open(self, token: Any) -> dict[str, Any]:
        if not token:
            raise _ApiError("not_authed")
        if token == self.bot_token or token in self._installed_tokens:
            raise _ApiError("not_allowed_token_type")
        if token != self.app_token:
            raise _ApiError("invalid_auth")
        return {"url": self.socket_mode.new_url()}

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        self._check_content(params)
        message = self._bot_message(str(params.get("text") or ""), self._next_ts())
        self._apply_content(message, params)
        if params.get("thread_ts") and _bool(params.get("reply_broadcast")):
            message["subtype"] = "thread_broadcast"
        message = self._store_message(channel.id, message, params.get("thread_ts"))
        return {"channel": channel.id, "ts": message["ts"], "message": copy.deepcopy(message)}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._find_message(params)
        if message.get("user") != self.bot_user_id:
            raise _ApiError("cant_update_message")
        if channel.is_archived:
            raise _ApiError("is_archived")
        if not any(k in params for k in ("text", "blocks", "attachments")):
            raise _ApiError("no_text")
        self._check_content(params, require=False)
        self._edits.setdefault((channel.id, message["ts"]), []).append(copy.deepcopy(message))
        self._apply_content(message, params)
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "channel": channel.id,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": copy.deepcopy(message),
        }

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(params.get("channel"))
        user = params.get("user")
        if user not in self._users:
            raise _ApiError("user_not_found")
        if user not in channel.members:
            raise _ApiError("user_not_in_channel")
        self._check_content(params)
        ephemeral = self._ephemeral(channel.id, user, params, source="chat.postEphemeral")
        return {"message_ts": ephemeral["ts"]}

    def _ephemeral(
        self, channel_id: str, user: str, params: dict[str, Any], *, source: str
    ) -> dict[str, Any]:
        ephemeral = {
            "type": "message",
            "subtype": "bot_message",
            "channel": channel_id,
            "user": user,
            "ts": self._next_ts(),
            "text": str(params.get("text") or ""),
            "bot_id": self.bot_id,
            "source": source,
        }
        self._apply_content(ephemeral, params)
        if params.get("thread_ts"):
            ephemeral["thread_ts"] = params["thread_ts"]
        self._ephemerals.append(ephemeral)
        return ephemeral

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._find_message(params)
        if message.get("user") != self.bot_user_id:
            raise _ApiError("cant_delete_message")
        self._delete_message(channel.id, message)
        return {"channel": channel.id, "ts": message["ts"]}

    def _delete_message(self, channel_id: str, message: dict[str, Any]) -> None:
        stored = self._messages[channel_id]
        if message.get("reply_count"):
            # Slack keeps a tombstone so the thread survives its parent.
            message.update(
                subtype="tombstone", user="USLACKBOT", text="This message was deleted.", hidden=True
            )
            for key in ("blocks", "attachments", "bot_id", "bot_profile", "app_id"):
                message.pop(key, None)
            return
        del stored[message["ts"]]
        parent = stored.get(message.get("thread_ts") or "")
        if parent is not None and parent is not message:
            replies = [
                m for m in stored.values() if m.get("thread_ts") == parent["ts"] and m is not parent
            ]
            parent["reply_count"] = len(replies)
            parent["latest_reply"] = replies[-1]["ts"] if replies else parent["ts"]

    def _chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._find_message(params, ts_key="message_ts")
        ts_digits = message["ts"].replace(".", "")
        link = f"https://{self.team_domain}.slack.com/archives/{channel.id}/p{ts_digits}"
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != message["ts"]:
            link += f"?thread_ts={thread_ts}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    # ------------------------------------------------------------------ methods: views

    def _exchange_trigger(self, params: dict[str, Any]) -> str | None:
        trigger_id = params.get("trigger_id") or params.get("interactivity_pointer")
        if not trigger_id:
            raise _invalid_arguments("[ERROR] missing required field: trigger_id")
        if trigger_id in self._exchanged:
            raise _ApiError("exchanged_trigger_id")
        issued = self._triggers.get(trigger_id)
        if issued is None:
            raise _ApiError("invalid_trigger_id")
        issued_at, user = issued
        if time.monotonic() - issued_at > self.trigger_ttl:
            raise _ApiError("expired_trigger_id")
        self._exchanged.add(trigger_id)
        return user

    def _checked_view(self, view: Any, view_type: str) -> dict[str, Any]:
        errors = blockkit.validate_view(view, view_type=view_type)
        if errors:
            raise _invalid_arguments(*errors)
        return view

    def _check_external_id(self, view: dict[str, Any], exclude: str | None = None) -> None:
        external_id = view.get("external_id")
        if not external_id:
            return
        for view_id, other in self._views.items():
            if (
                view_id != exclude
                and view_id not in self._closed_views
                and other.get("external_id") == external_id
            ):
                raise _ApiError("duplicate_external_id")

    def _view_hash(self) -> str:
        return f"{int(time.time())}.{self._rng.getrandbits(32):08x}"

    def _new_view(
        self, view: dict[str, Any], user: str | None, *, root: str | None, previous: str | None
    ) -> dict[str, Any]:
        view_id = self._new_id("V")
        record = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "hash": "",
            "title": None,
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
            "previous_view_id": previous,
            "root_view_id": root or view_id,
            "app_id": self.app_id,
            "external_id": "",
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        self._update_view_record(record, view)
        self._views[view_id] = record
        self._view_owner[view_id] = user
        return record

    def _update_view_record(self, record: dict[str, Any], view: dict[str, Any]) -> None:
        """Replace a view's definition, keeping its identity and the user's surviving input."""
        blocks = blockkit.normalize_blocks(view.get("blocks") or [], self._short_id)
        old_values = record["state"]["values"]
        kept: dict[str, dict[str, Any]] = {}
        for block, element in blockkit.iter_elements(blocks):
            previous = old_values.get(block["block_id"], {}).get(element["action_id"])
            if previous is not None and previous.get("type") == element["type"]:
                kept.setdefault(block["block_id"], {})[element["action_id"]] = previous
        for key in ("title", "close", "submit", "private_metadata", "callback_id", "external_id"):
            if key in view:
                record[key] = copy.deepcopy(view[key])
        for key in ("clear_on_close", "notify_on_close", "submit_disabled"):
            if key in view:
                record[key] = _bool(view[key])
        record.update(blocks=blocks, state={"values": kept}, hash=self._view_hash())

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = self._checked_view(params.get("view"), "modal")
        self._check_external_id(view)
        user = self._exchange_trigger(params)
        self._closed_views.update(self._stacks.get(user, []))
        record = self._new_view(view, user, root=None, previous=None)
        self._stacks[user] = [record["id"]]
        return {"view": copy.deepcopy(record)}

    def _views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        view = self._checked_view(params.get("view"), "modal")
        self._check_external_id(view)
        user = self._exchange_trigger(params)
        stack = self._stacks.setdefault(user, [])
        if len(stack) >= 3:
            raise _ApiError("push_limit_reached")
        record = self._new_view(
            view, user, root=stack[0] if stack else None, previous=stack[-1] if stack else None
        )
        stack.append(record["id"])
        return {"view": copy.deepcopy(record)}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("view_id"):
            record = self._views.get(params["view_id"])
        elif params.get("external_id"):
            record = next(
                (
                    v
                    for v_id, v in self._views.items()
                    if v.get("external_id") == params["external_id"]
                    and v_id not in self._closed_views
                ),
                None,
            )
        else:
            raise _invalid_arguments("[ERROR] either view_id or external_id is required")
        if record is None or record["id"] in self._closed_views:
            raise _ApiError("not_found")
        view = self._checked_view(params.get("view"), record["type"])
        if params.get("hash") and params["hash"] != record["hash"]:
            raise _ApiError("hash_conflict")
        self._check_external_id(view, exclude=record["id"])
        self._update_view_record(record, view)
        return {"view": copy.deepcopy(record)}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user = params.get("user_id")
        if user not in self._users:
            raise _ApiError("user_not_found")
        view = self._checked_view(params.get("view"), "home")
        view_id = self._homes.get(user)
        if view_id is None:
            record = self._new_view(view, user, root=None, previous=None)
            self._homes[user] = record["id"]
        else:
            record = self._views[view_id]
            if params.get("hash") and params["hash"] != record["hash"]:
                raise _ApiError("hash_conflict")
            self._update_view_record(record, view)
        return {"view": copy.deepcopy(record)}

    # ------------------------------------------------------------------ methods: files

    def _files_get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        filename = _require(params, "filename")
        length = _int(params, "length", -1)
        if length < 0:
            raise _invalid_arguments("[ERROR] missing required field: length")
        file_id = self._new_id("F")
        now = int(time.time())
        self._files[file_id] = {
            "id": file_id,
            "created": now,
            "timestamp": now,
            "name": filename,
            "title": filename,
            "mimetype": "",
            "filetype": filename.rsplit(".", 1)[-1].lower() if "." in filename else "binary",
            "pretty_type": "",
            "user": self.bot_user_id,
            "user_team": self.team_id,
            "editable": False,
            "size": length,
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"https://files.slack.com/files-pri/{self.team_id}-{file_id}/{filename}",
            "url_private_download": f"https://files.slack.com/files-pri/{self.team_id}-{file_id}/download/{filename}",
            "permalink": f"https://{self.team_domain}.slack.com/files/{self.bot_user_id}/{file_id}/{filename}",
            "channels": [],
            "groups": [],
            "ims": [],
            "shares": {},
            "comments_count": 0,
        }
        if params.get("alt_txt"):
            self._files[file_id]["alt_txt"] = params["alt_txt"]
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise _invalid_arguments("[ERROR] missing required field: files")
        targets: list[str] = []
        if params.get("channel_id"):
            targets.append(params["channel_id"])
        if params.get("channels"):
            targets.extend(c.strip() for c in str(params["channels"]).split(",") if c.strip())
        channels = [self._resolve_channel(c) for c in targets]
        records = []
        for entry in entries:
            record = self._files.get(entry.get("id") if isinstance(entry, dict) else None)
            if (
                record is None
                or record["id"] not in self._file_data
                or record["id"] in self._completed
            ):
                raise _ApiError("file_not_found")
            records.append(record)
        thread_ts = params.get("thread_ts")
        for record, entry in zip(records, entries, strict=True):
            self._completed.add(record["id"])
            record.update(
                title=entry.get("title") or record["name"], size=len(self._file_data[record["id"]])
            )
        for channel in channels:
            message = self._bot_message(str(params.get("initial_comment") or ""), self._next_ts())
            message.update(upload=True, display_as_bot=False)
            message = self._store_message(channel.id, message, thread_ts)
            for record in records:
                kind = "ims" if channel.is_im else "groups" if channel.is_private else "channels"
                record[kind].append(channel.id)
                record["is_public"] = record["is_public"] or kind == "channels"
                share = {"ts": message["ts"], "channel_name": channel.name, "team_id": self.team_id}
                if message.get("thread_ts"):
                    share["thread_ts"] = message["thread_ts"]
                scope = "public" if kind == "channels" else "private"
                record["shares"].setdefault(scope, {}).setdefault(channel.id, []).append(share)
            message["files"] = copy.deepcopy(records)
        return {"files": copy.deepcopy(records)}

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        record = self._files.get(params.get("file") or "")
        if record is None or record["id"] not in self._completed:
            raise _ApiError("file_not_found")
        return {
            "file": copy.deepcopy(record),
            "comments": [],
            "response_metadata": {"next_cursor": ""},
        }

    def _files_upload_v1(self, params: dict[str, Any]) -> dict[str, Any]:
        raise _ApiError("method_deprecated")

    # ------------------------------------------------------------ methods: users, conversations

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(params.get("user") or "")
        if user is None:
            raise _ApiError("user_not_found")
        return {"user": copy.deepcopy(user)}

    def _users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        members, next_cursor = _paginate(list(self._users.values()), params, "users", 0)
        return {
            "members": copy.deepcopy(members),
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible_channel(params.get("channel"))
        return {"channel": self._channel_object(channel, _bool(params.get("include_num_members")))}

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible_channel(params.get("channel"))
        members, next_cursor = _paginate(channel.members, params, "members", 100)
        return {"members": list(members), "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("channel"):
            channel = self._visible_channel(params["channel"])
            if not channel.is_im:
                raise _ApiError("method_not_supported_for_channel_type")
        else:
            users = [u.strip() for u in str(params.get("users") or "").split(",") if u.strip()]
            if not users:
                raise _ApiError("users_list_not_supplied")
            if len(users) > 1:
                raise _ApiError("not_supported")  # the stand-in has no multi-person DMs
            user = self._users.get(users[0])
            if user is None:
                raise _ApiError("user_not_found")
            if user["is_bot"]:
                raise _ApiError("cannot_dm_bot")
            channel = self._dm_for(users[0])
        already_open = channel.id in self._opened_dms
        self._opened_dms.add(channel.id)
        if not already_open and not _bool(params.get("return_im")):
            return {"channel": {"id": channel.id}}
        result: dict[str, Any] = {"channel": self._channel_object(channel)}
        if already_open:
            result.update(no_op=True, already_open=True)
        return result

    def _conversations_list(self, params: dict[str, Any]) -> dict[str, Any]:
        types = {t.strip() for t in str(params.get("types") or "public_channel").split(",")}
        exclude_archived = _bool(params.get("exclude_archived"))
        visible = []
        for channel in self._channels.values():
            kind = (
                "im"
                if channel.is_im
                else "private_channel"
                if channel.is_private
                else "public_channel"
            )
            if kind not in types or (exclude_archived and channel.is_archived):
                continue
            if kind == "private_channel" and self.bot_user_id not in channel.members:
                continue
            visible.append(self._channel_object(channel))
        page, next_cursor = _paginate(visible, params, "channels", 100)
        return {"channels": page, "response_metadata": {"next_cursor": next_cursor}}

    def _readable(self, params: dict[str, Any]) -> _Channel:
        channel = self._visible_channel(params.get("channel"))
        if self.bot_user_id not in channel.members:
            raise _ApiError("not_in_channel")
        return channel

    @staticmethod
    def _in_window(messages: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or math.inf)
        if _bool(params.get("inclusive")):
            return [m for m in messages if oldest <= float(m["ts"]) <= latest]
        return [m for m in messages if oldest < float(m["ts"]) < latest]

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._readable(params)
        newest_first = [
            m for m in reversed(self._messages[channel.id].values()) if self._is_top_level(m)
        ]
        page, next_cursor = _paginate(self._in_window(newest_first, params), params, "history", 100)
        messages = copy.deepcopy(page)
        if not _bool(params.get("include_all_metadata")):  # Slack leaves it out unless asked
            for message in messages:
                message.pop("metadata", None)
        return {
            "messages": messages,
            "has_more": bool(next_cursor),
            "pin_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._readable(params)
        stored = self._messages[channel.id]
        parent = stored.get(params.get("ts") or "")
        if parent is None:
            raise _ApiError("thread_not_found")
        root = parent.get("thread_ts") or parent["ts"]
        thread = [m for m in stored.values() if m["ts"] == root or m.get("thread_ts") == root]
        page, next_cursor = _paginate(self._in_window(thread, params), params, "replies", 1000)
        return {
            "messages": copy.deepcopy(page),
            "has_more": bool(next_cursor),
            "response_metadata": {"next_cursor": next_cursor},
        }

    # ------------------------------------------------------------------ response_url semantics

    def _apply_response(self, binding: _ResponseUrl, payload: dict[str, Any]) -> tuple[int, str]:
        """Slack's handling of a message sent to a ``response_url`` (caller holds the lock)."""
        original = None
        if binding.message_ts and not binding.is_ephemeral:
            original = self._messages.get(binding.channel, {}).get(binding.message_ts)
        ephemeral = None
        if binding.message_ts and binding.is_ephemeral:
            ephemeral = next(
                (
                    e
                    for e in self._ephemerals
                    if e["ts"] == binding.message_ts and e["user"] == binding.user
                ),
                None,
            )
        if _bool(payload.get("delete_original")):
            if original is not None:
                self._delete_message(binding.channel, original)
            if ephemeral is not None:
                self._ephemerals.remove(ephemeral)
            return 200, "ok"
        try:
            self._check_content(payload)
        except _ApiError as exc:
            return 400, exc.body["error"]
        target = original if original is not None else ephemeral
        if _bool(payload.get("replace_original")) and target is not None:
            if target is original:
                self._edits.setdefault((binding.channel, target["ts"]), []).append(
                    copy.deepcopy(target)
                )
                target["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
            self._apply_content(target, payload)
            return 200, "ok"
        if payload.get("response_type") == "in_channel":
            channel = self._channels.get(binding.channel)
            if channel is None or channel.is_archived:
                return 404, "channel_not_found"
            message = self._bot_message(str(payload.get("text") or ""), self._next_ts())
            self._apply_content(message, payload)
            self._store_message(channel.id, message, payload.get("thread_ts"))
        else:
            self._ephemeral(binding.channel, binding.user, payload, source="response_url")
        return 200, "ok"


# ---------------------------------------------------------------------- demo workspace

DEMO_CHANNEL_ID = "C0JOURNEY1"
DEMO_CHANNEL_NAME = "journey-workshop"
DEMO_USERS = (
    # user id, name, real name, tz, is_admin
    ("U0ALICE001", "alice", "Alice Andersen", "Europe/Berlin", True),
    ("U0BOB00002", "bob", "Bob Brown", "America/New_York", False),
    ("U0CAROL003", "carol", "Carol Chen", "Asia/Tokyo", False),
    ("U0DAN00004", "dan", "Dan Diaz", "America/Los_Angeles", False),
)


def seed_demo(standin: SlackStandIn) -> None:
    """Populate a small demo workspace: four people in different time zones, all in
    ``#journey-workshop`` together with the bot."""
    for user_id, name, real_name, tz, is_admin in DEMO_USERS:
        standin.add_user(user_id, name, real_name, tz=tz, is_admin=is_admin)
    standin.add_channel(DEMO_CHANNEL_ID, DEMO_CHANNEL_NAME, [u[0] for u in DEMO_USERS])


def serve_forever(port: int, seed: bool = True) -> None:
    """Run a stand-in on ``127.0.0.1:port`` until interrupted (``workshop-bot standin``)."""
    standin = SlackStandIn()
    if seed:
        seed_demo(standin)
    standin.start(port)
    print(f"Slack stand-in API: {standin.api_url}", flush=True)
    print(f"Bot token:          {standin.bot_token}", flush=True)
    if seed:
        print(f"Channel:            #{DEMO_CHANNEL_NAME} ({DEMO_CHANNEL_ID})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
