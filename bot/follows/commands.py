"""`/workshop follow [#N]` and `/workshop unfollow [#N]`: from any channel or from a DM with the
bot (there the number is needed), for anyone in the workspace."""

from __future__ import annotations

from bot.follows.blocks import follow_reply
from bot.home.publish import refresh_homes
from bot.slack.command_call import CommandCall, Subcommand
from flows.errors import NotFound
from flows.follows import follow_workshop, unfollow_workshop
from storage.models import pk

NEEDS_NUMBER = (
    "Which workshop? Add its number, e.g. `/workshop {} #12` "
    "(`/workshop list` in its channel shows them)."
)


def _workshop_id(call: CommandCall, verb: str) -> int:
    if call.number is not None:
        return call.number
    with call.db.read_session() as session:
        try:
            return pk(call.workshop(session))
        except NotFound:
            raise NotFound(NEEDS_NUMBER.format(verb)) from None


def _change_follow(call: CommandCall, following: bool) -> None:
    verb = "follow" if following else "unfollow"
    if call.args:
        call.reply(f"I don't know `/workshop {verb} {call.rest}`. {NEEDS_NUMBER.format(verb)}")
        return
    workshop_id = _workshop_id(call, verb)
    change_follow = follow_workshop if following else unfollow_workshop
    with call.db.session() as session:
        change = change_follow(session, call.team_id, workshop_id, call.user_id)
        title = change.workshop.title
    call.reply(follow_reply(workshop_id, title, following, change.changed))
    refresh_homes(call.client, call.db, call.team_id, [call.user_id])


def follow_command(call: CommandCall) -> None:
    _change_follow(call, following=True)


def unfollow_command(call: CommandCall) -> None:
    _change_follow(call, following=False)


SUBCOMMANDS = {
    "follow": Subcommand(
        "follow [#N]",
        "Follow a workshop: its trend over the rounds on your Home tab.",
        follow_command,
        needs_channel=False,
    ),
    "unfollow": Subcommand(
        "unfollow [#N]", "Stop following a workshop.", unfollow_command, needs_channel=False
    ),
}
