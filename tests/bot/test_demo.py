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

    # The final step: a digest for a manager, the Home tab, and the exports.
    assert "the form shows under “cron”: That is not a valid cron expression" in transcript
    digest = json.loads((out / "digest" / "digest.json").read_text())
    assert digest["blocks"][0]["text"]["text"] == "Digest: Northwind onboarding journey"
    text = (out / "digest" / "digest.txt").read_text()
    assert "Phase: Closed (step 6 of 6)" in text and "@Ben joined" in text
    assert (out / "digest" / "phase_timeline.png").read_bytes().startswith(b"\x89PNG")
    n = script.workshop_id
    exports = sorted(p.name for p in (out / "exports").iterdir())
    assert f"workshop-{n}-report.md" in exports and f"workshop-{n}-journey.csv" in exports
    assert "Digests you set up" in (out / "home" / "ana.json").read_text()
