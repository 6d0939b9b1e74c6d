"""The Slack side of the conversation: signed requests to the bot, as Slack sends them.

:class:`SimulatedSlack` plays a person using Slack: it runs slash commands, clicks buttons and
selects in messages or views, submits and closes modals, and delivers Events API callbacks, all
as signed HTTP requests to the bot's request URL with Slack's real payload shapes. It then does
what Slack does with the bot's answer: a slash command's immediate reply becomes a message, a
``view_submission`` answer closes, updates, pushes or keeps the modal.

Whatever Slack itself would have rejected about the bot's answer (a late ack, an invalid
``response_action`` view, errors for unknown blocks) is listed in ``SimResponse.problems`` rather
than raised, so tests can assert on it.

Example::

    slack = SimulatedSlack(standin, f"{bot_base_url}/slack/events", signing_secret)
    slack.slash_command("U1", "C1", "start")
    msg = standin.wait_for(lambda: standin.messages("C1"))[-1]
    slack.click("U1", "join", channel="C1", ts=msg["ts"])
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.error import HTTPError
from urllib.parse import parse_qsl, urlencode
from urllib.request import Request, urlopen

from standin import blockkit
from standin.server import SlackStandIn

if TYPE_CHECKING:
    from standin.socket_mode import SocketModeServer

#: Slack shows an error (and retries events) when the app hasn't answered within 3 seconds.
ACK_TIMEOUT = 3.0
_FORM = "application/x-www-form-urlencoded"


def _not_found(action_id: str, value: str | None, where: str, available: list[str]) -> LookupError:
    wanted = f"action_id={action_id!r}" + (f" value={value!r}" if value is not None else "")
    return LookupError(
        f"no element with {wanted} in {where}; available action_ids: {sorted(set(available))}"
    )


def _state_after(
    blocks: list[dict[str, Any]], stored: dict[str, Any], action: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """A surface's ``state.values`` once the user's ``action`` on one element is applied."""
    values = blockkit.state_values(blocks, stored)
    block_values = values.get(action["block_id"], {})
    if action["action_id"] in block_values:  # stateful element (buttons have no state)
        block_values[action["action_id"]] = {
            k: v for k, v in action.items() if k not in ("action_id", "block_id", "action_ts")
        }
    return values


@dataclass
class SimResponse:
    """The bot's HTTP answer to one simulated request."""

    status: int
    text: str
    json: Any
    headers: dict[str, str]
    elapsed: float
    #: What Slack would have rejected about this answer (empty when all is well).
    problems: list[str] = field(default_factory=list)


class SimulatedSlack:
    """Sends Slack's signed requests to a bot at ``bot_url`` on behalf of stand-in users."""

    def __init__(
        self, standin: SlackStandIn, bot_url: str, signing_secret: str, *, timeout: float = 10.0
    ) -> None:
        self.standin = standin
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self.timeout = timeout
        self.socket_mode: SocketModeServer | None = None

    @classmethod
    def over_socket_mode(cls, standin: SlackStandIn, *, timeout: float = 10.0) -> SimulatedSlack:
        """Send everything as Socket Mode envelopes through ``standin.socket_mode`` instead of
        signed HTTP requests (over Socket Mode Slack signs nothing). The bot's ack stands in
        for its HTTP answer: status 200, its ``payload`` as the body."""
        simulated = cls(standin, "", "", timeout=timeout)
        simulated.socket_mode = standin.socket_mode
        return simulated

    # ------------------------------------------------------------------ raw HTTP

    def sign(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """Slack's signature headers for ``body`` (``v0=`` HMAC-SHA256 of ``v0:{ts}:{body}``)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        base = b"v0:" + ts.encode() + b":" + body
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}

    def post(
        self,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        timestamp: int | None = None,
    ) -> SimResponse:
        """POST ``body`` to the bot; ``headers`` are applied after signing, so they can forge it.

        Never raises for HTTP error statuses: a 401 for a bad signature is a normal result.
        Over Socket Mode, ``TimeoutError`` if the bot never acks.
        """
        if self.socket_mode is not None:
            return self._deliver_envelope(body, content_type, headers or {})
        all_headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        if signed:
            all_headers.update(self.sign(body, timestamp))
        all_headers.update(headers or {})
        request = Request(self.bot_url, data=body, headers=all_headers, method="POST")
        started = time.monotonic()
        try:
            with urlopen(request, timeout=self.timeout) as response:
                status, raw, response_headers = response.status, response.read(), response.headers
        except HTTPError as error:
            status, raw, response_headers = error.code, error.read(), error.headers
        elapsed = time.monotonic() - started
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return SimResponse(status, text, parsed, dict(response_headers.items()), elapsed)

    def _deliver_envelope(
        self, body: bytes, content_type: str, headers: dict[str, str]
    ) -> SimResponse:
        assert self.socket_mode is not None
        kind, payload = _envelope_payload(body, content_type)
        retry_num = headers.get("X-Slack-Retry-Num")
        ack = self.socket_mode.deliver(
            kind,
            payload,
            # Slack takes an answer in the ack only where an HTTP answer would mean something.
            accepts_response_payload=kind == "slash_commands"
            or payload.get("type") in ("view_submission", "block_suggestion"),
            retry_attempt=int(retry_num) if retry_num else None,
            retry_reason=headers.get("X-Slack-Retry-Reason"),
            timeout=self.timeout,
        )
        text = json.dumps(ack.payload) if ack.payload else ""
        return SimResponse(200, text, ack.payload, {}, ack.elapsed)

    def _post_interaction(self, payload: dict[str, Any]) -> SimResponse:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        response = self.post(body, _FORM)
        self._check_ack(response)
        return response

    @staticmethod
    def _check_ack(response: SimResponse) -> None:
        if response.elapsed > ACK_TIMEOUT:
            response.problems.append(
                f"ack took {response.elapsed:.1f}s (> {ACK_TIMEOUT:.0f}s): the user sees a timeout"
            )
        if response.status != 200:
            response.problems.append(f"HTTP {response.status}: the user sees an error")

    # ------------------------------------------------------------------ shared payload parts

    def _team(self) -> dict[str, str]:
        return {"id": self.standin.team_id, "domain": self.standin.team_domain}

    def _user(self, user_id: str) -> dict[str, str]:
        try:
            user = self.standin.user(user_id)
        except KeyError:
            raise LookupError(f"unknown user {user_id!r}: add_user() it first") from None
        return {
            "id": user_id,
            "username": user["name"],
            "name": user["name"],
            "team_id": user["team_id"],
        }

    def _channel_info(self, channel_id: str) -> dict[str, str]:
        """``{id, name}`` as Slack reports the channel an interaction happened in."""
        try:
            channel = self.standin.channel(channel_id)
        except KeyError:
            return {"id": channel_id, "name": "unknown"}
        if channel.get("is_im"):
            return {"id": channel_id, "name": "directmessage"}
        if channel["is_private"] and not channel["is_member"]:
            return {"id": channel_id, "name": "privategroup"}
        return {"id": channel_id, "name": channel["name"]}

    def _resolve_channel(self, channel: str) -> str:
        """Accept a user id for "that user's DM with the bot"."""
        if channel[:1] in ("U", "W"):
            return self.standin.dm_channel_id(channel)
        return channel

    @staticmethod
    def _action_ts() -> str:
        return f"{time.time():.6f}"

    # ------------------------------------------------------------------ slash commands

    def slash_command(
        self, user_id: str, channel_id: str, text: str, command: str = "/workshop"
    ) -> SimResponse:
        """Run ``command text`` as ``user_id`` in ``channel_id`` (a user id means the bot DM).

        A non-empty immediate reply is shown the way Slack shows it: ephemeral to the user, or in
        the channel for ``response_type: in_channel``.
        """
        channel_id = self._resolve_channel(channel_id)
        user = self._user(user_id)
        response_url = self.standin._issue_response_url(user_id, channel_id)
        form = {
            "token": self.standin.verification_token,
            "team_id": self.standin.team_id,
            "team_domain": self.standin.team_domain,
            "channel_id": channel_id,
            "channel_name": self._channel_info(channel_id)["name"],
            "user_id": user_id,
            "user_name": user["username"],
            "command": command,
            "text": text,
            "api_app_id": self.standin.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": self.standin.issue_trigger_id(user_id),
        }
        response = self.post(urlencode(form).encode(), _FORM)
        self._check_ack(response)
        if response.status == 200 and response.text.strip():
            reply = response.json if isinstance(response.json, dict) else {"text": response.text}
            status, error = self.standin._deliver_response(response_url, reply)
            if status != 200:
                response.problems.append(f"immediate reply rejected: {error}")
        return response

    # ------------------------------------------------------------------ block actions

    def click(
        self,
        user_id: str,
        action_id: str,
        *,
        channel: str | None = None,
        ts: str | None = None,
        view_id: str | None = None,
        home: bool = False,
        value: str | None = None,
        block_id: str | None = None,
        selected: Any = None,
        forge_value: str | None = None,
    ) -> SimResponse:
        """Use the element ``action_id`` as ``user_id`` and send the ``block_actions`` payload.

        Where: ``channel`` + ``ts`` (a message, thread reply or the user's ephemeral), ``channel``
        alone (the newest such message containing the element), ``view_id``, ``home=True`` (the
        user's Home tab), or nothing (the user's top modal). ``value``/``block_id`` pick among
        several matching elements; ``selected`` is what the user picks in a select, picker or
        overflow (see :func:`standin.blockkit.state_from_value`).

        ``forge_value`` replaces the element's value in the payload, as a tampering client
        could (the request is still signed: Slack would deliver it).

        Raises ``LookupError`` listing the available action ids when nothing matches.
        """
        if channel is not None:
            return self._click_message(
                user_id,
                action_id,
                self._resolve_channel(channel),
                ts,
                value,
                block_id,
                selected,
                forge_value,
            )
        if home:
            view = self.standin.home(user_id)
            where = f"{user_id}'s Home tab"
        elif view_id is not None:
            view = self.standin.view(view_id)
            where = f"view {view_id}"
        else:
            view = self.standin.top_view(user_id)
            where = f"{user_id}'s top modal"
        if view is None:
            raise LookupError(f"nothing to click in: {where} does not exist")
        block, element = self._find_element(view["blocks"], action_id, value, block_id, where)
        action = _forged(
            blockkit.action_payload(block, element, selected, self._action_ts()), forge_value
        )
        values = _state_after(view["blocks"], view["state"]["values"], action)
        self.standin._set_view_state(view["id"], values)  # Slack keeps it for later submission
        view["state"] = {"values": values}
        payload = {
            **self._interaction_base("block_actions", user_id),
            "container": {"type": "view", "view_id": view["id"]},
            "view": view,
            "actions": [action],
            "state": {"values": values},
        }
        return self._post_interaction(payload)

    def _click_message(
        self,
        user_id: str,
        action_id: str,
        channel: str,
        ts: str | None,
        value: str | None,
        block_id: str | None,
        selected: Any,
        forge_value: str | None = None,
    ) -> SimResponse:
        candidates = [(m, False) for m in self.standin.messages(channel, include_replies=True)] + [
            (e, True) for e in self.standin.ephemerals(user=user_id, channel=channel)
        ]
        if ts is not None:
            candidates = [c for c in candidates if c[0]["ts"] == ts]
            if not candidates:
                raise LookupError(f"no message {ts} in {channel} visible to {user_id}")
        candidates.sort(key=lambda c: float(c[0]["ts"]), reverse=True)
        where = f"message {ts}" if ts else "any message"
        where += f" in {channel}"
        available: list[str] = []
        found = None
        for message, is_ephemeral in candidates:
            blocks = message.get("blocks") or []
            matches = self._matching(blocks, action_id, value, block_id)
            if matches:
                found = message, is_ephemeral, blocks, *matches[0]
                break
            available.extend(e.get("action_id", "?") for _, e in blockkit.iter_elements(blocks))
        if found is None:
            raise _not_found(action_id, value, where, available)
        message, is_ephemeral, blocks, block, element = found
        action = _forged(
            blockkit.action_payload(block, element, selected, self._action_ts()), forge_value
        )
        values = _state_after(blocks, {}, action)
        container: dict[str, Any] = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": is_ephemeral,
        }
        if message.get("thread_ts"):
            container["thread_ts"] = message["thread_ts"]
        payload: dict[str, Any] = {
            **self._interaction_base("block_actions", user_id),
            "container": container,
            "channel": self._channel_info(channel),
            "state": {"values": values},
            "response_url": self.standin._issue_response_url(
                user_id, channel, message["ts"], is_ephemeral
            ),
            "actions": [action],
        }
        if not is_ephemeral:  # Slack never sends back the content of ephemeral messages
            payload["message"] = message
        return self._post_interaction(payload)

    @staticmethod
    def _matching(
        blocks: list[dict[str, Any]], action_id: str, value: str | None, block_id: str | None
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [
            (b, e)
            for b, e in blockkit.iter_elements(blocks)
            if e.get("action_id") == action_id
            and (value is None or e.get("value") == value)
            and (block_id is None or b.get("block_id") == block_id)
        ]

    def _find_element(
        self,
        blocks: list[dict[str, Any]],
        action_id: str,
        value: str | None,
        block_id: str | None,
        where: str,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        matches = self._matching(blocks, action_id, value, block_id)
        if not matches:
            available = [e.get("action_id", "?") for _, e in blockkit.iter_elements(blocks)]
            raise _not_found(action_id, value, where, available)
        return matches[0]

    def _interaction_base(self, kind: str, user_id: str) -> dict[str, Any]:
        return {
            "type": kind,
            "user": self._user(user_id),
            "api_app_id": self.standin.app_id,
            "token": self.standin.verification_token,
            "trigger_id": self.standin.issue_trigger_id(user_id),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    # ------------------------------------------------------------------ modals

    def submit_view(
        self,
        user_id: str,
        values: dict[str, Any] | None = None,
        *,
        view_id: str | None = None,
        raw_values: dict[str, Any] | None = None,
    ) -> SimResponse:
        """Press Submit on the user's top modal (or ``view_id``).

        ``state.values`` starts from what the user already entered in the view (initially the
        elements' ``initial_*`` values) and applies ``values`` — ``{block_id: value}`` or
        ``{block_id: {action_id: value}}``. Like the Slack client, refuses (``ValueError``) to
        submit empty required inputs or out-of-range numbers. ``raw_values`` is sent verbatim
        as ``state.values`` instead, bypassing all of that (for fuzzing).

        The modal stack then changes as the bot's answer says (close / errors / update / push /
        clear). Returns the bot's response.
        """
        view = self.standin.view(view_id) if view_id else self.standin.top_view(user_id)
        if view is None:
            raise LookupError(f"{user_id} has no open modal to submit")
        if view["type"] != "modal" or not view.get("submit"):
            raise ValueError(f"view {view['id']} has no submit button")
        if raw_values is not None:
            state = copy.deepcopy(raw_values)
        else:
            state = blockkit.state_values(view["blocks"], view["state"]["values"])
            blockkit.apply_overrides(view["blocks"], state, values or {})
            refused = blockkit.client_side_errors(view["blocks"], state)
            if refused:
                raise ValueError(f"Slack would not submit view {view['id']}: {'; '.join(refused)}")
            self.standin._set_view_state(view["id"], state)
        view["state"] = {"values": state}
        payload = {
            **self._interaction_base("view_submission", user_id),
            "view": view,
            "response_urls": [],
        }
        response = self._post_interaction(payload)
        if response.status == 200:
            self._apply_submission_answer(user_id, view, response)
        return response

    def _apply_submission_answer(
        self, user_id: str, view: dict[str, Any], response: SimResponse
    ) -> None:
        answer = response.json if isinstance(response.json, dict) else {}
        if response.text.strip() and not isinstance(response.json, dict):
            response.problems.append("view_submission answer is not JSON: the user sees an error")
            return
        action = answer.get("response_action")
        if action is None:
            self.standin._close_view(user_id, view["id"], clear=False)
        elif action == "errors":
            inputs = {b["block_id"] for b in view["blocks"] if b.get("type") == "input"}
            errors = answer.get("errors")
            if not isinstance(errors, dict) or not errors:
                response.problems.append("response_action errors needs a non-empty errors object")
            elif set(errors) - inputs:
                response.problems.append(
                    f"errors for blocks that are not input blocks: {sorted(set(errors) - inputs)}"
                )
        elif action in ("update", "push"):
            new_view = answer.get("view")
            rejected = blockkit.validate_view(new_view, view_type="modal")
            if rejected:
                response.problems.append(f"response_action {action} view invalid: {rejected}")
            elif action == "update":
                self.standin._replace_view(view["id"], new_view)
            else:
                error = self.standin._push_view(user_id, new_view)
                if error:
                    response.problems.append(f"response_action push failed: {error}")
        elif action == "clear":
            self.standin._close_view(user_id, view["id"], clear=True)
        else:
            response.problems.append(f"unknown response_action {action!r}")

    def close_view(self, user_id: str, view_id: str | None = None) -> SimResponse | None:
        """Press Close (or X) on the user's top modal (or ``view_id``).

        Sends ``view_closed`` only if the view asked for ``notify_on_close``; returns ``None``
        otherwise. ``clear_on_close`` closes the whole stack, as in Slack.
        """
        view = self.standin.view(view_id) if view_id else self.standin.top_view(user_id)
        if view is None:
            raise LookupError(f"{user_id} has no open modal to close")
        clear = bool(view.get("clear_on_close"))
        self.standin._close_view(user_id, view["id"], clear=clear)
        if not view.get("notify_on_close"):
            return None
        payload = {
            **self._interaction_base("view_closed", user_id),
            "view": view,
            "is_cleared": clear,
        }
        del payload["trigger_id"]  # view_closed carries no trigger
        return self._post_interaction(payload)

    # ------------------------------------------------------------------ external selects

    def suggest(
        self,
        user_id: str,
        action_id: str,
        query: str,
        *,
        view_id: str | None = None,
        block_id: str | None = None,
    ) -> SimResponse:
        """Type ``query`` into the ``external_select`` ``action_id`` of the user's top modal (or
        ``view_id``) and send the ``block_suggestion`` payload Slack sends for it.

        Like the Slack client, sends nothing (``ValueError``) for a query shorter than the
        element's ``min_query_length`` (default 3). The bot's answer must be ``{"options": …}``
        or ``{"option_groups": …}`` within Slack's limits (100 options, 75-character texts,
        150-character values); anything else is listed in ``problems``.
        :func:`standin.blockkit.suggested_options` reads the options offered from
        ``response.json``; pass one to :meth:`submit_view` to pick it.
        """
        view = self.standin.view(view_id) if view_id else self.standin.top_view(user_id)
        if view is None:
            raise LookupError(f"{user_id} has no open modal to type into")
        block, element = self._find_element(view["blocks"], action_id, None, block_id, "the view")
        if element["type"] not in ("external_select", "multi_external_select"):
            raise ValueError(f"{action_id!r} is a {element['type']}, not an external select")
        minimum = element.get("min_query_length", 3)
        if len(query) < minimum:
            raise ValueError(f"Slack sends no query shorter than min_query_length {minimum}")
        payload = {
            **self._interaction_base("block_suggestion", user_id),
            "container": {"type": "view", "view_id": view["id"]},
            "action_id": action_id,
            "block_id": block["block_id"],
            "value": query,
            "view": view,
        }
        del payload["trigger_id"]  # a suggestion request carries no trigger
        response = self._post_interaction(payload)
        if response.status == 200:
            response.problems.extend(blockkit.validate_suggestions(response.json))
        return response

    # ------------------------------------------------------------------ Events API

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> SimResponse:
        """Deliver an ``event_callback`` envelope around ``event`` (``event_ts`` filled in).

        ``retry_num``/``retry_reason`` add Slack's ``X-Slack-Retry-*`` headers, as on redelivery
        of the same ``event_id``.
        """
        event = {"event_ts": self._action_ts(), **event}
        context = {"et": event.get("type"), "tid": self.standin.team_id, "aid": self.standin.app_id}
        envelope = {
            "token": self.standin.verification_token,
            "team_id": self.standin.team_id,
            "context_team_id": self.standin.team_id,
            "context_enterprise_id": None,
            "api_app_id": self.standin.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.standin.team_id,
                    "user_id": self.standin.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + base64.b64encode(json.dumps(context).encode()).decode(),
        }
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        response = self.post(json.dumps(envelope).encode(), "application/json", headers=headers)
        if response.elapsed > ACK_TIMEOUT:
            response.problems.append(
                f"ack took {response.elapsed:.1f}s (> {ACK_TIMEOUT:.0f}s): Slack would retry"
            )
        if response.status != 200:
            response.problems.append(f"HTTP {response.status}: Slack would retry")
        return response

    def app_home_opened(self, user_id: str, tab: str = "home") -> SimResponse:
        """The user opens the app's Home (or Messages) tab."""
        self._user(user_id)
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self.standin.dm_channel_id(user_id),
            "tab": tab,
        }
        home = self.standin.home(user_id)
        if tab == "home" and home is not None:
            event["view"] = home
        return self.event(event)

    def url_verification(self, challenge: str) -> SimResponse:
        """The Request URL check Slack runs when the URL is saved in the app config."""
        body = {
            "token": self.standin.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self.post(json.dumps(body).encode(), "application/json")


def _envelope_payload(body: bytes, content_type: str) -> tuple[str, dict[str, Any]]:
    """The Socket Mode envelope type and payload of what would be an HTTP request's body."""
    if content_type == "application/json":
        return "events_api", json.loads(body)
    form = dict(parse_qsl(body.decode(), keep_blank_values=True))
    if "payload" in form:
        return "interactive", json.loads(form["payload"])
    return "slash_commands", form


def _forged(action: dict[str, Any], forge_value: str | None) -> dict[str, Any]:
    return action if forge_value is None else {**action, "value": forge_value}
