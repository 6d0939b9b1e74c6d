from slack_bolt import App

from bot.listeners.views import action_items, fixes, setup


def register(app: App) -> None:
    setup.register(app)
    fixes.register(app)
    action_items.register(app)
