"""`/workshop compare #12 #15 [#17 …]` (or `/workshop compare all`): the workshops' gaps side
by side, in the channel where it is run."""

from __future__ import annotations

from bot.compare.posts import comparison_for, post_comparison
from bot.slack.blocks import truncate
from bot.slack.command_call import WORKSHOP_NUMBER, CommandCall, Subcommand
from flows.benchmarking import MAX_COMPARED, rated_workshops
from flows.errors import FlowError, InvalidInput

ALL = "all"


def parse_numbers(args: list[str], trailing: int | None) -> list[int]:
    """The workshop numbers typed ("#12 #15", "12, 15"); InvalidInput names a word that is
    not one."""
    numbers = []
    for word in " ".join(args).replace(",", " ").split():
        match = WORKSHOP_NUMBER.match(word)
        if match is None:
            raise InvalidInput(
                {
                    "workshops": f"`{truncate(word, 30)}` is not a workshop number. Write them "
                    "as the bot shows them: `/workshop compare #12 #15`."
                }
            )
        numbers.append(int(match.group(1)))
    return numbers + ([trailing] if trailing is not None else [])


def compare_command(call: CommandCall) -> None:
    try:
        if [a.lower() for a in call.args] == [ALL] and call.number is None:
            with call.db.read_session() as session:
                numbers = rated_workshops(session, call.team_id)
        else:
            numbers = parse_numbers(call.args, call.number)
        comparison = comparison_for(call.db, call.team_id, numbers)
    except FlowError as error:
        call.reply(str(error))
        return
    posted = post_comparison(call.client, call.channel_id, comparison)
    if posted.suggestions:
        call.reply(posted.tell, blocks=posted.suggestions)
    else:
        call.reply(posted.tell)


SUBCOMMANDS: dict[str, Subcommand] = {
    "compare": Subcommand(
        "compare #N #M [#…] | all",
        "Post how workshops of this workspace compare: gaps per stage and touchpoint side by "
        "side, each one's benchmark index against the median, and leads to follow; `all` "
        f"compares the {MAX_COMPARED} most recent rated workshops.",
        compare_command,
    ),
}
