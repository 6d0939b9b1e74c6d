from slack_bolt import App

from bot.listeners.actions import gaps, home, kpis, phase, schedules, stakeholders


def register(app: App) -> None:
    phase.register(app)
    gaps.register(app)
    stakeholders.register(app)
    kpis.register(app)
    schedules.register(app)
    home.register(app)
