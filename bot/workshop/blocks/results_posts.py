"""The facilitator's private notice when a phase's results could not be posted in the board's
thread, with its *Post it again* button."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.slack import ids
from bot.slack.blocks import mrkdwn_section
from bot.slack.mrkdwn import Mrkdwn, md
from bot.slack.values import ButtonValue, Id, Word


class PostAgain(ButtonValue):
    """The button's value: which workshop, which results, and a token naming this one notice
    (so a double click posts once)."""

    workshop_id: Id
    key: Word
    token: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]


def build_post_failed(
    value: PostAgain, what: str, reason: str, may_be_posted: bool
) -> tuple[Mrkdwn, list[Block]]:
    """Text and blocks: what is missing, why, and the button. `may_be_posted`: Slack never
    answered, so the post may have landed all the same; the facilitator looks first."""
    text = md(
        ":warning: I couldn't post {} of workshop #{} in the board's thread ({}).",
        what,
        value.workshop_id,
        reason,
    )
    if may_be_posted:
        text += " Slack may have posted them after all: look in the thread before posting again."
    blocks: list[Block] = [
        mrkdwn_section(text),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Post it again",
                    action_id=ids.RESULTS_POST_AGAIN,
                    value=value.encode(),
                    style="primary",
                )
            ]
        ),
    ]
    return text, blocks
