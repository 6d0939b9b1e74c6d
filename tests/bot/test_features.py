"""bot/features.py's list is the one place features are registered from."""

import ast
import importlib
import inspect
from pathlib import Path

from bot.features import chart_renderers, features, home_sections, subcommands

BOT = Path(__file__).resolve().parents[2] / "bot"


def bot_modules() -> list[str]:
    names = [
        ".".join(path.relative_to(BOT.parent).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted(BOT.rglob("*.py"))
    ]
    return [name for name in names if name not in ("bot.wsgi", "bot.__main__")]


def test_every_module_with_listeners_is_in_a_features_list():
    with_listeners = set()
    for name in bot_modules():
        register = getattr(importlib.import_module(name), "register", None)
        if inspect.isfunction(register) and list(inspect.signature(register).parameters) == ["app"]:
            with_listeners.add(name)
    listed = {register.__module__ for f in features() for register in f.listeners}
    assert with_listeners == listed


def test_nothing_in_bot_is_imported_only_to_register_it():
    offenders = []
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                line = path.read_text().splitlines()[node.lineno - 1]
                module = getattr(node, "module", None) or node.names[0].name
                if "noqa: F401" in line and module.startswith("bot"):
                    offenders.append(f"{path.relative_to(BOT.parent)}:{node.lineno}")
    assert offenders == []


def test_the_list_holds_every_subcommand_chart_and_home_section_once():
    assert list(subcommands())[-1] == "help"
    assert set(chart_renderers()) == {
        "phase_timeline",
        "stakeholder_grid",
        "journey_gaps",
        "fix_votes",
        "kpi_trends",
    }
    orders = [order for order, _ in home_sections()]
    assert len(orders) == len(set(orders)) == 5
    assert len({f.name for f in features()}) == len(features())
