"""The digest as Block Kit: readable, and within Slack's limits for any workshop size."""

import pytest

from bot.digests.blocks.digest import (
    TOP_MESSAGE_BLOCKS,
    TOP_MESSAGE_TEXT,
    build_digest_blocks,
    build_thread_replies,
    item_lines,
    slack_text,
)
from bot.slack import ids
from bot.slack.blocks import block_text_length, escape, fits_message
from flows.digest import (
    Digest,
    DigestField,
    DigestItem,
    DigestSection,
    DigestSummary,
    Mention,
    When,
    build_digest,
    register_digest_section,
    text,
    unregister_digest_section,
)
from storage.models import Phase
from tests.factories import add_participant, big_journey, make_workshop, utc
from tests.helpers import rendered


def digest_with(sections, since=utc(2026, 11, 3)):
    return Digest(
        workshop_id=12,
        team_id="T1",
        channel_id="C1",
        board_ts="1.2",
        title="Onboarding <journey> & more",
        phase=Phase.rating,
        started_at=utc(2026, 11, 2, 9),
        since=since,
        until=utc(2026, 11, 5, 9),
        sections=tuple(sections),
    )


def many_items(count, key="fixes", long=False):
    words = "a very long fix description that goes on " * (8 if long else 0)
    return DigestSection(
        key=key,
        title=f"Section {key}",
        items=tuple(
            DigestItem(
                text(f"Fix {n} {words}", Mention("U1")),
                fields=(DigestField("Votes", text(str(n))),),
            )
            for n in range(min(count, 50))
        ),
        total=count,
        figures=tuple(DigestField(f"Figure {n}", text(str(n))) for n in range(14)),
    )


def check_limits(blocks):
    assert fits_message(blocks)  # 50 blocks, 10,000 characters of block text
    for block in blocks:
        data = block.to_dict()  # slack_sdk validates lengths when serialising
        if data["type"] == "section":
            assert len(data.get("text", {}).get("text", "")) <= 3000
            assert len(data.get("fields", [])) <= 10
        if data["type"] == "header":
            assert len(data["text"]["text"]) <= 150


def summary_section(key="gaps", order=10, lines=3, long=False):
    words = " and a very long touchpoint name that goes on" * (20 if long else 0)
    return DigestSection(
        key=key,
        title=f"Section {key}",
        items=(DigestItem(text("an item")),),
        summary=DigestSummary(
            order=order,
            title=f"Summary {key}{words}",
            lines=tuple(text(f"Line {n} of {key}{words} · ", Mention("U1")) for n in range(lines)),
            headline=f"{key} moved{words}",
        ),
    )


def top_text(blocks):
    return block_text_length(blocks)


def test_the_top_message_is_the_outcome_with_one_button():
    blocks = build_digest_blocks(
        digest_with([summary_section("gaps", 10), summary_section("kpis", 30)]),
        board_url="https://slack.test/archives/C1/p12",
        names={"U1": "Femi <Adeyemi>"},
    )
    data = [b.to_dict() for b in blocks]
    assert data[0]["text"]["text"] == "Digest: Onboarding <journey> & more"  # plain text: as is
    assert data[1]["text"]["text"] == "Since the previous digest: gaps moved and kpis moved."
    assert data[2]["text"]["text"] == (
        "*Summary gaps*\n• Line 0 of gaps · Femi &lt;Adeyemi&gt;\n• Line 1 of gaps · Femi "
        "&lt;Adeyemi&gt;\n• Line 2 of gaps · Femi &lt;Adeyemi&gt;"
    )
    assert data[3]["text"]["text"].startswith("*Summary kpis*")
    button = data[4]["elements"][0]
    assert (button["url"], button["text"]["text"], button["style"]) == (
        "https://slack.test/archives/C1/p12",
        "Open the workshop board",
        "primary",
    )
    follow = data[4]["elements"][1]  # plain: one primary button per message
    assert (follow["action_id"], follow["value"], follow.get("style")) == (
        ids.FOLLOW_WORKSHOP,
        "12",
        None,
    )
    assert follow["text"]["text"] == "Follow this workshop"
    footer = data[5]["elements"][0]["text"]
    assert footer.startswith("Workshop #12 · Gap rating phase · what changed since")
    assert "<!date^1793664000^{date_short_pretty} at {time}|Tue 3 Nov 2026 00:00 UTC>" in footer
    assert "In the thread: Section gaps, Section kpis." in footer
    assert "<@" not in rendered(blocks)  # nobody is notified


def test_the_first_digest_and_without_a_board_there_is_no_button():
    blocks = build_digest_blocks(digest_with([], since=None))
    assert "everything since it started" in rendered(blocks)
    assert "So far: no results yet." in rendered(blocks)
    assert "actions" not in [b.type for b in blocks]


def test_mrkdwn_is_escaped_names_are_text_and_dates_are_slacks():
    spans = text(
        "<b> & ", Mention("U1"), " and ", Mention("U2"), " on ", When(utc(2026, 11, 1, 14))
    )
    assert slack_text(spans, {"U1": "Ana <!channel>"}) == (
        "&lt;b&gt; &amp; Ana &lt;!channel&gt; and a teammate on "
        "<!date^1793541600^{date_short_pretty} at {time}|Sun 1 Nov 2026 14:00 UTC>"
    )
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_items_say_how_many_more_there_are():
    lines = item_lines(many_items(500))
    assert lines.count("• ") == 8
    assert lines.endswith("_… and 492 more_")
    assert "(Votes: 0)" in lines


def test_long_items_stop_before_3000_characters():
    lines = item_lines(many_items(40, long=True), limit=40)
    assert len(lines) <= 3000
    shown = lines.count("• ")
    assert lines.endswith(f"_… and {40 - shown} more_")


def test_each_section_is_its_own_thread_reply_within_limits():
    sections = [many_items(500, key=f"s{n}", long=True) for n in range(8)]
    replies = build_thread_replies(digest_with(sections), names={"U1": "Ana"})
    assert [str(text).split(" · ")[0] for text, _ in replies] == [f"Section s{n}" for n in range(8)]
    for _, blocks in replies:
        check_limits(blocks)
        head = blocks[0].to_dict()
        assert len(head["fields"]) == 10  # 14 figures, the first ten shown
        assert "… and 49" in rendered(blocks)
        assert "<@" not in rendered(blocks) and "Ana" in rendered(blocks)


def test_a_huge_digest_keeps_the_top_message_to_one_phone_screen():
    """Thirty sections with summaries of three ~1,000-character lines: the top message still
    has at most 15 blocks and 1,500 characters of block text, lines cut to fit."""
    sections = [summary_section(f"s{n}", n, lines=3, long=True) for n in range(30)]
    blocks = build_digest_blocks(
        digest_with(sections), board_url="https://x.test/p", charts_attached=True
    )
    check_limits(blocks)
    assert len(blocks) <= TOP_MESSAGE_BLOCKS == 15
    assert top_text(blocks) <= TOP_MESSAGE_TEXT == 1500
    assert blocks[-1].type == "context" and blocks[-2].type == "actions"


@pytest.fixture
def five_hundred_fixes():
    def provider(session, workshop, since):
        return many_items(500, key="fixes", long=True)

    register_digest_section(40)(provider)
    yield
    unregister_digest_section(provider)


def test_a_300_touchpoint_workshop_with_500_fixes_stays_within_limits(session, five_hundred_fixes):
    workshop = make_workshop(session, stages=big_journey(300), created_at=utc(2026, 11, 2))
    for n in range(120):
        add_participant(session, workshop, f"U{n:03d}", utc(2026, 11, 3, 0, n % 60))
    digest = build_digest(session, workshop, since=utc(2026, 11, 2, 12))
    blocks = build_digest_blocks(digest, board_url="https://x.test/p", charts_attached=True)
    check_limits(blocks)
    assert len(blocks) <= TOP_MESSAGE_BLOCKS and top_text(blocks) <= TOP_MESSAGE_TEXT
    assert "Since the previous digest: 120 people joined." in rendered(blocks)
    assert "with charts" in rendered(blocks)
    replies = dict(
        (str(text).split(" · ")[0], blocks) for text, blocks in build_thread_replies(digest)
    )
    for reply in replies.values():
        check_limits(reply)
    assert "10 stages · 300 touchpoints" in rendered(replies["Phase and progress"])
    assert "… and 492 more" in rendered(replies["Section fixes"])
    assert "… and 112 more" in rendered(replies["Participation"])  # 120 new, 8 shown
