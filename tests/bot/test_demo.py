"""`workshop-bot demo` runs a whole workshop and writes its results."""

import json

from rich.console import Console

from bot.demo.runner import run_demo
from storage.models import Phase


def test_demo_runs_every_phase_and_writes_its_results(tmp_path):
    out = tmp_path / "demo"
    console = Console(file=open(tmp_path / "console.txt", "w"), width=120)  # noqa: SIM115
    script = run_demo(out, console=console, quiet=False)

    boards = sorted(p.name for p in (out / "boards").iterdir())
    assert boards[0] == "01-setup.json" and boards[-1].endswith(f"{Phase.closed.value}.json")
    closed = json.loads((out / "boards" / boards[-1]).read_text())
    assert "*▶ Closed*" in json.dumps(closed, ensure_ascii=False)

    transcript = (out / "transcript.md").read_text()
    assert "Stage “Decision” (line 2) has no touchpoints" in transcript  # bad input shown
    assert "tells Chloé privately: Only the facilitator can" in transcript
    assert "closed the workshop" in transcript
    assert script.workshop_id is not None
