"""`workshop-bot demo` runs a whole workshop and writes its results, and logs no secret."""

import io
import json
import logging

import pytest
from rich.console import Console

from bot.demo.runner import run_demo
from storage.models import Phase


@pytest.fixture
def debug_log():
    """Everything logged at DEBUG, unfiltered: what a careless log line would leak."""
    stream = io.StringIO()
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    old_level, old_handlers = root.level, root.handlers[:]
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG)
    yield stream
    root.handlers[:] = old_handlers
    root.setLevel(old_level)


def test_demo_runs_every_phase_and_writes_its_results(tmp_path, debug_log):
    out = tmp_path / "demo"
    console = Console(file=io.StringIO(), width=120)
    script = run_demo(out, console=console, quiet=False)

    boards = sorted(p.name for p in (out / "boards").iterdir())
    assert boards[0] == "01-setup.json" and boards[-1].endswith(f"{Phase.closed.value}.json")
    closed = json.loads((out / "boards" / boards[-1]).read_text())
    assert "*▶ Closed*" in json.dumps(closed, ensure_ascii=False)

    transcript = (out / "transcript.md").read_text()
    assert "Stage “Decision” (line 2) has no touchpoints" in transcript  # bad input shown
    assert "tells Chloé privately: Only the facilitator can" in transcript
    assert "closed the workshop" in transcript
    # fixes, a merged duplicate, a refused fourth vote, the ranked result and action items
    assert "merged *Let people buy without creating an account* into" in transcript
    assert "the voting view explains: You've used all 3 of your votes" in transcript
    assert (
        "| 1 | Guest checkout without an account |" in (out / "fixes/ranked-fixes.md").read_text()
    )
    assert (out / "fixes/votes.png").read_bytes().startswith(b"\x89PNG")
    assert "| Dev Patel | " in (out / "fixes/action-items.md").read_text()
    assert "In progress" in (out / "fixes/action-items.md").read_text()
    assert script.workshop_id is not None

    logged = debug_log.getvalue()
    assert "slack_bolt" in logged  # the capture really saw the bot's DEBUG logging
    assert script.local.standin.bot_token not in logged
    assert script.local.signing_secret not in logged
