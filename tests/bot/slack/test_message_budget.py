"""The message budget every builder keeps: 50 blocks and 10,000 characters of block text, well
under the ~12,000 at which Slack answers `msg_blocks_too_long`."""

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, Option, OverflowMenuElement

from bot.slack.blocks import (
    MAX_MESSAGE_TEXT,
    block_text_length,
    cap_blocks,
    cap_rows,
    context,
    fits_message,
    mrkdwn_section,
    pack_blocks,
    truncate_mrkdwn,
)
from standin import blockkit


def test_block_text_counts_every_text_as_the_stand_in_does():
    blocks = [
        mrkdwn_section("a" * 100),
        ActionsBlock(
            elements=[
                ButtonElement(text="b" * 10, action_id="x", value="ignored value"),
                OverflowMenuElement(action_id="y", options=[Option(value="v", text="o" * 5)]),
            ]
        ),
        context("c" * 7),
    ]
    assert block_text_length(blocks) == 122
    assert blockkit.block_text_length([b.to_dict() for b in blocks]) == 122


def test_cap_blocks_keeps_within_the_text_budget_and_counts_what_it_left_out():
    rows = [mrkdwn_section(f"{n} " + "x" * 2000) for n in range(10)]  # 2,002+ characters each
    capped = cap_blocks(rows, more="… and {hidden} more rows")
    assert fits_message(capped)
    assert len(capped) == 5 and capped[-1].elements[0].text == "… and 6 more rows"
    assert cap_blocks(rows[:4]) == rows[:4]
    by_count = cap_blocks([mrkdwn_section("x")] * 60)
    assert len(by_count) == 50 and by_count[-1].elements[0].text == "… and 11 more"
    # a view has no text budget: only the block limit applies
    assert len(cap_blocks(rows, 100, text_budget=None)) == 10


def test_cap_rows_leaves_room_for_head_and_tail():
    head, tail = [mrkdwn_section("h" * 3000)], [context("t" * 3000)]
    rows = [mrkdwn_section("r" * 1000) for _ in range(10)]
    blocks = cap_rows(head, rows, tail, more="… and {hidden} more")
    assert fits_message(blocks) and blocks[0] is head[0] and blocks[-1] is tail[0]
    assert blocks[-2].elements[0].text == "… and 7 more"


def test_pack_blocks_spreads_rows_over_messages_leaving_nothing_out():
    rows = [mrkdwn_section(f"row {n:03d} " + "x" * 900) for n in range(100)]
    note = [context("n" * 200)]
    messages = pack_blocks(rows, first=[mrkdwn_section("first")], reserve=note)
    assert [b for m in messages for b in m][1:] == rows
    assert all(block_text_length([*m, *note]) <= MAX_MESSAGE_TEXT for m in messages)
    assert len(messages) == 10  # ten 909-character rows fit with the note, eleven do not
    many_small = pack_blocks([mrkdwn_section("s")] * 120, reserve=note)
    assert [len(m) for m in many_small] == [49, 49, 22]


def test_truncate_mrkdwn_never_cuts_an_entity_in_half():
    assert truncate_mrkdwn("ab&amp;cd", 5) == "ab…"
    assert truncate_mrkdwn("abc&lt;", 6) == "abc…"
    assert truncate_mrkdwn("abcdef&gt;", 8) == "abcdef…"
    assert truncate_mrkdwn("&amp;&amp;x", 11) == "&amp;&amp;x"
    assert truncate_mrkdwn("&amp;&amp;xyz", 11) == "&amp;&amp;…"
