from slack_bolt import App

from bot.listeners.views import schedules, setup


def register(app: App) -> None:
    setup.register(app)
    schedules.register(app)
