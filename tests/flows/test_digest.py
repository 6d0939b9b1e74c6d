"""Digest content from a fixture workshop, worked out by hand, and the section registry."""

import pytest
from sqlalchemy import event
from sqlalchemy import text as sql

from flows.digest import (
    DigestItem,
    DigestSection,
    Mention,
    When,
    build_digest,
    digest_as_text,
    mentioned_user_ids,
    phase_timeline,
    plain_text,
    register_digest_section,
    text,
    unregister_digest_section,
)
from flows.workshops import participant_count
from storage.models import Phase
from tests.factories import TEAM, add_participant, make_workshop, move, utc


@pytest.fixture
def workshop(session):
    """Created 2 Nov 09:00 by UF with co-facilitator UC; U1 joins 2 Nov 10:00, U2 3 Nov 08:00,
    U3 4 Nov 12:00; Stakeholders on 2 Nov 11:00 (UF), Gap rating on 3 Nov 15:00 (UC)."""
    workshop = make_workshop(session, co_facilitators=["UC"], created_at=utc(2026, 11, 2, 9))
    add_participant(session, workshop, "U1", utc(2026, 11, 2, 10))
    add_participant(session, workshop, "U2", utc(2026, 11, 3, 8))
    add_participant(session, workshop, "U3", utc(2026, 11, 4, 12))
    move(session, workshop, Phase.stakeholders, utc(2026, 11, 2, 11), "UF")
    move(session, workshop, Phase.rating, utc(2026, 11, 3, 15), "UC")
    return workshop


def section(digest, key):
    return next(s for s in digest.sections if s.key == key)


def test_digest_since_the_previous_one(session, workshop):
    digest = build_digest(session, workshop, since=utc(2026, 11, 3), until=utc(2026, 11, 5))
    assert [s.key for s in digest.sections] == ["progress", "participation"]
    assert (digest.title, digest.phase, digest.since) == (
        "Onboarding",
        Phase.rating,
        utc(2026, 11, 3),
    )

    progress = section(digest, "progress")
    # The phase and journey first; each feature's board figures follow.
    assert [(f.label, plain_text(f.value)) for f in progress.figures][:2] == [
        ("Phase", "Gap rating (step 3 of 6)"),
        ("Journey", "5 stages · 19 touchpoints"),
    ]
    # Only the change after 3 Nov 00:00 is news.
    assert [plain_text(i.text) for i in progress.items] == [
        "@UC moved the workshop on to Gap rating · Tue 3 Nov 2026 15:00 UTC"
    ]
    assert progress.total == 1

    participation = section(digest, "participation")
    assert [(f.label, plain_text(f.value)) for f in participation.figures] == [
        ("Participants", "5"),  # UF, UC, U1, U2, U3
        ("New since the previous digest", "2"),
    ]
    assert [i.text[0] for i in participation.items] == [
        Mention("U3"),
        Mention("U2"),
    ]  # newest first


def test_first_digest_covers_everything(session, workshop):
    digest = build_digest(session, workshop, since=None, until=utc(2026, 11, 5))
    assert section(digest, "progress").total == 2
    participation = section(digest, "participation")
    assert plain_text(participation.figures[1].value) == "5"
    assert participation.total == 5
    # Created 2026-11-02 09:00 UTC, a Monday: the header says it in the one date style
    # (flows/formatting.py), not as an ISO date.
    assert "everything since it started Mon 2 Nov 2026 09:00 UTC" in digest_as_text(digest)
    assert "2026-11-02" not in digest_as_text(digest)
    assert "So far: the workshop is in the Gap rating phase" in digest_as_text(digest)


def test_digests_only_read_their_own_workspace(session, workshop):
    foreign = make_workshop(session, team="T2", created_at=utc(2026, 11, 2, 9))
    add_participant(session, foreign, "U9", utc(2026, 11, 4))
    digest = build_digest(session, workshop, since=utc(2026, 11, 3))
    assert "U9" not in mentioned_user_ids(digest)


def test_text_rendering_is_readable_with_names(session, workshop):
    digest = build_digest(session, workshop, since=utc(2026, 11, 3), until=utc(2026, 11, 5))
    rendered = digest_as_text(digest, names={"UC": "Ben", "U3": "Dev"})
    assert rendered.startswith("# Digest: Onboarding\n")
    assert "since the previous digest, Tue 3 Nov 2026 00:00 UTC" in rendered
    assert "## Phase and progress" in rendered
    assert "- **Phase:** Gap rating (step 3 of 6)" in rendered
    assert "- @Ben moved the workshop on to Gap rating · Tue 3 Nov 2026 15:00 UTC" in rendered
    assert "- @Dev joined · Wed 4 Nov 2026 12:00 UTC" in rendered


def test_phase_timeline_spans_each_phase(session, workshop):
    spans = phase_timeline(session, workshop, until=utc(2026, 11, 5))
    assert [(s.phase, s.start, s.end) for s in spans] == [
        (Phase.setup, utc(2026, 11, 2, 9), utc(2026, 11, 2, 11)),
        (Phase.stakeholders, utc(2026, 11, 2, 11), utc(2026, 11, 3, 15)),
        (Phase.rating, utc(2026, 11, 3, 15), utc(2026, 11, 5)),
    ]


# The registry ----------------------------------------------------------------------------------


@pytest.fixture
def extra_sections():
    registered = []

    def add(order, provider):
        register_digest_section(order)(provider)
        registered.append(provider)
        return provider

    yield add
    for provider in registered:
        unregister_digest_section(provider)


def test_sections_come_in_order_and_none_is_left_out(session, workshop, extra_sections):
    def gaps(session, workshop, since):
        return DigestSection(
            key="gaps",
            title="Widest gaps",
            items=(DigestItem(text("Checkout: ", "−2.1")),),
        )

    def kpis(session, workshop, since):
        return None  # no KPI data yet

    extra_sections(20, gaps)
    extra_sections(30, kpis)
    digest = build_digest(session, workshop, since=None)
    assert [s.key for s in digest.sections] == ["progress", "gaps", "participation"]


def test_a_failing_section_is_logged_and_left_out(session, workshop, extra_sections, caplog):
    def broken(session, workshop, since):
        session.execute(sql("SELECT * FROM no_such_table"))

    extra_sections(50, broken)
    digest = build_digest(session, workshop, since=None)
    # The failed query did not spoil the transaction for the sections after it.
    assert [s.key for s in digest.sections] == ["progress", "participation"]
    assert "digest section" in caplog.text and "broken" in caplog.text


def test_failing_sections_in_a_row_leave_the_others(session, workshop, extra_sections, caplog):
    def broken(session, workshop, since):
        session.execute(sql("SELECT * FROM no_such_table"))

    def also_broken(session, workshop, since):
        raise ValueError("not a query")

    def fine(session, workshop, since):
        count = session.execute(sql("SELECT count(*) FROM participant")).scalar_one()
        return DigestSection(key="fine", title=f"{count} people")

    extra_sections(50, broken)
    extra_sections(51, also_broken)
    extra_sections(52, fine)
    digest = build_digest(session, workshop, since=None)
    assert [s.key for s in digest.sections] == ["progress", "fine", "participation"]
    assert section(digest, "fine").title == "5 people"
    assert "broken" in caplog.text and "also_broken" in caplog.text


def test_sections_share_what_they_read(session, workshop, extra_sections):
    """The participants are counted once per digest, however many sections show them."""
    seen = []

    def also_counts(session, workshop, since):
        seen.append(participant_count(session, workshop))

    extra_sections(50, also_counts)
    statements = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.lower().split()))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        digest = build_digest(session, workshop, since=None)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    counts = [s for s in statements if s.startswith("select count(*) as count_1 from participant")]
    assert seen == [5] and plain_text(section(digest, "participation").figures[0].value) == "5"
    assert len(counts) == 1
    # Outside a digest, the count is read afresh.
    add_participant(session, workshop, "U4", utc(2026, 11, 5))
    assert participant_count(session, workshop) == 6


def test_sections_see_the_period(session, workshop, extra_sections):
    seen = []

    def probe(session, workshop, since):
        seen.append(since)

    extra_sections(40, probe)
    build_digest(session, workshop, since=utc(2026, 11, 3))
    assert seen == [utc(2026, 11, 3)]


def test_spans_render_plainly():
    spans = text("Owner ", Mention("U1"), ", due ", When(utc(2026, 3, 29, 1, 30)))
    assert plain_text(spans) == "Owner @U1, due Sun 29 Mar 2026 01:30 UTC"
    assert plain_text(spans, {"U1": "Ana"}) == "Owner @Ana, due Sun 29 Mar 2026 01:30 UTC"
    assert TEAM == "T1"
