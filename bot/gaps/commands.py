"""`/workshop rate | gaps | nudge | round`: gap rating from the command line."""

from __future__ import annotations

from bot.gaps.posts import open_next_round, open_rating_form, post_gap_results, send_nudges
from bot.personas.posts import open_persona_round
from bot.slack.command_call import CommandCall, Subcommand
from flows.gaps.aggregation import current_round
from storage.models import pk


def rate_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop_id = pk(call.workshop(session))
    open_rating_form(call.client, call.db, call.team_id, call.user_id, workshop_id, call.trigger_id)


def gaps_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop_id = pk(call.workshop(session))
    results = post_gap_results(call.client, call.db, call.team_id, workshop_id)
    if results.has_ratings:
        call.reply(f"I posted the gaps of round {results.round} in the board's thread.")
    else:
        call.reply(f"Nobody has rated round {results.round} yet, so there are no gaps to show.")


def nudge_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop_id = pk(call.workshop(session))
    call.reply(send_nudges(call.client, call.db, call.team_id, call.user_id, workshop_id))


def round_command(call: CommandCall) -> None:
    with call.db.session() as session:
        workshop = call.workshop(session)
        number = current_round(session, workshop)
    if call.args[:1] == ["persona"] and len(call.args) > 1:
        name = " ".join(call.args[1:]).strip("\"“”'‘’ ")
        given = open_persona_round(
            call.client, call.db, call.team_id, call.user_id, pk(workshop), name, number
        )
        if not given.changed:
            call.reply(f"Round {given.number} is already rated for {given.persona.name}.")
        elif given.opened:
            call.reply(
                f"Round {given.number} is open for {given.persona.name}; I announced it in the "
                "board's thread."
            )
        else:
            call.reply(
                f"Round {given.number} is now rated for {given.persona.name}; I announced it in "
                "the board's thread."
            )
        return
    if call.args != ["new"]:
        call.reply(
            f"Workshop #{workshop.id} is rating in round {number}. Facilitators open the next "
            "round on the same touchpoints with `/workshop round new`, or one for a persona "
            "with `/workshop round persona NAME`."
        )
        return
    # The round this command saw: only the one after it is opened, so a command typed twice,
    # or two at once, open one round between them (flows.gaps.rounds.open_rating_round).
    opened = open_next_round(
        call.client, call.db, call.team_id, call.user_id, pk(workshop), expected_round=number
    )
    call.reply(f"Round {opened.number} is open; I announced it in the board's thread.")


SUBCOMMANDS: dict[str, Subcommand] = {
    "rate": Subcommand(
        "rate [#N]", "Rate expectation and experience at each touchpoint.", rate_command
    ),
    "gaps": Subcommand(
        "gaps [#N]", "Post the journey gap chart and table in the board's thread.", gaps_command
    ),
    "nudge": Subcommand(
        "nudge [#N]", "DM participants who have not rated yet (facilitators).", nudge_command
    ),
    "round": Subcommand(
        "round new | persona NAME [#N]",
        "Open a new rating round on the same touchpoints, or one rated for a persona "
        "(facilitators).",
        round_command,
    ),
}
