from slack_bolt import App

from bot.listeners.actions import home, phase, schedules


def register(app: App) -> None:
    phase.register(app)
    schedules.register(app)
    home.register(app)
