"""KPIs: their listeners, subcommands and chart (see bot/features.py)."""

from bot.features import Feature
from bot.kpis import actions, chart, commands, views

FEATURE = Feature(
    name="kpis",
    listeners=(actions.register, views.register),
    subcommands=commands.SUBCOMMANDS,
    charts={"kpi_trends": chart.render_kpi_chart},
)
