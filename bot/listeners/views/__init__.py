from slack_bolt import App

from bot.listeners.views import kpis, setup, stakeholders


def register(app: App) -> None:
    setup.register(app)
    stakeholders.register(app)
    kpis.register(app)
