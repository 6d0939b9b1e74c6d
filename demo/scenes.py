"""What the simulated team does in each phase of the demo workshop.

SCENES maps a phase to the scenes played while the workshop is in it, before the facilitator
moves on. Each feature adds the scenes that show it off.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.slack import ids
from demo import lanes_scenes, round_scenes, stakeholder_scenes, voting_scenes
from demo.customer_scenes import customers_voice, fixes_by_the_customers_gap
from demo.gaps import rating_round_one, rating_round_two, save_final_gap_results
from demo.kpi_scenes import kpis_against_targets_and_benchmarks
from demo.script import DemoScript
from storage.models import Phase

Scene = Callable[[DemoScript], None]


def team_joins(script: DemoScript) -> None:
    for person in script.participants[1:]:  # Ben is co-facilitator, so already in
        script.click_board(person, ids.JOIN_WORKSHOP, "Join")


def only_the_facilitator_moves_phases(script: DemoScript) -> None:
    chloe = script.participants[1]  # not a facilitator: the bot refuses, privately
    script.click_board(chloe, ids.PHASE_ADVANCE, "Start workshop")


# Scenes under Phase.closed play after the facilitator has closed the workshop.
SCENES: dict[Phase, list[Scene]] = {
    Phase.setup: [
        team_joins,
        only_the_facilitator_moves_phases,
        lanes_scenes.facilitator_sets_channels,
        lanes_scenes.facilitator_turns_the_emotion_curve_on,
    ],
    Phase.stakeholders: [
        *stakeholder_scenes.SCENES,
        lanes_scenes.facilitator_adds_personas,
        lanes_scenes.team_picks_personas,
    ],
    Phase.rating: [rating_round_one, lanes_scenes.save_lanes_after_round_one, rating_round_two],
    Phase.fixes: [
        save_final_gap_results,
        customers_voice,
        voting_scenes.team_proposes_fixes,
        voting_scenes.facilitator_merges_the_duplicate,
    ],
    # KPIs belong to no phase; the demo records them while the team votes.
    Phase.voting: [
        voting_scenes.team_votes,
        fixes_by_the_customers_gap,
        kpis_against_targets_and_benchmarks,
    ],
    Phase.closed: [
        voting_scenes.facilitator_assigns_action_items,
        voting_scenes.owner_updates_status,
        voting_scenes.write_results,
        round_scenes.the_workshop_runs_itself,  # reopens, rates round 3, closes again
    ],
}
