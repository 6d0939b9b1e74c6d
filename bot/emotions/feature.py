"""The emotion curve (journey lanes, issue 17): its switch (see bot/features.py). The rating form
asks the question while it is on; the curve is posted with the gap results."""

from bot.emotions import commands
from bot.features import Feature

FEATURE = Feature(name="emotions", subcommands=commands.SUBCOMMANDS)
