from slack_bolt import App

from bot.listeners.actions import action_items, fixes, phase, voting


def register(app: App) -> None:
    phase.register(app)
    fixes.register(app)
    voting.register(app)
    action_items.register(app)
