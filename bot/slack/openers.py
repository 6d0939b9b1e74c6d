"""Buttons that open a modal built from the database: one listener shape for all of them.

The listener acks at once (a trigger id expires 3 s after the click), builds the view in one
session from what the click says (its `ActionRequest`, bot/slack/requests.py), and opens it with
the click's trigger id. A refusal raised while building (a `FlowError`, or a `BadValue` from a
value that no longer parses) is answered by `answers_refusals` (bot/slack/answers.py): the user is
told privately, in the flows' words or as `stale`, and nothing opens.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.views import View
from sqlmodel import Session

from bot.slack.answers import OUT_OF_DATE, Listener, answers_refusals, named_like
from bot.slack.requests import ActionRequest

# (session, click) -> the modal to open; raises a FlowError or a BadValue to refuse
BuildModal = Callable[[Session, ActionRequest], View]


def modal_opener(build: BuildModal, stale: str = OUT_OF_DATE) -> Listener:
    """A listener for a button that opens the modal `build` makes; `stale` answers a button
    whose value no longer parses. The listener bears `build`'s name in logs."""

    def open_modal(request: ActionRequest) -> None:
        request.ack()
        with request.db.session() as session:
            view = build(session, request)
        request.open_modal(view)

    return answers_refusals(stale)(named_like(build, open_modal))
