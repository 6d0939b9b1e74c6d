import json

import pytest

from bot.slack import ids
from bot.slack.blocks import escape, fits_message
from bot.stakeholders.blocks import (
    LIST_PAGE_SIZE,
    RATING_PAGE_SIZE,
    build_grid_message,
    build_notice_modal,
    build_rating_modal,
    build_remove_modal,
    build_stakeholder_list,
    build_stakeholder_modal,
    format_score,
    grid_message_text,
)
from bot.workshop.blocks.board import build_board
from flows.board import BoardSummary
from flows.journey import StageChoices, TouchpointChoice
from flows.stakeholders import (
    NAME_FIELD,
    NOTE_FIELD,
    TOUCHPOINTS_FIELD,
    ListedStakeholder,
    RatingItem,
    RatingPage,
    RemovalPreview,
    StakeholderForm,
    StakeholderList,
    StakeholderSpec,
)
from storage.models import Attitude, Phase, StakeholderCategory
from tests.grid_factory import demo_grid, entry, grid
from tests.helpers import rendered

STAGES = (
    StageChoices("Find", (TouchpointChoice(11, "Ads"), TouchpointChoice(12, "Search"))),
    StageChoices("Buy", (TouchpointChoice(21, "Checkout"),)),
)


def block(view_or_blocks, block_id):
    blocks = view_or_blocks.blocks if hasattr(view_or_blocks, "blocks") else view_or_blocks
    return next(b for b in blocks if b.block_id == block_id).to_dict()


# Board ---------------------------------------------------------------------------------------


def board(phase):
    return BoardSummary(7, "T1", "C1", "Onboarding", phase, ["UF"], 3, [], [])


def test_the_board_offers_add_and_rate_during_the_stakeholders_phase_only():
    actions = next(b for b in build_board(board(Phase.stakeholders)) if b.type == "actions")
    assert [(e.action_id, e.text.text, e.value) for e in actions.elements] == [
        (ids.ADD_STAKEHOLDER, "Add stakeholder", "7"),
        (ids.RATE_STAKEHOLDERS, "Rate stakeholders", "7"),
    ]
    assert ids.ADD_STAKEHOLDER not in rendered(build_board(board(Phase.rating)))


# Add / edit ----------------------------------------------------------------------------------


def test_block_ids_are_the_flows_field_names():
    assert (ids.STAKEHOLDER_NAME, ids.STAKEHOLDER_NOTE, ids.STAKEHOLDER_TOUCHPOINTS) == (
        NAME_FIELD,
        NOTE_FIELD,
        TOUCHPOINTS_FIELD,
    )


def test_add_modal_asks_for_everything_with_touchpoints_by_stage():
    view = build_stakeholder_modal(StakeholderForm(7, STAGES))
    data = view.to_dict()  # validates Slack's limits
    assert (data["callback_id"], data["title"]["text"], data["submit"]["text"]) == (
        ids.STAKEHOLDER_MODAL,
        "Add a stakeholder",
        "Add",
    )
    assert json.loads(view.private_metadata) == {"workshop_id": 7}
    name = block(view, ids.STAKEHOLDER_NAME)
    assert name["element"]["max_length"] == 80 and "initial_value" not in name["element"]
    categories = block(view, ids.STAKEHOLDER_CATEGORY)["element"]["options"]
    assert [o["value"] for o in categories] == [c.value for c in StakeholderCategory]
    attitude = block(view, ids.STAKEHOLDER_ATTITUDE)["element"]
    assert attitude["type"] == "radio_buttons"
    assert attitude["initial_option"]["value"] == "neutral"
    assert block(view, ids.STAKEHOLDER_NOTE)["optional"] is True
    touchpoints = block(view, ids.STAKEHOLDER_TOUCHPOINTS)
    assert touchpoints["optional"] is True
    groups = touchpoints["element"]["option_groups"]
    assert [(g["label"]["text"], [o["value"] for o in g["options"]]) for g in groups] == [
        ("Find", ["11", "12"]),
        ("Buy", ["21"]),
    ]


def test_edit_modal_is_prefilled():
    spec = StakeholderSpec(
        "CFO", StakeholderCategory.executive, Attitude.blocker, "Signs the budget", (21, 11)
    )
    view = build_stakeholder_modal(StakeholderForm(7, STAGES, stakeholder_id=42, spec=spec))
    data = view.to_dict()
    assert (data["title"]["text"], data["submit"]["text"]) == ("Edit stakeholder", "Save changes")
    assert json.loads(view.private_metadata) == {"workshop_id": 7, "stakeholder_id": 42}
    assert block(view, ids.STAKEHOLDER_NAME)["element"]["initial_value"] == "CFO"
    category = block(view, ids.STAKEHOLDER_CATEGORY)["element"]["initial_option"]
    assert category["value"] == "executive"
    assert block(view, ids.STAKEHOLDER_ATTITUDE)["element"]["initial_option"]["value"] == "blocker"
    assert block(view, ids.STAKEHOLDER_NOTE)["element"]["initial_value"] == "Signs the budget"
    initial = block(view, ids.STAKEHOLDER_TOUCHPOINTS)["element"]["initial_options"]
    assert [(o["value"], o["text"]["text"]) for o in initial] == [("11", "Ads"), ("21", "Checkout")]


def test_a_journey_without_touchpoints_leaves_the_select_out():
    view = build_stakeholder_modal(StakeholderForm(7, ()))
    assert ids.STAKEHOLDER_TOUCHPOINTS not in [b.block_id for b in view.blocks]


# Rating --------------------------------------------------------------------------------------


def rating_item(number, influence=None, interest=None, name=None, note=""):
    return RatingItem(
        number,
        name or f"Stakeholder {number}",
        StakeholderCategory.partner,
        Attitude.supporter,
        note,
        influence,
        interest,
    )


def test_rating_modal_shows_earlier_answers_and_the_next_page_button():
    items = (rating_item(5, 4, 2), rating_item(6))
    view = build_rating_modal(RatingPage(7, "Onboarding", items, page=1, pages=2, total=17))
    data = view.to_dict()
    assert (data["callback_id"], data["submit"]["text"]) == (ids.RATING_MODAL, "Save & next page")
    assert json.loads(view.private_metadata) == {"workshop_id": 7, "last_id": 6}
    assert "Page 1 of 2 · 17 stakeholders" in rendered(view.blocks)
    influence = block(view, "influence:5")
    assert influence["optional"] is True
    assert influence["element"]["initial_option"]["value"] == "4"
    assert [o["value"] for o in influence["element"]["options"]] == ["1", "2", "3", "4", "5"]
    assert block(view, "interest:5")["element"]["initial_option"]["value"] == "2"
    assert "initial_option" not in block(view, "influence:6")["element"]


def test_last_rating_page_saves_and_a_single_page_shows_no_page_count():
    view = build_rating_modal(RatingPage(7, "W", (rating_item(1),), page=1, pages=1, total=1))
    assert view.to_dict()["submit"]["text"] == "Save ratings"
    assert "Page " not in rendered(view.blocks)


def test_a_full_rating_page_stays_well_inside_the_view_limits():
    items = tuple(
        rating_item(n, 3, 3, name="N" * 80, note="<!channel> & " + "x" * 186)
        for n in range(RATING_PAGE_SIZE)
    )
    view = build_rating_modal(RatingPage(7, "W", items, page=1, pages=3, total=40))
    data = view.to_dict()
    assert len(data["blocks"]) == 2 + 3 * RATING_PAGE_SIZE <= 100
    assert len(json.dumps(data).encode()) < 50_000  # Slack allows 250 kB
    assert "&lt;!channel&gt; &amp;" in json.dumps(data)


# Removing, notices ---------------------------------------------------------------------------


def test_remove_modal_says_what_goes():
    view = build_remove_modal(RemovalPreview(42, "CFO", 5))
    data = view.to_dict()
    assert (data["callback_id"], data["submit"]["text"]) == (ids.REMOVE_STAKEHOLDER_MODAL, "Remove")
    assert json.loads(view.private_metadata) == {"stakeholder_id": 42}
    assert (
        "Remove *CFO* from the workshop and the 5 ratings given to them too? "
        "This cannot be undone." in rendered(view.blocks)
    )
    one = rendered(build_remove_modal(RemovalPreview(42, "CFO", 1)).blocks)
    assert "Remove *CFO* from the workshop and the rating given to them too?" in one
    none = rendered(build_remove_modal(RemovalPreview(42, "CFO", 0)).blocks)
    assert "Remove *CFO* from the workshop? This cannot be undone." in none


def test_notice_modal_fits_its_title():
    data = build_notice_modal("A title much longer than twenty-four", "Text").to_dict()
    assert len(data["title"]["text"]) == 24 and "submit" not in data


# The list ------------------------------------------------------------------------------------


def listed(number, can_manage=True, note=""):
    return ListedStakeholder(
        number, f"S{number}", StakeholderCategory.customer, Attitude.neutral, note, "UA", can_manage
    )


def test_list_offers_edit_and_remove_only_where_allowed():
    listing = StakeholderList(7, "Onboarding", True, 2, 0, (listed(1), listed(2, False)))
    blocks = build_stakeholder_list(listing)
    data = [b.to_dict() for b in blocks]
    menus = [d.get("accessory") for d in data[1:]]
    assert [o["value"] for o in menus[0]["options"]] == ["edit|1|0", "remove|1|0"]
    assert [d["block_id"] for d in data[1:3]] == ["stakeholder:1", "stakeholder:2"]
    assert menus[0]["action_id"] == ids.STAKEHOLDER_MENU
    assert menus[1] is None
    assert "*S1* · Customer · :white_circle: Neutral · added by <@UA>" in rendered(blocks)


def test_a_long_list_pages_within_the_message_limit():
    page = tuple(listed(n) for n in range(LIST_PAGE_SIZE))
    blocks = build_stakeholder_list(StakeholderList(7, "W", False, 130, 40, page))
    assert len(blocks) <= 50
    buttons = [e for b in blocks if b.type == "actions" for e in b.elements]
    assert [(b.action_id, b.value) for b in buttons] == [
        (ids.STAKEHOLDER_LIST_PREVIOUS, "7|0"),
        (ids.STAKEHOLDER_LIST_NEXT, "7|80"),
    ]
    assert buttons[1].text.text == "Next ▶ (50 more)"
    assert "read-only" in rendered(blocks)


def test_a_page_of_long_notes_shows_what_fits_and_next_starts_after_it():
    note = "&<>" * 66  # 198 characters typed, 990 once escaped
    page = tuple(listed(n, note=note) for n in range(40, 40 + LIST_PAGE_SIZE))
    blocks = build_stakeholder_list(StakeholderList(7, "W", True, 130, 40, page))
    assert fits_message(blocks)
    shown = [b.block_id for b in blocks if (b.block_id or "").startswith("stakeholder:")]
    assert 5 < len(shown) < LIST_PAGE_SIZE
    next_button = next(
        e
        for b in blocks
        if b.type == "actions"
        for e in b.elements
        if e.action_id == ids.STAKEHOLDER_LIST_NEXT
    )
    assert next_button.value == f"7|{40 + len(shown)}"
    assert next_button.text.text == f"Next ▶ ({130 - 40 - len(shown)} more)"


def test_empty_list_says_how_to_add():
    blocks = build_stakeholder_list(StakeholderList(7, "W", True, 0, 0, ()))
    assert "No stakeholders yet" in rendered(blocks)


# The grid as text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mean", "shown"), [(2.96, "2.9"), (2.99, "2.9"), (3.0, "3.0"), (2.3, "2.3"), (4.75, "4.7")]
)
def test_scores_round_down_so_that_low_never_reads_as_high(mean, shown):
    assert format_score(mean) == shown


def test_escape_keeps_user_text_from_pinging_or_linking():
    assert escape("<!channel> R&D <http://x>") == "&lt;!channel&gt; R&amp;D &lt;http://x&gt;"


def test_grid_message_lists_each_quadrant_with_advice():
    result = demo_grid()
    blocks = build_grid_message(result)
    text = rendered(blocks)
    assert blocks[0].to_dict()["text"]["text"] == "Stakeholder map: Northwind onboarding"
    sections = [b.text.text for b in blocks if b.type == "section"]
    assert [s.split("\n")[0] for s in sections] == [
        "*Manage closely* (high influence, high interest) · 1",
        "*Keep satisfied* (high influence, low interest) · 3",
        "*Keep informed* (low influence, high interest) · 2",
        "*Monitor* (low influence, low interest) · 2",
    ]
    assert sections[0].split("\n")[1].startswith("_Involve them early and often")
    assert (
        "• *CFO* · Executive · :red_circle: Blocker · influence 4.8 ±0.5, interest 2.2 ±0.5 "
        "· 5 raters" in text
    )
    assert grid_message_text(result) == (
        "Stakeholder map for “Northwind onboarding”: 1 to manage closely, 3 to keep satisfied, "
        "2 to keep informed, 2 to monitor."
    )


def test_one_rater_shows_no_spread_and_unrated_are_listed_apart():
    result = grid(
        [
            entry(1, "CFO", 4.0, 2.0, raters=1, spread=None),
            entry(2, "Sales reps", None, None, Attitude.supporter, StakeholderCategory.employee),
        ],
        raters=1,
    )
    text = rendered(build_grid_message(result))
    assert (
        "• *CFO* · Other · :white_circle: Neutral · influence 4.0, interest 2.0 · 1 rater" in text
    )
    assert "±" not in text.replace("± is how far", "")
    assert "*Not rated yet* · 1\\n• *Sales reps* · Employee" in text
    assert "rated by 1 participant ·" in text
    assert "Nobody here." in text
    assert grid_message_text(result).endswith("1 not rated yet.")


def test_grid_message_without_ratings_says_there_is_nothing_to_draw():
    result = grid([entry(1, "CFO", None, None)])
    assert "Nobody has rated the stakeholders yet" in rendered(build_grid_message(result))


def test_grid_message_without_stakeholders():
    blocks = build_grid_message(grid([]))
    assert len(blocks) == 1
    assert "No stakeholders were added to workshop #1" in rendered(blocks)


def test_two_hundred_in_one_quadrant_stay_within_block_kit_limits():
    names = [f"{'Very long stakeholder name ' * 3}{n}"[:80] for n in range(200)]
    result = grid([entry(n, name, 4.5, 4.5) for n, name in enumerate(names)])
    blocks = build_grid_message(result)
    data = [b.to_dict() for b in blocks]  # validates every section's 3,000 characters
    assert len(data) <= 50
    manage = next(b.text.text for b in blocks if b.type == "section")
    assert manage.count("\n• ") == 15
    assert manage.endswith("… and 185 more")
    assert len(manage) <= 3000


def test_full_quadrants_of_long_names_share_the_message_budget():
    """Every quadrant and the unrated full of 80-character names that escaping lengthens:
    before, ~14,000 characters of block text (Slack refuses past ~12,000); now each section
    takes a fifth of the budget and says how many more there are."""
    name = ("R&D <lead> " * 8)[:80]
    corners = [(4.5, 4.5), (4.5, 1.5), (1.5, 4.5), (1.5, 1.5), (None, None)]
    result = grid(
        [
            entry(n * 100 + i, f"{name[:-3]}{i:02d}", *corner)
            for n, corner in enumerate(corners)
            for i in range(20)
        ]
    )
    blocks = build_grid_message(result, note="The chart could not be uploaded.")
    assert fits_message(blocks)
    sections = [b.text.text for b in blocks if b.type == "section"]
    assert len(sections) == 5 and all("more" in text.splitlines()[-1] for text in sections)
    assert blocks[-1].elements[0].text == "The chart could not be uploaded."
