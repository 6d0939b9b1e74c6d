"""The digest as Block Kit: readable, and within Slack's limits for any workshop size."""

import pytest

from bot.digests.blocks.digest import build_digest_blocks, item_lines, slack_text
from bot.slack.blocks import escape, fits_message
from flows.digest import (
    Digest,
    DigestField,
    DigestItem,
    DigestSection,
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


def test_header_period_and_link():
    blocks = build_digest_blocks(digest_with([]), board_url="https://slack.test/archives/C1/p12")
    data = [b.to_dict() for b in blocks]
    assert data[0]["text"]["text"] == "Digest: Onboarding <journey> & more"  # plain text: as is
    period = data[1]["elements"][0]["text"]
    assert period.startswith("Workshop #12 · Gap rating phase · what changed since")
    assert "<!date^1793664000^{date_short_pretty} at {time}|2026-11-03 00:00 UTC>" in period
    button = data[2]["elements"][0]
    assert (button["url"], button["text"]["text"]) == (
        "https://slack.test/archives/C1/p12",
        "Open the workshop board",
    )


def test_first_digest_says_so_and_without_a_board_there_is_no_button():
    blocks = build_digest_blocks(digest_with([], since=None))
    assert "first digest, covering everything since it started" in rendered(blocks)
    assert "actions" not in [b.type for b in blocks]


def test_mrkdwn_is_escaped_and_mentions_and_dates_are_slacks():
    spans = text("<b> & ", Mention("U1"), " on ", When(utc(2026, 11, 1, 14)))
    assert slack_text(spans) == (
        "&lt;b&gt; &amp; <@U1> on "
        "<!date^1793541600^{date_short_pretty} at {time}|2026-11-01 14:00 UTC>"
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


def test_a_section_shows_at_most_ten_figures():
    blocks = build_digest_blocks(digest_with([many_items(3)]))
    head = blocks[3].to_dict()
    assert len(head["fields"]) == 10


def test_many_big_sections_stay_within_one_message_and_name_what_was_left_out():
    sections = [many_items(500, key=f"s{n}") for n in range(30)]
    blocks = build_digest_blocks(digest_with(sections), board_url="https://x.test/p")
    check_limits(blocks)
    assert len(blocks) == 50
    texts = rendered(blocks)
    assert "Left out to fit one message: Section s15" in texts
    assert texts.count("… and 492 more") == 15
    assert blocks[-1].type == "context"  # the footer survives


def test_long_sections_stay_within_the_message_text_budget():
    """Eight sections of long items are ~2,900 characters each: three fit in 10,000 with the
    header and footer, and the rest are named."""
    sections = [many_items(500, key=f"s{n}", long=True) for n in range(8)]
    blocks = build_digest_blocks(digest_with(sections), board_url="https://x.test/p")
    check_limits(blocks)
    texts = rendered(blocks)
    assert "Left out to fit one message: Section s3, Section s4" in texts
    assert blocks[-1].type == "context"


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
    texts = rendered(blocks)
    assert "10 stages · 300 touchpoints" in texts
    assert "… and 492 more" in texts  # the fixes
    assert "… and 112 more" in texts  # the 120 new participants, 8 shown
    assert "Charts are in this message's thread" in texts
