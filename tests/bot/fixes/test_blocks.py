import json

from bot.fixes.blocks.fixes import (
    FIXES_PER_LIST_PAGE,
    build_fix_list,
    build_fix_modal,
    build_merge_modal,
    build_remove_modal,
    fix_facts,
    format_gap,
)
from bot.slack import ids
from bot.slack.blocks import block_text_length, fits_message
from flows.fixes import MAX_FIX_TITLE
from flows.journey import StageChoices, TouchpointChoice
from storage.models import Effort, Impact
from tests.factories import fix_summary

STAGES = [
    StageChoices("Awareness", (TouchpointChoice(1, "Ads"), TouchpointChoice(2, "Search"))),
    StageChoices("Purchase", (TouchpointChoice(3, "Checkout"),)),
]


def fix(fix_id=1, touchpoint_id=3, title="Guest checkout", author="UA", **overrides):
    return fix_summary(
        fix_id, touchpoint_id=touchpoint_id, title=title, author_id=author, **overrides
    )


def rendered(blocks_or_view):
    if isinstance(blocks_or_view, list):
        return json.dumps([b.to_dict() for b in blocks_or_view], ensure_ascii=False)
    return json.dumps(blocks_or_view.to_dict(), ensure_ascii=False)


def test_gaps_use_a_true_minus_and_unrated_touchpoints_say_so():
    assert format_gap(-1.84) == "gap −1.8"
    assert format_gap(0.44) == "gap +0.4"
    assert format_gap(None) == "not rated"
    facts = fix_facts(fix(effort=Effort.small, impact=Impact.high), -2.0)
    assert facts == "_Purchase › Checkout_ · gap −2.0 · effort S · high impact"


def test_fix_form_lists_the_widest_gaps_first_then_the_unrated_touchpoints():
    view = build_fix_modal(7, "Onboarding", STAGES, {1: -1.5, 3: -2.26}).to_dict()
    select = next(b for b in view["blocks"] if b.get("block_id") == ids.FIX_TOUCHPOINT)
    groups = select["element"]["option_groups"]
    assert [g["label"]["text"] for g in groups] == ["Widest gap first", "Not rated yet"]
    # −2.26 is wider than −1.5: Checkout first, though it comes later in the journey
    assert [(o["text"]["text"], o["value"]) for o in groups[0]["options"]] == [
        ("Checkout (Purchase) · gap −2.3", "3"),
        ("Ads (Awareness) · gap −1.5", "1"),
    ]
    assert [o["text"]["text"] for o in groups[1]["options"]] == ["Search (Awareness) · not rated"]
    assert view["title"]["text"] == "Propose a fix" and view["submit"]["text"] == "Propose"
    assert json.loads(view["private_metadata"]) == {
        "workshop_id": 7,
        "fix_id": None,
    }
    assert "experience − expectation" in rendered(build_fix_modal(7, "W", STAGES, {1: -1.0}))


def test_fix_form_without_ratings_shows_plain_touchpoints():
    view = build_fix_modal(7, "Onboarding", STAGES, {}, title="x" * 200).to_dict()
    select = next(b for b in view["blocks"] if b.get("block_id") == ids.FIX_TOUCHPOINT)
    assert select["element"]["option_groups"][0]["options"][0]["text"]["text"] == "Ads"
    title = next(b for b in view["blocks"] if b.get("block_id") == ids.FIX_TITLE)
    assert len(title["element"]["initial_value"]) == 120
    assert "gap" not in rendered(build_fix_modal(7, "W", STAGES, {}))


def test_fix_form_holds_a_hundred_touchpoints_with_long_names():
    stages = [
        StageChoices(f"Stage {s}", tuple(TouchpointChoice(s * 10 + t, "T" * 60) for t in range(10)))
        for s in range(11)  # one stage more than a select can hold
    ]
    view = build_fix_modal(7, "W", stages, {s * 10: -6.0 for s in range(10)}).to_dict()
    select = next(b for b in view["blocks"] if b.get("block_id") == ids.FIX_TOUCHPOINT)
    options = [o for g in select["element"]["option_groups"] for o in g["options"]]
    assert len(options) == 100
    assert all(len(o["text"]["text"]) <= 75 for o in options)


def test_editing_prefills_every_field():
    existing = fix(description="No account", effort=Effort.large, impact=Impact.low)
    view = build_fix_modal(7, "W", STAGES, {}, fix=existing).to_dict()
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert by_id[ids.FIX_TITLE]["element"]["initial_value"] == "Guest checkout"
    assert by_id[ids.FIX_TOUCHPOINT]["element"]["initial_option"]["value"] == "3"
    assert by_id[ids.FIX_DESCRIPTION]["element"]["initial_value"] == "No account"
    assert by_id[ids.FIX_EFFORT]["element"]["initial_option"]["value"] == "L"
    assert by_id[ids.FIX_IMPACT]["element"]["initial_option"]["value"] == "low"
    assert (
        view["title"]["text"] == "Edit fix" and json.loads(view["private_metadata"])["fix_id"] == 1
    )


def list_blocks(fixes, **overrides):
    options = {
        "manageable": set(),
        "can_merge": False,
        "proposing_open": True,
        "voting_open": False,
        "tallies": None,
    } | overrides
    return build_fix_list(7, "Onboarding", fixes, {3: -1.2}, **options)


def test_fix_list_offers_menus_only_to_whoever_may_use_them():
    fixes = [fix(1, author="UA"), fix(2, title="Other", author="UB")]
    blocks = list_blocks(fixes, manageable={1})
    menus = {b.block_id: b.accessory for b in blocks if getattr(b, "accessory", None)}
    assert list(menus) == ["fix-1"]
    assert [o.value for o in menus["fix-1"].options] == ["edit|1|0", "remove|1|0"]
    facilitator = list_blocks(fixes, manageable={1, 2}, can_merge=True)
    menus = [b.accessory for b in facilitator if getattr(b, "accessory", None)]
    assert [o.value for o in menus[1].options] == ["edit|2|0", "remove|2|0", "merge|2|0"]
    text = rendered(blocks)
    assert "proposed by <@UA>" in text and "gap −1.2" in text
    assert (
        "votes stay hidden until voting closes" in text
        and "vote" not in text.split("closes")[1][:0]
    )
    assert blocks[-1].elements[0].action_id == ids.FIX_PROPOSE


def test_fix_list_shows_votes_only_when_tallies_may_be_seen():
    hidden = rendered(list_blocks([fix(1)]))
    assert "1 vote" not in hidden
    shown = rendered(list_blocks([fix(1)], tallies={1: 4}, proposing_open=False, voting_open=True))
    assert "*4 votes*" in shown and '"action_id": "vote_open"' in shown


def test_fix_list_pages_within_the_message_budget():
    """A page of the longest fixes possible, titles and details full of characters that
    escaping lengthens, is within 50 blocks and 10,000 characters, and pages on."""
    worst = "&<>" * 40
    fixes = [
        fix(n, title=worst[:MAX_FIX_TITLE], description="<&>" * 700)
        for n in range(1, FIXES_PER_LIST_PAGE + 1)
    ]
    blocks = list_blocks(fixes, total=500, page=3, manageable={f.id for f in fixes}, can_merge=True)
    assert fits_message(blocks)
    assert block_text_length(blocks) > 8_000  # the budget is not met by leaving things out
    assert "page 4 of 34" in rendered(blocks)
    pager = blocks[-1].elements
    assert [(b.action_id, b.value) for b in pager[:2]] == [
        (ids.FIX_LIST_PREVIOUS, "7|2"),
        (ids.FIX_LIST_NEXT, "7|4"),
    ]
    rows = [b for b in blocks if getattr(b, "accessory", None)]
    assert len(rows) == FIXES_PER_LIST_PAGE
    assert all(b.text.text.count("&amp;") > 10 and "&am…" not in b.text.text for b in rows)
    assert [o.value for o in rows[0].accessory.options] == ["edit|1|3", "remove|1|3", "merge|1|3"]
    last = list_blocks(fixes[:5], total=500, page=33)
    assert [b.action_id for b in last[-1].elements] == [ids.FIX_LIST_PREVIOUS, ids.FIX_PROPOSE]


def test_remove_and_merge_forms():
    removal = rendered(build_remove_modal(fix(), "https://hooks.slack.com/x", 4))
    assert "Remove *Guest checkout* (Purchase › Checkout)?" in removal
    assert "go back to their voters" in removal
    assert '"list_page\\":4' in removal
    view = build_merge_modal(fix(1, title="Dup"), 2).to_dict()
    select = next(b for b in view["blocks"] if b.get("block_id") == ids.FIX_MERGE_TARGET)
    # a search over every fix, answered by the bot (block_suggestion), offered on opening
    assert select["element"] == {
        "type": "external_select",
        "action_id": ids.FIX_MERGE_SEARCH,
        "placeholder": {"type": "plain_text", "text": "Choose or search a fix", "emoji": True},
        "min_query_length": 0,
    }
    assert "more than 2 votes on one fix" in json.dumps(view)
