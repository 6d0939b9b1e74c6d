"""Slack text to HTML, as Slack draws it: mrkdwn (bold, italic, strike, code, quotes, links,
mentions, dates, emoji shortcodes) and plain_text. Every character of the source is HTML-escaped;
only the markup this module writes is HTML."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import emoji

_HOLE = "\x00"  # placeholders for pieces already turned into HTML (stripped from the source first)
_PRE = re.compile(r"```(.+?)```", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_ANGLE = re.compile(r"<([^<>\n]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")
_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.I)


@dataclass(frozen=True)
class Directory:
    """Names the reader would see instead of ids."""

    users: dict[str, str] = field(default_factory=dict)  # user id → display name
    channels: dict[str, str] = field(default_factory=dict)  # channel id → name

    def user(self, user_id: str) -> str:
        return self.users.get(user_id, user_id)

    def channel(self, channel_id: str) -> str:
        return self.channels.get(channel_id, channel_id)


def unescape_slack(text: str) -> str:
    """Slack's own three entities (what the bot wrote as &amp; &lt; &gt;) back to characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_SLACK_NAMES = re.compile(r":large_([a-z]+)_(circle|square):")  # Slack's names for 🟢 🟡 🟥 …


def emojize(escaped_html: str) -> str:
    """:shortcode: → the emoji (the names Slack uses, via the `emoji` package's aliases, plus
    Slack's own `large_<colour>_circle`); unknown ones stay as typed."""
    named = _SLACK_NAMES.sub(lambda m: f":{m.group(1)}_{m.group(2)}:", escaped_html)
    return emoji.emojize(named, language="alias")


def plain_html(text: str, with_emoji: bool = True) -> str:
    """A plain_text object's text: escaped, newlines kept, emoji shortcodes drawn."""
    escaped = html.escape(text, quote=True)
    return (emojize(escaped) if with_emoji else escaped).replace("\n", "<br>")


def format_date(epoch: int, template: str) -> str:
    """A `<!date^…>` template filled in as a reader in UTC would see it."""
    moment = datetime.fromtimestamp(epoch, UTC)
    day = moment.day
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    hour = moment.strftime("%I").lstrip("0")
    tokens = {
        "date_num": moment.strftime("%Y-%m-%d"),
        "date": f"{moment:%B} {day}{suffix}, {moment.year}",
        "date_short": f"{moment:%b} {day}, {moment.year}",
        "date_long": f"{moment:%A}, {moment:%B} {day}{suffix}, {moment.year}",
        "date_pretty": f"{moment:%B} {day}{suffix}, {moment.year}",
        "date_short_pretty": f"{moment:%b} {day}, {moment.year}",
        "date_long_pretty": f"{moment:%A}, {moment:%B} {day}{suffix}, {moment.year}",
        "time": f"{hour}:{moment:%M %p}",
        "time_secs": f"{hour}:{moment:%M:%S %p}",
        "ago": f"{moment:%b} {day}, {moment.year}",
    }
    return re.sub(r"\{(\w+)\}", lambda m: tokens.get(m.group(1), m.group(0)), template)


def _angle(inner: str, directory: Directory) -> str:
    """One `<…>` token: a mention, channel, special mention, date or link."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        name = directory.user(target[1:])
        return f'<span class="mention">@{html.escape(name)}</span>'
    if target.startswith("#"):
        name = unescape_slack(label) or directory.channel(target[1:])
        return f'<span class="mention">#{html.escape(name)}</span>'
    if target.startswith("!date^"):
        parts = target.split("^")
        try:
            text = format_date(int(parts[1]), parts[2] if len(parts) > 2 else "{date_short}")
        except (ValueError, OverflowError, OSError):
            text = unescape_slack(label)
        return f'<time class="date">{html.escape(text)}</time>'
    if target.startswith("!"):
        word = unescape_slack(label) or target[1:].split("^")[0]
        return f'<span class="mention">@{html.escape(word.lstrip("@"))}</span>'
    url = unescape_slack(target)
    text = html.escape(unescape_slack(label) or url)
    if not _SAFE_URL.match(url):
        return text
    return f'<a href="{html.escape(url, quote=True)}" rel="noopener">{text}</a>'


def mrkdwn_html(text: str, directory: Directory | None = None) -> str:
    """Slack mrkdwn (as the bot sends it, with &amp; &lt; &gt; escaped) to safe HTML."""
    directory = directory or Directory()
    holes: list[str] = []

    def hole(fragment: str) -> str:
        holes.append(fragment)
        return f"{_HOLE}{len(holes) - 1}{_HOLE}"

    source = text.replace(_HOLE, "")
    source = _PRE.sub(
        lambda m: hole(f"<pre>{html.escape(unescape_slack(m.group(1).strip(chr(10))))}</pre>"),
        source,
    )
    source = _CODE.sub(
        lambda m: hole(f"<code>{html.escape(unescape_slack(m.group(1)))}</code>"), source
    )
    source = _ANGLE.sub(lambda m: hole(_angle(m.group(1), directory)), source)
    body = emojize(html.escape(unescape_slack(source), quote=True))
    body = _BOLD.sub(r"<b>\1</b>", body)
    body = _ITALIC.sub(r"<i>\1</i>", body)
    body = _STRIKE.sub(r"<s>\1</s>", body)
    lines, quoted = [], []
    for line in body.split("\n"):
        if line.startswith("&gt; ") or line == "&gt;":
            quoted.append(line[5:])
            continue
        if quoted:
            lines.append("<blockquote>" + "<br>".join(quoted) + "</blockquote>")
            quoted = []
        lines.append(line)
    if quoted:
        lines.append("<blockquote>" + "<br>".join(quoted) + "</blockquote>")
    body = "<br>".join(lines).replace("</blockquote><br>", "</blockquote>")
    return re.sub(f"{_HOLE}(\\d+){_HOLE}", lambda m: holes[int(m.group(1))], body)


def text_html(obj: dict | str | None, directory: Directory | None = None) -> str:
    """A Block Kit text object (mrkdwn or plain_text) to HTML."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return plain_html(obj)
    if obj.get("type") == "mrkdwn":
        return mrkdwn_html(str(obj.get("text", "")), directory)
    return plain_html(str(obj.get("text", "")), obj.get("emoji", True) is not False)
