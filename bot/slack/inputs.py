"""The form inputs every feature builds the same way: an input block whose one element has the
action id `ids.INPUT` (bot/slack/view_state.py reads a form's values by block id alone).

Arguments left None are left out of what Slack receives, as Block Kit's defaults."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    InputBlock,
    InputInteractiveElement,
    NumberInputElement,
    Option,
    OptionGroup,
    PlainTextInputElement,
    StaticSelectElement,
)

from bot.slack import ids


def text_input(
    block_id: str,
    label: str,
    *,
    max_length: int,
    initial_value: str | None = None,
    placeholder: str | None = None,
    multiline: bool | None = None,
    optional: bool | None = None,
    hint: str | None = None,
) -> InputBlock:
    """A text field of at most `max_length` characters."""
    element = PlainTextInputElement(
        action_id=ids.INPUT,
        initial_value=initial_value,
        max_length=max_length,
        placeholder=placeholder,
        multiline=multiline,
    )
    return _input(block_id, label, element, optional, hint)


def select_input(
    block_id: str,
    label: str,
    *,
    options: Sequence[Option] | None = None,
    option_groups: Sequence[OptionGroup] | None = None,
    initial_option: Option | None = None,
    placeholder: str | None = None,
    optional: bool | None = None,
    hint: str | None = None,
    dispatch_action: bool | None = None,
) -> InputBlock:
    """A menu of `options` (or of `option_groups`), `initial_option` chosen."""
    element = StaticSelectElement(
        action_id=ids.INPUT,
        options=options,
        option_groups=option_groups,
        initial_option=initial_option,
        placeholder=placeholder,
    )
    return _input(block_id, label, element, optional, hint, dispatch_action)


def whole_number_input(
    block_id: str,
    label: str,
    *,
    min_value: str,
    max_value: str,
    initial_value: str | None = None,
    optional: bool | None = None,
    hint: str | None = None,
) -> InputBlock:
    """A whole number from `min_value` to `max_value` (Slack checks both before submitting)."""
    element = NumberInputElement(
        action_id=ids.INPUT,
        is_decimal_allowed=False,
        initial_value=initial_value,
        min_value=min_value,
        max_value=max_value,
    )
    return _input(block_id, label, element, optional, hint)


def _input(
    block_id: str,
    label: str,
    element: InputInteractiveElement,
    optional: bool | None,
    hint: str | None,
    dispatch_action: bool | None = None,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        dispatch_action=dispatch_action,
        element=element,
    )
