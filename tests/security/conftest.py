"""One scene for every security test of a module: two workspaces full of workshops in every
phase, and ways to send signed requests that name whatever the sender likes.

Workspace A is the stand-in's (the bot's own requests come from there). Ana facilitates every
workshop in it; Chloé has joined them all as a plain participant; Dev authored the fixes and
stakeholders and owns the action item. Workspace B ("T0OTHER") has the same kinds of things, and
Ana facilitates there too under the same user id, so a request from A that names B's things is
stopped only by the workspace check.

Each test asserts that its request was refused, that no row of any table changed, and that the
bot did nothing visible beyond telling the sender (tests/security/refusals.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlmodel import Session, select

from demo.local import CHANNEL_ID, OUTSIDER, PEOPLE, LocalSlack
from flows.actions import ActionItemDraft, save_action_items
from flows.fixes import FixDraft, propose_fix
from flows.kpi_catalogue import define_custom_kpi, validate_custom_kpi
from flows.kpis import kpi_choices, record_kpi_value, validate_entry
from flows.schedules import DigestRule, ScheduleSpec, create_schedule
from flows.workshops import PHASE_ORDER, PhaseAction, change_phase, join_workshop
from storage.db import Database
from storage.models import (
    Cadence,
    JourneyStage,
    Phase,
    Touchpoint,
    Workshop,
)
from tests.factories import add_cfo, make_workshop
from tests.snapshots import empty_tables

ANA, BEN, CHLOE, DEV = (p.user_id for p in PEOPLE[:4])
OMAR = OUTSIDER.user_id
OTHER_TEAM = "T0OTHER"
OTHER_CHANNEL = "C0OTHER"


@dataclass
class Workspace:
    """Ids of one workspace's things, by name."""

    team_id: str
    ids: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


@dataclass
class Scene:
    local: LocalSlack
    board_ts: str  # the board of A's "setup" workshop: real facilitator buttons on it
    a: Workspace
    b: Workspace


def _advance(session: Session, team: str, workshop: Workshop, to: Phase) -> None:
    while PHASE_ORDER.index(Phase(workshop.phase)) < PHASE_ORDER.index(to):
        change_phase(session, team, workshop.id, ANA, PhaseAction.advance)


def _first(session: Session, model, workshop_id: int) -> int:
    return session.exec(select(model.id).where(model.workshop_id == workshop_id)).first()


FIXES = {Phase.fixes: "fix", Phase.voting: "voting_fix", Phase.closed: "closed_fix"}


def populate(db: Database, team: str, channel: str, into: Workspace) -> None:
    """Workshops in the stakeholders, rating, fixes, voting and closed phases, with what each
    phase makes: a stakeholder, fixes, a schedule, KPI values, a custom KPI, an action item."""
    ids = into.ids
    with db.session() as session:
        for phase in (Phase.stakeholders, Phase.rating, Phase.fixes, Phase.voting, Phase.closed):
            title = f"{phase.value} ({team})"
            workshop = make_workshop(
                session, team=team, channel=channel, facilitator=ANA, title=title
            )
            for person in (CHLOE, DEV):
                join_workshop(session, workshop, person)
            ids[phase.value] = workshop.id
            ids[f"{phase.value}_touchpoint"] = touchpoint = _first(session, Touchpoint, workshop.id)
            ids[f"{phase.value}_stage"] = _first(session, JourneyStage, workshop.id)
            if phase in FIXES:
                _advance(session, team, workshop, Phase.fixes)
                draft = FixDraft(f"Guest checkout ({team})", touchpoint)
                ids[FIXES[phase]] = propose_fix(session, team, workshop.id, DEV, draft).id
                draft = FixDraft(f"Live chat ({team})", touchpoint)
                ids[f"{FIXES[phase]}_by_ana"] = propose_fix(
                    session, team, workshop.id, ANA, draft
                ).id
            _advance(session, team, workshop, phase)

        ids["stakeholder"] = add_cfo(session, team, ids["stakeholders"], DEV).id

        drafts = [ActionItemDraft(ids["closed_fix"], DEV, date(2030, 1, 31))]
        (saved,) = save_action_items(session, team, ids["closed"], ANA, drafts)
        ids["item"] = saved.item.id

        fixes = session.get(Workshop, ids["fixes"])
        rule = DigestRule(Cadence.weekly, "UTC", 9, 0, weekday=0)
        spec = ScheduleSpec(rule, channel, [OMAR])
        ids["schedule"] = create_schedule(session, fixes, ANA, spec).id
        choices = kpi_choices(session, team, fixes.id)
        entry = validate_entry(choices, kpi="nps", period_end="2025-06-30", value="31")
        record_kpi_value(session, fixes, ANA, entry)
        custom = validate_custom_kpi("Repeat purchases", "%", True, None, None)
        define_custom_kpi(session, fixes, ANA, custom)


@pytest.fixture(scope="module")
def scene(migrated_url: str) -> Iterator[Scene]:
    local = LocalSlack(migrated_url).start()
    try:
        a, b = Workspace(local.team_id), Workspace(OTHER_TEAM)
        setup_id, board_ts = local.start_workshop(ANA, title="Setup (A)")
        with local.db.session() as session:
            join_workshop(session, session.get(Workshop, setup_id), CHLOE)
        a.ids["setup"] = setup_id
        populate(local.db, local.team_id, CHANNEL_ID, a)
        populate(local.db, OTHER_TEAM, OTHER_CHANNEL, b)
        yield Scene(local, board_ts, a, b)
    finally:
        local.stop()
        cleaner = Database(migrated_url)
        empty_tables(cleaner)
        cleaner.dispose()
