from bot.slack.blocks import page_buttons


def labels_and_values(buttons):
    return [(b.text.text, b.action_id, b.value) for b in buttons]


def test_the_first_of_several_pages_leads_only_forward():
    assert labels_and_values(page_buttons(0, 3, "prev", "next")) == [("Next ▶", "next", "1")]


def test_a_middle_page_leads_both_ways_with_the_workshop_before_the_page():
    assert labels_and_values(page_buttons(1, 3, "prev", "next", workshop_id=42)) == [
        ("◀ Previous", "prev", "42|0"),
        ("Next ▶", "next", "42|2"),
    ]


def test_the_last_page_leads_only_back_and_a_single_page_nowhere():
    assert labels_and_values(page_buttons(2, 3, "prev", "next")) == [("◀ Previous", "prev", "1")]
    assert page_buttons(0, 1, "prev", "next") == []
