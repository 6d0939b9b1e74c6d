"""The features' digest sections as one Slack message: in order, and within Block Kit's limits for
a workshop of 300 touchpoints, 200 stakeholders and 20 KPIs (each section says how many more)."""

import json

import pytest

import bot.digests.posts  # noqa: F401  (what sends digests registers the charts and sections)
from bot.charts.registry import render_chart
from bot.digests.blocks.digest import build_digest_blocks, build_thread_replies
from bot.slack.blocks import block_text_length, fits_message
from flows.digest import build_digest, section_memos
from flows.fixes import FixDraft, propose_fix
from flows.voting import change_vote
from standin.blockkit import validate_blocks
from storage.models import Phase
from tests.factories import big_journey, touchpoint_ids, utc
from tests.helpers import rendered
from tests.report_fixtures import (
    add_stakeholders,
    deliver_digest,
    full_workshop,
    make_workshop,
    rate_round,
    rate_stakeholders,
    record,
    set_phase,
    stakeholder_ids,
)

KPIS = ("nps", "csat", "ces", "churn")
STAGES = ("", "Stage 1", "Stage 2", "Stage 3", "Stage 4")  # "": the whole journey


def test_sections_come_in_order_between_progress_and_participation(session):
    workshop = full_workshop(session)
    digest = build_digest(session, workshop, since=None)
    assert [s.key for s in digest.sections] == [
        "progress",
        "gaps",
        "kpis",
        "stakeholders",
        "participation",
    ]
    blocks = build_digest_blocks(digest, board_url="https://x.test/p", charts_attached=True)
    assert validate_blocks([b.to_dict() for b in blocks], max_blocks=15) == []
    assert "Widest shortfalls, round 2" in rendered(blocks) and "KPIs: " in rendered(blocks)
    replies = build_thread_replies(digest)
    for _, reply in replies:
        assert validate_blocks([b.to_dict() for b in reply], max_blocks=50) == []
    text = rendered([b for _, reply in replies for b in reply])
    for title in ("*Widest gaps*", "*KPIs*", "*Stakeholders*", "*Participation*"):
        assert title in text
    assert "Gaps are closing" in text and "↓ better" in text and "Keep satisfied" in text


@pytest.fixture
def big_workshop(session):
    """300 touchpoints rated by three people, 200 stakeholders, 20 KPI series, 500 fixes with
    votes, voting closed."""
    workshop = make_workshop(session, stages=big_journey(300))
    names = [f"Touchpoint {s + 1}.{n + 1}" for s in range(10) for n in range(30)]
    rate_round(
        session,
        workshop,
        {
            rater: {
                name: (6, 1 + (i + offset) % 7, 1 + (i * offset) % 5)
                for i, name in enumerate(names)
            }
            for offset, rater in enumerate(("U1", "U2", "U3"), start=1)
        },
    )
    stakeholders = {
        f"Stakeholder {n} with a rather long name, department and role": (
            "customer",
            "neutral",
            {"U1": (1 + n % 5, 1 + (n * 3) % 5)},
        )
        for n in range(200)
    }
    add_stakeholders(session, workshop, stakeholders, created_at=utc(2026, 1, 1))
    for kpi in KPIS:
        for stage in STAGES:
            for period, value in (("2025-03-31", "4"), ("2025-04-30", "5")):
                record(session, workshop, kpi=kpi, stage=stage, value=value, period_end=period)
    set_phase(session, workshop, Phase.fixes)
    touchpoints = list(touchpoint_ids(session, workshop).values())
    fixes = [
        propose_fix(
            session,
            workshop.team_id,
            workshop.id,
            "U1",
            FixDraft(f"Fix {n}: a long description of what to change", touchpoints[n % 300]),
        ).id
        for n in range(500)
    ]
    set_phase(session, workshop, Phase.voting)
    for voter in ("U1", "U2", "U3"):
        for fix_id in fixes[:3]:
            change_vote(session, workshop.team_id, workshop.id, voter, fix_id, 0, 1)
    set_phase(session, workshop, Phase.closed)
    return workshop


def test_a_300_touchpoint_200_stakeholder_20_kpi_digest_stays_within_limits(session, big_workshop):
    workshop = big_workshop
    first = build_digest(session, workshop, since=None)
    deliver_digest(session, workshop, utc(2026, 1, 2), section_memos(first))
    # Every stakeholder is re-rated to the opposite corner: up to 200 quadrant moves.
    ids = stakeholder_ids(session, workshop)
    rate_stakeholders(
        session,
        workshop,
        {name: {"U1": (5 - n % 5, 5 - (n * 3) % 5)} for n, name in enumerate(sorted(ids))},
        ids,
    )
    set_phase(session, workshop, Phase.closed)
    for digest in (first, build_digest(session, workshop, since=utc(2026, 1, 2))):
        by_key = {s.key: s for s in digest.sections}
        assert by_key["gaps"].total > 100 and by_key["kpis"].total == 20
        blocks = build_digest_blocks(digest, board_url="https://x.test/p", charts_attached=True)
        assert validate_blocks([b.to_dict() for b in blocks], max_blocks=15) == []
        assert block_text_length(blocks) <= 1500  # the top message: one phone screen
        replies = [reply for _, reply in build_thread_replies(digest)]
        for reply in replies:
            assert validate_blocks([b.to_dict() for b in reply], max_blocks=50) == []
            assert fits_message(reply)
        text = rendered([b for reply in replies for b in reply])
        assert f"… and {by_key['gaps'].total - 8} more" in text
        assert "… and 12 more" in text  # 20 KPIs, 8 shown
        assert f"… and {by_key['stakeholders'].total - 8} more" in text
        assert "… and 492 more" in text  # 500 fixes
    moved = by_key["stakeholders"]
    assert moved.total > 100 and "moved quadrant" in str(moved.note)
    assert len(json.dumps(moved.memo)) < 10_000  # the snapshot stays small


def test_the_charts_of_a_big_workshop_are_drawn(session, big_workshop):
    digest = build_digest(session, big_workshop, since=None)
    charts = {s.key: render_chart(s.chart) for s in digest.sections if s.chart}
    assert set(charts) == {"gaps", "kpis", "fixes", "stakeholders"}
    assert all(png and png.startswith(b"\x89PNG") for png in charts.values())
