"""`/workshop emotions on|off`: the rating form's "How does the customer feel here?"
(facilitators)."""

from __future__ import annotations

from bot.emotions.blocks import emotions_switched_text
from bot.slack.command_call import CommandCall, Subcommand
from flows.emotions import set_emotion_curve

USAGE = (
    "Workshop #{} has the emotion curve {}. Facilitators turn it on with "
    "`/workshop emotions on`: the rating form then asks how the customer feels at each "
    "touchpoint (−2…+2), and the gap results add the curve. `/workshop emotions off` stops asking."
)


def emotions_command(call: CommandCall) -> None:
    wanted = {"on": True, "off": False}.get(call.rest.lower())
    with call.db.session() as session:
        workshop = call.workshop(session)
        assert workshop.id is not None  # a stored workshop
        if wanted is None:
            state = "on" if workshop.emotion_curve else "off"
            workshop_id = workshop.id
        else:
            changed = set_emotion_curve(session, call.team_id, workshop.id, call.user_id, wanted)
            title = workshop.title
    if wanted is None:
        call.reply(USAGE.format(workshop_id, state))
        return
    call.reply(emotions_switched_text(title, wanted, changed))


SUBCOMMANDS: dict[str, Subcommand] = {
    "emotions": Subcommand(
        "emotions on|off [#N]",
        "Ask how the customer feels at each touchpoint: the emotion curve (facilitators).",
        emotions_command,
    ),
}
