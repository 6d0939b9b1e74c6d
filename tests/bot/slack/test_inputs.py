"""The shared form inputs: what Slack receives, with nothing unset sent."""

from slack_sdk.models.blocks import Option, OptionGroup

from bot.slack import ids
from bot.slack.inputs import select_input, text_input, whole_number_input

LABEL = {"type": "plain_text", "text": "Title", "emoji": True}


def test_a_text_input_sends_only_what_was_given():
    assert text_input("title", "Title", max_length=80).to_dict() == {
        "type": "input",
        "block_id": "title",
        "label": LABEL,
        "element": {"type": "plain_text_input", "action_id": ids.INPUT, "max_length": 80},
    }


def test_a_text_input_with_everything():
    data = text_input(
        "title",
        "Title",
        max_length=3000,
        initial_value="Onboarding",
        placeholder="e.g. Checkout",
        multiline=True,
        optional=True,
        hint="One per line.",
    ).to_dict()
    assert data["optional"] is True and data["hint"]["text"] == "One per line."
    element = data["element"]
    assert element["initial_value"] == "Onboarding" and element["multiline"] is True
    assert element["placeholder"]["text"] == "e.g. Checkout" and element["max_length"] == 3000


def test_a_select_input_chooses_its_initial_option():
    options = [Option(value="a", text="A"), Option(value="b", text="B")]
    data = select_input(
        "pick", "Pick", options=options, initial_option=options[1], dispatch_action=True
    ).to_dict()
    assert data["dispatch_action"] is True and "optional" not in data
    element = data["element"]
    assert element["type"] == "static_select" and element["action_id"] == ids.INPUT
    assert [o["value"] for o in element["options"]] == ["a", "b"]
    assert element["initial_option"]["value"] == "b"


def test_a_select_input_takes_option_groups():
    groups = [OptionGroup(label="G", options=[Option(value="a", text="A")])]
    element = select_input("pick", "Pick", option_groups=groups, placeholder="Choose").to_dict()[
        "element"
    ]
    assert element["option_groups"][0]["options"][0]["value"] == "a"
    assert "options" not in element and "initial_option" not in element
    assert element["placeholder"]["text"] == "Choose"


def test_a_whole_number_input_refuses_decimals_and_keeps_its_bounds():
    data = whole_number_input(
        "votes", "Votes", min_value="1", max_value="20", initial_value="3"
    ).to_dict()
    assert data["element"] == {
        "type": "number_input",
        "action_id": ids.INPUT,
        "is_decimal_allowed": False,
        "initial_value": "3",
        "min_value": "1",
        "max_value": "20",
    }
