"""Mrkdwn: people's text is escaped wherever it meets the bot's markup, and only once; and
bot/ builds Block Kit mrkdwn only through the helpers in bot/slack/blocks.py."""

import ast
from pathlib import Path

import pytest

from bot.slack.blocks import (
    context,
    escape,
    mrkdwn_section,
    mrkdwn_text,
    slack_date,
    truncate,
    user_list,
)
from bot.slack.mrkdwn import Mrkdwn, join_lines, link, md, mention, unescape

HOSTILE = "<!channel> R&D <team>"
ESCAPED = "&lt;!channel&gt; R&amp;D &lt;team&gt;"


def test_escape_makes_mrkdwn_once():
    escaped = escape(HOSTILE)
    assert escaped == ESCAPED and isinstance(escaped, Mrkdwn)
    assert escape(escaped) is escaped  # never &amp;lt;
    assert unescape(escaped) == HOSTILE


def test_format_escapes_every_field_but_mrkdwn_and_keeps_format_specs():
    text = md("*{}* by {} · {:.1f} · {when}", HOSTILE, mention("U1"), 2.25, when=Mrkdwn("<!date>"))
    assert text == f"*{ESCAPED}* by <@U1> · 2.2 · <!date>"
    assert isinstance(text, Mrkdwn)


def test_concatenation_and_join_escape_plain_strings():
    bold = Mrkdwn("*x*")
    assert bold + HOSTILE == f"*x*{ESCAPED}"
    assert HOSTILE + bold == f"{ESCAPED}*x*"
    assert isinstance(HOSTILE + bold, Mrkdwn)
    assert join_lines([bold, HOSTILE]) == f"*x*\n{ESCAPED}"
    assert Mrkdwn(", ").join([mention("U1"), "a&b"]) == "<@U1>, a&amp;b"


def test_plain_str_operations_lose_the_mark_so_the_boundary_escapes_them_whole():
    # An f-string of Mrkdwn is a plain str again: at the boundary it is people's text, so a
    # mention built that way shows broken rather than a title built that way pinging anyone.
    built_wrong = f"{mention('U1')} {HOSTILE}"
    assert type(built_wrong) is str
    assert mrkdwn_text(built_wrong).text == f"&lt;@U1&gt; {ESCAPED}"


def test_block_helpers_escape_plain_text_and_keep_mrkdwn():
    assert mrkdwn_section(HOSTILE).text.text == ESCAPED
    assert mrkdwn_section(md("*{}*", HOSTILE)).text.text == f"*{ESCAPED}*"
    section = mrkdwn_section("", fields=[HOSTILE, md("*{}*", "a")])
    assert section.text is None and [f.text for f in section.fields] == [ESCAPED, "*a*"]
    assert [e.text for e in context(HOSTILE, mention("U2")).elements] == [ESCAPED, "<@U2>"]


def test_bot_markup_is_mrkdwn():
    from datetime import UTC, datetime

    assert isinstance(slack_date(datetime(2026, 1, 2, tzinfo=UTC)), Mrkdwn)
    assert user_list(["U1", "U2", "U3"]) == "<@U1>, <@U2> and <@U3>"
    assert isinstance(user_list(["U1", "U2", "U3"]), Mrkdwn)
    assert (
        link("https://x.test/?a=1&b=2", "a <look>")
        == "<https://x.test/?a=1&amp;b=2|a &lt;look&gt;>"
    )


@pytest.mark.parametrize("limit", range(2, 30))
def test_truncating_mrkdwn_never_tears_an_entity_or_a_token(limit):
    text = md("{} {} {}", "a & b < c", mention("U123456"), "&&&")
    cut = truncate(text, limit)
    assert isinstance(cut, Mrkdwn) and len(cut) <= limit
    body = cut.removesuffix("…")
    assert body.count("<") == body.count(">")
    for position in [i for i, char in enumerate(body) if char == "&"]:
        assert body[position:].startswith(("&amp;", "&lt;", "&gt;"))


BLOCK_KIT_TEXT = {"MarkdownTextObject", "SectionBlock", "ContextBlock"}


def test_only_the_helpers_build_mrkdwn_block_kit():
    """Every section, context and mrkdwn text object in bot/ comes from bot/slack/blocks.py,
    which escapes whatever is not Mrkdwn; a builder that made its own could forget."""
    root = Path(__file__).parents[3] / "bot"
    offenders = []
    for path in root.rglob("*.py"):
        if path == root / "slack" / "blocks.py":
            continue  # the helpers themselves
        for node in ast.walk(ast.parse(path.read_text())):
            called = node.func if isinstance(node, ast.Call) else None
            name = getattr(called, "id", None) or getattr(called, "attr", None)
            if name in BLOCK_KIT_TEXT:
                offenders.append(f"{path.relative_to(root.parent)}:{node.lineno} {name}")
            if isinstance(node, ast.Constant) and node.value == "mrkdwn":
                offenders.append(f"{path.relative_to(root.parent)}:{node.lineno} 'mrkdwn'")
    assert not offenders, offenders
