from slack_bolt import App

from bot.listeners.actions import gaps, kpis, phase


def register(app: App) -> None:
    phase.register(app)
    gaps.register(app)
    kpis.register(app)
