"""The Home tab: its listeners and the sections shown below the workshops, lowest order first
(see bot/features.py)."""

from bot.features import Feature
from bot.home import actions, events, start
from bot.home.publish import schedules_section
from bot.home.sections import kpi_snapshot_section, open_action_items_section, ratings_left_section

FEATURE = Feature(
    name="home",
    listeners=(actions.register, events.register, start.register),
    home_sections=(
        (10, ratings_left_section),
        (20, open_action_items_section),
        (30, kpi_snapshot_section),
        (80, schedules_section),
    ),
)
