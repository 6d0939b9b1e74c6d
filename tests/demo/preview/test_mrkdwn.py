"""Slack mrkdwn drawn as HTML: each kind of markup on its own, and user text always escaped."""

import re
import subprocess
from pathlib import Path

import pytest

from demo.preview.mrkdwn import Directory, format_date, mrkdwn_html, plain_html, text_html

NAMES = Directory(users={"U0ANA": "Ana Lima"}, channels={"C0J": "journey-workshop"})


def test_bold_italic_strike():
    assert mrkdwn_html("*Setup* _soon_ ~old~") == "<b>Setup</b> <i>soon</i> <s>old</s>"


def test_markers_inside_words_stay_text():
    assert mrkdwn_html("snake_case_name 2*3*4 a~b~c") == "snake_case_name 2*3*4 a~b~c"


def test_inline_code_keeps_its_markers():
    assert mrkdwn_html("run `/workshop *help*`") == "run <code>/workshop *help*</code>"


def test_preformatted_block():
    assert mrkdwn_html("```a *b*\n&lt;c&gt;```") == "<pre>a *b*\n&lt;c&gt;</pre>"


def test_link_with_label_and_bare_link():
    assert mrkdwn_html("<https://example.com/a?b=1&amp;c=2|the docs>") == (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener">the docs</a>'
    )
    assert mrkdwn_html("<https://example.com>") == (
        '<a href="https://example.com" rel="noopener">https://example.com</a>'
    )


def test_link_to_a_script_url_is_only_text():
    assert mrkdwn_html("<javascript:alert(1)|click me>") == "click me"


def test_bold_around_a_link():
    assert (
        mrkdwn_html("*<https://x.org|X>*") == '<b><a href="https://x.org" rel="noopener">X</a></b>'
    )


def test_user_mention_shows_the_name_and_unknown_ids_stay():
    assert mrkdwn_html("by <@U0ANA>", NAMES) == 'by <span class="mention">@Ana Lima</span>'
    assert mrkdwn_html("<@U0NOBODY>", NAMES) == '<span class="mention">@U0NOBODY</span>'


def test_channel_and_special_mentions():
    assert mrkdwn_html("<#C0J>", NAMES) == '<span class="mention">#journey-workshop</span>'
    assert mrkdwn_html("<#C0J|general>", NAMES) == '<span class="mention">#general</span>'
    assert mrkdwn_html("<!here>") == '<span class="mention">@here</span>'


def test_date_token_is_drawn_in_utc():
    # 1796536800 s = 20 793 days (1 796 515 200 s, to 2026-12-06) + 21 600 s (6 h): 06:00 UTC
    html = mrkdwn_html("<!date^1796536800^{date_short_pretty} {time}|6 Dec>")
    assert html == '<time class="date">Dec 6, 2026 6:00 AM</time>'
    assert format_date(1796536800, "{date_num} {date}") == "2026-12-06 December 6th, 2026"


def test_broken_date_falls_back_to_its_text():
    assert mrkdwn_html("<!date^soon^{date}|next week>") == '<time class="date">next week</time>'


def test_quote_lines():
    assert mrkdwn_html("&gt; said\nafter") == "<blockquote>said</blockquote>after"


def test_newlines_become_line_breaks():
    assert mrkdwn_html("a\nb") == "a<br>b"


def test_emoji_shortcodes_and_slack_colour_names():
    assert mrkdwn_html(":warning: :large_green_circle: :white_check_mark:") == "⚠️ 🟢 ✅"
    assert mrkdwn_html(":not_an_emoji_name:") == ":not_an_emoji_name:"


def test_every_shortcode_the_bot_writes_is_drawn():
    root = Path(__file__).parents[3]
    found = subprocess.run(
        ["grep", "-rhoE", r":[a-z][a-z0-9_+-]*:", "bot", "flows"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert ":warning:" in found
    missing = sorted({code for code in found if mrkdwn_html(code) == code})
    assert missing == []


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "*<img src=x onerror=1>*",
        "\x00 0 \x00",
    ],
)
def test_hostile_text_never_becomes_markup(hostile):
    for html in (
        mrkdwn_html(hostile),
        plain_html(hostile),
        text_html({"type": "mrkdwn", "text": hostile}),
    ):
        assert "<script" not in html and "<img" not in html
        assert not re.search(r"<(?!/?(b|i|s|br|code|pre|span|a|time|blockquote)\b)", html)


def test_escaped_text_from_the_bot_reads_as_typed():
    # the bot escapes & < > once; the reader sees the characters, the page escapes them again
    assert mrkdwn_html("Q&amp;A &lt;b&gt;") == "Q&amp;A &lt;b&gt;"
    assert plain_html("Q&A <b>") == "Q&amp;A &lt;b&gt;"


def test_plain_text_object_draws_no_markup():
    assert text_html({"type": "plain_text", "text": "*not bold* :wave:"}) == "*not bold* 👋"
    assert text_html({"type": "plain_text", "text": ":wave:", "emoji": False}) == ":wave:"
