from slack_bolt import App

from bot.listeners.actions import phase, stakeholders


def register(app: App) -> None:
    phase.register(app)
    stakeholders.register(app)
