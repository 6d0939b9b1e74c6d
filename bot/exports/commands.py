"""`/workshop export [#N]`."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.exports.posts import upload_export
from bot.slack.command_call import CommandCall, Subcommand
from bot.slack.mrkdwn import md
from storage.models import pk

logger = logging.getLogger(__name__)


def export_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
    call.reply(f"Preparing the export of workshop #{workshop.id}…")
    try:
        channel_id, names = upload_export(
            call.client, call.db, call.team_id, pk(workshop), call.user_id
        )
    except SlackApiError as error:
        logger.warning(
            "export of workshop %s (team %s) not uploaded: %s",
            workshop.id,
            call.team_id,
            error.response.get("error"),
        )
        call.reply(
            f"I couldn't upload the export ({error.response.get('error')}). "
            "Check that I'm still in the workshop's channel, then try again."
        )
        return
    where = "the board's thread" if workshop.board_ts else md("<#{}>", channel_id)
    call.reply(md("The export of workshop #{} is in {}: {}.", workshop.id, where, ", ".join(names)))


SUBCOMMANDS: dict[str, Subcommand] = {
    "export": Subcommand(
        "export [#N]",
        "A Markdown report and CSV files of the workshop, in its board's thread.",
        export_command,
    ),
}
