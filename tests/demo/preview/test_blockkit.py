"""Each Block Kit block and element drawn on its own, and hostile text in any of them escaped."""

import re

from demo.preview import blockkit
from demo.preview.blockkit import Context, block_html, blocks_html, element_html
from demo.preview.mrkdwn import Directory

# All the Block Kit preview may write: these tags, with these attributes.
TAGS = {
    "div",
    "span",
    "b",
    "br",
    "hr",
    "a",
    "img",
    "details",
    "summary",
    "ul",
    "li",
    "label",
    "figure",
    "pre",
    "code",
    "i",
    "s",
    "time",
    "blockquote",
}
ATTRIBUTES = {
    "class",
    "role",
    "title",
    "href",
    "rel",
    "src",
    "alt",
    "loading",
    "aria-hidden",
    "aria-label",
}


CTX = Context(Directory(users={"U0BEN": "Ben Okafor"}, channels={"C0J": "journey-workshop"}))


def plain(text):
    return {"type": "plain_text", "text": text}


def md(text):
    return {"type": "mrkdwn", "text": text}


def option(text, value):
    return {"text": plain(text), "value": value}


def test_section_with_text_fields_and_a_button_accessory():
    html = block_html(
        {
            "type": "section",
            "text": md("*Journey*"),
            "fields": [md("*Participants*\n6"), md("*Stages*\n5")],
            "accessory": {"type": "button", "text": plain("Open"), "action_id": "a"},
        },
        CTX,
    )
    assert '<div class="text"><b>Journey</b></div>' in html
    assert html.count('class="field"') == 2 and "<b>Participants</b><br>6" in html
    assert '<div class="accessory accessory-element"><span class="btn" role="button">Open' in html


def test_section_with_an_image_accessory():
    html = block_html(
        {
            "type": "section",
            "text": md("chart"),
            "accessory": {"type": "image", "image_url": "https://x.org/a.png", "alt_text": "A"},
        },
        CTX,
    )
    assert (
        'class="accessory accessory-image"><img class="thumb" src="https://x.org/a.png" alt="A">'
        in html
    )


def test_header():
    assert block_html({"type": "header", "text": plain("Votes :ballot_box_with_ballot:")}, CTX) == (
        '<div class="block header">Votes 🗳️</div>'
    )


def test_divider():
    assert block_html({"type": "divider"}, CTX) == '<hr class="block divider">'


def test_context_with_text_and_image():
    html = block_html(
        {
            "type": "context",
            "elements": [
                md("by <@U0BEN>"),
                {"type": "image", "image_url": "https://x.org/i.png", "alt_text": "icon"},
            ],
        },
        CTX,
    )
    assert '<span>by <span class="mention">@Ben Okafor</span></span>' in html
    assert '<img class="ctx-img" src="https://x.org/i.png" alt="icon">' in html


def test_actions_with_primary_danger_and_confirm_buttons():
    html = block_html(
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": plain("Rate"), "style": "primary", "action_id": "r"},
                {
                    "type": "button",
                    "text": plain("Close"),
                    "style": "danger",
                    "action_id": "c",
                    "confirm": {"title": plain("Close it?"), "text": plain("Sure?")},
                },
                {"type": "button", "text": plain("Docs"), "url": "https://x.org", "action_id": "d"},
            ],
        },
        CTX,
    )
    assert '<span class="btn btn-primary" role="button">Rate</span>' in html
    assert 'class="btn btn-danger btn-confirm" role="button" title="Asks first: Close it?">' in html
    assert '<a class="btn" href="https://x.org" rel="noopener">Docs</a>' in html


def test_static_select_shows_the_chosen_option_and_lists_all():
    html = element_html(
        {
            "type": "static_select",
            "action_id": "s",
            "placeholder": plain("Choose"),
            "options": [option("1 · very low", "1"), option("5 · very high", "5")],
            "initial_option": option("5 · very high", "5"),
        },
        CTX,
    )
    assert '<summary><span class="value">5 · very high</span></summary>' in html
    assert "<li>1 · very low</li><li>5 · very high</li>" in html


def test_select_without_a_choice_shows_its_placeholder_and_option_groups_are_listed():
    html = element_html(
        {
            "type": "static_select",
            "placeholder": plain("Pick a stage"),
            "option_groups": [{"label": plain("G"), "options": [option("Awareness", "a")]}],
        },
        CTX,
    )
    assert '<span class="placeholder">Pick a stage</span>' in html and "<li>Awareness</li>" in html


def test_user_and_multi_selects_show_names_and_chips():
    assert "@Ben Okafor" in element_html({"type": "users_select", "initial_user": "U0BEN"}, CTX)
    multi = element_html(
        {
            "type": "multi_static_select",
            "options": [option("A", "a"), option("B", "b")],
            "initial_options": [option("A", "a"), option("B", "b")],
        },
        CTX,
    )
    assert multi.count('class="chip"') == 2
    external = element_html({"type": "external_select", "placeholder": plain("Search")}, CTX)
    assert 'class="select search"' in external
    channel = element_html({"type": "conversations_select", "initial_conversation": "C0J"}, CTX)
    assert "#journey-workshop" in channel


def test_overflow_lists_its_options():
    html = element_html(
        {
            "type": "overflow",
            "action_id": "o",
            "options": [option("Edit", "e"), option("Delete", "d")],
        },
        CTX,
    )
    assert "<summary" in html and "⋯" in html and "<li>Edit</li><li>Delete</li>" in html


def test_radio_buttons_mark_the_chosen_one_with_a_shape_not_only_colour():
    html = element_html(
        {
            "type": "radio_buttons",
            "options": [
                option("Weekly", "w"),
                {**option("Monthly", "m"), "description": plain("1st")},
            ],
            "initial_option": option("Monthly", "m"),
        },
        CTX,
    )
    assert html.count("○") == 1 and html.count("◉") == 1
    assert '<li class="on">' in html and '<div class="description">1st</div>' in html


def test_checkboxes():
    html = element_html(
        {
            "type": "checkboxes",
            "options": [option("Tallies", "t"), option("Anonymous", "a")],
            "initial_options": [option("Anonymous", "a")],
        },
        CTX,
    )
    assert re.search(r'class="off".*☐.*Tallies.*class="on".*☑.*Anonymous', html)


def test_input_block_with_optional_label_hint_and_placeholder():
    html = block_html(
        {
            "type": "input",
            "block_id": "b",
            "optional": True,
            "label": plain("Comment"),
            "hint": plain("What's behind it?"),
            "element": {
                "type": "plain_text_input",
                "placeholder": plain("Type here"),
                "multiline": True,
            },
        },
        CTX,
    )
    assert '<label>Comment <span class="optional">(optional)</span></label>' in html
    assert '<div class="textbox multiline"><span class="placeholder">Type here</span></div>' in html
    assert '<div class="hint">What&#x27;s behind it?</div>' in html


def test_inputs_show_their_initial_values():
    assert ">42<" in element_html({"type": "number_input", "initial_value": "42"}, CTX)
    assert "2026-12-07" in element_html({"type": "datepicker", "initial_date": "2026-12-07"}, CTX)
    assert "09:00" in element_html({"type": "timepicker", "initial_time": "09:00"}, CTX)


def test_image_block_from_a_url_or_an_uploaded_file():
    html = block_html(
        {
            "type": "image",
            "image_url": "https://x.org/c.png",
            "alt_text": "chart",
            "title": plain("Gaps"),
        },
        CTX,
    )
    assert '<div class="image-title">Gaps</div><img src="https://x.org/c.png" alt="chart"' in html
    with_file = Context(files={"F1": "preview-files/abc.png"})
    uploaded = block_html({"type": "image", "slack_file": {"id": "F1"}, "alt_text": "g"}, with_file)
    assert 'src="preview-files/abc.png"' in uploaded


def test_image_with_a_script_url_is_not_loaded():
    html = block_html({"type": "image", "image_url": "javascript:alert(1)", "alt_text": "x"}, CTX)
    assert "<img" not in html and "javascript" not in html


def test_rich_text_with_styles_lists_and_mentions():
    html = block_html(
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "hi ", "style": {"bold": True}},
                        {"type": "user", "user_id": "U0BEN"},
                    ],
                },
                {
                    "type": "rich_text_list",
                    "style": "ordered",
                    "elements": [
                        {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}
                    ],
                },
            ],
        },
        CTX,
    )
    assert "<b>hi </b>" in html and "@Ben Okafor" in html and "<ol><li>one</li></ol>" in html


def test_unknown_blocks_and_elements_are_labelled_not_dropped():
    assert "[video block]" in block_html({"type": "video"}, CTX)
    assert "[workflow_button]" in element_html({"type": "workflow_button"}, CTX)


def test_blocks_are_drawn_in_order():
    html = blocks_html([{"type": "header", "text": plain("A")}, {"type": "divider"}], CTX)
    assert html.index("header") < html.index("divider")


HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> <!channel>'


def hostile_blocks():
    """One block of every kind, and one of every element, all full of hostile text."""
    t, m = plain(HOSTILE), md(HOSTILE)
    opt = option(HOSTILE, "v")
    elements = [
        {"type": "button", "text": t, "url": 'https://x.org/"><script>', "confirm": {"title": t}},
        {"type": "static_select", "placeholder": t, "options": [opt], "initial_option": opt},
        {"type": "multi_static_select", "options": [opt], "initial_options": [opt]},
        {"type": "users_select", "initial_user": HOSTILE},
        {"type": "overflow", "options": [opt]},
        {"type": "radio_buttons", "options": [{**opt, "description": m}], "initial_option": opt},
        {"type": "checkboxes", "options": [opt], "initial_options": [opt]},
        {"type": "plain_text_input", "initial_value": HOSTILE},
        {"type": "number_input", "placeholder": t},
        {"type": "datepicker", "initial_date": HOSTILE},
        {"type": "image", "image_url": 'https://x.org/"onerror="1', "alt_text": HOSTILE},
        {"type": HOSTILE},
    ]
    return [
        {"type": "section", "text": m, "fields": [m, t], "accessory": elements[0]},
        {"type": "header", "text": t},
        {"type": "context", "elements": [m, t, elements[10]]},
        {"type": "actions", "elements": elements},
        {"type": "image", "image_url": "https://x.org/a.png", "alt_text": HOSTILE, "title": t},
        {"type": "input", "label": t, "hint": m, "element": elements[7]},
        {
            "type": "input",
            "block_id": "b",
            "label": t,
            "element": {**elements[7], "action_id": "a"},
        },
        {
            "type": "rich_text",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": HOSTILE}]}
            ],
        },
        {"type": HOSTILE},
    ]


def test_hostile_text_in_every_block_and_element_stays_escaped():
    assert set(blockkit.BLOCKS) <= {b["type"] for b in hostile_blocks()} | {"divider"}
    entered = Context(CTX.directory, state={"b": {"a": {"value": HOSTILE}}}, errors={"b": HOSTILE})
    html = blocks_html(hostile_blocks(), CTX) + blocks_html(hostile_blocks(), entered)
    assert "has-error" in html
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html  # plain text shows what was typed
    assert 'onerror="1' not in html  # the quote in the image URL cannot close the attribute
    for tag in re.findall(r"<([a-z]+)", html):
        assert tag in TAGS, tag
    for attributes in re.findall(r"<[a-z]+((?:\s[^>]*)?)>", html):
        names = re.findall(r'\s([a-z-]+)="[^"]*"', attributes)
        assert set(names) <= ATTRIBUTES, attributes


def test_input_shows_what_was_entered_and_its_error():
    block = {
        "type": "input",
        "block_id": "journey",
        "label": plain("Journey"),
        "element": {"type": "plain_text_input", "action_id": "j", "initial_value": "default"},
    }
    ctx = Context(
        state={"journey": {"j": {"type": "plain_text_input", "value": "Decision <b>"}}},
        errors={"journey": "Stage “Decision” has no touchpoints"},
    )
    html = block_html(block, ctx)
    assert '<div class="block input has-error">' in html
    assert "Decision &lt;b&gt;" in html and "default" not in html
    assert '<div class="error">⚠ Stage “Decision” has no touchpoints</div>' in html


def test_entered_values_replace_the_initial_ones_for_each_kind_of_element():
    chosen = option("3 · medium", "3")
    assert blockkit.entered(
        {"type": "static_select", "initial_option": option("1", "1")}, {"selected_option": chosen}
    ) == {"type": "static_select", "initial_option": chosen}
    assert blockkit.entered({"type": "users_select"}, {"selected_users": ["U1"]}) == {
        "type": "users_select",
        "initial_users": ["U1"],
    }
    assert blockkit.entered({"type": "datepicker"}, {"selected_date": "2026-12-24"}) == {
        "type": "datepicker",
        "initial_date": "2026-12-24",
    }
    untouched = {"type": "plain_text_input", "initial_value": "x"}
    assert blockkit.entered(untouched, {}) is untouched
