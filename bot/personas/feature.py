"""Personas (journey lanes, issue 17): their forms and subcommands (see bot/features.py). The
results per persona are posted with the gap results."""

from bot.features import Feature
from bot.personas import commands, views

FEATURE = Feature(
    name="personas",
    listeners=(views.register,),
    subcommands=commands.SUBCOMMANDS,
)
