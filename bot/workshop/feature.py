"""The workshop feature: its listeners, subcommands and chart (see bot/features.py)."""

from bot.features import Feature
from bot.workshop import actions, chart, commands, results, views

FEATURE = Feature(
    name="workshop",
    listeners=(commands.register, actions.register, views.register, results.register),
    subcommands=commands.SUBCOMMANDS,
    charts={"phase_timeline": chart.phase_timeline_png},
)
