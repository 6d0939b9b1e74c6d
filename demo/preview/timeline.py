"""From what the stand-in recorded to the entries of the preview, in the order people saw them.

Input: the stand-in's call log (every Web API call the bot made, with its parameters and Slack's
answer), the demo's steps (sections and what each simulated person did, with the bot's direct
HTTP answer where it carried a message or a view), names, and the uploaded files. Output: plain
`Entry` objects; `page.py` draws them. Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from demo.preview.mrkdwn import Directory

#: The kinds of surface a person can see, in the order the legend lists them.
SURFACES = {
    "channel": "Channel message",
    "thread": "Thread reply",
    "revision": "Message edited (a revision)",
    "ephemeral": "Only visible to you",
    "dm": "Direct message",
    "modal": "Modal",
    "home": "Home tab",
    "file": "File upload",
}


class CallLike(Protocol):
    """What the preview reads of a recorded call (the stand-in's `Call`)."""

    @property
    def method(self) -> str: ...

    @property
    def params(self) -> dict[str, Any]: ...

    @property
    def response(self) -> dict[str, Any]: ...


@dataclass
class Step:
    """One line of the demo's story: a section title, or what a person did (`at_call` = how many
    Web API calls the bot had made before it). `answer` is the bot's direct HTTP answer, kept when
    it drew something (a slash command's reply, a `response_action` view)."""

    at_call: int
    text: str
    section: bool = False
    answer: dict[str, Any] | None = None
    actor: str = ""  # who acted (a display name), when a person did


@dataclass(frozen=True)
class UploadedFile:
    id: str
    name: str
    title: str
    alt: str
    path: str | None  # relative path of the image in the preview folder, None if not an image


@dataclass(frozen=True)
class Recording:
    calls: Sequence[CallLike]
    steps: list[Step]
    directory: Directory
    dm_users: dict[str, str] = field(default_factory=dict)  # DM channel id → user id
    files: dict[str, UploadedFile] = field(default_factory=dict)
    bot_name: str = "workshop-bot"
    title: str = "Slack preview"


@dataclass
class Entry:
    kind: str  # "action" or a key of SURFACES
    where: str = ""  # e.g. "#journey-workshop", "Ben Okafor"
    text: str = ""  # narration (actions) or fallback text
    blocks: list[dict] = field(default_factory=list)
    view: dict[str, Any] | None = None
    ts: str | None = None
    revision: int = 0
    open: bool = True  # drawn open (False: folded, a click shows it)
    files: list[UploadedFile] = field(default_factory=list)
    note: str = ""  # e.g. "views.push", "replaces the message"
    errors: dict[str, str] = field(default_factory=dict)  # input block id → what is wrong


@dataclass
class Section:
    title: str
    entries: list[Entry] = field(default_factory=list)


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _message_entry(kind: str, where: str, message: dict, **details: Any) -> Entry:
    """An entry showing a message's text and blocks, as a Web API call or a response_url sent
    them (blocks may come JSON-encoded)."""
    return Entry(
        kind,
        where=where,
        text=str(message.get("text") or ""),
        blocks=_json(message.get("blocks")) or [],
        **details,
    )


def clock(ts: str | None) -> str:
    """A message ts as the time of day (UTC), e.g. "07:31"."""
    try:
        return datetime.fromtimestamp(float(ts or ""), UTC).strftime("%H:%M")
    except ValueError:
        return ""


class _Builder:
    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.sections: list[Section] = [Section("Before the first step")]
        self.revisions: dict[tuple[str, str], int] = {}
        self.actor: str = ""

    def where(self, channel: str) -> tuple[str, str | None]:
        """(label, DM user) for a channel id, a DM id or a user id."""
        directory = self.recording.directory
        user = self.recording.dm_users.get(channel) or (
            channel if channel in directory.users else None
        )
        if user:
            return directory.user(user), user
        return "#" + directory.channel(channel), None

    def add(self, entry: Entry) -> None:
        self.sections[-1].entries.append(entry)

    def step(self, step: Step) -> None:
        if step.section:
            self.sections.append(Section(step.text.strip()))
            return
        self.actor = step.actor
        self.add(Entry("action", text=step.text.strip()))
        answer = step.answer or {}
        if answer.get("response_action") == "errors" and answer.get("submitted_view"):
            view = answer["submitted_view"]
            errors = {str(k): str(v) for k, v in (answer.get("errors") or {}).items()}
            self.add(
                Entry(
                    "modal", where=self.actor, view=view, note="shows what is wrong", errors=errors
                )
            )
        elif answer.get("response_action") in ("update", "push") and answer.get("view"):
            note = "pushed on top" if answer["response_action"] == "push" else "updated in place"
            self.add(Entry("modal", where=self.actor, view=answer["view"], note=note))
        elif answer.get("text") or answer.get("blocks"):
            self.reply(answer, channel_label="")

    def reply(self, payload: dict[str, Any], channel_label: str) -> None:
        """A message sent through a response_url (or as a command's immediate answer)."""
        if payload.get("delete_original"):
            self.add(Entry("ephemeral", where=channel_label, note=self._shown("deletes it")))
            return
        in_channel = payload.get("response_type") == "in_channel"
        kind = "channel" if in_channel else "ephemeral"
        replaces = "replaces the message" if payload.get("replace_original") else ""
        note = replaces if in_channel else self._shown(replaces)
        self.add(_message_entry(kind, channel_label, payload, note=note))

    def _shown(self, what: str) -> str:
        """An ephemeral's note: who saw it (the person who just acted), and what it did."""
        return " · ".join(p for p in (f"shown to {self.actor}" if self.actor else "", what) if p)

    def call(self, call: CallLike) -> None:
        method, params, response = call.method, call.params, call.response or {}
        if not response.get("ok", False) and method != "upload":
            self.add(Entry("action", text=f"(Slack refused {method}: {response.get('error')})"))
            return
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is not None:
            handler(params, response)

    # one method per Web API call that shows something ---------------------------------------

    def _chat_postMessage(self, params: dict, response: dict) -> None:
        label, dm_user = self.where(str(params.get("channel", "")))
        kind = "dm" if dm_user else "thread" if params.get("thread_ts") else "channel"
        self.add(_message_entry(kind, label, params, ts=response.get("ts")))

    def _chat_update(self, params: dict, response: dict) -> None:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        key = (channel, ts)
        self.revisions[key] = self.revisions.get(key, 0) + 1
        label, _ = self.where(channel)
        self.add(_message_entry("revision", label, params, ts=ts, revision=self.revisions[key]))

    def _chat_postEphemeral(self, params: dict, response: dict) -> None:
        label, _ = self.where(str(params.get("channel", "")))
        shown_to = self.recording.directory.user(str(params.get("user", "")))
        self.add(_message_entry("ephemeral", label, params, note="shown to " + shown_to))

    def _response_url(self, params: dict, response: dict) -> None:
        self.reply(params, channel_label="")

    def _views_open(self, params: dict, response: dict) -> None:
        self._view(params, "opened")

    def _views_push(self, params: dict, response: dict) -> None:
        self._view(params, "pushed on top")

    def _views_update(self, params: dict, response: dict) -> None:
        self._view(params, "updated in place")

    def _views_publish(self, params: dict, response: dict) -> None:
        view = _json(params.get("view")) or {}
        user = self.recording.directory.user(str(params.get("user_id", "")))
        self.add(Entry("home", where=user, view=view, blocks=view.get("blocks") or []))

    def _view(self, params: dict, note: str) -> None:
        view = _json(params.get("view")) or {}
        if view.get("type") == "home":
            self.add(Entry("home", view=view, blocks=view.get("blocks") or [], note=note))
        else:
            self.add(
                Entry(
                    "modal", where=self.actor, view=view, blocks=view.get("blocks") or [], note=note
                )
            )

    def _files_completeUploadExternal(self, params: dict, response: dict) -> None:
        label, dm_user = self.where(str(params.get("channel_id") or params.get("channels") or ""))
        uploaded = [
            self.recording.files.get(str(f.get("id")))
            or UploadedFile(str(f.get("id")), str(f.get("title") or ""), "", "", None)
            for f in _json(params.get("files")) or []
        ]
        titled = [
            UploadedFile(u.id, u.name, str(f.get("title") or u.title), u.alt, u.path)
            for u, f in zip(uploaded, _json(params.get("files")) or [], strict=False)
        ]
        where = ("in a thread of " if params.get("thread_ts") and not dm_user else "") + label
        self.add(
            Entry(
                "file",
                where=where,
                text=str(params.get("initial_comment") or ""),
                files=titled,
                note="dm" if dm_user else "",
            )
        )

    def _chat_delete(self, params: dict, response: dict) -> None:
        label, _ = self.where(str(params.get("channel", "")))
        self.add(Entry("action", text=f"(the bot deleted one of its messages in {label})"))


def build(recording: Recording) -> list[Section]:
    """The preview's sections, each with its entries in the order they happened."""
    builder = _Builder(recording)
    steps = sorted(recording.steps, key=lambda s: s.at_call)
    step_index = 0
    for index, call in enumerate(recording.calls):
        while step_index < len(steps) and steps[step_index].at_call <= index:
            builder.step(steps[step_index])
            step_index += 1
        builder.call(call)
    for step in steps[step_index:]:
        builder.step(step)
    sections = [s for s in builder.sections if s.entries]
    _fold_revisions(sections)
    return sections


def _fold_revisions(sections: list[Section]) -> None:
    """Only each section's last revision of a message is drawn open; earlier ones fold away."""
    for section in sections:
        last: dict[tuple[str, str | None], Entry] = {}
        for entry in section.entries:
            if entry.kind == "revision":
                entry.open = False
                last[(entry.where, entry.ts)] = entry
        for entry in last.values():
            entry.open = True
