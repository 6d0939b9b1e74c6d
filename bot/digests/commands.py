"""`/workshop digest [list|now] [#N]` and `/workshop export [#N]`."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.digests.blocks.schedules import build_schedule_list, build_schedule_modal
from bot.digests.posts import Outcome, send_digest_now
from bot.exports.posts import upload_export
from bot.slack.command_call import CommandCall, Subcommand
from bot.slack.mrkdwn import md
from bot.slack.people import user_timezone
from flows.schedules import DEFAULT_TIMEZONE, is_valid_timezone, workshop_schedules
from flows.workshops import participant_role, require_facilitator

logger = logging.getLogger(__name__)

DIGEST_USAGE = (
    "`/workshop digest` sets up a scheduled digest, `/workshop digest list` shows this "
    "workshop's digests, `/workshop digest now` posts one here now (add `#N` for another "
    "workshop)."
)


def digest_command(call: CommandCall) -> None:
    what = call.args[0].lower() if call.args else ""
    handler = {"": open_schedule_form, "list": list_schedules, "now": digest_now}.get(what)
    if handler is None or len(call.args) > 1:
        call.reply(f"I don't know `/workshop digest {call.rest}`. {DIGEST_USAGE}")
        return
    handler(call)


def open_schedule_form(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        require_facilitator(session, workshop, call.user_id, "set up digests for this workshop")
    zone = user_timezone(call.client, call.user_id)
    call.client.views_open(
        trigger_id=call.trigger_id,
        view=build_schedule_modal(
            workshop.id,
            workshop.title,
            call.channel_id,
            zone if is_valid_timezone(zone) else DEFAULT_TIMEZONE,
        ),
    )


def list_schedules(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        schedules = workshop_schedules(session, workshop)
    call.reply(
        f"Digests of workshop #{workshop.id}",
        blocks=build_schedule_list(workshop.id, workshop.title, schedules),
    )


def digest_now(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        member = participant_role(session, call.team_id, workshop.id, call.user_id) is not None
    if not member:
        call.reply(f"Join workshop #{workshop.id} first (the *Join* button on its board).")
        return
    report = send_digest_now(
        call.client, call.db, call.team_id, workshop.id, call.channel_id, call.user_id
    )
    if report.outcome is not Outcome.sent:
        errors = ", ".join(sorted(set(report.errors.values()))) or "unknown error"
        call.reply(f"I couldn't post the digest here ({errors}).")


def export_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
    call.reply(f"Preparing the export of workshop #{workshop.id}…")
    try:
        channel_id, names = upload_export(
            call.client, call.db, call.team_id, workshop.id, call.user_id
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
    "digest": Subcommand(
        "digest [list|now] [#N]",
        "Scheduled digests for managers: set one up, `list` them (pause, resume, delete), "
        "or post one here `now`.",
        digest_command,
    ),
    "export": Subcommand(
        "export [#N]",
        "A Markdown report and CSV files of the workshop, in its board's thread.",
        export_command,
    ),
}
