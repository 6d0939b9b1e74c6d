"""The Home tab builder: empty, a few workshops, many pages, and sections that overflow."""

import json
import re
from dataclasses import replace

from slack_sdk.models.blocks import ButtonElement

from bot.home.blocks import HomeItem, HomeSection, build_home_view, card_buttons, listing_section
from bot.slack import ids
from bot.workshop.blocks.board import PARTICIPANT_BUTTONS
from flows.board import BoardSummary, StageSummary
from flows.home import WorkshopCard, WorkshopPage
from storage.models import Phase, Role


def card(number, phase=Phase.rating, role=Role.participant, board_ts="1.2"):
    summary = BoardSummary(
        workshop_id=number,
        team_id="T1",
        channel_id="C1",
        title=f"Journey {number}",
        phase=phase,
        facilitator_ids=["UF"],
        participant_count=4,
        stages=[StageSummary("Find", ["Ads", "Search"])],
        figures=[],
    )
    return WorkshopCard(summary, role, board_ts)


def page_of(cards, page=0, pages=1, total=None):
    return WorkshopPage(cards, page, pages, len(cards) if total is None else total)


def text_of(view):
    return json.dumps(view.to_dict(), ensure_ascii=False)


def test_no_workshops_explains_how_to_start():
    view = build_home_view(page_of([]), {}, [])
    assert view.type == "home"
    assert "/workshop new" in text_of(view)
    assert "home_pager" not in text_of(view)


def test_a_few_workshops_show_phase_role_progress_and_next_step(monkeypatch):
    monkeypatch.setitem(PARTICIPANT_BUTTONS, Phase.rating, [])  # whatever features register
    view = build_home_view(
        page_of([card(3, role=Role.facilitator), card(2, Phase.closed)]),
        {3: "https://slack.test/archives/C1/p1"},
        [],
    )
    rendered = text_of(view)
    assert "*#3 Journey 3*" in rendered
    assert "*Gap rating* (step 3 of 6) · you facilitate" in rendered
    assert "4 participants · 1 stage · 2 touchpoints" in rendered
    assert "Next: move on to fixes when the ratings are in" in rendered
    assert "Next: read the results in the board's thread" in rendered
    assert "2 workshops" in rendered
    actions = [b for b in view.to_dict()["blocks"] if b["type"] == "actions"]
    first = actions[0]["elements"]
    assert first[0]["url"] == "https://slack.test/archives/C1/p1"
    assert (first[1]["action_id"], first[1]["value"]) == (ids.PHASE_ADVANCE, "3|rating")
    # Each card ends with Follow (plain); a closed workshop with no board link has only that.
    assert (first[-1]["action_id"], first[-1]["value"], first[-1].get("style")) == (
        ids.FOLLOW_WORKSHOP,
        "3",
        None,
    )
    assert [(e["action_id"], e["value"]) for e in actions[1]["elements"]] == [
        (ids.FOLLOW_WORKSHOP, "2")
    ]


def test_a_card_counts_one_of_a_kind_in_the_singular():
    summary = replace(card(4).summary, participant_count=1, stages=[StageSummary("Find", ["Ads"])])
    one = WorkshopCard(summary, Role.participant, "1.2")
    rendered = text_of(build_home_view(page_of([one]), {}, []))
    assert re.search(r"1 participant · 1 stage · 1 touchpoint(?!s)", rendered)


def test_participants_get_the_phases_own_buttons_and_no_phase_controls(monkeypatch):
    def rate(summary):
        return [ButtonElement(text="Rate touchpoints", action_id="rate_open", value="x")]

    monkeypatch.setitem(PARTICIPANT_BUTTONS, Phase.rating, [rate])
    labels = [b.text.text for b in card_buttons(card(5), "https://x.test")]
    assert labels == ["Open board", "Rate touchpoints", "Follow"]
    following = card_buttons(replace(card(5), following=True), None)
    assert [(b.action_id, b.text.text) for b in following] == [
        ("rate_open", "Rate touchpoints"),
        (ids.UNFOLLOW_WORKSHOP, "Unfollow"),
    ]


def test_more_workshops_than_a_page_get_a_pager_and_stay_within_100_blocks():
    cards = [card(n, role=Role.facilitator) for n in range(6)]
    sections = [
        HomeSection(
            key=f"s{n}",
            title=f"Section {n}",
            items=tuple(
                HomeItem(f"item {i}", (ButtonElement(text="Done", action_id=f"done_{n}"),))
                for i in range(40)
            ),
            total=40,
        )
        for n in range(8)
    ]
    urls = {n: f"https://x.test/{n}" for n in range(6)}
    view = build_home_view(page_of(cards, page=1, pages=4, total=22), urls, sections)
    blocks = view.to_dict()["blocks"]
    assert len(blocks) <= 100
    rendered = text_of(view)
    assert "22 workshops · page 2 of 4" in rendered
    pager = next(b for b in blocks if b.get("block_id") == "home_pager")
    assert [(e["action_id"], e["value"]) for e in pager["elements"]] == [
        (ids.HOME_PAGE_PREV, "0"),
        (ids.HOME_PAGE_NEXT, "2"),
    ]
    assert "… and 35 more." in rendered
    assert "Not shown for lack of room: Section 6, Section 7." in rendered
    assert blocks[-1]["type"] == "context"  # the footer survives


def test_first_and_last_pages_offer_only_one_way():
    first = build_home_view(page_of([card(1)], 0, 2, 7), {}, []).to_dict()["blocks"]
    last = build_home_view(page_of([card(1)], 1, 2, 7), {}, []).to_dict()["blocks"]
    pager_ids = [
        [e["action_id"] for e in b["elements"]]
        for b in (*first, *last)
        if b.get("block_id") == "home_pager"
    ]
    assert pager_ids == [[ids.HOME_PAGE_NEXT], [ids.HOME_PAGE_PREV]]


def test_a_card_shows_your_own_progress_and_one_primary_button():
    from dataclasses import replace

    from bot.slack.ids import PHASE_CLOSE, RATE_OPEN
    from flows.personal_progress import NextStep, PersonalProgress, next_step

    def progress(phase, role, **values):
        base = PersonalProgress(7, phase, role, 0, 0, 0, 1, 19, 4, 0, 3, 0, NextStep.wait)
        base = replace(base, **values)
        return replace(base, next_step=next_step(base))

    rating = replace(card(3), progress=progress(Phase.rating, Role.participant))
    view = build_home_view(page_of([rating]), {3: "https://x.test"}, [])
    assert "You have rated 4 of 19 touchpoints. 15 left, about 3 minutes." in text_of(view)
    buttons = card_buttons(rating, "https://x.test")
    assert [(b.action_id, b.style) for b in buttons[1:]] == [
        (RATE_OPEN, "primary"),
        (ids.FOLLOW_WORKSHOP, None),
    ]

    voted = card(4, Phase.voting, Role.facilitator)
    voted = replace(voted, progress=progress(Phase.voting, Role.facilitator, votes_used=3))
    buttons = card_buttons(voted, None)
    assert [(b.action_id, b.text.text, b.style) for b in buttons] == [
        (PHASE_CLOSE, "Close voting & show results", "primary"),
        (ids.FOLLOW_WORKSHOP, "Follow", None),
    ]


def test_a_listing_section_has_an_item_per_row_and_is_left_out_when_there_are_none():
    def item(name):
        return HomeItem(f"*{name}*")

    assert listing_section("fruit", "Fruit", [], item) is None
    assert listing_section("fruit", "Fruit", ["apple", "pear"], item, total=9, footer="More") == (
        HomeSection("fruit", "Fruit", (HomeItem("*apple*"), HomeItem("*pear*")), 9, "More")
    )
    assert listing_section("fruit", "Fruit", ["fig"], item) == HomeSection(
        "fruit", "Fruit", (HomeItem("*fig*"),)
    )
