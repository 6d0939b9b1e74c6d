"""Global Bolt middleware: what every request gets before its listener runs."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Mapping

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware as BoltMiddleware
from slack_bolt.request import payload_utils

from bot.slack.acks import RECEIVED_AT
from bot.slack.values import MAX_ID, SEPARATOR
from bot.slack.view_state import state_values
from flows.events import claim_event
from flows.savable import UNSAVABLE_CHARACTER, UNSAVABLE_FIELD, is_savable
from storage.db import Database

logger = logging.getLogger(__name__)

Middleware = Callable[..., BoltResponse | None]


def stamp_arrival(context: BoltContext, next: Callable[[], None]) -> None:
    """When the request arrived, for acks that must come within Slack's 3 s (bot/slack/acks.py)."""
    context[RECEIVED_AT] = time.monotonic()
    next()


def provide(name: str, value: object) -> Middleware:
    """Listeners find `value` in `context[name]`: the database ("db"), this process's digest
    scheduler ("digest_scheduler", None when it runs in another process) to sync it at once
    after a schedule changes, the after-ack pool ("after_ack", bot/slack/after_ack.py)."""

    def middleware(context: BoltContext, next: Callable[[], None]) -> None:
        context[name] = value
        next()

    return middleware


def skip_redelivered_events(db: Database) -> Middleware:
    """Slack redelivers an event it believes we missed (X-Slack-Retry-Num); the first delivery
    of an event id claims it in the database, so each event is handled once, on any replica."""

    def middleware(
        body: dict, context: BoltContext, next: Callable[[], None]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with db.session() as session:
                first_delivery = claim_event(session, context.team_id or "", event_id)
            if not first_delivery:
                logger.info("skipped redelivery of event %s (team %s)", event_id, context.team_id)
                return BoltResponse(status=200, body="")
        next()
        return None

    return middleware


# Top-level fields and the JSON type Slack always sends them as.
PAYLOAD_SHAPE: dict[str, type] = {
    "type": str,
    "user": dict,
    "team": dict,
    "channel": dict,
    "container": dict,
    "message": dict,
    "view": dict,
    "state": dict,
    "event": dict,
    "actions": list,
    "authorizations": list,
    "event_id": str,
    "trigger_id": str,
    "response_url": str,
}
VIEW_TEXT_FIELDS = ("id", "type", "callback_id", "private_metadata", "hash")
# What the listeners read of a slash command (a form, so these are text when present).
COMMAND_FIELDS = ("command", "text", "team_id", "user_id", "channel_id", "trigger_id")
CONTEXT_IDS = ("team_id", "user_id", "channel_id", "enterprise_id", "response_url")
# What Slack sends back of what the bot drew (a message, a view) and what someone is still
# typing: checked where it is read, not here.
ECHOED = ("message", "view", "state")
# Every id column is a 32-bit integer (storage/models), and no button, menu or metadata of ours
# carries a negative number: a number outside 0..MAX_ID was never sent by Slack.
UNSAVABLE_COMMAND = f"Your command contains {UNSAVABLE_CHARACTER}. Remove it and try again."
# Bolt builds every listener's arguments with these, and they index into the payload.
BOLT_EXTRACTORS = (
    payload_utils.to_action,
    payload_utils.to_command,
    payload_utils.to_event,
    payload_utils.to_message,
    payload_utils.to_options,
    payload_utils.to_shortcut,
    payload_utils.to_step,
    payload_utils.to_view,
)


class RejectMalformedPayloads(BoltMiddleware):
    """A signed payload of a shape Slack never sends gets a 400, and typed text that no
    database can store a clear answer, before anything reads them.

    It runs before Bolt's authorization (`App(before_authorize=...)`) and as a `Middleware`,
    without Bolt's argument injection: both index into the payload and crash on a wrong shape.
    """

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        reason = malformed_reason(req.body, req.context)
        if reason:
            logger.warning("rejected a malformed payload: %s", reason)
            return BoltResponse(status=400, body=f"malformed payload: {reason}")
        return unsavable_input_answer(req.body) or next()


def malformed_reason(body: object, context: Mapping | None = None) -> str | None:
    """Why a payload cannot have come from Slack, or None if its shape is sound."""
    if not isinstance(body, dict):
        return "not an object"
    checks = (
        _unreadable_by_bolt,
        _wrong_types,
        _missing_user,
        _bad_view,
        _bad_actions,
        _bad_command,
        _numbers_out_of_range,
        _unsavable_outside_typed_text,
    )
    for check in checks:
        reason = check(body)
        if reason:
            return reason
    ids = context or {}
    if any(ids.get(key) is not None and not isinstance(ids[key], str) for key in CONTEXT_IDS):
        return "an id is not text"
    interactive = body.get("type") in ("block_actions", "view_submission", "view_closed")
    if context is not None and (interactive or "command" in body) and not ids.get("team_id"):
        return "no team id"  # every row is scoped by it: Slack always says which workspace
    return None


def unsavable_input_answer(body: dict) -> BoltResponse | None:
    """Typed text that no database can store: an inline error on each such field of a form,
    or a private answer to a slash command. Nothing is saved either way."""
    if body.get("type") == "view_submission":
        values = state_values(body.get("view"))
        fields = [block_id for block_id, block in values.items() if not _all_savable(block)]
        if fields:
            errors = dict.fromkeys(fields, UNSAVABLE_FIELD)
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    elif "command" in body and not _all_savable(body):
        answer = {"response_type": "ephemeral", "text": UNSAVABLE_COMMAND}
        return BoltResponse(status=200, body=answer)
    return None


def _unreadable_by_bolt(body: dict) -> str | None:
    try:
        for extract in BOLT_EXTRACTORS:
            extract(body)
    except (KeyError, IndexError, TypeError, AttributeError):
        return "a payload Bolt cannot read"
    return None


def _wrong_types(body: dict) -> str | None:
    for field, kind in PAYLOAD_SHAPE.items():
        if field in body and not isinstance(body[field], kind):
            return f"{field} is not a {kind.__name__}"
    return None


def _missing_user(body: dict) -> str | None:
    user = body.get("user")
    if body.get("type") in ("block_actions", "view_submission", "view_closed") and not (
        isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]
    ):
        return "no user id"
    return None


def _bad_view(body: dict) -> str | None:
    view = body.get("view") or {}
    state = view.get("state", {})
    if not isinstance(state, dict) or not isinstance(state.get("values", {}), dict):
        return "view.state is not an object"
    if body.get("type") == "view_submission" and "values" not in state:
        return "a submitted view without state.values"  # Slack always sends it, maybe empty
    if not all(isinstance(block, dict) for block in state_values(view).values()):
        return "view.state.values is not an object of blocks"
    if any(field in view and not isinstance(view[field], str) for field in VIEW_TEXT_FIELDS):
        return "a view field is not text"
    return None


def _bad_actions(body: dict) -> str | None:
    actions = body.get("actions", [])
    if body.get("type") == "block_actions" and not actions:
        return "no actions"
    for action in actions:
        if not (isinstance(action, dict) and isinstance(action.get("action_id"), str)):
            return "an action without an action_id"
        if _chosen_values(action) is None:
            return "an action value is not text"
    return None


def _bad_command(body: dict) -> str | None:
    if "command" in body and not all(isinstance(body.get(f), str) for f in COMMAND_FIELDS):
        return "a slash command without its fields"
    return None


def _numbers_out_of_range(body: dict) -> str | None:
    values = [v for action in body.get("actions", []) for v in _chosen_values(action) or []]
    for block in state_values(body.get("view") or {}).values():
        # Menus only: typed text is the person's own, and flows validate it.
        chosen = [_chosen_values(_without_typed_text(element)) for element in block.values()]
        values += [v for element_values in chosen for v in element_values or []]
    numbers = [part for value in values for part in value.split(SEPARATOR)]
    metadata = (body.get("view") or {}).get("private_metadata")
    numbers += _json_leaves(_parse_json(metadata)) if metadata else []
    if any(_out_of_range(number) for number in numbers):
        return "a number out of range"
    return None


def _unsavable_outside_typed_text(body: dict) -> str | None:
    if "command" in body:
        return None  # the person typed it: answered by unsavable_input_answer
    view = body.get("view") or {}
    checked = [v for k, v in body.items() if k not in ECHOED]
    checked += [view.get(field) for field in VIEW_TEXT_FIELDS]
    checked += list(state_values(view))  # block ids; the typed values are answered inline
    if not _all_savable(checked):
        return "a character no database can store"
    return None


def _chosen_values(element: object) -> list[str] | None:
    """The values a button, menu or checkbox element sent; None if one is not text."""
    if not isinstance(element, dict):
        return None
    options = element.get("selected_options") or []
    if not isinstance(options, list):
        return None
    if element.get("selected_option") is not None:
        options = [element["selected_option"], *options]
    if not all(isinstance(option, dict) for option in options):
        return None
    values = [option.get("value") for option in options]
    if element.get("value") is not None:
        values.append(element["value"])
    return values if all(isinstance(value, str) for value in values) else None


def _without_typed_text(element: object) -> object:
    return {k: v for k, v in element.items() if k != "value"} if isinstance(element, dict) else {}


def _out_of_range(number: object) -> bool:
    if isinstance(number, bool):
        return False
    if isinstance(number, float):
        return not (math.isfinite(number) and 0 <= number <= MAX_ID)
    if isinstance(number, str):
        try:  # as the listeners read it: int() also takes " 12", "+12", "1_2" and "١٢"
            number = int(number)
        except ValueError:
            return False  # not a number at all: the listeners answer "out of date"
    return isinstance(number, int) and not 0 <= number <= MAX_ID


def _parse_json(text: object) -> object:
    try:
        return json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        return None  # the listeners read unparsable metadata as empty


def _json_leaves(value: object) -> list:
    """Every string, number and key inside a parsed JSON value."""
    leaves, pending = [], [value]
    while pending:  # a loop, not recursion: JSON may nest deeper than Python recurses
        item = pending.pop()
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
        else:
            leaves.append(item)
    return leaves


def _all_savable(value: object) -> bool:
    return all(is_savable(leaf) for leaf in _json_leaves(value) if isinstance(leaf, str))
