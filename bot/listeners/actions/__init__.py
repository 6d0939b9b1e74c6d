from slack_bolt import App

from bot.listeners.actions import kpis, phase, stakeholders


def register(app: App) -> None:
    phase.register(app)
    stakeholders.register(app)
    kpis.register(app)
