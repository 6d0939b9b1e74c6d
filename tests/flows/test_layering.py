"""flows/ knows nothing of Slack or of the scheduler (DESIGN.md, Layers): no imports of their
libraries or of bot/, and no Slack markup in its strings."""

import ast
from pathlib import Path

import pytest

FLOWS = Path(__file__).resolve().parents[2] / "flows"
FORBIDDEN_IMPORTS = ("slack_sdk", "slack_bolt", "apscheduler", "bot")
SLACK_MARKUP = ("<@", "<#", "<!")


def flows_modules() -> list[Path]:
    return sorted(FLOWS.rglob("*.py"))


def imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def forbidden_import(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN_IMPORTS)


def test_the_checks_see_the_whole_package():
    paths = {path.relative_to(FLOWS).as_posix() for path in flows_modules()}
    assert {"schedules.py", "actions.py", "gaps/results.py"} <= paths


def test_the_checks_catch_what_they_look_for():
    tree = ast.parse(
        'from apscheduler.triggers.cron import CronTrigger\nimport slack_sdk\nx = "<@U1>"'
    )
    assert [m for m in imported_modules(tree) if forbidden_import(m)] == [
        "apscheduler.triggers.cron",
        "slack_sdk",
    ]
    assert markup_strings(tree) == ["<@U1>"]


def markup_strings(tree: ast.AST) -> list[str]:
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(markup in node.value for markup in SLACK_MARKUP)
    ]


@pytest.mark.parametrize(
    "path", flows_modules(), ids=lambda path: path.relative_to(FLOWS).as_posix()
)
def test_flows_import_neither_slack_nor_the_scheduler(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert [module for module in imported_modules(tree) if forbidden_import(module)] == []


@pytest.mark.parametrize(
    "path", flows_modules(), ids=lambda path: path.relative_to(FLOWS).as_posix()
)
def test_flows_write_no_slack_markup(path):
    # f-strings' literal parts are string constants too, so f"<@{owner}>" is caught.
    assert markup_strings(ast.parse(path.read_text(encoding="utf-8"))) == []
