"""What the bot needs to know about people, from users.info (scope users:read)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)

MAX_NAME_LOOKUPS = 100  # users.info is Tier 4; a report names at most this many people


def user_info(client: WebClient, user_id: str) -> dict:
    try:
        return client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        logger.info("users.info for %s failed: %s", user_id, error.response.get("error"))
        return {}


def user_timezone(client: WebClient, user_id: str) -> str | None:
    """The user's IANA time zone as set in Slack (e.g. "Europe/Berlin"), if Slack says."""
    return user_info(client, user_id).get("tz") or None


def user_names(client: WebClient, user_ids: Iterable[str], full: bool = False) -> dict[str, str]:
    """Display names, for files that leave Slack (where a mention would be a bare id) and for
    digests and results, which name people as text rather than notify them with a mention.
    Names are remembered for NAME_TTL_S per workspace token, so a thousand digests due at once
    do not each ask Slack again for the same people (users.info is Tier 4). `full` prefers the
    full name ("Chloé Martin") to the display name ("chloe"), for digests read by managers."""
    names = {}
    now = time.monotonic()
    for user_id in list(dict.fromkeys(user_ids))[:MAX_NAME_LOOKUPS]:
        key = (client.token or "", user_id, full)
        with _names_lock:
            cached = _names.get(key)
        name: str | None
        if cached is not None and cached[1] > now:
            name = cached[0]
        else:
            user = user_info(client, user_id)
            profile = user.get("profile") or {}
            names_in_order = (
                ("real_name", "display_name") if full else ("display_name", "real_name")
            )
            name = next((profile[k] for k in names_in_order if profile.get(k)), None)
            name = name or user.get("name")
            if name:
                with _names_lock:
                    if len(_names) >= MAX_CACHED_NAMES:
                        _names.clear()
                    _names[key] = (name, now + NAME_TTL_S)
        if name:
            names[user_id] = name
    return names


NAME_TTL_S = 600.0
MAX_CACHED_NAMES = 10_000
_names: dict[tuple[str, str, bool], tuple[str, float]] = {}
_names_lock = threading.Lock()
