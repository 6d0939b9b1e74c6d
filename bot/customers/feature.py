"""Customers' voice: the import form, `/workshop customers [show]` (see bot/features.py)."""

from bot.customers import commands, views
from bot.features import Feature

FEATURE = Feature(
    name="customers",
    listeners=(views.register,),
    subcommands=commands.SUBCOMMANDS,
)
