"""The whole preview page: every surface kind framed and labelled, hostile text escaped anywhere."""

import re
from dataclasses import dataclass, field

from demo.preview.blockkit import Context
from demo.preview.mrkdwn import Directory
from demo.preview.page import home_body, modal_body, render
from demo.preview.timeline import SURFACES, Recording, Step, UploadedFile
from tests.demo.preview.test_blockkit import ATTRIBUTES as BLOCK_ATTRIBUTES
from tests.demo.preview.test_blockkit import TAGS as BLOCK_TAGS

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)><!channel>'
# The page may write the Block Kit preview's tags and those of its own frame.
TAGS = BLOCK_TAGS | {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "h2",
    "p",
    "ol",
    "nav",
    "main",
    "section",
    "figcaption",
}


@dataclass
class Call:
    method: str
    params: dict
    response: dict = field(default_factory=lambda: {"ok": True, "ts": "1796536800.000100"})


def one_of_each(text):
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": text}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
    ]
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": text},
        "blocks": blocks,
        "submit": {"type": "plain_text", "text": text},
    }
    return [
        Call("chat.postMessage", {"channel": "C0J", "text": text, "blocks": blocks}),
        Call("chat.postMessage", {"channel": "C0J", "thread_ts": "1.0", "text": text}),
        Call("chat.update", {"channel": "C0J", "ts": "1.0", "text": text, "blocks": blocks}),
        Call("chat.postEphemeral", {"channel": "C0J", "user": "U0X", "text": text}),
        Call("chat.postMessage", {"channel": "U0X", "text": text}),
        Call("views.open", {"trigger_id": "t", "view": view}),
        Call("views.publish", {"user_id": "U0X", "view": {**view, "type": "home"}}),
        Call(
            "files.completeUploadExternal",
            {"channel_id": "C0J", "initial_comment": text, "files": [{"id": "F1", "title": text}]},
        ),
    ]


def page(text, name="Ana Lima"):
    return render(
        Recording(
            calls=one_of_each(text),
            steps=[Step(0, text, section=True), Step(0, text, actor=name)],
            directory=Directory(users={"U0X": name}, channels={"C0J": name}),
            files={"F1": UploadedFile("F1", text, text, text, f"preview-files/{text}.png")},
            bot_name=name,
            title=text,
        )
    )


def test_every_surface_kind_is_framed_and_counted():
    html = page("Hello *team*")
    for kind in SURFACES:
        assert f'data-surface="{kind}"' in html, kind
    assert html.count('class="count">1</span>') == len(SURFACES)
    assert "<b>Only visible to you</b> · shown to Ana Lima" in html
    assert '<div class="modal-title"><span>Hello *team*</span>' in html
    assert '<img src="preview-files/Hello *team*.png"' in html


def test_page_is_self_contained_and_phone_ready():
    html = page("Hi")
    assert "<style>" in html and "@media (max-width:760px)" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html and "<link" not in html and "http://" not in html


def test_hostile_text_anywhere_stays_escaped():
    html = page(HOSTILE, name=HOSTILE)
    assert "<script" not in html and "<img src=x" not in html and "<!channel" not in html
    assert set(re.findall(r"<([a-z][a-z0-9]*)", html)) <= TAGS
    for attributes in re.findall(r"<[a-z0-9]+(\s[^>]*)>", html):
        names = set(re.findall(r'\s([a-z-]+)=(?:"[^"]*"|\S+)', attributes))
        assert names <= BLOCK_ATTRIBUTES | {
            "id",
            "lang",
            "charset",
            "name",
            "content",
            "data-surface",
        }, attributes


def test_modal_draws_title_blocks_and_its_buttons():
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Rate touchpoints"},
        "close": {"type": "plain_text", "text": "Later"},
        "submit": {"type": "plain_text", "text": "Save & next"},
        "blocks": [{"type": "divider"}],
    }
    html = modal_body(view, Context())
    assert '<div class="modal-title"><span>Rate touchpoints</span>' in html
    assert (
        '<span class="btn">Later</span><span class="btn btn-primary">Save &amp; next</span>' in html
    )
    assert '<hr class="block divider">' in html


def test_modal_without_submit_has_only_its_close_button():
    html = modal_body(
        {"type": "modal", "title": {"type": "plain_text", "text": "Info"}, "blocks": []}, Context()
    )
    assert "btn-primary" not in html and '<span class="btn">Cancel</span>' in html


def test_home_tab_is_drawn_with_its_tabs():
    html = home_body({"type": "home", "blocks": [{"type": "divider"}]}, Context(), "workshop-bot")
    assert '<span class="tab on">Home</span>' in html and "<hr" in html


def test_modal_with_errors_draws_what_was_entered_and_the_error_under_its_field():
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "New workshop"},
        "submit": {"type": "plain_text", "text": "Create"},
        "blocks": [
            {
                "type": "input",
                "block_id": "journey",
                "label": {"type": "plain_text", "text": "Journey"},
                "element": {"type": "plain_text_input", "action_id": "j"},
            }
        ],
        "state": {"values": {"journey": {"j": {"type": "plain_text_input", "value": "Decision"}}}},
    }
    html = modal_body(view, Context(), {"journey": "Stage “Decision” has no touchpoints"})
    assert '<div class="textbox">Decision</div><div class="error">⚠ Stage “Decision”' in html
    assert "Decision" not in modal_body(view, Context())  # opened: the state is not drawn
