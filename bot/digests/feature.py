"""Scheduled digests: their listeners and subcommands (see bot/features.py)."""

from bot.digests import actions, commands, views
from bot.features import Feature

FEATURE = Feature(
    name="digests",
    listeners=(actions.register, views.register),
    subcommands=commands.SUBCOMMANDS,
)
