"""`workshop-bot demo`: a whole workshop with simulated participants, no Slack account needed.

The real bot runs in this process over HTTP on an embedded SQLite database in the output folder,
against the local Slack stand-in; simulated people send it signed requests exactly as Slack does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from bot.slack import ids
from demo.after_close import digest_home_and_exports
from demo.compare_scenes import two_teams_compare
from demo.local import CHANNEL_ID, LocalSlack
from demo.preview.record import write_preview
from demo.scenes import SCENES
from demo.script import DemoScript
from flows.journey import DEFAULT_JOURNEY, StageSpec
from flows.workshops import channel_workshops
from storage import migrate
from storage.models import Phase

WORKSHOP_TITLE = "Northwind onboarding journey"


def run_demo(out: Path, console: Console, quiet: bool = False) -> DemoScript:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    database_url = f"sqlite:///{out / 'demo.db'}"
    with LocalSlack(database_url) as local:
        migrate.upgrade(local.db.engine)
        script = DemoScript(local=local, out=out, console=console, quiet=quiet)
        play(script)
        script.write("transcript.md", "# Demo workshop transcript\n" + "\n".join(script.lines))
        write_preview(script)
    console.print(f"\nDemo finished: workshop #{script.workshop_id} ran through every phase.")
    console.print(f"Results are in {out.resolve()}:")
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.suffix != ".db"):
        console.print(f"  {path.relative_to(out)}")
    return script


def play(script: DemoScript) -> None:
    ana = script.facilitator
    script.section("Setting up")
    script.command(ana, f"new {WORKSHOP_TITLE}")
    script.submit(
        ana,
        {ids.SETUP_CO_FACILITATORS: [script.participants[0].user_id]},
        "the setup form with the general customer journey and Ben as co-facilitator",
    )
    local, user = script.local, ana.user_id
    mistake = [*DEFAULT_JOURNEY[:-1], StageSpec(DEFAULT_JOURNEY[-1].name, ())]
    script.submit(
        ana, local.stage_values(user, mistake), "the stages, with the last one's touchpoints gone"
    )
    script.submit(ana, local.stage_values(user, list(DEFAULT_JOURNEY)), "the stages, fixed")
    with script.local.db.session() as session:
        workshop = channel_workshops(session, script.local.team_id, CHANNEL_ID)[0]
    script.workshop_id, script.board_ts = workshop.id, workshop.board_ts
    script.save_board("setup")

    phase = Phase.setup
    while phase is not Phase.closed:
        for scene in SCENES.get(phase, []):
            scene(script)
        script.section(f"Leaving the {phase.value} phase")
        if phase is Phase.voting:
            script.click_board(ana, ids.PHASE_CLOSE, "Close voting & show results")
        else:
            script.click_board(ana, ids.PHASE_ADVANCE, "Next")
        phase = current_phase(script)
        script.save_board(phase.value)
    for scene in SCENES.get(Phase.closed, []):
        scene(script)
    script.command(ana, f"status #{script.workshop_id}")
    script.command(ana, f"template save Northwind onboarding #{script.workshop_id}")
    digest_home_and_exports(script)  # after the workshop closed
    two_teams_compare(script)  # the last step: a second team's workshop, compared


def current_phase(script: DemoScript) -> Phase:
    with script.local.db.session() as session:
        workshop = channel_workshops(session, script.local.team_id, CHANNEL_ID)[0]
    return Phase(workshop.phase)
