"""Deadlines and scheduled rounds: their subcommands and form listeners (see bot/features.py).
The scheduler runs bot/rounds/posts.run_rounds_tick (bot/scheduler.py)."""

from bot.features import Feature
from bot.rounds import commands, views

FEATURE = Feature(
    name="rounds",
    listeners=(views.register,),
    subcommands=commands.SUBCOMMANDS,
)
