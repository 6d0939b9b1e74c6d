"""What the bot needs to know about people, from users.info (scope users:read)."""

from __future__ import annotations

import logging
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


def user_names(client: WebClient, user_ids: Iterable[str]) -> dict[str, str]:
    """Display names for files that leave Slack, where a mention would be a bare id."""
    names = {}
    for user_id in list(dict.fromkeys(user_ids))[:MAX_NAME_LOOKUPS]:
        user = user_info(client, user_id)
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("name")
        if name:
            names[user_id] = name
    return names
