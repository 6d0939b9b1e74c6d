"""The features' Home sections: touchpoints left to rate and the KPI snapshot."""

import re

from bot.home.blocks import SECTION_ITEMS
from bot.home.sections import (
    kpi_snapshot_section,
    open_action_items_section,
    ratings_left_section,
)
from bot.slack import ids
from flows.journey import StageSpec
from storage.models import Phase
from tests.report_fixtures import (
    assign_action_items,
    cast_votes,
    make_workshop,
    propose_fixes,
    rate_round,
    record,
    record_kpis,
    set_phase,
)


def buttons(item):
    return [(b.text.text, b.action_id, b.value) for b in item.buttons]


def test_touchpoints_left_to_rate_with_the_rating_features_own_button(session):
    workshop = make_workshop(session, title="Onboarding <beta>")
    rate_round(session, workshop, {"U1": {"A": (6, 3, 4)}})
    section = ratings_left_section(session, "T1", "U1")
    [item] = section.items
    rendered = section.blocks()[2].to_dict()["text"]["text"]  # the item, as Slack gets it
    assert rendered == (
        f"*#{workshop.id} Onboarding &lt;beta&gt;*: you have *3 of 4* touchpoints left to rate "
        "in round 1."
    )
    assert buttons(item) == [("Rate touchpoints", ids.RATE_OPEN, str(workshop.id))]
    set_phase(session, workshop, Phase.fixes)
    assert ratings_left_section(session, "T1", "U1") is None


def test_the_kpi_snapshot_is_compact_latest_value_trend_and_target(session):
    workshop = make_workshop(session, title="Onboarding")
    record_kpis(session, workshop)
    section = kpi_snapshot_section(session, "T1", "U1")
    [item] = section.items
    assert item.text.split("\n") == [
        f"*#{workshop.id} Onboarding* · 3 KPIs, 1 of 2 on target",
        "• *NPS* +28 ↑ better · target +30: :x: missed by 2 pts",
        "• *CES* 3.2 · no target set",
        "• *Churn* 4% ↓ better · target 4.5%: :white_check_mark: met, 0.5 pp ahead",
    ]
    assert buttons(item) == [("Record a value", ids.KPI_OPEN_RECORD, str(workshop.id))]
    assert "`/workshop kpis #N`" in section.footer
    assert kpi_snapshot_section(session, "T1", "U9") is None  # not in any workshop with KPIs


def test_twenty_kpis_show_six_and_count_the_rest_with_peoples_text_escaped(session):
    stages = [StageSpec(f"Stage {n} & co", ("A",)) for n in range(1, 5)]
    workshop = make_workshop(session, stages=stages)
    for kpi in ("nps", "csat", "ces", "churn"):
        for stage in ("", *(s.name for s in stages)):
            record(session, workshop, kpi=kpi, stage=stage, value="4", period_end="2025-04-30")
    [item] = kpi_snapshot_section(session, "T1", "U1").items
    lines = item.text.split("\n")
    assert len(lines) == 1 + 6 + 1 and lines[-1] == "… and 14 more KPIs"
    assert lines[2] == "• *NPS · Stage 1 &amp; co* +4 · no target set"


def test_the_snapshot_shows_at_most_two_workshops(session):
    for n in range(SECTION_ITEMS):
        record(
            session,
            make_workshop(session, title=f"W{n}"),
            kpi="nps",
            value="1",
            period_end="2025-04-30",
        )
    section = kpi_snapshot_section(session, "T1", "U1")
    titles = [i.text.split("*")[1].split(" ", 1)[1] for i in section.items]
    assert titles == ["W4", "W3"]  # the two most recent


def test_open_action_items_with_the_voting_features_status_buttons(session):
    workshop = make_workshop(session)
    fixes = propose_fixes(session, workshop)
    cast_votes(session, workshop, fixes)
    assign_action_items(session, workshop, fixes, {"U1": "U1", "U2": "U1"})
    section = open_action_items_section(session, "T1", "U1")
    assert section.title == "Your open action items · 1 overdue"
    overdue, in_progress = section.items
    # the due date as plain text ("Sun 24 May 2026"), the same for every reader
    assert re.match(r"\*Clearer pricing\*\n<@U1> · due \w{3} \d{1,2} \w{3} \d{4} · ", overdue.text)
    assert ":warning: *Overdue*" in overdue.text
    assert overdue.text.endswith(f"\n_Workshop #{workshop.id} · Find › A_")
    item_id = overdue.buttons[0].value.split("|")[0]
    assert buttons(overdue) == [
        ("✓ Open", ids.ACTION_ITEM_STATUS_OPEN, f"{item_id}|open"),
        ("In progress", ids.ACTION_ITEM_STATUS_IN_PROGRESS, f"{item_id}|in_progress"),
        ("Done", ids.ACTION_ITEM_STATUS_DONE, f"{item_id}|done"),
    ]
    assert "✓ In progress" in [b.text.text for b in in_progress.buttons]
    assert open_action_items_section(session, "T1", "U2") is None
