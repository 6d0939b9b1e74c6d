"""A parsed `/workshop` invocation, and the shape of a subcommand."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlmodel import Session

from bot.slack.mrkdwn import escape
from flows.workshops import resolve_workshop
from storage.db import Database
from storage.models import Workshop

WORKSHOP_NUMBER = re.compile(r"^#?(\d{1,9})$")
# Subcommands whose text is a title: a trailing number there is part of the title.
FREE_TEXT_SUBCOMMANDS = ("new", "fix")


@dataclass
class CommandCall:
    """One parsed `/workshop` invocation and what a subcommand needs to answer it."""

    team_id: str
    channel_id: str
    user_id: str
    trigger_id: str
    args: list[str]
    number: int | None  # a trailing workshop number, "12" or "#12"
    client: WebClient
    respond: Respond
    db: Database

    def reply(self, text: str = "", **kwargs) -> None:
        # A plain str is people's text (bot/slack/mrkdwn.py): escaped, as mrkdwn needs.
        self.respond(text=escape(text), response_type="ephemeral", **kwargs)

    def open_modal(self, view: View) -> None:
        """Open `view` as a modal, with this command's trigger id (it expires in 3 s)."""
        self.client.views_open(trigger_id=self.trigger_id, view=view)

    def workshop(self, session: Session) -> Workshop:
        return resolve_workshop(session, self.team_id, self.channel_id, self.number)

    @property
    def rest(self) -> str:
        return " ".join(self.args)


@dataclass(frozen=True)
class Subcommand:
    usage: str
    summary: str
    handler: Callable[[CommandCall], None]
    needs_channel: bool = True  # the bot must be a member of the channel to act in it


def parse_command_text(text: str) -> tuple[str, list[str], int | None]:
    """Split "status #12" into ("status", [], 12); the subcommand defaults to help."""
    words = (text or "").split()
    if not words:
        return "help", [], None
    name, args = words[0].lower(), words[1:]
    number = None
    if args and (match := WORKSHOP_NUMBER.match(args[-1])) and name not in FREE_TEXT_SUBCOMMANDS:
        number = int(match.group(1))
        args = args[:-1]
    return name, args, number
