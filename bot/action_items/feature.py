"""Action items: their listeners (see bot/features.py; `/workshop actions` is in bot/fixes/)."""

from bot.action_items import actions, views
from bot.features import Feature

FEATURE = Feature(name="action_items", listeners=(actions.register, views.register))
