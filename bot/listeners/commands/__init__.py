from slack_bolt import App

from bot.workshop import commands as workshop


def register(app: App) -> None:
    workshop.register(app)
