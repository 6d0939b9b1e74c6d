from slack_bolt import App

from bot.listeners.views import kpis, setup


def register(app: App) -> None:
    setup.register(app)
    kpis.register(app)
