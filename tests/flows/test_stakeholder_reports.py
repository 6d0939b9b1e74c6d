"""Stakeholder changes in digests (new ones, quadrant moves against the previous digest's
snapshot) and the stakeholder export, from the fixture in tests/report_fixtures."""

import csv
import io

import pytest
from sqlmodel import select

from flows.digest import build_digest, plain_text, previous_memo, section_memos
from flows.exports import ExportFormat, build_export, export_files
from flows.schedules import claim_delivery, finish_delivery
from flows.stakeholder_reports import (
    grid_changes,
    snapshot_of,
    stakeholders_section,
    stakeholders_table,
)
from flows.stakeholders import remove_stakeholder, stakeholder_grid
from storage.models import DeliveryStatus, DigestDelivery
from tests.factories import utc
from tests.report_fixtures import (
    STAKEHOLDERS,
    add_stakeholders,
    deliver_digest,
    make_workshop,
    rate_stakeholders,
)

pytestmark = pytest.mark.usefixtures("reports")


BEFORE, FIRST_DIGEST, LATER = utc(2026, 1, 1), utc(2026, 1, 2), utc(2026, 1, 3)


def figures(section):
    return {f.label: plain_text(f.value) for f in section.figures}


def item_texts(section):
    return [plain_text(i.text, {"UF": "Ana"}) for i in section.items]


def test_the_first_digest_shows_the_grid_as_it_stands_and_remembers_it(session):
    workshop = make_workshop(session)
    ids = add_stakeholders(session, workshop, created_at=BEFORE)
    section = stakeholders_section(session, workshop, since=None)
    assert figures(section) == {
        "Manage closely": "1",
        "Keep satisfied": "1",
        "Keep informed": "1",
        "Monitor": "1",
        "Not rated yet": "1",
    }
    assert plain_text(section.note).startswith("The grid as it stands")
    # Most influential first (the grid's order), the unrated last; no moves on a first digest.
    assert item_texts(section) == [
        "CFO (Executive, blocker) added by @Ana: Keep satisfied",
        "Sales reps (Employee, supporter) added by @Ana: Manage closely",
        "Support agents (Employee, supporter) added by @Ana: Keep informed",
        "Competitor X (Competitor, blocker) added by @Ana: Monitor",
        "Regulator (Regulator, neutral) added by @Ana: not rated yet",
    ]
    assert section.memo == {
        str(ids["CFO"]): "keep_satisfied",
        str(ids["Sales reps"]): "manage_closely",
        str(ids["Support agents"]): "keep_informed",
        str(ids["Competitor X"]): "monitor",
        str(ids["Regulator"]): None,
    }
    assert section.chart.key == "stakeholder_grid" and len(section.chart.data.rated) == 4


def test_the_next_digest_shows_new_stakeholders_and_quadrant_moves(session):
    workshop = make_workshop(session)
    ids = add_stakeholders(session, workshop, created_at=BEFORE)
    first = build_digest(session, workshop, since=None, until=FIRST_DIGEST)
    deliver_digest(session, workshop, FIRST_DIGEST, section_memos(first))

    # Since then: the CFO got interested, the regulator was rated, a supplier was added, and
    # the competitor was removed.
    rate_stakeholders(session, workshop, {"CFO": {"U1": (5, 5), "U2": (4, 4)}}, ids)
    rate_stakeholders(session, workshop, {"Regulator": {"U1": (5, 1)}}, ids)
    supplier = {"Payment provider": ("supplier", "neutral", {"U2": (2, 2)})}
    add_stakeholders(session, workshop, supplier, created_at=LATER)
    remove_stakeholder(session, workshop.team_id, ids["Competitor X"], workshop.facilitator_id)

    section = stakeholders_section(session, workshop, since=FIRST_DIGEST)
    assert plain_text(section.note) == "2 stakeholders moved quadrant since the previous digest."
    assert item_texts(section) == [  # moves first, most influential first (regulator 5.0)
        "Regulator (Regulator, neutral) placed in Keep satisfied (not rated at the previous "
        "digest)",
        "CFO (Executive, blocker) moved from Keep satisfied to Manage closely",
        "Payment provider (Supplier, neutral) added by @Ana: Monitor",
    ]
    assert figures(section) == {
        "Manage closely": "2",
        "Keep satisfied": "1",
        "Keep informed": "1",
        "Monitor": "1",
        "New since the previous digest": "1",
        "Removed since the previous digest": "1",
    }
    assert section.total == 3


def test_nothing_moved(session):
    workshop = make_workshop(session)
    add_stakeholders(session, workshop, created_at=BEFORE)
    grid = stakeholder_grid(session, workshop.team_id, workshop.id)
    deliver_digest(session, workshop, FIRST_DIGEST, {"stakeholders": snapshot_of(grid)})
    section = stakeholders_section(session, workshop, since=FIRST_DIGEST)
    assert plain_text(section.note) == "Nobody moved between quadrants since the previous digest."
    assert section.items == () and figures(section)["New since the previous digest"] == "0"


def test_without_a_snapshot_from_the_previous_digest_no_moves_are_claimed(session):
    workshop = make_workshop(session)
    ids = add_stakeholders(session, workshop, created_at=BEFORE)
    deliver_digest(session, workshop, FIRST_DIGEST, None)  # sent before snapshots were kept
    rate_stakeholders(session, workshop, {"CFO": {"U1": (5, 5), "U2": (4, 4)}}, ids)
    changes = grid_changes(session, workshop, FIRST_DIGEST)
    assert (changes.compared, changes.moves, changes.added) == (False, (), ())
    section = stakeholders_section(session, workshop, since=FIRST_DIGEST)
    assert plain_text(section.note).startswith("Quadrant moves show from the next digest on")


def test_the_snapshot_is_the_one_of_the_digest_at_since(session):
    workshop = make_workshop(session)
    other = make_workshop(session, team="T2")
    deliver_digest(session, workshop, utc(2026, 1, 2), {"stakeholders": {"1": "monitor"}})
    deliver_digest(session, workshop, utc(2026, 1, 4), {"stakeholders": {"1": "keep_informed"}})
    deliver_digest(
        session, workshop, utc(2026, 1, 5), {"stakeholders": {"1": "x"}}, DeliveryStatus.failed
    )
    deliver_digest(session, other, utc(2026, 1, 6), {"stakeholders": {"1": "x"}})
    assert previous_memo(session, workshop, utc(2026, 1, 2), "stakeholders") == {"1": "monitor"}
    assert previous_memo(session, workshop, utc(2026, 1, 4), "stakeholders") == {
        "1": "keep_informed"
    }
    # A failed delivery and another workspace's workshop are never "the previous digest".
    assert previous_memo(session, workshop, utc(2026, 1, 9), "stakeholders") == {
        "1": "keep_informed"
    }
    assert previous_memo(session, workshop, None, "stakeholders") is None
    assert previous_memo(session, workshop, utc(2026, 1, 4), "kpis") is None


def test_without_stakeholders_there_is_no_section_and_no_table(session):
    workshop = make_workshop(session)
    assert stakeholders_section(session, workshop, since=None) is None
    assert stakeholders_table(session, workshop) is None


def test_the_export_has_every_stakeholder_with_its_grid_position(session):
    workshop = make_workshop(session, title="Onboarding")
    add_stakeholders(session, workshop)
    export = build_export(session, workshop.team_id, workshop.id)
    data = dict(export_files(export, [ExportFormat.csv]))[
        f"workshop-{workshop.id}-stakeholders.csv"
    ]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    grid = stakeholder_grid(session, workshop.team_id, workshop.id)
    assert [r["name"] for r in rows] == [s.name for s in grid.stakeholders]

    def number(text):
        return None if text == "" else float(text)

    for row, stakeholder in zip(rows, grid.stakeholders, strict=True):
        assert int(row["stakeholder_id"]) == stakeholder.stakeholder_id
        assert int(row["raters"]) == stakeholder.raters
        for axis in ("influence", "interest"):
            score = getattr(stakeholder, axis)
            assert number(row[f"mean_{axis}"]) == (score.mean if score else None)
            assert number(row[f"{axis}_spread"]) == (score.spread if score else None)
    cfo = rows[0]
    # CFO: influence 5 and 4 → mean 4.5, spread 0.5; interest 2 and 2 → 2.0, spread 0.
    assert (cfo["category"], cfo["attitude"], cfo["raters"]) == ("executive", "blocker", "2")
    assert (cfo["mean_influence"], cfo["influence_spread"]) == ("4.5", "0.5")
    assert (cfo["mean_interest"], cfo["interest_spread"]) == ("2.0", "0.0")
    assert (cfo["quadrant"], cfo["added_by"]) == ("Keep satisfied", "UF")
    regulator = rows[-1]
    assert (regulator["raters"], regulator["mean_influence"], regulator["quadrant"]) == (
        "0",
        "",
        "",
    )
    assert len(rows) == len(STAKEHOLDERS)


def test_only_a_sent_delivery_keeps_its_snapshot(db):
    with db.session() as session:
        workshop = make_workshop(session)
        team_id, workshop_id = workshop.team_id, workshop.id
    memos = {"stakeholders": {"1": "monitor"}}
    for when, error in ((FIRST_DIGEST, None), (LATER, "channel_not_found")):
        delivery_id = claim_delivery(db, team_id, workshop_id, when)
        with db.session() as session:
            finish_delivery(session, team_id, delivery_id, when, error, memos)
    with db.session() as session:
        stored = session.exec(select(DigestDelivery).order_by(DigestDelivery.id)).all()
        assert [(d.status, d.section_memos) for d in stored] == [
            (DeliveryStatus.sent, memos),
            (DeliveryStatus.failed, None),
        ]
