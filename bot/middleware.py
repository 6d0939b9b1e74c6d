"""Global Bolt middleware: what every request gets before its listener runs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_bolt import BoltContext, BoltResponse

from bot.acks import RECEIVED_AT
from flows.events import claim_event
from storage.db import Database

logger = logging.getLogger(__name__)

Middleware = Callable[..., BoltResponse | None]


def stamp_arrival(context: BoltContext, next: Callable[[], None]) -> None:
    """When the request arrived, for acks that must come within Slack's 3 s (bot/acks.py)."""
    context[RECEIVED_AT] = time.monotonic()
    next()


def provide(name: str, value: object) -> Middleware:
    """Listeners find `value` in `context[name]`: the database ("db"), this process's digest
    scheduler ("digest_scheduler", None when it runs in another process) to sync it at once
    after a schedule changes, the after-ack pool ("after_ack", bot/after_ack.py)."""

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


# Top-level fields of interaction payloads and the JSON type Slack always sends them as.
PAYLOAD_SHAPE: dict[str, type] = {
    "user": dict,
    "team": dict,
    "channel": dict,
    "container": dict,
    "message": dict,
    "view": dict,
    "state": dict,
    "actions": list,
}


def malformed_reason(body: dict) -> str | None:
    """Why an interaction payload cannot have come from Slack, or None if its shape is sound."""
    for field, kind in PAYLOAD_SHAPE.items():
        if field in body and not isinstance(body[field], kind):
            return f"{field} is not a {kind.__name__}"
    user = body.get("user")
    if body.get("type") in ("block_actions", "view_submission", "view_closed") and not (
        isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]
    ):
        return "no user id"
    view = body.get("view") or {}
    if not isinstance(view.get("state", {}), dict):
        return "view.state is not an object"
    if not all(
        isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in body.get("actions", [])
    ):
        return "an action without an action_id"
    return None


def reject_malformed_payloads(body: dict, next: Callable[[], None]) -> BoltResponse | None:
    """A signed request whose payload has the wrong shape gets a 400, not a crash deeper in."""
    reason = malformed_reason(body) if isinstance(body, dict) else "not an object"
    if reason:
        logger.warning("rejected a malformed %s payload: %s", body.get("type"), reason)
        return BoltResponse(status=400, body=f"malformed payload: {reason}")
    next()
    return None
