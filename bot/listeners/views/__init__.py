from slack_bolt import App

from bot.listeners.views import kpis, schedules, setup


def register(app: App) -> None:
    setup.register(app)
    kpis.register(app)
    schedules.register(app)
