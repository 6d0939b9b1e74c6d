"""Telling one user something privately, from whatever surface they acted on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.slack.mrkdwn import escape
from flows.errors import FlowError

logger = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = (
    ":warning: Something went wrong on our side and nothing was changed. "
    "Please try again in a moment; if it keeps happening, tell your Slack admin."
)
# After the ack, when what the user changed is saved but showing it failed.
SHOWING_FAILED = (
    ":warning: Your change is saved, but something went wrong on our side while showing it. "
    "Reopen the view or look at the board to see where things stand."
)
# After a Web API call failed in a way that is not safe to retry (bot/slack/retries.py):
# whatever the user did may be saved, but a post or an update may be missing (or, after a
# timeout, late).
SLACK_FAILED = (
    ":warning: Slack didn't take one of my messages just now ({reason}), so a post or an update "
    "I was sending may be missing. Have a look at the board before trying again."
)


def tell_privately(client: WebClient, user_id: str, channel_id: str | None, text: str) -> None:
    """Send `text` to `user_id` only, from a request without a response URL (a form's
    submission): as an ephemeral message in `channel_id`, else as a DM."""
    tell_user(client, {"user": {"id": user_id}, "channel": {"id": channel_id}}, text)


def tell_user(
    client: WebClient,
    body: dict,
    text: str,
    respond: Respond | None = None,
    blocks: Sequence[Block] | None = None,
) -> None:
    """Send `text` (and `blocks`, if given) to the acting user only: through the response URL
    when the request has one, else as an ephemeral message in its channel, else as a DM."""
    user_id = (body.get("user") or {}).get("id") or body.get("user_id")
    channel_id = (body.get("channel") or {}).get("id") or body.get("channel_id")
    text = escape(text)  # a plain str is people's text (bot/slack/mrkdwn.py)
    extra: dict[str, Any] = {"blocks": list(blocks)} if blocks else {}
    try:
        if respond is not None and respond.response_url:
            respond(text=text, response_type="ephemeral", replace_original=False, **extra)
        elif channel_id and user_id:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text, **extra)
        elif user_id:
            client.chat_postMessage(channel=user_id, text=text, **extra)
    except SlackApiError as error:
        # Nothing more we can do for this user; leave a trace for the operator.
        logger.warning("could not tell user %s: %s", user_id, error.response.get("error"))


def failure_reason(error: Exception) -> str | None:
    """Why a Web API call failed, in a few words; None for a failure that is not Slack's."""
    if isinstance(error, SlackApiError):
        return f"`{error.response.get('error')}`"
    if isinstance(error, TimeoutError):  # Slack may still act on it: the post may come late
        return "no answer in time"
    if isinstance(error, OSError):  # resets and unreachable hosts (urllib's errors are OSErrors)
        return "the connection failed"
    return None


def failure_message(error: Exception, saved: bool = False) -> str:
    """What to tell the user. A failed Web API call usually comes after their change was saved,
    so "nothing was changed" would be wrong then."""
    reason = failure_reason(error)
    if reason is not None:
        return SLACK_FAILED.format(reason=reason)
    return SHOWING_FAILED if saved else SOMETHING_WENT_WRONG


def report_failure(client: WebClient, body: dict) -> Callable[[Exception], None]:
    """For work after the ack (bot/slack/after_ack.py): tell the user what went wrong, a refusal in
    its own words."""

    def report(error: Exception) -> None:
        text = str(error) if isinstance(error, FlowError) else failure_message(error, saved=True)
        tell_user(client, body, text)

    return report
