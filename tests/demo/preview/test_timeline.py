"""What the stand-in recorded, ordered into the preview's sections and entries."""

from dataclasses import dataclass, field

from demo.preview.mrkdwn import Directory
from demo.preview.timeline import Recording, Step, UploadedFile, build, clock

NAMES = Directory(
    users={"U0ANA": "Ana Lima", "U0BEN": "Ben Okafor"}, channels={"C0J": "journey-workshop"}
)


@dataclass
class Call:
    method: str
    params: dict
    response: dict = field(default_factory=lambda: {"ok": True})


def header(text):
    return [{"type": "header", "text": {"type": "plain_text", "text": text}}]


def recording(calls, steps=(), **extra):
    return Recording(
        calls=list(calls), steps=list(steps), directory=NAMES, dm_users={"D0BEN": "U0BEN"}, **extra
    )


def kinds(sections):
    return [(e.kind, e.where) for s in sections for e in s.entries]


def test_channel_message_thread_reply_and_dm():
    sections = build(
        recording(
            [
                Call(
                    "chat.postMessage",
                    {"channel": "C0J", "text": "Board"},
                    {"ok": True, "ts": "1.0"},
                ),
                Call("chat.postMessage", {"channel": "C0J", "thread_ts": "1.0", "text": "Moved"}),
                Call("chat.postMessage", {"channel": "D0BEN", "text": "Your turn"}),
                Call("chat.postMessage", {"channel": "U0ANA", "text": "Digest"}),
            ]
        )
    )
    assert kinds(sections) == [
        ("channel", "#journey-workshop"),
        ("thread", "#journey-workshop"),
        ("dm", "Ben Okafor"),
        ("dm", "Ana Lima"),
    ]
    assert sections[0].entries[0].ts == "1.0"


def test_each_update_is_a_numbered_revision_and_only_a_sections_last_one_is_open():
    update = Call("chat.update", {"channel": "C0J", "ts": "1.0", "blocks": header("Board")})
    sections = build(
        recording(
            [update, update, update],
            [Step(0, "Setup", section=True), Step(2, "Stakeholders", section=True)],
        )
    )
    assert [s.title for s in sections] == ["Setup", "Stakeholders"]
    setup, stakeholders = (s.entries for s in sections)
    assert [(e.revision, e.open) for e in setup] == [(1, False), (2, True)]
    assert [(e.revision, e.open) for e in stakeholders] == [(3, True)]
    assert setup[0].blocks == header("Board")


def test_blocks_sent_as_a_json_string_are_read():
    sections = build(
        recording([Call("chat.postMessage", {"channel": "C0J", "blocks": '[{"type": "divider"}]'})])
    )
    assert sections[0].entries[0].blocks == [{"type": "divider"}]


def test_ephemerals_say_who_saw_them():
    sections = build(
        recording(
            [
                Call("chat.postEphemeral", {"channel": "C0J", "user": "U0BEN", "text": "Only you"}),
                Call("response_url", {"text": "Saved", "replace_original": True}),
                Call("response_url", {"text": "Posted", "response_type": "in_channel"}),
            ],
            [Step(1, "Ana clicks", actor="Ana Lima")],
        )
    )
    entries = [e for e in sections[0].entries[1:] if e.kind != "action"]
    first = sections[0].entries[0]
    assert (first.kind, first.note) == ("ephemeral", "shown to Ben Okafor")
    assert [(e.kind, e.note) for e in entries] == [
        ("ephemeral", "shown to Ana Lima · replaces the message"),
        ("channel", ""),
    ]


def test_modals_opened_pushed_updated_and_from_a_submission_answer():
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Rate"}, "blocks": []}
    sections = build(
        recording(
            [
                Call("views.open", {"trigger_id": "t", "view": view}),
                Call("views.push", {"trigger_id": "t", "view": view}),
                Call("views.update", {"view_id": "V1", "view": view}),
            ],
            [
                Step(0, "Ben clicks Rate", actor="Ben Okafor"),
                Step(
                    3,
                    "Ben submits",
                    actor="Ben Okafor",
                    answer={"response_action": "update", "view": view},
                ),
                Step(
                    3,
                    "Ben submits again",
                    answer={"response_action": "errors", "errors": {"b": "no"}},
                ),
            ],
        )
    )
    modals = [(e.note, e.where) for s in sections for e in s.entries if e.kind == "modal"]
    assert modals == [
        ("opened", "Ben Okafor"),
        ("pushed on top", "Ben Okafor"),
        ("updated in place", "Ben Okafor"),
        ("updated in place", "Ben Okafor"),
    ]


def test_a_commands_immediate_reply_is_shown():
    sections = build(recording([], [Step(0, "/workshop help", answer={"text": "Commands"})]))
    assert [(e.kind, e.text) for e in sections[0].entries] == [
        ("action", "/workshop help"),
        ("ephemeral", "Commands"),
    ]


def test_home_tab_is_the_users():
    home = {"type": "home", "blocks": header("Your workshops")}
    sections = build(recording([Call("views.publish", {"user_id": "U0ANA", "view": home})]))
    entry = sections[0].entries[0]
    assert (entry.kind, entry.where, entry.blocks) == ("home", "Ana Lima", header("Your workshops"))


def test_file_uploads_carry_their_images_and_titles():
    chart = UploadedFile("F1", "gaps.png", "gaps.png", "Gap chart", "preview-files/ab.png")
    sections = build(
        recording(
            [
                Call(
                    "files.completeUploadExternal",
                    {
                        "channel_id": "C0J",
                        "thread_ts": "1.0",
                        "initial_comment": ":bar_chart: Gaps",
                        "files": [{"id": "F1", "title": "Journey gaps"}, {"id": "F9"}],
                    },
                ),
                Call(
                    "files.completeUploadExternal", {"channel_id": "D0BEN", "files": [{"id": "F1"}]}
                ),
            ],
            files={"F1": chart},
        )
    )
    upload, dm = sections[0].entries
    assert (upload.kind, upload.where, upload.text) == (
        "file",
        "in a thread of #journey-workshop",
        ":bar_chart: Gaps",
    )
    assert [(f.title, f.path, f.alt) for f in upload.files] == [
        ("Journey gaps", "preview-files/ab.png", "Gap chart"),
        ("", None, ""),
    ]
    assert (dm.where, dm.note) == ("Ben Okafor", "dm")


def test_bookkeeping_calls_are_left_out_and_refusals_are_said():
    sections = build(
        recording(
            [
                Call("conversations.info", {"channel": "C0J"}),
                Call("files.getUploadURLExternal", {"filename": "a.png"}),
                Call(
                    "chat.postMessage",
                    {"channel": "C0J"},
                    {"ok": False, "error": "channel_not_found"},
                ),
            ]
        )
    )
    assert [(e.kind, e.text) for e in sections[0].entries] == [
        ("action", "(Slack refused chat.postMessage: channel_not_found)")
    ]


def test_steps_come_before_the_calls_they_caused():
    sections = build(
        recording(
            [
                Call("chat.postMessage", {"channel": "C0J", "text": "a"}),
                Call("chat.postMessage", {"channel": "C0J", "text": "b"}),
            ],
            [Step(0, "Setting up", section=True), Step(1, "Ana clicks"), Step(2, "Ben clicks")],
        )
    )
    assert [e.text for e in sections[0].entries] == ["a", "Ana clicks", "b", "Ben clicks"]


def test_clock():
    # 1796536800 = 2026-12-06 06:00:00 UTC (see test_mrkdwn); 1796536800.5 still 06:00
    assert clock("1796536800.500000") == "06:00" and clock(None) == ""


def test_a_refused_submission_shows_the_form_as_submitted_with_its_errors():
    view = {"type": "modal", "blocks": [], "state": {"values": {}}}
    answer = {
        "response_action": "errors",
        "errors": {"journey": "no touchpoints"},
        "submitted_view": view,
    }
    sections = build(recording([], [Step(0, "Ana submits", actor="Ana Lima", answer=answer)]))
    modal = sections[0].entries[1]
    assert (modal.kind, modal.where, modal.note) == ("modal", "Ana Lima", "shows what is wrong")
    assert modal.errors == {"journey": "no touchpoints"} and modal.view is view
