"""Deadlines and scheduled rounds: their subcommands and form listeners (see bot/features.py).
The scheduler runs bot/rounds/posts.run_rounds_tick (bot/scheduler.py)."""

from bot.features import Feature
from bot.rounds import commands, posts, views
from bot.workshop.phase_hooks import ResultsPost
from storage.models import Phase

FEATURE = Feature(
    name="rounds",
    listeners=(views.register,),
    subcommands=commands.SUBCOMMANDS,
    # After the gap results (the gaps feature comes first in bot/features.py).
    results_posts=(
        (Phase.rating, ResultsPost("trends", "the gap trends over all rounds", posts.post_loop)),
    ),
)
