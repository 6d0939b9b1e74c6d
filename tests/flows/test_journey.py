import re

import pytest

from flows.journey import (
    DEFAULT_JOURNEY,
    MAX_TOUCHPOINTS,
    JourneyParseError,
    StageSpec,
    format_journey,
    parse_journey,
)


def test_default_journey_round_trips_through_text():
    assert parse_journey(format_journey(DEFAULT_JOURNEY)) == list(DEFAULT_JOURNEY)


def test_default_journey_has_the_five_classic_stages():
    assert [stage.name for stage in DEFAULT_JOURNEY] == [
        "Awareness",
        "Consideration",
        "Decision",
        "Purchase",
        "Post-purchase / Loyalty",
    ]


def test_parse_trims_spaces_and_skips_blank_lines():
    text = "  Awareness :  Ads ,  Search  \n\n Purchase: Checkout,,\n"
    assert parse_journey(text) == [
        StageSpec("Awareness", ("Ads", "Search")),
        StageSpec("Purchase", ("Checkout",)),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one stage"),
        ("Awareness", "“Awareness” (line 1) has no touchpoints"),
        ("Awareness: Ads\nDecision:  , ", "“Decision” (line 2) has no touchpoints"),
        (": Ads", "Line 1 has no stage name"),
        ("A: x\nA: y", "Duplicate stage: “A”"),
        ("A: Web, web", "Duplicate touchpoint in “A”: “web”"),
        ("A: " + "x" * 61, "at most 60 characters"),
        ("\n".join(f"S{i}: t" for i in range(11)), "At most 10 stages"),
        ("A: " + ",".join(f"t{i}" for i in range(16)), "at most 15 per stage"),
    ],
)
def test_parse_rejects_bad_journeys_with_a_clear_reason(text, message):
    with pytest.raises(JourneyParseError, match=re.escape(message)):
        parse_journey(text)


def test_total_touchpoints_are_capped_to_fit_a_select_menu():
    stages = "\n".join(f"S{s}: " + ",".join(f"t{t}" for t in range(15)) for s in range(7))
    with pytest.raises(JourneyParseError, match=f"At most {MAX_TOUCHPOINTS} touchpoints"):
        parse_journey(stages)  # 7 × 15 = 105
