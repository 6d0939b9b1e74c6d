"""What a listener gets: one typed request per kind of listener, instead of Bolt's arguments.

Bolt injects a listener's arguments by name (`ack`, `body`, `client`, ... and the context's keys,
such as `db`: bot/slack/middleware.provide). Our listeners take one `request` instead: an
`ActionRequest` (a button, a menu), a `SubmissionRequest` (a form), an `OptionsRequest` (a
menu's search) or a `CommandRequest` (the slash command), built once from Bolt's `args` by the
decorator every listener wears (bot/slack/answers.py: `answers_refusals`, or `takes_request` for
a listener that answers its own refusals), with who sent it and the steps most listeners take.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Self, TypeVar, cast

from slack_bolt import Ack, BoltContext, Respond
from slack_bolt.kwargs_injection.args import Args
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.slack import acks
from bot.slack.after_ack import AfterAck, Work
from bot.slack.replies import report_failure, tell_privately, tell_user
from bot.slack.submissions import save_workshop_form_once
from bot.slack.values import ButtonValue, ViewMetadata
from bot.slack.view_state import state_values
from bot.slack.who import team_id_of, user_id_of
from storage.db import Database
from storage.models import Workshop

T = TypeVar("T")
V = TypeVar("V", bound=ButtonValue)
M = TypeVar("M", bound=ViewMetadata)


@dataclass(frozen=True)
class Request:
    """What every kind of request carries: Bolt's ack, body, client and respond, its context,
    the context's database and after-ack pool, and what it is about (`payload`: the action, the
    submitted view, the command, or the whole body of a menu's search)."""

    ack: Ack
    body: dict
    client: WebClient
    respond: Respond
    context: BoltContext
    db: Database
    after_ack: AfterAck
    payload: dict

    @classmethod
    def of(cls, args: Args) -> Self:
        context = args.context
        return cls(
            args.ack,
            args.body,
            args.client,
            args.respond,
            context,
            # Put there by bot/slack/middleware.provide, for every request.
            cast(Database, context.get("db")),
            cast(AfterAck, context.get("after_ack")),
            args.payload,  # Bolt's: the action, the view, the command, or the search's body
        )

    @property
    def team_id(self) -> str:
        """The workspace; a request without one is refused as out of date (bot/slack/who.py)."""
        return team_id_of(self.context)

    @property
    def user_id(self) -> str:
        """The person; a request without one is refused as out of date (bot/slack/who.py)."""
        return user_id_of(self.context)

    @property
    def view(self) -> dict:
        """The view it comes from: the submitted form, the modal or Home tab a button is in, the
        form a menu searches from; empty for a message."""
        return self.body.get("view") or {}

    @property
    def state(self) -> dict:
        """What was entered in the view, by block id and action id; empty when the payload
        lacks it (bot/slack/view_state.py: a forged form reads as empty, never as a crash)."""
        return state_values(self.view)

    def metadata(self, kind: type[M]) -> M:
        """The view's metadata as `kind` (empty if it is not one: bot/slack/values.py)."""
        return kind.read(self.view)

    def save_then_ack(self, save: Callable[[], T]) -> T:
        """Run `save`, then acknowledge: acknowledged means saved (bot/slack/acks.py)."""
        return acks.save_then_ack(self.ack, self.context, save)

    def tell(self, text: str, blocks: Sequence[Block] | None = None) -> None:
        """Tell the person who acted, privately (bot/slack/replies.tell_user)."""
        tell_user(self.client, self.body, text, self.respond, blocks=blocks)

    def after(self, work: Work, key: Hashable | None = None) -> None:
        """Run `work` after the ack (bot/slack/after_ack.py); the person hears of a failure."""
        self.after_ack.run(key, work, report_failure(self.client, self.body))


class ActionRequest(Request):
    """A click on a button, or a choice in a menu or an overflow."""

    @property
    def action(self) -> dict:
        return self.payload

    @property
    def response_url(self) -> str | None:
        """The URL of the message the button is in (its list, to redraw after a form)."""
        return self.body.get("response_url")

    @property
    def action_id(self) -> str:
        return self.action["action_id"]

    def open_modal(self, view: View) -> None:
        """Open `view` as a modal, with the click's trigger id (it expires in 3 s)."""
        self.client.views_open(trigger_id=self.body["trigger_id"], view=view)

    def value(self, kind: type[V]) -> V:
        """The clicked value as `kind`; a `BadValue` if it does not parse as one."""
        return kind.of(self.action)


class SubmissionRequest(Request):
    """A submitted form."""

    def save_once(self, save: Callable[[Session, Workshop], T]) -> T | None:
        """`save(session, workshop)` for the form's workshop, once per submission: None for a
        repeat of one already saved (bot/slack/submissions.py)."""
        return save_workshop_form_once(self.db, self.team_id, self.view, save)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Acknowledge with `errors` under their fields (block ids): nothing is saved."""
        self.ack(response_action="errors", errors=errors)

    def show(self, view: View) -> None:
        """Acknowledge by turning the form into `view` (its next page, or a notice)."""
        self.ack(response_action="update", view=view)

    def show_or_close(self, view: View | None) -> None:
        """Acknowledge by turning the form into `view`, or, with none, by closing it."""
        if view is None:
            self.ack()
        else:
            self.show(view)

    def tell_in(self, channel_id: str | None, text: str) -> None:
        """Tell the person who sent the form, privately: in `channel_id` (the channel the form
        was opened from), else as a DM (bot/slack/replies.tell_privately)."""
        tell_privately(self.client, self.user_id, channel_id, text)


class OptionsRequest(Request):
    """A menu's search: what was typed, to answer with options (its payload is the body)."""

    @property
    def query(self) -> str:
        value = self.body.get("value")
        return value if isinstance(value, str) else ""


class CommandRequest(Request):
    """A slash command."""

    @property
    def command(self) -> dict:
        return self.payload
