"""Exports: the `/workshop export` subcommand (see bot/features.py)."""

from bot.exports import commands
from bot.features import Feature

FEATURE = Feature(name="exports", subcommands=commands.SUBCOMMANDS)
