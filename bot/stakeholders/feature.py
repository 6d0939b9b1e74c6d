"""Stakeholder mapping: its listeners, subcommands and chart (see bot/features.py)."""

from bot.features import Feature
from bot.stakeholders import actions, chart, commands, posts, views
from bot.workshop.phase_hooks import ResultsPost
from storage.models import Phase

FEATURE = Feature(
    name="stakeholders",
    listeners=(actions.register, views.register),
    subcommands=commands.SUBCOMMANDS,
    charts={"stakeholder_grid": chart.render_stakeholder_grid},
    results_posts=(
        (
            Phase.stakeholders,
            ResultsPost("grid", "the stakeholder grid", posts.post_stakeholder_grid),
        ),
    ),
)
