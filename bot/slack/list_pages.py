"""Previous / Next under a workshop's private list (`/workshop fixes`, `ranking`, `actions`):
one listener shape for all of them. The list message is replaced by the page asked for."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.slack.answers import Listener, answers_refusals
from bot.slack.values import PageValue
from bot.slack.who import team_id_of, user_id_of
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import Workshop

# (session, workshop, user id, page) -> the message's fallback text and blocks
RenderPage = Callable[[Session, Workshop, str, int], tuple[str, list[Block]]]


def page_listener(render: RenderPage, stale: str) -> Listener:
    """A listener for a list's paging buttons (values: `PageValue`); `stale` answers a button
    whose value no longer parses."""

    @answers_refusals(stale)
    def handle_page(
        ack: Ack, action: dict, context: BoltContext, respond: Respond, db: Database
    ) -> None:
        ack()
        value = PageValue.of(action)
        with db.read_session() as session:
            workshop = get_workshop(session, team_id_of(context), value.workshop_id)
            text, blocks = render(session, workshop, user_id_of(context), value.page)
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)

    return handle_page
