"""The facilitator's private notice when a phase's results could not be posted in the board's
thread, with its *Post it again* button."""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.slack import ids
from bot.slack.blocks import mrkdwn_section
from bot.slack.mrkdwn import Mrkdwn, md

_KEY = re.compile(r"[a-z_]{1,20}")
_TOKEN = re.compile(r"[0-9a-f]{16}")
_ID = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class PostAgain:
    """The button's value: which workshop, which results, and a token naming this one notice
    (so a double click posts once)."""

    workshop_id: int
    key: str
    token: str

    def encode(self) -> str:
        return f"{self.workshop_id}|{self.key}|{self.token}"

    @classmethod
    def parse(cls, value: object) -> PostAgain:
        """Raises ValueError for anything our button could not have sent."""
        parts = value.split("|") if isinstance(value, str) else []
        if (
            len(parts) != 3
            or not _ID.fullmatch(parts[0])
            or not _KEY.fullmatch(parts[1])
            or not _TOKEN.fullmatch(parts[2])
        ):
            raise ValueError(f"not a post-again value: {value!r}")
        return cls(int(parts[0]), parts[1], parts[2])


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
