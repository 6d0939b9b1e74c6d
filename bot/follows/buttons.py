"""The Follow / Unfollow button, for every surface that offers it (Home cards, the followed
workshops, digests): always plain, never the message's primary action."""

from __future__ import annotations

from slack_sdk.models.blocks import ButtonElement

from bot.slack import ids


def follow_button(workshop_id: int, following: bool = False, text: str = "Follow") -> ButtonElement:
    return ButtonElement(
        text="Unfollow" if following else text,
        action_id=ids.UNFOLLOW_WORKSHOP if following else ids.FOLLOW_WORKSHOP,
        value=str(workshop_id),
    )
