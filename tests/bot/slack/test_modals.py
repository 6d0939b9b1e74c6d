"""The one modal builder: what Slack receives, with nothing unset sent."""

from slack_sdk.models.blocks import DividerBlock

from bot.slack.modals import modal


def test_a_form_has_its_callback_buttons_and_metadata():
    assert modal(
        "Set a deadline",
        [DividerBlock()],
        callback_id="deadline",
        submit="Set deadline",
        close="Cancel",
        private_metadata='{"workshop_id":3}',
    ).to_dict() == {
        "type": "modal",
        "callback_id": "deadline",
        "title": {"type": "plain_text", "text": "Set a deadline"},
        "submit": {"type": "plain_text", "text": "Set deadline"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": '{"workshop_id":3}',
        "blocks": [{"type": "divider"}],
    }


def test_a_notice_sends_only_its_title_close_and_blocks():
    assert modal("Not removed", [DividerBlock()], close="OK").to_dict() == {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Not removed"},
        "close": {"type": "plain_text", "text": "OK"},
        "blocks": [{"type": "divider"}],
    }
