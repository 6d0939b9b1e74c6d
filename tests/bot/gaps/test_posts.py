import json

import pytest

from bot.gaps.blocks import RoundValue
from bot.gaps.views import first_input_block, form_target, read_answers
from bot.slack import ids
from bot.slack.values import BadValue
from flows.gaps.ratings import RawAnswer


def test_round_button_values():
    assert RoundValue.decode("12|3") == RoundValue(workshop_id=12, round=3)
    assert RoundValue(workshop_id=12, round=3).encode() == "12|3"
    for bad in ("12", "12|", "|3", "a|b", "12|3|4", "12|-1", None, 7):
        with pytest.raises(BadValue):
            RoundValue.decode(bad)


def test_form_target_reads_only_sound_metadata():
    view = lambda meta: {"private_metadata": json.dumps(meta)}  # noqa: E731
    assert form_target(view({"w": 7, "p": 0, "t": [1, 2]})) == (7, 0, [1, 2])
    assert form_target(view({"w": 7, "p": 2, "t": [1, 2, 3, 4, 5]})) is None  # pages hold 4
    assert form_target(view({"w": 7, "t": [1]})) is None  # no page
    assert form_target(view({"w": 7, "p": True, "t": [1]})) is None
    assert form_target(view({"w": "7", "p": 0, "t": [1]})) is None  # a number written as text
    assert form_target(view({"w": "x", "p": 0, "t": [1]})) is None
    assert form_target(view({"w": 7, "p": 0, "t": "12"})) is None
    assert form_target(view({"w": 7, "p": 0, "t": [1, "junk"]})) is None
    assert form_target({"private_metadata": "not json"}) is None


def test_where_form_level_errors_go():
    assert (
        first_input_block({"blocks": [{"type": "section"}, {"type": "input", "block_id": "a"}]})
        == "a"
    )
    assert first_input_block({"blocks": "junk"}) == "form"


def test_skipped_scores_read_as_blank():
    select = lambda value: {ids.INPUT: {"selected_option": {"value": value}}}  # noqa: E731
    state = {"expectation:5": select("6"), "experience:5": select("skip")}
    assert read_answers(state, [5]) == {5: RawAnswer("6", None)}
    assert read_answers({}, [5]) == {5: RawAnswer(None, None)}
