"""`/workshop digest [list|now] [#N]`."""

from __future__ import annotations

import logging

from bot.digests.blocks.schedules import build_schedule_list, build_schedule_modal
from bot.digests.posts import Outcome, send_digest_now
from bot.slack.command_call import CommandCall, Subcommand
from bot.slack.people import user_timezone
from flows.schedules import DEFAULT_TIMEZONE, is_valid_timezone, workshop_schedules
from flows.workshops import participant_role, require_facilitator
from storage.models import pk

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
    call.open_modal(
        build_schedule_modal(
            pk(workshop),
            workshop.title,
            call.channel_id,
            zone if is_valid_timezone(zone) else DEFAULT_TIMEZONE,
        )
    )


def list_schedules(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        schedules = workshop_schedules(session, workshop)
    call.reply(
        f"Digests of workshop #{workshop.id}",
        blocks=build_schedule_list(pk(workshop), workshop.title, schedules),
    )


def digest_now(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        member = participant_role(session, call.team_id, pk(workshop), call.user_id) is not None
    if not member:
        call.reply(f"Join workshop #{workshop.id} first (the *Join* button on its board).")
        return
    report = send_digest_now(
        call.client, call.db, call.team_id, pk(workshop), call.channel_id, call.user_id
    )
    if report.outcome is not Outcome.sent:
        errors = ", ".join(sorted(set(report.errors.values()))) or "unknown error"
        call.reply(f"I couldn't post the digest here ({errors}).")


SUBCOMMANDS: dict[str, Subcommand] = {
    "digest": Subcommand(
        "digest [list|now] [#N]",
        "Scheduled digests for managers: set one up, `list` them (pause, resume, delete), "
        "or post one here `now`.",
        digest_command,
    ),
}
