"""Global Bolt middleware: what every request gets before its listener runs."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltContext, BoltResponse

from flows.events import claim_event
from storage.db import Database

logger = logging.getLogger(__name__)

Middleware = Callable[..., BoltResponse | None]


def provide_database(db: Database) -> Middleware:
    """Listeners find the database in `context["db"]`."""

    def middleware(context: BoltContext, next: Callable[[], None]) -> None:
        context["db"] = db
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
