"""Block Kit rules shared by the stand-in and the simulator (no HTTP involved)."""

from __future__ import annotations

import datetime as dt

import pytest

from standin import blockkit


def select(**extra: object) -> dict:
    options = [{"text": {"type": "plain_text", "text": v}, "value": v} for v in ("a", "b")]
    return {"type": "static_select", "action_id": "s", "options": options, **extra}


def test_validation_messages_point_at_the_problem() -> None:
    blocks = [
        {"type": "actions", "block_id": "x", "elements": [select(initial_option={"value": "z"})]},
        {"type": "divider", "block_id": "x"},
        {"type": "sectoin", "text": {"type": "mrkdwn", "text": "typo"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": ""}},
        {
            "type": "actions",
            "elements": [{"type": "button", "text": {"type": "mrkdwn", "text": "b"}}],
        },
    ]
    assert blockkit.validate_blocks(blocks, max_blocks=50) == [
        "[ERROR] must match one of the provided options "
        "[json-pointer:/blocks/0/elements/0/initial_option]",
        "[ERROR] duplicate block_id: x [json-pointer:/blocks/1/block_id]",
        "[ERROR] unsupported type: sectoin [json-pointer:/blocks/2/type]",
        "[ERROR] must be more than 0 characters [json-pointer:/blocks/3/text/text]",
        "[ERROR] must be one of: plain_text [json-pointer:/blocks/4/elements/0/text/type]",
    ]
    assert blockkit.validate_blocks({"type": "divider"}, max_blocks=50) == [
        "[ERROR] must be an array [json-pointer:/blocks]"
    ]


def test_home_views_need_no_title_but_modals_do() -> None:
    assert blockkit.validate_view({"type": "home", "blocks": []}, view_type="home") == []
    assert blockkit.validate_view({"type": "modal", "blocks": []}, view_type="modal") == [
        "[ERROR] missing required field [json-pointer:/view/title]"
    ]
    assert blockkit.validate_view({"type": "home", "blocks": []}, view_type="modal") == [
        "[ERROR] must be one of: modal [json-pointer:/view/type]"
    ]


def test_normalize_fills_in_missing_ids_without_touching_the_input() -> None:
    anonymous = {"type": "button", "text": {"type": "plain_text", "text": "Go"}}
    blocks = [
        {"type": "actions", "elements": [anonymous, select()]},
        {"type": "section", "block_id": "mine", "text": {"type": "mrkdwn", "text": "t"}},
    ]
    ids = iter(["id1", "id2"])
    normalized = blockkit.normalize_blocks(blocks, lambda: next(ids))
    assert [b["block_id"] for b in normalized] == ["id1", "mine"]
    assert [e["action_id"] for e in normalized[0]["elements"]] == ["id2", "s"]
    assert "block_id" not in blocks[0] and "action_id" not in anonymous


def test_state_conversions_reject_values_a_user_could_not_enter() -> None:
    with pytest.raises(ValueError, match="valid values: \\['a', 'b'\\]"):
        blockkit.state_from_value(select(), "c")
    with pytest.raises(ValueError):
        blockkit.state_from_value({"type": "datepicker", "action_id": "d"}, "17/05/2024")
    with pytest.raises(ValueError):
        blockkit.state_from_value({"type": "timepicker", "action_id": "t"}, "9.30am")
    external = blockkit.state_from_value({"type": "external_select", "action_id": "e"}, "x")
    assert external["selected_option"]["value"] == "x"
    rich = blockkit.state_from_value({"type": "rich_text_input", "action_id": "r"}, "hi")
    assert rich["rich_text_value"]["elements"][0]["elements"][0] == {"type": "text", "text": "hi"}
    picked = blockkit.state_from_value(
        {"type": "datepicker", "action_id": "d"}, dt.date(2024, 1, 2)
    )
    assert picked["selected_date"] == "2024-01-02"


def test_overflow_actions_need_a_selection() -> None:
    overflow = {"type": "overflow", "action_id": "o", "options": select()["options"]}
    block = {"type": "section", "block_id": "b", "accessory": overflow}
    action = blockkit.action_payload(block, overflow, "b", "1.0")
    assert action["selected_option"]["value"] == "b" and action["block_id"] == "b"
    with pytest.raises(ValueError, match="needs selected"):
        blockkit.action_payload(block, overflow, None, "1.0")
