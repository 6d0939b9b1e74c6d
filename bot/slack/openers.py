"""Buttons that open a modal built from the database: one listener shape for all of them.

The listener acks at once (a trigger id expires 3 s after the click), builds the view in one
session from what the click says (`ButtonClick`), and opens it with the click's trigger id. A
refusal raised while building (a `FlowError`, or a `BadValue` from a value that no longer parses)
is answered by `answers_refusals` (bot/slack/answers.py): the user is told privately, in the
flows' words or as `stale`, and nothing opens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.models.views import View
from sqlmodel import Session

from bot.slack.answers import OUT_OF_DATE, Listener, answers_refusals, named_like
from bot.slack.requests import ActionRequest


@dataclass(frozen=True)
class ButtonClick:
    """Who clicked, in which workspace, the action clicked and the whole request."""

    team_id: str
    user_id: str
    action: dict
    body: dict

    @property
    def response_url(self) -> str | None:
        """The URL of the message the button is in (its list, to redraw after the form)."""
        return self.body.get("response_url")


# (session, click) -> the modal to open; raises a FlowError or a BadValue to refuse
BuildModal = Callable[[Session, ButtonClick], View]


def modal_opener(build: BuildModal, stale: str = OUT_OF_DATE) -> Listener:
    """A listener for a button that opens the modal `build` makes; `stale` answers a button
    whose value no longer parses. The listener bears `build`'s name in logs."""

    def open_modal(request: ActionRequest) -> None:
        request.ack()
        click = ButtonClick(request.team_id, request.user_id, request.action, request.body)
        with request.db.session() as session:
            view = build(session, click)
        request.client.views_open(trigger_id=request.body["trigger_id"], view=view)

    return answers_refusals(stale)(named_like(build, open_modal))
