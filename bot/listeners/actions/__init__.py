from slack_bolt import App

from bot.listeners.actions import kpis, phase


def register(app: App) -> None:
    phase.register(app)
    kpis.register(app)
