"""Comparing workshops: `/workshop compare` and the suggested matches' buttons (see
bot/features.py)."""

from bot.compare import actions, commands
from bot.features import Feature

FEATURE = Feature(name="compare", listeners=(actions.register,), subcommands=commands.SUBCOMMANDS)
