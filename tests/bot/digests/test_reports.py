"""The features' digest sections, charts and export tables end to end: `/workshop digest now`
and `/workshop export` through the real Bolt app and the Slack stand-in."""

import csv
import io

from sqlmodel import select

from bot.slack import ids
from bot.slack.blocks import block_text_length
from demo.local import CHANNEL_ID, PEOPLE
from flows.workshops import get_workshop
from storage.models import DeliveryStatus, DigestDelivery, Phase
from tests.report_fixtures import (
    ROUND_1,
    ROUND_2,
    STAKEHOLDERS,
    VOTES,
    add_stakeholders,
    assign_action_items,
    cast_votes,
    propose_fixes,
    rate_stakeholders,
    rate_two_rounds,
    ratings_by,
    record_kpis,
    set_phase,
    stakeholder_ids,
    stakeholders_rated_by,
)

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id
RATERS = {"U1": BEN, "U2": CHLOE}
JOURNEY = "Find: A, B\nBuy: C, D"  # the fixture's journey, typed in the setup form
SLOW = 30  # a digest draws four charts before it posts: an upper bound for a busy machine


def fill_workshop(local, workshop_id):
    """Stakeholders, two rating rounds, KPIs, fixes with votes and action items, by Ben and
    Chloé (tests/report_fixtures); the workshop ends closed."""
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        add_stakeholders(session, workshop, stakeholders_rated_by(STAKEHOLDERS, RATERS))
        rate_two_rounds(session, workshop, ratings_by(ROUND_1, RATERS), ratings_by(ROUND_2, RATERS))
        record_kpis(session, workshop, ANA)
        fixes = propose_fixes(session, workshop, BEN)
        cast_votes(session, workshop, fixes, {RATERS[u]: v for u, v in VOTES.items() if u != "UF"})
        assign_action_items(session, workshop, fixes, RATERS)


def digests(local):
    return [m for m in local.standin.messages(CHANNEL_ID) if m["text"].startswith("Digest")]


def thread_messages(local, digest):
    """The digest's replies in its thread (the charts' file shares left out)."""
    return [m for m in local.standin.thread(CHANNEL_ID, digest["ts"]) if m.get("blocks")]


def sent(local):
    with local.db.session() as session:
        query = select(DigestDelivery).where(DigestDelivery.status == DeliveryStatus.sent)
        return session.exec(query.order_by(DigestDelivery.id)).all()


def test_the_digest_shows_gaps_kpis_and_stakeholders_with_their_charts(local):
    workshop_id, _ = local.start_workshop(ANA, values={ids.SETUP_JOURNEY: JOURNEY})
    fill_workshop(local, workshop_id)
    local.sim.slash_command(ANA, CHANNEL_ID, "digest now")
    [digest] = local.standin.wait_for(lambda: digests(local), timeout=SLOW)
    top = str(digest["blocks"])
    # The top message: the outcome, in words, within one phone screen, naming nobody with @.
    assert len(digest["blocks"]) <= 15 and block_text_length(digest["blocks"]) <= 1500
    assert "<@" not in top and "<@" not in digest["text"]
    assert (
        "So far: the workshop is in the Closed phase, gaps narrowed from −1.3 to −0.5 since "
        "round 1 (over the 4 touchpoints rated in both), 1 action item overdue" in top
    )
    assert "C: customers expect 5.5, get 2.5 (gap −3.0), narrowed since round 1" in top
    assert "Clearer pricing · Chloé Martin · due " in top and "open, overdue" in top
    assert "KPIs: " in top and "on target" in top
    # Every section is its own reply in the thread, people named as text.
    replies = local.standin.wait_for(
        lambda: len(thread_messages(local, digest)) >= 6 and thread_messages(local, digest),
        timeout=SLOW,
    )
    assert [r["text"].split(" · ")[0] for r in replies] == [
        "Phase and progress",
        "Widest gaps",
        "KPIs",
        "Voted fixes and action items",
        "Stakeholders",
        "Participation",
    ]
    text = str([r["blocks"] for r in replies])
    assert "<@" not in text
    assert "Gaps are closing: the mean gap narrowed from −1.3 to −0.5 since round 1" in text
    assert "C: customers expect 5.5, get 2.5 (gap −3.0), narrowed since round 1 · Buy" in text
    assert "NPS (whole journey): +28 (period ending 30 Apr 2025), ↑ better" in text
    assert "Churn (whole journey): 4% (period ending 30 Apr 2025), ↓ better" in text
    assert "CFO (Executive, blocker) added by Ana Lima: Keep satisfied" in text
    assert "Action item: Clearer pricing (Find › A)  (owner: Chloé Martin" in text
    assert "status: Open, overdue" in text
    assert "3rd place: Better search (Find › B)  (votes: 1)" in text

    charts = local.standin.wait_for(
        lambda: len(local.standin.files(CHANNEL_ID)) >= 4 and local.standin.files(CHANNEL_ID),
        timeout=SLOW,
    )
    # (no phase timeline: the fixture set the phase without the board's buttons)
    assert sorted(f["name"] for f in charts) == [
        "fix_votes.png",
        "journey_gaps.png",
        "kpi_trends.png",
        "stakeholder_grid.png",
    ]
    assert local.standin.thread(CHANNEL_ID, digest["ts"])  # in the digest's thread
    assert all(local.standin.file_bytes(f["id"]).startswith(b"\x89PNG") for f in charts)
    [delivery] = local.standin.wait_for(lambda: sent(local), timeout=SLOW)
    with local.db.session() as session:
        by_name = stakeholder_ids(session, get_workshop(session, local.team_id, workshop_id))
    assert delivery.section_memos["stakeholders"][str(by_name["CFO"])] == "keep_satisfied"

    # Since that digest: the CFO became a key player and a supplier was added.
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        rate_stakeholders(session, workshop, {"CFO": {BEN: (5, 5), CHLOE: (4, 4)}}, by_name)
        add_stakeholders(session, workshop, {"Payment provider": ("supplier", "neutral", {})})
        set_phase(session, workshop, Phase.closed)
    local.sim.slash_command(ANA, CHANNEL_ID, "digest now")
    second = local.standin.wait_for(lambda: digests(local)[1:], timeout=SLOW)[0]
    assert "what changed since the previous digest" in str(second["blocks"])
    assert second["blocks"][1]["text"]["text"] == (
        "Since the previous digest: 1 action item overdue."  # nothing else moved
    )
    replies = local.standin.wait_for(
        lambda: len(thread_messages(local, second)) >= 6 and thread_messages(local, second),
        timeout=SLOW,
    )
    text = str([r["blocks"] for r in replies])
    assert "CFO (Executive, blocker) moved from Keep satisfied to Manage closely" in text
    assert "Payment provider (Supplier, neutral) added by Ana Lima: not rated yet" in text
    assert "1 stakeholder moved quadrant since the previous digest." in text


def test_the_export_has_the_features_tables(local):
    workshop_id, _ = local.start_workshop(ANA, values={ids.SETUP_JOURNEY: JOURNEY})
    fill_workshop(local, workshop_id)
    local.sim.slash_command(ANA, CHANNEL_ID, "export")
    files = local.standin.wait_for(
        lambda: len(local.standin.files(CHANNEL_ID)) >= 10 and local.standin.files(CHANNEL_ID),
        timeout=SLOW,
    )
    by_name = {f["name"]: local.standin.file_bytes(f["id"]) for f in files}
    prefix = f"workshop-{workshop_id}-"
    tables = ("stakeholders", "touchpoint_gaps", "fixes", "action_items", "kpi_values")
    assert {f"{prefix}{t}.csv" for t in tables} <= set(by_name)
    report = by_name[f"{prefix}report.md"].decode()
    for heading in (
        "## Widest gaps",
        "## KPIs",
        "## Stakeholders",
        "## Voted fixes and action items",
        "## Stakeholders with grid positions",
        "## Fixes with votes",
        "## Action items",
        "## Touchpoint gaps per round",
        "## KPI values",
    ):
        assert heading in report
    gaps = list(csv.DictReader(io.StringIO(by_name[f"{prefix}touchpoint_gaps.csv"].decode())))
    assert len(gaps) == 2 * 4  # two rounds of four touchpoints
    kpis = list(csv.DictReader(io.StringIO(by_name[f"{prefix}kpi_values.csv"].decode())))
    assert [r["recorded_by"] for r in kpis].count(ANA) == 4  # and one CSV import
