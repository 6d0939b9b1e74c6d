"""Every feature of the bot, in one explicit list.

Each feature package (bot/<feature>/) says in its `feature.py` what it adds: its listeners, its
`/workshop` subcommands, the charts its digest sections draw, its Home tab sections, and what
it posts when a phase ends. The app registers listeners, the `/workshop` command dispatches,
digests draw charts, the Home tab is built and phase ends are handled from this list alone:
nothing is registered by importing a module for its side effects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from slack_bolt import App

if TYPE_CHECKING:
    from bot.slack.command_call import Subcommand
    from bot.workshop.phase_hooks import PhaseHook, ResultsPost
    from storage.models import Phase

ChartRenderer = Callable[[Any], bytes | None]
HomeSectionProvider = Callable[..., Any]  # (session, team_id, user_id) -> HomeSection | None


@dataclass(frozen=True)
class Feature:
    name: str
    listeners: tuple[Callable[[App], None], ...] = ()  # each registers its listeners on the app
    subcommands: Mapping[str, Subcommand] = field(default_factory=dict)  # `/workshop <name>`
    charts: Mapping[str, ChartRenderer] = field(default_factory=dict)  # DigestChart key -> PNG
    home_sections: tuple[tuple[int, HomeSectionProvider], ...] = ()  # (order, provider)
    phase_end_hooks: tuple[tuple[Phase, PhaseHook], ...] = ()  # run when a phase ends
    results_posts: tuple[tuple[Phase, ResultsPost], ...] = ()  # posted when a phase ends


@cache
def features() -> tuple[Feature, ...]:
    """The features, in the order the help lists their commands. Imported when first asked
    for: the features' modules import the plumbing that asks."""
    from bot.action_items.feature import FEATURE as ACTION_ITEMS
    from bot.channels.feature import FEATURE as CHANNELS
    from bot.compare.feature import FEATURE as COMPARE
    from bot.customers.feature import FEATURE as CUSTOMERS
    from bot.digests.feature import FEATURE as DIGESTS
    from bot.emotions.feature import FEATURE as EMOTIONS
    from bot.exports.feature import FEATURE as EXPORTS
    from bot.fixes.feature import FEATURE as FIXES
    from bot.follows.feature import FEATURE as FOLLOWS
    from bot.gaps.feature import FEATURE as GAPS
    from bot.home.feature import FEATURE as HOME
    from bot.kpis.feature import FEATURE as KPIS
    from bot.personas.feature import FEATURE as PERSONAS
    from bot.rounds.feature import FEATURE as ROUNDS
    from bot.stakeholders.feature import FEATURE as STAKEHOLDERS
    from bot.templates.feature import FEATURE as TEMPLATES
    from bot.workshop.feature import FEATURE as WORKSHOP

    return (
        WORKSHOP,
        STAKEHOLDERS,
        GAPS,
        ROUNDS,
        PERSONAS,
        EMOTIONS,
        CHANNELS,
        FIXES,
        ACTION_ITEMS,
        KPIS,
        CUSTOMERS,
        DIGESTS,
        COMPARE,
        EXPORTS,
        TEMPLATES,
        FOLLOWS,
        HOME,
    )


def register_listeners(app: App) -> None:
    for feature in features():
        for register in feature.listeners:
            register(app)


@cache
def subcommands() -> dict[str, Subcommand]:
    """Every `/workshop` subcommand, in the features' order, `help` last."""
    from bot.workshop.commands import HELP

    table = {name: sub for feature in features() for name, sub in feature.subcommands.items()}
    return {**table, "help": HELP}


@cache
def chart_renderers() -> dict[str, ChartRenderer]:
    return {key: render for feature in features() for key, render in feature.charts.items()}


def home_sections() -> list[tuple[int, HomeSectionProvider]]:
    return [section for feature in features() for section in feature.home_sections]
