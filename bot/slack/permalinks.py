"""Message permalinks (chat.getPermalink), cached in the process: a message's link never changes."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)

_PERMALINKS: OrderedDict[tuple[str, str], str] = OrderedDict()
_PERMALINKS_LOCK = threading.Lock()
PERMALINK_CACHE_SIZE = 2000


def message_permalink(client: WebClient, channel_id: str, ts: str) -> str | None:
    """The message's link, or None when Slack gives none (an error, or an answer without one):
    callers then say where it is in words."""
    key = (channel_id, ts)
    with _PERMALINKS_LOCK:
        if key in _PERMALINKS:
            _PERMALINKS.move_to_end(key)
            return _PERMALINKS[key]
    try:
        url = client.chat_getPermalink(channel=channel_id, message_ts=ts).get("permalink")
    except SlackApiError as error:
        logger.info("no permalink for %s/%s: %s", channel_id, ts, error.response.get("error"))
        return None
    if not isinstance(url, str) or not url.startswith("https://"):
        logger.info("no permalink for %s/%s in Slack's answer: %r", channel_id, ts, url)
        return None
    with _PERMALINKS_LOCK:
        _PERMALINKS[key] = url
        while len(_PERMALINKS) > PERMALINK_CACHE_SIZE:
            _PERMALINKS.popitem(last=False)
    return url
