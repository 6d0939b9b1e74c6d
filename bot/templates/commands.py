"""`/workshop template save NAME [#N]`: keep a workshop's journey for the next workshops."""

from __future__ import annotations

from bot.slack.command_call import CommandCall, Subcommand
from bot.slack.mrkdwn import Mrkdwn, md
from flows.journey_templates import SavedTemplate, save_workshop_journey
from storage.models import pk

USAGE = (
    "Save a workshop's journey as a template with `/workshop template save NAME` (add `#N` "
    "for a workshop other than this channel's latest)."
)


def saved_text(workshop_id: int, saved: SavedTemplate) -> Mrkdwn:
    template = saved.template
    size = md("{} stages, {} touchpoints", len(template.stages), template.touchpoint_count)
    if saved.replaced:
        done = md(
            "Template *{}* now holds the journey of workshop #{} ({}).",
            template.name,
            workshop_id,
            size,
        )
    else:
        done = md(
            "Saved the journey of workshop #{} as template *{}* ({}).",
            workshop_id,
            template.name,
            size,
        )
    return done + Mrkdwn(
        " It is offered under “Journey to start from” when anyone here starts a workshop "
        "with `/workshop new`."
    )


def template_command(call: CommandCall) -> None:
    if not call.args or call.args[0].lower() != "save":
        call.reply(USAGE)
        return
    name = " ".join(call.args[1:])
    with call.db.session() as session:
        workshop = call.workshop(session)
        saved = save_workshop_journey(session, call.team_id, pk(workshop), call.user_id, name)
        workshop_id = pk(workshop)
    call.respond(text=saved_text(workshop_id, saved), response_type="ephemeral")


SUBCOMMANDS: dict[str, Subcommand] = {
    "template": Subcommand(
        "template save NAME [#N]",
        "Save a workshop's journey as a template for new workshops.",
        template_command,
    ),
}
