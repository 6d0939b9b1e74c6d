"""`/workshop deadline [clear] [#N]` and `/workshop rounds [off] [#N]`."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.rounds.blocks import build_deadline_modal, build_rounds_modal
from bot.slack.command_call import CommandCall, Subcommand
from bot.slack.people import user_timezone
from bot.workshop.board import refresh_board
from flows.errors import Conflict
from flows.rounds import (
    DEADLINE_PHASES,
    as_utc,
    clear_deadline,
    current_deadline,
    stop_round_schedule,
)
from flows.schedules import DEFAULT_TIMEZONE, is_valid_timezone
from flows.workshops import PHASE_NAMES, require_facilitator
from storage.models import Phase, pk, utcnow

DEADLINE_USAGE = (
    "`/workshop deadline` sets when the current phase closes by itself, "
    "`/workshop deadline clear` removes it (add `#N` for another workshop)."
)
ROUNDS_USAGE = (
    "`/workshop rounds` schedules recurring rating rounds, `/workshop rounds off` stops them "
    "(add `#N` for another workshop)."
)


def _zone(call: CommandCall) -> str:
    zone = user_timezone(call.client, call.user_id)
    return zone if zone and is_valid_timezone(zone) else DEFAULT_TIMEZONE


def deadline_command(call: CommandCall) -> None:
    what = call.args[0].lower() if call.args else ""
    if what not in ("", "clear") or len(call.args) > 1:
        call.reply(f"I don't know `/workshop deadline {call.rest}`. {DEADLINE_USAGE}")
        return
    if what == "clear":
        with call.db.session() as session:
            workshop = call.workshop(session)
            cleared = clear_deadline(session, call.team_id, pk(workshop), call.user_id)
        if cleared:
            refresh_board(call.client, call.db, call.team_id, pk(workshop))
        call.reply(
            "Deadline removed: the phase closes when a facilitator moves on."
            if cleared
            else "This phase has no deadline."
        )
        return
    with call.db.session() as session:
        workshop = call.workshop(session)
        require_facilitator(session, workshop, call.user_id, "set a deadline")
        phase = Phase(workshop.phase)
        if phase not in DEADLINE_PHASES:
            raise Conflict(
                "Deadlines are for the stakeholders, rating, fixes and voting phases; "
                f"workshop #{workshop.id} is in the {PHASE_NAMES[phase]} phase."
            )
        existing = current_deadline(session, workshop)
    zone = existing.timezone if existing else _zone(call)
    if existing is not None:
        local = as_utc(existing.due_at).astimezone(ZoneInfo(zone))
        day, clock = local.date(), local.strftime("%H:%M")
    else:
        day, clock = (utcnow().astimezone(ZoneInfo(zone)) + timedelta(days=2)).date(), "17:00"
    call.open_modal(
        build_deadline_modal(
            pk(workshop),
            workshop.title,
            call.channel_id,
            PHASE_NAMES[phase],
            zone,
            day,
            clock,
            rating=phase is Phase.rating,
        )
    )


def rounds_command(call: CommandCall) -> None:
    what = call.args[0].lower() if call.args else ""
    if what not in ("", "off") or len(call.args) > 1:
        call.reply(f"I don't know `/workshop rounds {call.rest}`. {ROUNDS_USAGE}")
        return
    with call.db.session() as session:
        workshop = call.workshop(session)
        if what == "off":
            stopped = stop_round_schedule(session, call.team_id, pk(workshop), call.user_id)
        else:
            require_facilitator(session, workshop, call.user_id, "schedule rating rounds")
    if what == "off":
        call.reply(
            "Scheduled rating rounds stopped." if stopped else "No rating rounds were scheduled."
        )
        return
    call.open_modal(build_rounds_modal(pk(workshop), workshop.title, call.channel_id, _zone(call)))


SUBCOMMANDS: dict[str, Subcommand] = {
    "deadline": Subcommand(
        "deadline [clear] [#N]",
        "Close the current phase by itself at a set time (facilitators); reminds non-raters once.",
        deadline_command,
    ),
    "rounds": Subcommand(
        "rounds [off] [#N]",
        "Open rating rounds on a schedule, e.g. the first Monday of each quarter (facilitators).",
        rounds_command,
    ),
}
