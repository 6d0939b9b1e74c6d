"""Previous / Next under a workshop's private list (`/workshop fixes`, `ranking`, `actions`):
one listener shape for all of them. The list message is replaced by the page asked for."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from sqlmodel import Session

from bot.slack.replies import tell_user
from bot.slack.values import BadValue, PageValue
from flows.errors import FlowError
from flows.workshops import get_workshop
from storage.db import Database
from storage.models import Workshop

# (session, workshop, user id, page) -> the message's fallback text and blocks
RenderPage = Callable[[Session, Workshop, str, int], tuple[str, list[Block]]]
PageListener = Callable[[Ack, dict, dict, WebClient, BoltContext, Respond], None]


def page_listener(render: RenderPage, stale: str) -> PageListener:
    """A listener for a list's paging buttons (values: `PageValue`); `stale` answers a button
    whose value no longer parses."""

    def handle_page(
        ack: Ack,
        body: dict,
        action: dict,
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        db: Database = context["db"]
        try:
            value = PageValue.of(action)
            with db.read_session() as session:
                workshop = get_workshop(session, context.team_id, value.workshop_id)
                text, blocks = render(session, workshop, context.user_id, value.page)
        except BadValue:
            tell_user(client, body, stale, respond)
            return
        except FlowError as error:
            tell_user(client, body, str(error), respond)
            return
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)

    return handle_page
