"""Journey templates: the `/workshop template` subcommand (see bot/features.py)."""

from bot.features import Feature
from bot.templates import commands

FEATURE = Feature(name="templates", subcommands=commands.SUBCOMMANDS)
