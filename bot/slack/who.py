"""Who a request comes from, typed: the workspace and the person, as text that is always there.

Bolt's context holds them as optional (`str | None`). Every request our listeners handle names
both: Slack always sends them, Bolt's authorization needs the workspace, and the request guard
(bot/slack/middleware.py) refuses clicks and forms without a person with a 400. So a missing one
is a request no Slack surface sends; it is refused as an out-of-date value (bot/slack/answers.py),
never read as `None`.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.slack.values import BadValue


class MissingIdentity(BadValue):
    """A request that does not say which workspace or person it comes from."""


def team_id_of(context: Mapping) -> str:
    return _text(context, "team_id")


def user_id_of(context: Mapping) -> str:
    return _text(context, "user_id")


def _text(context: Mapping, key: str) -> str:
    value = context.get(key)
    if not isinstance(value, str) or not value:
        raise MissingIdentity(f"no {key} in the request")
    return value
