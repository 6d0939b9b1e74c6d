"""Fixes, votes and action items in digests and exports, from tests/report_fixtures: ranked with
votes once tallies are visible, never leaking a hidden tally; action items with owner, due date,
status, overdue marked."""

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import select

from flows.actions import action_items, open_action_items_of, today_utc
from flows.digest import SECTION_ITEM_LIMIT, plain_text
from flows.exports import ExportFormat, build_export, export_files
from flows.fixes import FixDraft, list_fixes, propose_fix
from flows.formatting import calendar_day
from flows.voting_reports import action_items_table, fixes_section, fixes_table
from storage.models import ActionItem, ActionStatus, Phase
from tests.factories import touchpoint_ids
from tests.report_fixtures import (
    assign_action_items,
    cast_votes,
    make_workshop,
    propose_fixes,
    rate_two_rounds,
    set_phase,
)

pytestmark = pytest.mark.usefixtures("reports")


def lines(section):
    out = []
    for item in section.items:
        details = "; ".join(f"{f.label}: {plain_text(f.value)}" for f in item.fields)
        out.append(plain_text(item.text) + (f" ({details})" if details else ""))
    return out


def figures(section):
    return {f.label: plain_text(f.value) for f in section.figures}


def voted_workshop(session, live_tallies=False):
    workshop = make_workshop(session)
    workshop.live_tallies = live_tallies
    rate_two_rounds(session, workshop)
    fixes = propose_fixes(session, workshop)
    cast_votes(session, workshop, fixes)
    return workshop, fixes


def csv_rows(session, workshop, name):
    files = dict(
        export_files(build_export(session, workshop.team_id, workshop.id), [ExportFormat.csv])
    )
    data = files[f"workshop-{workshop.id}-{name}.csv"]
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_after_voting_closed_action_items_lead_and_the_rest_are_ranked(session):
    workshop, fixes = voted_workshop(session)
    assign_action_items(session, workshop, fixes)
    today = today_utc()
    section = fixes_section(session, workshop, since=None)
    assert plain_text(section.note) == "Voting has closed: fixes ranked by votes."
    assert figures(section) == {
        "Fixes": "4",
        "Votes cast": "6 of 9",  # 3 participants × a budget of 3
        "Action items": "1 open, 1 in progress, 0 done",
        "Overdue": "1",
    }
    assert lines(section) == [
        f"Action item: Clearer pricing (Find › A) (owner: @U2; due: "
        f"{calendar_day(today - timedelta(days=5))}; status: Open, overdue)",
        f"Action item: Faster checkout (Buy › C) (owner: @U1; due: "
        f"{calendar_day(today + timedelta(days=30))}; status: In progress)",
        # Ranks as places, never "#3", which reads as the fix's number.
        "3rd place: Better search (Find › B) (votes: 1)",
        "4th place: Loyalty perks (Buy › D) (votes: 0)",
    ]
    # The top message: action items due or overdue (overdue first) with owner and status.
    summary = section.summary
    assert summary.title == "Action items: 0 of 2 done, 1 overdue"
    assert [plain_text(line) for line in summary.lines] == [
        f"Clearer pricing · @U2 · due {calendar_day(today - timedelta(days=5))} · open, overdue",
        f"Faster checkout · @U1 · due {calendar_day(today + timedelta(days=30))} · in progress",
    ]
    assert summary.headline == "1 action item overdue"
    assert section.memo == {"done": 0, "action_items": 2}
    assert section.chart.key == "fix_votes"
    assert [(r.fix.title, r.votes) for r in section.chart.data.ranked] == [
        ("Faster checkout", 3),
        ("Clearer pricing", 2),
        ("Better search", 1),
        ("Loyalty perks", 0),
    ]


def test_while_voting_hidden_tallies_stay_hidden_even_in_the_order(session):
    workshop, _ = voted_workshop(session)
    section = fixes_section(session, workshop, since=None)
    assert "tallies stay hidden" in plain_text(section.note)
    # Journey order (A, B, C, D), not the vote order (C, A, B, D), and no counts.
    assert lines(section) == [
        "Fix: Clearer pricing (Find › A)",
        "Fix: Better search (Find › B)",
        "Fix: Faster checkout (Buy › C)",
        "Fix: Loyalty perks (Buy › D)",
    ]
    assert section.chart is None
    assert figures(section)["Votes cast"] == "6 of 9"  # the board shows this count too
    rows = csv_rows(session, workshop, "fixes")
    assert [(r["title"], r["rank"], r["votes"]) for r in rows] == [
        ("Clearer pricing", "", ""),
        ("Better search", "", ""),
        ("Faster checkout", "", ""),
        ("Loyalty perks", "", ""),
    ]


def test_hidden_tallies_list_the_first_fixes_of_many_after_the_action_items(session):
    """In journey order only the fixes shown are read; the totals still count every fix."""
    workshop, fixes = voted_workshop(session)
    set_phase(session, workshop, Phase.fixes)
    a = touchpoint_ids(session, workshop)["A"]
    for n in range(SECTION_ITEM_LIMIT + 5):
        propose_fix(session, workshop.team_id, workshop.id, "U1", FixDraft(f"More {n}", a))
    assign_action_items(session, workshop, fixes)  # on "Faster checkout" and "Clearer pricing"
    set_phase(session, workshop, Phase.voting)  # reopened: tallies hidden again
    every = list_fixes(session, workshop)
    assigned = {item.fix_id for item in action_items(session, workshop)}
    section = fixes_section(session, workshop, since=None)
    shown = lines(section)
    assert [line.split(" (")[0] for line in shown[:2]] == [
        "Action item: Clearer pricing",  # overdue first
        "Action item: Faster checkout",
    ]
    assert (
        shown[2:]
        == [
            f"Fix: {fix.title} ({fix.stage} › {fix.touchpoint})"
            for fix in every
            if fix.id not in assigned
        ][: SECTION_ITEM_LIMIT - 2]
    )
    assert section.total == 2 + len(every) - 2
    assert figures(section)["Fixes"] == str(len(every)) == str(SECTION_ITEM_LIMIT + 9)


def test_live_tallies_rank_the_fixes_while_voting(session):
    workshop, _ = voted_workshop(session, live_tallies=True)
    section = fixes_section(session, workshop, since=None)
    assert plain_text(section.note).startswith("Voting is open, with live tallies")
    assert lines(section)[0] == "1st place: Faster checkout (Buy › C) (votes: 3)"


def test_before_voting_fixes_are_listed_and_without_fixes_the_section_is_left_out(session):
    workshop = make_workshop(session)
    set_phase(session, workshop, Phase.fixes)
    assert fixes_section(session, workshop, since=None) is None
    assert fixes_table(session, workshop) is None and action_items_table(session, workshop) is None
    propose_fixes(session, workshop)
    section = fixes_section(session, workshop, since=None)
    assert plain_text(section.note) == "Fixes in journey order; voting has not started."
    assert figures(section) == {"Fixes": "4"}


def test_the_exports_read_back_equal_the_stored_votes_and_action_items(session):
    workshop, fixes = voted_workshop(session)
    assign_action_items(session, workshop, fixes)
    rows = csv_rows(session, workshop, "fixes")
    assert [(r["rank"], r["votes"], r["title"]) for r in rows] == [
        ("1", "3", "Faster checkout"),
        ("2", "2", "Clearer pricing"),
        ("3", "1", "Better search"),
        ("4", "0", "Loyalty perks"),
    ]
    assert {r["title"]: int(r["fix_id"]) for r in rows} == fixes
    # The touchpoint's mean gap in the current round (tests/report_fixtures: round 2).
    assert [r["touchpoint_gap"] for r in rows] == ["-3.0", "-0.5", "0.5", "1.0"]

    items = csv_rows(session, workshop, "action_items")
    stored = session.exec(
        select(ActionItem).where(ActionItem.workshop_id == workshop.id).order_by(ActionItem.id)
    ).all()
    by_id = {int(r["action_item_id"]): r for r in items}
    assert sorted(by_id) == [item.id for item in stored]
    for item in stored:
        row = by_id[item.id]
        assert (int(row["fix_id"]), row["owner_id"], row["due_date"]) == (
            item.fix_id,
            item.owner_id,
            item.due_date.isoformat(),
        )
        assert (row["status"], row["assigned_by"]) == (item.status, item.created_by)
    assert {r["fix"]: r["overdue"] for r in items} == {
        "Clearer pricing": "true",
        "Faster checkout": "false",
    }


def test_a_users_open_action_items_across_workshops_soonest_due_first(session):
    workshop, fixes = voted_workshop(session)
    assign_action_items(session, workshop, fixes, {"U1": "U1", "U2": "U1"})
    mine = open_action_items_of(session, workshop.team_id, "U1")
    assert [(i.title, i.overdue, i.status) for i in mine] == [
        ("Clearer pricing", True, ActionStatus.open),
        ("Faster checkout", False, ActionStatus.in_progress),
    ]
    done = next(i for i in action_items(session, workshop) if i.title == "Faster checkout")
    session.get(ActionItem, done.id).status = ActionStatus.done
    session.flush()
    assert [i.title for i in open_action_items_of(session, workshop.team_id, "U1")] == [
        "Clearer pricing"
    ]
    assert open_action_items_of(session, workshop.team_id, "U2") == []
    assert open_action_items_of(session, "T2", "U1") == []
