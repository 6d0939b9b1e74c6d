from slack_bolt import App

from bot.home import events as app_home


def register(app: App) -> None:
    app_home.register(app)
