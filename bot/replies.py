"""Telling one user something privately, from whatever surface they acted on."""

from __future__ import annotations

import logging

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = (
    ":warning: Something went wrong on our side and nothing was changed. "
    "Please try again in a moment; if it keeps happening, tell your Slack admin."
)
# After a Web API call failed in a way that is not safe to retry (bot/retries.py): whatever the
# user did may be saved, but a post or an update may be missing (or, after a timeout, late).
SLACK_FAILED = (
    ":warning: Slack didn't take one of my messages just now ({reason}), so a post or an update "
    "I was sending may be missing. Have a look at the board before trying again."
)


def tell_user(
    client: WebClient,
    body: dict,
    text: str,
    respond: Respond | None = None,
) -> None:
    """Send `text` to the acting user only: through the response URL when the request has one,
    else as an ephemeral message in its channel, else as a DM."""
    user_id = (body.get("user") or {}).get("id") or body.get("user_id")
    channel_id = (body.get("channel") or {}).get("id") or body.get("channel_id")
    try:
        if respond is not None and respond.response_url:
            respond(text=text, response_type="ephemeral", replace_original=False)
        elif channel_id and user_id:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text)
        elif user_id:
            client.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as error:
        # Nothing more we can do for this user; leave a trace for the operator.
        logger.warning("could not tell user %s: %s", user_id, error.response.get("error"))
