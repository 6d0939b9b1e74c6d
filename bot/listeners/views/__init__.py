from slack_bolt import App

from bot.action_items import views as action_items
from bot.digests import views as schedules
from bot.fixes import views as fixes
from bot.gaps import views as gaps
from bot.kpis import views as kpis
from bot.stakeholders import views as stakeholders
from bot.workshop import views as setup


def register(app: App) -> None:
    setup.register(app)
    gaps.register(app)
    stakeholders.register(app)
    kpis.register(app)
    schedules.register(app)
    fixes.register(app)
    action_items.register(app)
