"""Fixes and dot voting: their listeners, subcommands and chart (see bot/features.py)."""

from bot.features import Feature
from bot.fixes import actions, chart, commands, posts, views, voting
from bot.workshop.phase_hooks import ResultsPost
from storage.models import Phase

FEATURE = Feature(
    name="fixes",
    listeners=(actions.register, voting.register, views.register),
    subcommands=commands.SUBCOMMANDS,
    charts={"fix_votes": chart.tally_chart},
    phase_end_hooks=((Phase.fixes, posts.announce_voting),),
    results_posts=((Phase.voting, ResultsPost("ranking", "the ranked fixes", posts.post_results)),),
)
