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

    # Gap rating: two rounds, charts and tables in the output folder, the loop closed
    for round_number in (1, 2):
        assert (out / "gaps" / f"round-{round_number}-chart.png").read_bytes()[:4] == b"\x89PNG"
    first = (out / "gaps" / "round-1-table.md").read_text()
    assert "Widest shortfalls: *Onboarding*" in first
    second = (out / "gaps" / "round-2-table.md").read_text()
    assert "Since round 1 the journey gap went from" in second and " R1 " in second
    assert "Add the expectation too (or clear the experience)." in transcript  # inline error
    assert "Nudged 1 participant who hasn't rated round 1." in transcript
