"""Typed button values and view metadata (bot/slack/values.py)."""

import json

import pytest

from bot.action_items.blocks import StatusValue
from bot.fixes.blocks.fixes import FixFormMetadata, FixMenu
from bot.slack.values import (
    MAX_ID,
    BadValue,
    PageValue,
    WorkshopMetadata,
    WorkshopValue,
    clicked_value,
    parse_id,
)
from bot.workshop.blocks.board import PhaseValue
from bot.workshop.blocks.results_posts import PostAgain
from storage.models import ActionStatus, Phase


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (12, 12),
        ("2147483647", MAX_ID),
        ("2147483648", None),  # past a 32-bit id: never sent by us, never sent to SQL
        ("9999999999", None),
        ("", None),
        ("0", None),
        ("-1", None),
        (" 12", None),  # int() would take these four
        ("+12", None),
        ("1_2", None),
        ("١٢", None),  # Arabic-Indic digits
        ("²", None),
        ("0012a", None),
        (True, None),
        (None, None),
        ([1], None),
        (1.0, None),
    ],
)
def test_parse_id_takes_only_what_our_surfaces_send(value, expected):
    if expected is None:
        with pytest.raises(BadValue):
            parse_id(value)
    else:
        assert parse_id(value) == expected


def test_values_are_written_as_their_fields_joined_by_a_bar_and_read_back():
    assert PhaseValue(workshop_id=12, phase=Phase.rating).encode() == "12|rating"
    assert PhaseValue.decode("12|rating") == PhaseValue(workshop_id=12, phase=Phase.rating)
    status = StatusValue(item_id=7, status=ActionStatus.in_progress)
    assert StatusValue.decode(status.encode()) == status == StatusValue.decode("7|in_progress")
    assert PageValue.decode("12|0") == PageValue(workshop_id=12, page=0)
    post = PostAgain(workshop_id=3, key="gaps", token="0123456789abcdef")
    assert PostAgain.decode("3|gaps|0123456789abcdef") == post


def test_a_trailing_field_with_a_default_may_be_left_out():
    # A `/workshop fixes` list drawn before it had pages sent "edit|12".
    assert FixMenu.decode("edit|12") == FixMenu(what="edit", fix_id=12, page=0)
    assert FixMenu.decode("merge|12|3").page == 3


@pytest.mark.parametrize(
    "raw",
    [
        None,
        7,
        "",
        "12",  # a part missing
        "12|rating|x",  # one too many
        "12|dancing",  # not a phase
        "x|rating",
        "-1|rating",
        f"{2**31}|rating",
        "12|rating ",
    ],
)
def test_anything_else_is_a_bad_value_not_a_crash(raw):
    with pytest.raises(BadValue):
        PhaseValue.decode(raw)


def test_menu_and_token_values_refuse_what_no_button_of_ours_writes():
    for raw in ("delete|12|0", "edit|12|-1", "edit||0", "edit|12|1000001"):
        with pytest.raises(BadValue):
            FixMenu.decode(raw)
    for raw in ("3|gaps|short", "3|Gaps|0123456789abcdef", "3|gaps|0123456789ABCDEF"):
        with pytest.raises(BadValue):
            PostAgain.decode(raw)


def test_a_value_that_cannot_be_written_compactly_is_refused_when_built():
    with pytest.raises(ValueError):
        PostAgain(workshop_id=1, key="a|b", token="0123456789abcdef")  # the pattern refuses
    with pytest.raises(ValueError):
        FixMenu(what="edit", fix_id=1, page=0).model_copy(update={"what": "x" * 200}).encode()


def test_the_clicked_value_is_a_buttons_or_the_chosen_options():
    assert clicked_value({"value": "12"}) == "12"
    assert clicked_value({"selected_option": {"value": "edit|1|0"}}) == "edit|1|0"
    assert WorkshopValue.of({"value": "12"}).workshop_id == 12
    with pytest.raises(BadValue):
        WorkshopValue.of({"selected_option": "12"})


def test_metadata_is_compact_json_of_the_fields_given():
    meta = FixFormMetadata(workshop_id=7, fix_id=None)
    assert json.loads(meta.encode()) == {"workshop_id": 7, "fix_id": None}
    assert FixFormMetadata.decode(meta.encode()) == meta
    assert WorkshopMetadata(channel_id="C1").encode() == '{"channel_id":"C1"}'


@pytest.mark.parametrize(
    "text",
    [
        None,
        7,
        "not json",
        "[1]",
        '{"workshop_id": "7"}',
        '{"workshop_id": -1}',
        '{"workshop_id": 1.5}',
    ],
)
def test_metadata_no_view_of_ours_wrote_reads_as_empty(text):
    with pytest.raises(BadValue):
        WorkshopMetadata.decode(text)
    assert WorkshopMetadata.read({"private_metadata": text}) == WorkshopMetadata()
    assert WorkshopMetadata.read({"private_metadata": text}).workshop_id is None


def test_metadata_past_slacks_limit_is_refused_when_built():
    with pytest.raises(ValueError, match="3,000"):
        WorkshopMetadata(channel_id="C" * 3000).encode()
