from slack_bolt import App

from bot.listeners.actions import phase


def register(app: App) -> None:
    phase.register(app)
