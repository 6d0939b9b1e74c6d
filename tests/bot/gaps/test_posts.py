import json

import pytest

from bot.gaps.blocks import RoundValue
from bot.gaps.views import first_input_block, form_target, go_to_choice
from bot.slack import ids
from bot.slack.values import BadValue


def test_round_button_values():
    assert RoundValue.decode("12|3") == RoundValue(workshop_id=12, round=3)
    assert RoundValue(workshop_id=12, round=3).encode() == "12|3"
    for bad in ("12", "12|", "|3", "a|b", "12|3|4", "12|-1", None, 7):
        with pytest.raises(BadValue):
            RoundValue.decode(bad)


def test_form_target_reads_only_sound_metadata():
    view = lambda meta: {"private_metadata": json.dumps(meta)}  # noqa: E731
    assert form_target(view({"w": 7, "p": 0, "t": [1, 2]})) == (7, [1, 2])
    assert form_target(view({"w": 7, "t": list(range(1, 20))})) is None  # no page is that long
    assert form_target(view({"w": "x", "t": [1]})) is None
    assert form_target(view({"w": 7, "t": "12"})) is None
    assert form_target(view({"w": 7, "t": [1, "junk"]})) is None
    assert form_target({"private_metadata": "not json"}) is None


def test_where_form_level_errors_go_and_the_go_to_choice():
    assert (
        first_input_block({"blocks": [{"type": "section"}, {"type": "input", "block_id": "a"}]})
        == "a"
    )
    assert first_input_block({"blocks": "junk"}) == ids.RATE_GO_TO
    state = {f"{ids.RATE_GO_TO}:1:4": {ids.INPUT: {"selected_option": {"value": "3"}}}}
    assert go_to_choice(state) == "3"
    assert go_to_choice({}) is None
