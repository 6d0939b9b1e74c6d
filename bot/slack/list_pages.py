"""Previous / Next under a workshop's private list (`/workshop fixes`, `ranking`, `actions`):
one listener shape for all of them. The list message is replaced by the page asked for."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.slack.answers import Listener, answers_refusals
from bot.slack.requests import ActionRequest
from bot.slack.values import PageValue
from flows.workshops import get_workshop
from storage.models import Workshop

# (session, workshop, user id, page) -> the message's fallback text and blocks
RenderPage = Callable[[Session, Workshop, str, int], tuple[str, list[Block]]]


def page_listener(render: RenderPage, stale: str) -> Listener:
    """A listener for a list's paging buttons (values: `PageValue`); `stale` answers a button
    whose value no longer parses."""

    @answers_refusals(stale)
    def handle_page(request: ActionRequest) -> None:
        request.ack()
        value = request.value(PageValue)
        with request.db.read_session() as session:
            workshop = get_workshop(session, request.team_id, value.workshop_id)
            text, blocks = render(session, workshop, request.user_id, value.page)
        request.respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)

    return handle_page
