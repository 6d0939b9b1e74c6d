from bot.slack.blocks import danger_button


def test_a_destructive_button_is_red_and_confirmed_first():
    button = danger_button(
        "Delete",
        "delete_it",
        "12",
        title="Delete it?",
        question="Gone for good.",
        confirm="Yes",
        deny="No",
    )
    assert button.to_dict() == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Delete", "emoji": True},
        "action_id": "delete_it",
        "value": "12",
        "style": "danger",
        "confirm": {
            "title": {"type": "plain_text", "text": "Delete it?", "emoji": True},
            "text": {"type": "mrkdwn", "text": "Gone for good."},
            "confirm": {"type": "plain_text", "text": "Yes", "emoji": True},
            "deny": {"type": "plain_text", "text": "No", "emoji": True},
        },
    }
