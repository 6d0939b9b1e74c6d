from slack_bolt import App

from bot.listeners.views import action_items, fixes, gaps, kpis, schedules, setup, stakeholders


def register(app: App) -> None:
    setup.register(app)
    gaps.register(app)
    stakeholders.register(app)
    kpis.register(app)
    schedules.register(app)
    fixes.register(app)
    action_items.register(app)
