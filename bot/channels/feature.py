"""Channels (journey lanes, issue 17): the channel form and its subcommand (see
bot/features.py). The results per channel are posted with the gap results."""

from bot.channels import commands, views
from bot.features import Feature

FEATURE = Feature(
    name="channels",
    listeners=(views.register,),
    subcommands=commands.SUBCOMMANDS,
)
