"""`/workshop personas` (facilitators add one) and `/workshop persona` (pick the persona you
rate for)."""

from __future__ import annotations

from bot.personas.blocks import build_persona_add_modal
from bot.personas.posts import choice_modal
from bot.slack.command_call import CommandCall, Subcommand
from flows.personas import customer_stakeholders, personas
from flows.workshops import require_facilitator

NO_PERSONAS = (
    "Workshop #{} has no personas, so everyone rates for the customer in general. Facilitators "
    "add personas with `/workshop personas`."
)


def personas_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        require_facilitator(session, workshop, call.user_id, "define personas")
        assert workshop.id is not None  # a stored workshop
        view = build_persona_add_modal(
            workshop.id,
            workshop.title,
            call.channel_id,
            [(p.name, p.description) for p in personas(session, workshop)],
            [(s.id, s.name) for s in customer_stakeholders(session, workshop)],  # type: ignore[misc]
        )
    call.open_modal(view)


def persona_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        view = choice_modal(session, workshop, call.user_id, call.channel_id)
        workshop_id = workshop.id
    if view is None:
        call.reply(NO_PERSONAS.format(workshop_id))
        return
    call.open_modal(view)


SUBCOMMANDS: dict[str, Subcommand] = {
    "personas": Subcommand(
        "personas [#N]",
        "Add a persona: whose journey the team maps (facilitators).",
        personas_command,
    ),
    "persona": Subcommand(
        "persona [#N]",
        "Pick the persona whose journey you know best, to rate for.",
        persona_command,
    ),
}
