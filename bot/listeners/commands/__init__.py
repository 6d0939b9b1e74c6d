from slack_bolt import App

from bot.listeners.commands import workshop


def register(app: App) -> None:
    workshop.register(app)
