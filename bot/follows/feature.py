"""Following workshops (see bot/features.py): the buttons, `/workshop follow` / `unfollow`, and
the Home tab's "Workshops you follow", after the reader's own to-dos (ratings, action items)."""

from bot.features import Feature
from bot.follows import actions, commands
from bot.follows.home import followed_home_section

FEATURE = Feature(
    name="follows",
    listeners=(actions.register,),
    subcommands=commands.SUBCOMMANDS,
    home_sections=((25, followed_home_section),),
)
