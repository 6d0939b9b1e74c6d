"""The setup modal that `/workshop new` opens."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.slack import ids
from bot.slack.values import WorkshopMetadata
from flows.journey import DEFAULT_JOURNEY, format_journey
from flows.workshops import MAX_TITLE_LENGTH, MAX_VOTE_BUDGET


def build_setup_modal(channel_id: str, title: str = "") -> View:
    return View(
        type="modal",
        callback_id=ids.SETUP_MODAL,
        title=PlainTextObject(text="New journey workshop"),
        submit=PlainTextObject(text="Create workshop"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=WorkshopMetadata(channel_id=channel_id).encode(),
        blocks=[
            InputBlock(
                block_id=ids.SETUP_TITLE,
                label="Title",
                element=PlainTextInputElement(
                    action_id=ids.INPUT,
                    initial_value=title[:MAX_TITLE_LENGTH] or None,
                    max_length=MAX_TITLE_LENGTH,
                    placeholder="e.g. Onboarding journey, Q3",
                ),
            ),
            InputBlock(
                block_id=ids.SETUP_JOURNEY,
                label="Journey stages and touchpoints",
                hint="One stage per line: “Stage: touchpoint, touchpoint, …”. Edit freely.",
                element=PlainTextInputElement(
                    action_id=ids.INPUT,
                    multiline=True,
                    initial_value=format_journey(DEFAULT_JOURNEY),
                    max_length=3000,
                ),
            ),
            InputBlock(
                block_id=ids.SETUP_VOTE_BUDGET,
                label="Votes per participant",
                hint="How many dots each participant spends on fixes.",
                element=NumberInputElement(
                    action_id=ids.INPUT,
                    is_decimal_allowed=False,
                    initial_value="3",
                    min_value="1",
                    max_value=str(MAX_VOTE_BUDGET),
                ),
            ),
            InputBlock(
                block_id=ids.SETUP_MAX_VOTES_PER_FIX,
                label="Most votes one person may give one fix",
                element=NumberInputElement(
                    action_id=ids.INPUT,
                    is_decimal_allowed=False,
                    initial_value="1",
                    min_value="1",
                    max_value=str(MAX_VOTE_BUDGET),
                ),
            ),
            InputBlock(
                block_id=ids.SETUP_OPTIONS,
                label="Voting",
                optional=True,
                element=CheckboxesElement(
                    action_id=ids.INPUT,
                    options=[
                        Option(
                            value=ids.OPTION_LIVE_TALLIES,
                            text="Show running tallies while voting is open",
                        )
                    ],
                ),
            ),
            InputBlock(
                block_id=ids.SETUP_CO_FACILITATORS,
                label="Co-facilitators",
                optional=True,
                hint="They can move the workshop through its phases too.",
                element=UserMultiSelectElement(action_id=ids.INPUT, placeholder="Choose people"),
            ),
        ],
    )
