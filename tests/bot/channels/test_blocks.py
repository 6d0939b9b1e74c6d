"""The channel form and the results per channel, as Block Kit (each builder on its own)."""

from bot.channels.blocks import (
    CHANNELS_PAGE_SIZE,
    build_channel_results,
    build_channels_modal,
    channel_pages,
    channel_results_text,
    channel_table,
    channels_saved_text,
    stage_spread_table,
)
from flows.channels import TouchpointChannel, summarise_channels
from storage.models import Channel
from tests.factories import sums
from tests.helpers import rendered


def items(count, stages=1):
    per = -(-count // stages)
    return [
        TouchpointChannel(n, f"Touchpoint {n}", f"Stage {n // per}", Channel.web if n % 2 else None)
        for n in range(count)
    ]


def example():
    """Stage 1 (Find): touchpoints 1 web (gaps −3, −1), 2 app (+1), 3 web (−2).
    Stage 2 (Buy): touchpoint 4 store (0, −3)."""
    journey = [(1, 10, "Find"), (2, 10, "Find"), (3, 10, "Find"), (4, 20, "Buy")]
    channels = {1: Channel.web, 2: Channel.app, 3: Channel.web, 4: Channel.store}
    ratings = {1: sums(-3, -1), 2: sums(1), 3: sums(-2), 4: sums(0, -3)}
    return summarise_channels(7, "Onboarding", 1, journey, channels, ratings)


def test_the_form_has_a_select_per_touchpoint_with_its_channel():
    view = build_channels_modal(7, "Onboarding", "C1", items(5)).to_dict()
    selects = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in selects] == [f"channel:{n}" for n in range(5)]
    assert all(b["optional"] for b in selects)
    assert "initial_option" not in selects[0]["element"]
    assert selects[1]["element"]["initial_option"]["value"] == "web"
    assert len(selects[0]["element"]["options"]) == 9
    assert view["submit"]["text"] == "Save"


def test_the_form_is_paged_far_below_the_modal_block_limit():
    journey = items(100, stages=10)
    assert channel_pages(journey) == 3
    for page in range(3):
        view = build_channels_modal(7, "Onboarding", "C1", journey, page).to_dict()
        assert len(view["blocks"]) <= 100
        inputs = [b for b in view["blocks"] if b["type"] == "input"]
        assert len(inputs) == min(CHANNELS_PAGE_SIZE, 100 - page * CHANNELS_PAGE_SIZE)
        assert view["submit"]["text"] == ("Save" if page == 2 else "Save and next")
        assert f"page {page + 1} of 3" in view["blocks"][0]["text"]["text"]


def test_results_name_the_worst_served_channel_and_the_least_consistent_stage():
    results = example()
    text = rendered(build_channel_results(results))
    # web: (−3 − 1 − 2) / 3 = −2.0 → missed by 2.0
    assert "served worst through *Web*: expectations missed by *2.0* points" in text
    # Find: app +1.0 − web −2.0 = 3.0
    assert "Least consistent stage: *Find*, where channels differ by *3.0* points" in text
    assert channel_table(results).split("\n") == [
        "Channel    Touchpoints   n    Gap",
        "Web                  2   3   -2.0",
        "Store                1   2   -1.5",
        "App                  1   1   +1.0",
    ]
    assert stage_spread_table(results).split("\n") == [
        "Stage               Spread  Worst served",
        "Find                   3.0  Web -2.0",
        "Buy                      –  Store -1.5",
    ]
    assert channel_results_text(results) == (
        "Channels, round 1: served worst through Web (mean gap −2.0)."
    )


def test_results_when_every_channel_meets_expectations():
    journey = [(1, 10, "Find"), (2, 10, "Find")]
    results = summarise_channels(
        7, "T", 1, journey, {1: Channel.web, 2: Channel.app}, {1: sums(1), 2: sums(2)}
    )
    assert "Every channel meets expectations on average; the lowest is *Web* at *+1.0*" in (
        rendered(build_channel_results(results))
    )


def test_no_ratings_yet():
    results = summarise_channels(7, "T", 1, [(1, 10, "Find")], {1: Channel.web}, {})
    assert "No touchpoint with a channel has ratings in round 1 yet." in rendered(
        build_channel_results(results)
    )


def test_saved_text():
    assert channels_saved_text("<T>", 0) == "No channel changed in *&lt;T&gt;*."
    assert channels_saved_text("T", 2).startswith("Saved the channels of 2 touchpoints in *T*.")
