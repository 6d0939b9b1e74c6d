"""Gap rating: its listeners, subcommands and chart (see bot/features.py)."""

from bot.features import Feature
from bot.gaps import actions, chart, commands, posts, views
from bot.workshop.phase_hooks import ResultsPost
from storage.models import Phase

FEATURE = Feature(
    name="gaps",
    listeners=(actions.register, views.register),
    subcommands=commands.SUBCOMMANDS,
    charts={"journey_gaps": chart.render_gap_chart},
    results_posts=((Phase.rating, ResultsPost("gaps", "the gap results", posts.post_gap_results)),),
)
