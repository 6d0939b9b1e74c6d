from slack_bolt import App

from bot.listeners.actions import (
    action_items,
    fixes,
    gaps,
    home,
    kpis,
    phase,
    results,
    schedules,
    stakeholders,
    voting,
)


def register(app: App) -> None:
    phase.register(app)
    gaps.register(app)
    stakeholders.register(app)
    kpis.register(app)
    schedules.register(app)
    home.register(app)
    fixes.register(app)
    voting.register(app)
    action_items.register(app)
    results.register(app)
