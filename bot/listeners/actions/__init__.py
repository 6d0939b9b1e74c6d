from slack_bolt import App

from bot.listeners.actions import home, kpis, phase, schedules


def register(app: App) -> None:
    phase.register(app)
    kpis.register(app)
    schedules.register(app)
    home.register(app)
