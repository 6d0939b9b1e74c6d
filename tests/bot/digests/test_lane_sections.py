"""The journey lanes' digest sections (flows/lane_reports.py) in Slack: each its own reply in
the digest's thread, none in the top message, which keeps its tested limits."""

from bot.digests.blocks.digest import (
    TOP_MESSAGE_BLOCKS,
    TOP_MESSAGE_TEXT,
    build_digest_blocks,
    build_thread_replies,
)
from bot.slack.blocks import block_text_length, fits_message
from flows.lane_reports import channels_section, emotions_section
from tests.bot.digests.test_blocks import digest_with
from tests.flows import test_channels, test_emotions
from tests.helpers import rendered


def test_channels_and_emotions_are_thread_replies_only(session):
    channels = channels_section(session, test_channels.worked_example(session), None)
    emotions = emotions_section(session, test_emotions.worked_example(session), None)
    digest = digest_with([channels, emotions])
    replies = build_thread_replies(digest, names={})
    assert [str(head).split(" · ")[0] for head, _ in replies] == ["Channels", "Emotion curve"]
    (_, channel_blocks), (_, emotion_blocks) = replies
    shown = rendered(channel_blocks)
    assert "Find: spread 3.0 across 2 channels; worst served: Web (gap −2.0)" in shown
    assert "A (Find): feels −1.5" in rendered(emotion_blocks)
    for _, blocks in replies:
        assert fits_message(blocks) and "<@" not in rendered(blocks)
    top = build_digest_blocks(digest, board_url="https://x.test/p", charts_attached=False)
    assert len(top) <= TOP_MESSAGE_BLOCKS
    assert block_text_length(top) <= TOP_MESSAGE_TEXT
    assert "In the thread: Channels, Emotion curve." in rendered(top)  # named, not shown
    assert "worst served" not in rendered(top).lower() and "feels" not in rendered(top)
