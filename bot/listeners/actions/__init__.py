from slack_bolt import App

from bot.action_items import actions as action_items
from bot.digests import actions as schedules
from bot.fixes import actions as fixes
from bot.fixes import voting
from bot.gaps import actions as gaps
from bot.home import actions as home
from bot.kpis import actions as kpis
from bot.stakeholders import actions as stakeholders
from bot.workshop import actions as phase
from bot.workshop import results


def register(app: App) -> None:
    phase.register(app)
    gaps.register(app)
    stakeholders.register(app)
    kpis.register(app)
    schedules.register(app)
    home.register(app)
    fixes.register(app)
    voting.register(app)
    action_items.register(app)
    results.register(app)
