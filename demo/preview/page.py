"""The preview page: each surface drawn the way Slack draws it, in one self-contained HTML file
(inline CSS, no script; images are files beside it)."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from demo.preview.blockkit import Context, blocks_html
from demo.preview.mrkdwn import mrkdwn_html, plain_html, text_html
from demo.preview.timeline import SURFACES, Entry, Recording, Section, build, clock

CSS = (Path(__file__).parent / "preview.css").read_text()

_ICONS = {
    "channel": "💬",
    "thread": "↳",
    "revision": "✎",
    "ephemeral": "👁",
    "dm": "✉",
    "modal": "▣",
    "home": "⌂",
    "file": "📎",
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _initials(name: str) -> str:
    letters = [w[0] for w in name.replace("(", " ").split() if w[:1].isalpha()]
    return _e("".join(letters[:2]).upper() or "?")


def message_body(entry: Entry, ctx: Context, bot_name: str) -> str:
    """A bot message: avatar, name, APP badge, time, then its blocks (or its text)."""
    if entry.blocks:
        body = blocks_html(entry.blocks, ctx)
    else:
        text = mrkdwn_html(entry.text, ctx.directory)
        body = f'<div class="block section"><div class="text">{text}</div></div>'
    when = clock(entry.ts)
    stamp = f'<span class="time">{when} UTC</span>' if when else ""
    if entry.kind == "revision":
        stamp += '<span class="edited">(edited)</span>'
    return (
        '<div class="msg"><div class="avatar bot" aria-hidden="true">WB</div><div class="msg-main">'
        f'<div class="msg-head"><b>{_e(bot_name)}</b><span class="app">APP</span>{stamp}</div>'
        f"{body}</div></div>"
    )


def file_body(entry: Entry, ctx: Context, bot_name: str) -> str:
    comment = Entry("channel", text=entry.text) if entry.text else None
    parts = [message_body(comment, ctx, bot_name)] if comment else []
    for uploaded in entry.files:
        title = f"<figcaption>{plain_html(uploaded.title)}</figcaption>"
        if uploaded.path:
            parts.append(
                f'<figure class="upload">{title}<a href="{_e(uploaded.path)}">'
                f'<img src="{_e(uploaded.path)}" alt="{_e(uploaded.alt or uploaded.title)}" '
                'loading="lazy"></a></figure>'
            )
        else:
            parts.append(
                f'<figure class="upload file">{title}<span>{_e(uploaded.name)}</span></figure>'
            )
    return "".join(parts)


def modal_body(view: dict, ctx: Context, errors: dict[str, str] | None = None) -> str:
    """A modal as Slack draws it: title bar, blocks, Close and Submit; with `errors`, as the
    person left it (what they entered) with each error under its field."""
    if errors:
        ctx = ctx.with_view(view, errors)
    title = text_html(view.get("title"), ctx.directory)
    close = text_html(view.get("close"), ctx.directory) or "Cancel"
    submit = view.get("submit")
    has_inputs = any(b.get("type") == "input" for b in view.get("blocks") or [])
    footer = f'<span class="btn">{close}</span>'
    if submit or has_inputs:
        footer += (
            f'<span class="btn btn-primary">{text_html(submit, ctx.directory) or "Submit"}</span>'
        )
    return (
        f'<div class="modal"><div class="modal-title"><span>{title}</span>'
        '<span class="x" aria-hidden="true">×</span></div>'
        f'<div class="modal-body">{blocks_html(view.get("blocks"), ctx)}</div>'
        f'<div class="modal-foot">{footer}</div></div>'
    )


def home_body(view: dict, ctx: Context, bot_name: str) -> str:
    return (
        f'<div class="home"><div class="home-tabs"><b>{_e(bot_name)}</b>'
        '<span class="tab on">Home</span><span class="tab">Messages</span></div>'
        f'<div class="home-body">{blocks_html(view.get("blocks"), ctx)}</div></div>'
    )


def _label(entry: Entry) -> str:
    where = _e(entry.where)
    note = _e(entry.note)
    if entry.kind == "channel":
        return f"{where or 'In the channel'}" + (f" · {note}" if note else "")
    if entry.kind == "thread":
        return f"Reply in the thread · {where}"
    if entry.kind == "revision":
        return f"{where} · the message is edited: revision {entry.revision}"
    if entry.kind == "ephemeral":
        extra = f" · {note}" if note else ""
        return f"<b>Only visible to you</b>{extra}" + (f" · {where}" if where else "")
    if entry.kind == "dm":
        return f"Direct message to {where}"
    if entry.kind == "modal":
        return f"Modal {note or 'opened'}" + (f" · {where} sees it" if where else "")
    if entry.kind == "home":
        return f"Home tab{' of ' + where if where else ''}" + (f" · {note}" if note else "")
    if entry.kind == "file":
        return ("Direct message to " if entry.note == "dm" else "Upload ") + where
    return where


def entry_html(entry: Entry, ctx: Context, bot_name: str) -> str:
    """One entry: a stage direction, or a surface in a labelled frame."""
    if entry.kind == "action":
        return f'<p class="action">{plain_html(entry.text)}</p>'
    if entry.kind in ("modal",) and entry.view is not None:
        body = modal_body(entry.view, ctx, entry.errors)
    elif entry.kind == "home" and entry.view is not None:
        body = home_body(entry.view, ctx, bot_name)
    elif entry.kind == "file":
        body = file_body(entry, ctx, bot_name)
    elif entry.kind == "ephemeral" and not entry.blocks and not entry.text:
        body = '<p class="gone">The message disappears.</p>'
    else:
        body = message_body(entry, ctx, bot_name)
    label = f'<span class="icon" aria-hidden="true">{_ICONS[entry.kind]}</span>{_label(entry)}'
    classes = f"surface surface-{entry.kind}"
    if entry.kind == "revision" and not entry.open:
        return (
            f'<details class="{classes}" data-surface="{entry.kind}"><summary class="label">'
            f'{label} <span class="more">(show)</span></summary>{body}</details>'
        )
    return (
        f'<div class="{classes}" data-surface="{entry.kind}"><div class="label">{label}</div>'
        f"{body}</div>"
    )


def section_html(index: int, section: Section, ctx: Context, bot_name: str) -> str:
    entries = "".join(entry_html(e, ctx, bot_name) for e in section.entries)
    return f'<section id="s{index}"><h2>{_e(section.title)}</h2>{entries}</section>'


def render(recording: Recording, files: dict[str, str] | None = None) -> str:
    """The whole page. `files` maps uploaded file ids to image paths (for slack_file images)."""
    ctx = Context(recording.directory, files or {})
    sections = build(recording)
    counts = Counter(e.kind for s in sections for e in s.entries if e.kind != "action")
    legend = "".join(
        f'<li><span class="icon" aria-hidden="true">{_ICONS[k]}</span>{_e(v)} '
        f'<span class="count">{counts.get(k, 0)}</span></li>'
        for k, v in SURFACES.items()
    )
    nav = "".join(f'<li><a href="#s{i}">{_e(s.title)}</a></li>' for i, s in enumerate(sections))
    body = "".join(section_html(i, s, ctx, recording.bot_name) for i, s in enumerate(sections))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(recording.title)}</title>
<style>{CSS}</style></head>
<body><header class="top"><h1>{_e(recording.title)}</h1>
<p>Everything the team saw in Slack during the demo workshop, in order: messages in the channel
and its threads, edits of the board (earlier revisions folded: click to open), messages only one
person saw, direct messages, every form (modal) and the Home tabs. Lines in grey italics say what
a person did.</p>
<ul class="legend">{legend}</ul></header>
<div class="layout"><nav><b>Steps</b><ol>{nav}</ol></nav><main>{body}</main></div>
</body></html>
"""
