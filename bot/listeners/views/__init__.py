from slack_bolt import App

from bot.listeners.views import setup


def register(app: App) -> None:
    setup.register(app)
