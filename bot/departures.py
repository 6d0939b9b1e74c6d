"""Workspaces that leave, and come back.

- `app_uninstalled`, or `tokens_revoked` for the bot's token: the workspace's installation and
  bot rows are deleted (no dead token is kept) and its running digest schedules are suspended,
  so the scheduler stops calling Slack for it. Both are done before the event is acknowledged
  (acknowledged means saved) and are idempotent, so a redelivery just does them again. A
  `tokens_revoked` for users' tokens only deletes those users' installations, as Bolt's
  built-in listener does.
- Workshops and their data stay. Later requests from the workspace get REINSTALL_MESSAGE, from
  Bolt's authorization (the workspace has no installation any more).
- A reinstall (the OAuth flow saving an installation) resumes the suspended schedules.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt import BoltContext, BoltResponse
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from flows.schedules import resume_workspace_schedules, suspend_workspace_schedules
from storage.db import Database

if TYPE_CHECKING:
    from bot.scheduler import DigestScheduler

logger = logging.getLogger(__name__)

REINSTALL_MESSAGE = (
    ":warning: Journey Workshop is no longer installed in this workspace (or its access was "
    "revoked), so it can't do anything here. Ask a workspace admin to install it again: your "
    "workshops are kept, and their scheduled digests start again once it is back."
)
DEPARTURE_EVENTS = ("app_uninstalled", "tokens_revoked")


class WorkspaceInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy store; saving an installation (an install or reinstall) also
    resumes the schedules the workspace's departure suspended."""

    def __init__(
        self, *args, db: Database, on_resumed: Callable[[], None] | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.db, self.on_resumed = db, on_resumed

    def save(self, installation: Installation) -> None:
        super().save(installation)
        if not installation.team_id:
            return
        with self.db.session() as session:
            resumed = resume_workspace_schedules(session, installation.team_id)
        if resumed:
            logger.info(
                "workspace %s installed again: %s digest schedule(s) resumed",
                installation.team_id,
                resumed,
            )
            if self.on_resumed is not None:
                self.on_resumed()  # e.g. the digest scheduler of this process syncs at once


def leaves_workspace(event: dict) -> bool:
    """Whether the event ends the bot's access to the workspace (not only some users')."""
    if event.get("type") == "app_uninstalled":
        return True
    tokens = event.get("tokens")
    return isinstance(tokens, dict) and bool(tokens.get("bot"))


def handle_departures(
    db: Database, store: SQLAlchemyInstallationStore | None
) -> Callable[..., BoltResponse | None]:
    """Middleware: answers the two departure events itself once their work is saved."""

    def middleware(
        body: dict, context: BoltContext, next: Callable[[], None]
    ) -> BoltResponse | None:
        event = body.get("event") if body.get("type") == "event_callback" else None
        if not isinstance(event, dict) or event.get("type") not in DEPARTURE_EVENTS:
            next()
            return None
        if not context.team_id:  # not a workspace's event (Slack always names the workspace)
            logger.warning("ignored a %s event without a team id", event.get("type"))
        elif leaves_workspace(event):
            workspace_left(db, store, context, context.team_id, reason=event["type"])
        elif store is not None:  # some users' tokens: the bot stays
            users_tokens_revoked(store, context, event)
        return BoltResponse(status=200, body="")

    return middleware


def users_tokens_revoked(
    store: SQLAlchemyInstallationStore, context: BoltContext, event: dict
) -> None:
    """Delete those users' installations, as Bolt's built-in listener does (it trusts the
    payload's shape; this reads it defensively)."""
    tokens = event.get("tokens")
    users = tokens.get("oauth") if isinstance(tokens, dict) else None
    for user_id in users if isinstance(users, list) else []:
        if isinstance(user_id, str):
            store.delete_installation(
                enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
            )


def workspace_left(
    db: Database,
    store: SQLAlchemyInstallationStore | None,
    context: BoltContext,
    team_id: str,
    reason: str,
) -> None:
    if store is not None:
        # Every row: the installation rows hold the bot token too, and Bolt's authorize reads
        # them before the bot rows.
        store.delete_all(enterprise_id=context.enterprise_id, team_id=team_id)
    with db.session() as session:
        suspended = suspend_workspace_schedules(session, team_id, reason)
    logger.warning(
        "workspace %s left (%s): installation deleted, %s digest schedule(s) suspended",
        team_id,
        reason,
        suspended,
    )
    scheduler: DigestScheduler | None = context.get("digest_scheduler")
    if scheduler is not None and suspended:
        scheduler.sync()  # their jobs go now; a separate scheduler process within a minute
