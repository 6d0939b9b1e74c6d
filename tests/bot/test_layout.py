"""The production wheel holds bot, flows and storage; the stand-in and the demo stay beside it."""

import ast
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.features import subcommands

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_THE_WHEEL = ("standin", "demo")


def _module_level_imports(tree: ast.Module) -> list[str]:
    """Imported module names outside any function or class body (those run on import)."""
    names: list[str] = []
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        pending.extend(ast.iter_child_nodes(node))
    return names


def test_bot_never_imports_the_standin_or_the_demo_at_module_level():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "bot").rglob("*.py"))
        for name in _module_level_imports(ast.parse(path.read_text(), filename=str(path)))
        if name.split(".")[0] in OUTSIDE_THE_WHEEL
    ]
    assert offenders == []


def test_the_import_check_sees_imports_nested_in_module_level_blocks():
    tree = ast.parse(
        "import standin\n"
        "try:\n    from demo.runner import run_demo\nexcept ImportError:\n    pass\n"
        "def later():\n    import demo\n"
    )
    assert sorted(_module_level_imports(tree)) == ["demo.runner", "standin"]


@pytest.mark.parametrize(
    ("command", "package"), [(["demo", "--quiet"], "demo"), (["standin"], "standin")]
)
def test_demo_and_standin_commands_say_plainly_when_not_installed(
    command, package, monkeypatch, tmp_path
):
    monkeypatch.chdir(tmp_path)
    for name in [name for name in sys.modules if name.split(".")[0] == package]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, package, None)  # as in a wheel install: not importable

    result = CliRunner().invoke(cli, command)

    assert result.exit_code == 1
    assert f"`{package}` is not installed" in result.output
    assert "checkout" in result.output
    assert not (tmp_path / "demo-output").exists()


def test_the_command_table_names_the_folder_that_answers_each_command():
    """README's Commands table: one hop from a command to its code."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| command | what it does | code |") :].split("\n\n")[0]
    rows = [row for row in table.splitlines()[2:] if row.startswith("| `/workshop ")]
    assert len(rows) > 20
    for row in rows:
        command = row.split("`/workshop ")[1].split()[0].rstrip("`")
        folder = row.rsplit("|", 2)[1].split("`")[1]
        handler = subcommands()[command].handler
        assert handler.__module__ == folder.strip("/").replace("/", ".") + ".commands", command
