"""The Bolt app: Web API client with Slack's retry handlers, database in every request's context,
every listener registered, and one place that turns an unexpected failure into a logged error
and a message to the user."""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.departures import REINSTALL_MESSAGE, handle_departures
from bot.features import register_listeners
from bot.slack.after_ack import AfterAck
from bot.slack.middleware import (
    RejectMalformedPayloads,
    provide,
    skip_redelivered_events,
    stamp_arrival,
)
from bot.slack.oauth import oauth_settings
from bot.slack.replies import failure_message, tell_user
from bot.slack.retries import web_api_retry_handlers
from storage.db import Database

if TYPE_CHECKING:
    from bot.scheduler import DigestScheduler

logger = logging.getLogger(__name__)

WEB_API_TIMEOUT_S = 10
LISTENER_THREADS = 32


def create_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client that honours 429 Retry-After and retries failures only where that is
    safe (bot/slack/retries.py).

    Without `token` it uses the configured bot token (single-workspace mode)."""
    if token is None and not settings.oauth_enabled:
        settings.require("SLACK_BOT_TOKEN")
        token = settings.slack_bot_token.get_secret_value()  # type: ignore[union-attr]
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_S,
        retry_handlers=web_api_retry_handlers(),
    )


def create_app(
    settings: Settings,
    db: Database,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
    scheduler: DigestScheduler | None = None,
    after_ack: AfterAck | None = None,
    socket_mode: bool = False,
) -> App:
    app = App(
        client=client or create_web_client(settings),
        signing_secret=_signing_secret(settings, socket_mode),
        # One bot token, or each workspace's own token from the installation store.
        oauth_settings=oauth_settings(settings, db, scheduler.sync if scheduler else None)
        if settings.oauth_enabled
        else None,
        # What a user of a workspace that uninstalled the app is told (bot/departures.py).
        user_facing_authorize_error_message=REINSTALL_MESSAGE,
        # Listeners ack first and carry on in a worker thread, so Slack always hears back fast.
        process_before_response=False,
        # Bolt's default pool has 5 threads: too few when a whole team clicks at once.
        listener_executor=listener_executor
        or ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener"),
        # Before Bolt's own authorization, which trips over an event or a team of the wrong type.
        before_authorize=RejectMalformedPayloads(),
    )

    app.use(stamp_arrival)
    app.use(provide("db", db))
    app.use(provide("digest_scheduler", scheduler))
    app.use(provide("after_ack", after_ack or AfterAck()))
    # Before the redelivery check: its work is idempotent, and a failed first try is redone.
    app.use(handle_departures(db, app.installation_store))
    app.use(skip_redelivered_events(db))
    app.error(handle_unexpected_error)
    register_listeners(app)
    return app


def _signing_secret(settings: Settings, socket_mode: bool) -> str:
    """The secret Bolt checks HTTP requests' signatures with.

    Socket Mode requests come over the app's own authenticated connection and are not signed,
    so Socket Mode needs no signing secret; its app gets one nobody knows, so that the same app
    served over HTTP by mistake rejects every request instead of trusting them."""
    if socket_mode:
        return secrets.token_hex(32)
    settings.require("SLACK_SIGNING_SECRET")
    return settings.slack_signing_secret.get_secret_value()  # type: ignore[union-attr]


def handle_unexpected_error(error: Exception, body: dict, client: WebClient, respond=None) -> None:
    """Log with enough context to debug, and never leave the user in silence."""
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    team = (body.get("team") or {}).get("id") or body.get("team_id")
    kind = body.get("type") or body.get("command") or (body.get("event") or {}).get("type")
    logger.error("unhandled error in %s (team %s, user %s)", kind, team, user, exc_info=error)
    if user:
        tell_user(client, body, failure_message(error), respond)
