import json
import re

from bot.gaps.blocks import (
    NAME_WIDTH,
    TABLE_ROWS,
    build_details_modal,
    build_how_to_read_modal,
    build_nudge_dm,
    build_rating_done,
    build_rating_modal,
    build_results_message,
    build_results_table,
    nudge_summary,
    rate_button,
    rate_request,
    results_text,
    round_opened_text,
    stage_table,
    submit_label,
    touchpoint_table,
)
from bot.slack import ids
from bot.slack.blocks import Mrkdwn, display_width, fits_message, unescape
from bot.workshop.blocks.board import build_board
from flows.board import BoardSummary, StageSummary
from flows.gaps.form import (
    RATING_PAGE_SIZE,
    DetailsSheet,
    RatingPage,
    RatingSheet,
    TouchpointAnswer,
)
from flows.gaps.nudges import NudgePlan
from flows.gaps.ratings import Answer
from flows.gaps.rounds import RoundOpened
from flows.journey import StageSpec
from storage.models import Phase
from tests.factories import gap_results_for
from tests.helpers import rendered

LONG = "L" * 60  # the longest name a journey allows


# Rating form -----------------------------------------------------------------------------------


def sheet(items=None, pages=None, page_index=0, round_number=1, title="Onboarding") -> RatingSheet:
    items = items or (
        TouchpointAnswer(11, "Website", Answer(6, 3, 4, "Slow"), "Consideration"),
        TouchpointAnswer(12, "Reviews", None, "Consideration"),
    )
    pages = pages or (
        RatingPage(0, ("Consideration",), (11, 12), 1),
        RatingPage(1, ("Decision", "Purchase"), (13, 14), 0),
    )
    return RatingSheet(
        workshop_id=7,
        title=title,
        round=round_number,
        pages=pages,
        page=pages[page_index],
        items=items,
        unrated=("Reviews", "Demo", "Checkout"),
    )


def block(view, block_id):
    return next(b for b in view.blocks if getattr(b, "block_id", None) == block_id)


def inputs(view) -> list:
    return [b for b in view.blocks if b.type == "input"]


def test_rating_form_asks_two_labelled_choices_per_touchpoint_prefilled():
    view = build_rating_modal(sheet())
    payload = view.to_dict()
    text = json.dumps(payload, ensure_ascii=False)
    assert view.callback_id == ids.RATE_MODAL
    assert payload["title"]["text"] == "Rate touchpoints"
    assert payload["submit"]["text"] == "Next: Decision · Purc… ▶"  # where it goes, in 24
    assert payload["blocks"][0]["text"]["text"] == "Consideration"
    assert "you have rated *1 of 4* touchpoints" in text and "page 1 of 2" in text
    assert "*Website*   :white_check_mark: rated · your gap −3" in text
    assert "*Reviews*   :white_circle: _not rated yet_" in text
    # the anchors once per page, not in every label; no "(optional)" of ours anywhere
    assert text.count("1 = very low · 4 = middling · 7 = very high") == 1
    assert "(optional)" not in text
    assert [(b.block_id, b.label.text, bool(b.optional)) for b in inputs(view)] == [
        ("expectation:11", "Customers expect", False),
        ("experience:11", "Customers get today", False),
        ("expectation:12", "Customers expect", False),
        ("experience:12", "Customers get today", False),
    ]
    expectation = block(view, "expectation:11").element
    assert expectation.type == "static_select"
    assert [(o.value, o.to_dict()["text"]["text"]) for o in expectation.options] == [
        ("1", "1 · very low"),
        ("2", "2"),
        ("3", "3"),
        ("4", "4 · middling"),
        ("5", "5"),
        ("6", "6"),
        ("7", "7 · very high"),
        ("skip", "skip · can't say"),
    ]
    assert expectation.initial_option.value == "6"
    assert block(view, "experience:11").element.initial_option.value == "3"
    assert block(view, "expectation:12").element.initial_option is None
    assert json.loads(view.private_metadata) == {"w": 7, "p": 0, "t": [11, 12]}


def test_the_last_page_saves_and_a_page_running_into_a_stage_names_it():
    items = (
        TouchpointAnswer(13, "Demo", None, "Decision"),
        TouchpointAnswer(14, "Checkout", None, "Purchase"),
    )
    view = build_rating_modal(sheet(items=items, page_index=1))
    payload = view.to_dict()
    assert payload["submit"]["text"] == "Save ratings"
    headers = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "header"]
    assert headers == ["Decision · Purchase", "Purchase"]


def test_submit_labels_fit_slack():
    assert submit_label("Next: ", "Purchase") == "Next: Purchase ▶"
    assert len(submit_label("Next: ", "Post-purchase / Loyalty")) == 24


def test_a_full_page_of_long_names_stays_within_modal_limits():
    items = tuple(
        TouchpointAnswer(i, f"{LONG[:-2]}{i:02d}", Answer(7, 1, 5, "x" * 300), f"S{i % 2}")
        for i in range(RATING_PAGE_SIZE)
    )
    pages = tuple(
        RatingPage(p, (f"{LONG[:-2]}{p:02d}", LONG), tuple(range(4)), 4) for p in range(25)
    )
    view = build_rating_modal(sheet(items=items, pages=pages, title="T" * 150, round_number=3))
    payload = view.to_dict()  # slack_sdk checks the element limits here
    assert len(inputs(view)) <= 8
    assert len(payload["blocks"]) <= 100
    assert len(json.dumps(payload)) < 250_000
    assert len(view.private_metadata) < 3000
    assert "rate afresh" in json.dumps(payload)


def test_details_page_puts_importance_and_comment_out_of_the_way():
    items = (
        TouchpointAnswer(11, "Website", Answer(6, 3, 4, "Slow"), "Consideration"),
        TouchpointAnswer(12, "Reviews", Answer(5, 5), "Consideration"),
    )
    view = build_details_modal(DetailsSheet(7, "Onboarding", 1, 0, 2, items))
    payload = view.to_dict()
    text = json.dumps(payload, ensure_ascii=False)
    assert view.callback_id == ids.RATE_DETAILS_MODAL
    assert payload["submit"]["text"] == "Next: page 2 of 2 ▶"
    assert "*Website*   expect 6, get 3" in text and "(optional)" not in text
    assert [(b.block_id, b.label.text, b.optional) for b in inputs(view)] == [
        ("importance:11", "Importance to customers", True),
        ("comment:11", "Comment", True),
        ("importance:12", "Importance to customers", True),
        ("comment:12", "Comment", True),
    ]
    importance = block(view, "importance:11").element
    assert [o.to_dict()["text"]["text"] for o in importance.options] == [
        "1 · hardly matters",
        "2",
        "3 · matters",
        "4",
        "5 · critical",
    ]
    assert importance.initial_option.value == "4"
    assert block(view, "comment:11").element.initial_value == "Slow"
    assert block(view, "importance:12").element.initial_option is None
    assert json.loads(view.private_metadata) == {"w": 7, "p": 0, "t": [11, 12]}
    last = build_details_modal(DetailsSheet(7, "Onboarding", 1, 1, 2, items[:1]))
    assert last.to_dict()["submit"]["text"] == "Save"
    assert len(inputs(build_details_modal(DetailsSheet(7, "O", 1, 0, 1, items * 2)))) <= 8


def test_done_view_shows_progress_and_one_primary_way_on():
    view = build_rating_done(sheet())
    text = rendered(view.blocks)
    assert view.callback_id == ids.RATE_DONE_MODAL and view.submit is None
    assert "You have rated *1 of 4* touchpoints of *Onboarding* in round 1." in text
    assert "○ Consideration: 1 of 2" in text and "*Not rated yet:* Reviews, Demo, Checkout" in text
    actions = block(view, ids.RATE_DONE_ACTIONS).elements
    assert [(e.action_id, getattr(e, "style", None)) for e in actions] == [
        (ids.RATE_RESUME, "primary"),
        (ids.RATE_DETAILS_OPEN, None),
        (ids.RATE_PAGE_PICK, None),
    ]
    assert actions[0].value == "0"
    assert [o.value for o in actions[2].options] == ["0", "1"]
    complete = (RatingPage(0, ("Consideration",), (11, 12), 2),)
    finished = build_rating_done(sheet(pages=complete))
    actions = block(finished, ids.RATE_DONE_ACTIONS).elements
    assert [(e.action_id, getattr(e, "style", None)) for e in actions] == [
        (ids.RATE_DETAILS_OPEN, "primary"),
        (ids.RATE_PAGE_PICK, None),
    ]


# Board, nudges, rounds -------------------------------------------------------------------------


def test_the_rating_board_offers_rate_to_all_and_nudge_to_facilitators():
    summary = BoardSummary(
        7, "T1", "C1", "W", Phase.rating, ["UF"], 3, [StageSummary("A", ["x"])], []
    )
    actions = next(b for b in build_board(summary) if b.block_id == "participant_actions")
    assert [(e.action_id, e.text.text, e.value) for e in actions.elements] == [
        (ids.RATE_OPEN, "Rate touchpoints", "7"),
    ]
    # Nudging is the facilitators' (it DMs people): it sits in their row, plain.
    controls = next(b for b in build_board(summary) if b.block_id == "facilitator_actions")
    assert (ids.RATE_NUDGE, None) in [(e.action_id, e.style) for e in controls.elements]
    setup = BoardSummary(7, "T1", "C1", "W", Phase.fixes, ["UF"], 3, [], [])
    assert ids.RATE_OPEN not in rendered(build_board(setup))


def test_the_rate_button_opens_the_rating_form_of_its_workshop():
    assert rate_button(7).to_dict() == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Rate touchpoints", "emoji": True},
        "action_id": ids.RATE_OPEN,
        "value": "7",
        "style": "primary",
    }


def test_a_request_to_rate_is_its_text_over_the_rate_button():
    section, actions = rate_request(Mrkdwn("Please *rate*."), 7)
    assert section.to_dict() == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "Please *rate*."},
    }
    assert actions.to_dict() == {"type": "actions", "elements": [rate_button(7).to_dict()]}


def test_nudge_dm_has_a_button_that_opens_the_form():
    blocks = build_nudge_dm(7, "Onboarding", "C1", 2, "UF")
    text = rendered(blocks)
    assert "<@UF> asks you to rate the touchpoints of *Onboarding* in <#C1> (round 2)" in text
    assert blocks[1].elements[0].action_id == ids.RATE_OPEN and blocks[1].elements[0].value == "7"


def test_nudge_summaries():
    workshop = object()
    assert nudge_summary(NudgePlan(workshop, 1, (), ()), 0, []) == (
        "Everyone who joined has rated in round 1. Nobody to nudge."
    )
    assert nudge_summary(NudgePlan(workshop, 1, ("U1", "U2"), ()), 2, []) == (
        "Nudged 2 participants who haven't rated round 1."
    )
    text = nudge_summary(NudgePlan(workshop, 2, ("U1",), ("U3",)), 0, ["U1"])
    assert text == (
        "Nudged 0 participants who haven't rated round 2. 1 was nudged less than 30 minutes ago "
        "and was left alone: <@U3>. I couldn't reach <@U1>."
    )


def test_round_announcement():
    opened = RoundOpened(workshop=None, number=2, moved_from=Phase.voting, compared_with=1)
    text = round_opened_text(opened, "UF", 19)
    assert text.startswith(":repeat: <@UF> opened *rating round 2* on the same 19 touchpoints.")
    assert "whether each gap closed since round 1." in text and "back in the Gap rating" in text
    # like for like by persona: rounds 2 and 3 were personas' rounds
    after_personas = round_opened_text(RoundOpened(None, 4, None, compared_with=1), "UF", 19)
    assert "closed since round 1, the last rated by everyone." in after_personas
    # every earlier round was a persona's: nothing to compare with
    alone = round_opened_text(RoundOpened(None, 2, None, compared_with=None), "UF", 19)
    assert "no earlier round was rated by everyone, so they will show this round alone." in alone


# Results ---------------------------------------------------------------------------------------


FIND_BUY = [StageSpec("Find", ("Search", "Ads")), StageSpec("Buy", ("Checkout",))]
FIRST = {
    "U1": {"Search": (5, 5, 3), "Ads": (4, 2, 2), "Checkout": (7, 3, 5, "Card refused")},
    "U2": {"Search": (5, 6, 3), "Ads": (4, 3), "Checkout": (6, 2, 5)},
    "U3": {"Search": (6, 5), "Checkout": (7, 6, 4)},
}


def test_ranked_table_by_hand(session):
    results = gap_results_for(session, FIND_BUY, FIRST)
    # Checkout gaps −4 −4 −1: mean −3, sd √3, CI −3 ± 4.302653·√3/√3 = −7.3 to +1.3
    # Ads gaps −2 −1: mean −1.5, sd 0.707, CI ± 12.706·0.5 = −7.9 to +4.9
    # Search gaps 0 +1 −1: mean 0, sd 1, CI ± 4.302653/√3 = −2.5 to +2.5
    assert touchpoint_table(results) == "\n".join(
        [
            " #  Touchpoint          n  Want→Got    Gap  95% CI        Imp  Flags",
            " 1  Checkout            3  6.7→3.7    -3.0  -7.3 to +1.3  4.7  contested",
            " 2  Ads                 2  4.0→2.5    -1.5  -7.9 to +4.9  2.0  few ratings",
            " 3  Search              3  5.3→5.3     0.0  -2.5 to +2.5  3.0",
        ]
    )
    # Find pools Search and Ads: gaps 0 +1 −1 −2 −1: mean −0.6; weighted (3·0 + 2·−1.5)/5 = −0.6
    # Sorted by the gap the table shows, widest first: Buy (−3.0) before Find (−0.6).
    assert stage_table(results) == "\n".join(
        [
            "Stage                n    Gap  95% CI        Wtd gap  Flags",
            "Buy                  3   -3.0  -7.3 to +1.3     -3.0  contested",
            "Find                 5   -0.6  -2.0 to +0.8     -0.6",
        ]
    )


def test_results_message_summary_quadrants_comments_and_round_button(session):
    results = gap_results_for(session, FIND_BUY, FIRST)
    blocks = build_results_message(results)
    text = rendered(blocks)
    assert blocks[0].to_dict()["text"]["text"] == "Journey gaps · round 1"
    assert "3 of 4 participants rated · 3 of 3 touchpoints have ratings" in text
    # gaps 0 +1 −1 −2 −1 −4 −4 −1: −12/8
    assert "Journey mean gap *−1.5*: 2 of 3 rated touchpoints fall short of expectations." in text
    # Phone first: the widest shortfalls as lines in words, widest gap first.
    assert "*Widest shortfalls* (2 in all, widest gap first)" in text
    # Checkout: expect (7+6+7)/3 = 6.7, get (3+2+6)/3 = 3.7
    assert "• *Checkout* (Buy): customers expect 6.7, get 3.7 (gap −3.0) · _contested_" in text
    assert "• *Ads* (Find): customers expect 4.0, get 2.5 (gap −1.5) · _few ratings_" in text
    assert text.index("*Checkout* (Buy)") < text.index("*Ads* (Find)")
    assert ":dart: *Concentrate here* (important, and short of expectations): Checkout" in text
    # Search (gap 0.0, importance 3) meets expectations: never "Concentrate here".
    assert ":trophy: *Keep up the good work* (important, and meeting expectations): Search" in text
    assert "*Checkout*: “Card refused”" in text
    assert "```" not in text  # the table is in the next reply, not on the phone's first screen
    assert "<@" not in text  # results mention nobody
    how, button = blocks[-2].elements
    assert (how.action_id, how.text.text) == (ids.GAPS_HOW_TO_READ, "How to read this")
    assert (button.action_id, button.value, button.text.text) == (
        ids.RATE_NEW_ROUND,
        f"{results.workshop_id}|1",
        "Open rating round 2",
    )
    assert button.confirm is not None
    table = rendered(build_results_table(results))
    assert "*few ratings* n &lt; 3, *contested* standard deviation ≥ 1.5" in table  # escaped
    assert "Checkout" in table and "Wtd gap" in table
    note = rendered([build_how_to_read_modal(1)])
    assert "never contradicts" in note and "Student t" in note
    closed = build_results_message(results, can_open_round=False)
    assert ids.RATE_NEW_ROUND not in rendered(closed)
    assert results_text(results) == (
        "Journey gaps, round 1: mean gap −1.5; widest shortfalls Checkout −3.0, Ads −1.5."
    )


def test_a_second_round_shows_the_previous_gap_and_the_change(session):
    second = {"U1": {"Checkout": (7, 6)}, "U2": {"Checkout": (6, 6), "Ads": (4, 1)}}
    results = gap_results_for(session, FIND_BUY, FIRST, second)
    table = touchpoint_table(results)
    assert table.splitlines()[0] == (
        " #  Touchpoint          n  Want→Got    Gap  95% CI           R1      Δ  Imp  Flags"
    )
    # Ads: −1.5 → −3 (widened by 1.5); Checkout: −3 → −0.5 (narrowed by 2.5)
    assert (
        " 1  Ads                 1  4.0→1.0    -3.0  n=1: none      -1.5   -1.5    –  few ratings"
        in table
    )
    assert (
        " 2  Checkout            2  6.5→6.0    -0.5  -6.9 to +5.9   -3.0   +2.5    –  few ratings"
        in table
    )
    text = rendered(build_results_message(results))
    # Like for like over Ads and Checkout (Search was not rated again): round 1 their ratings'
    # gaps −2 −1 −4 −4 −1 = −12/5 = −2.4; round 2 −1 0 −3 = −4/3 = −1.33 → −1.3.
    assert (
        "Gaps are closing: the mean gap narrowed from −2.4 to −1.3 since round 1. Compared over "
        "the 2 touchpoints rated in both rounds 1 and 2; not rated again in round 2: Search. "
        "Of those, 1 narrowed (0 closed: short of expectations then, meeting them now) and 1 "
        "widened." in text
    )
    assert "Ads* (Find): customers expect 4.0, get 1.0 (gap −3.0), widened since round 1" in text
    table = rendered(build_results_table(results))
    assert "R1 = round 1's gap; Δ = change since then (+ means the gap narrowed)." in table
    assert "Open rating round 3" in text


def test_results_without_ratings_say_so(session):
    results = gap_results_for(session, FIND_BUY, {})
    blocks = build_results_message(results)
    assert len(blocks) == 1 and "No ratings in round 1" in rendered(blocks)
    assert results_text(results) == "No ratings in round 1 yet."


def test_a_hundred_touchpoints_stay_within_message_limits(session):
    stages = [
        StageSpec(f"{LONG[:-1]}{s}", tuple(f"{LONG[:-3]}{s}{t:02d}" for t in range(10)))
        for s in range(10)
    ]
    answers = {
        f"U{u}": {
            f"{LONG[:-3]}{s}{t:02d}": (7, 1 + (u + t) % 7, 5, "c" * 300)
            for s in range(10)
            for t in range(10)
        }
        for u in range(3)
    }
    results = gap_results_for(session, stages, answers, answers)
    for blocks in (build_results_message(results), build_results_table(results)):
        payload = [b.to_dict() for b in blocks]
        assert len(payload) <= 50
        assert fits_message(blocks) and payload[-1]["type"] == "context"  # nothing cut off
        for item in payload:
            if item["type"] == "section":
                assert len(item["text"]["text"]) <= 3000
    assert build_results_message(results)[-2].type == "actions"
    table = touchpoint_table(results)
    assert len(table.splitlines()) == TABLE_ROWS + 2
    assert table.endswith("… and 80 more (every touchpoint is in the chart and the CSV export)")
    # The full table's reply holds all 100 rated touchpoints, over several code sections.
    full = rendered(build_results_table(results))
    assert full.count("(continued)") >= 2 and "… and" not in full.split("Stages")[0]


# Slack's escaping in the code-block tables --------------------------------------------------

BARE_CONTROL = re.compile(r"[<>]|&(?!amp;|lt;|gt;)")


def code_blocks(blocks) -> list[str]:
    """The code blocks of the message's sections, exactly as sent (escaped)."""
    found = []
    for item in (b.to_dict() for b in blocks):
        if item["type"] == "section":
            found += re.findall(r"```(.*?)```", item["text"]["text"], flags=re.S)
    return found


def name_columns(table: str) -> list[str]:
    """Each data row's touchpoint cell, as it takes its columns on screen."""
    return [line[4 : 4 + NAME_WIDTH] for line in table.splitlines()[1:]]


def test_names_with_slack_control_characters_keep_the_columns_as_slack_shows_them(session):
    names = ("Q&A > FAQ", "<!channel> promo", "Returns & refunds <EU> portal", "A`B```C")
    answers = {f"U{u}": {name: (6, 3 + u) for name in names} for u in range(3)}
    results = gap_results_for(session, [StageSpec("R&D <labs>", names)], answers)
    sent_touchpoints, sent_stages = code_blocks(build_results_table(results))
    for sent in (sent_touchpoints, sent_stages):
        # Escaped as Slack requires: no bare control character reaches Slack, so "<!channel>"
        # pings nobody and nothing opens a link or breaks the block.
        assert not BARE_CONTROL.search(sent), sent
        assert "```" not in sent
    shown = unescape(sent_touchpoints)
    assert shown == touchpoint_table(results)  # escaping changed nothing readers see
    lines = shown.splitlines()
    # The columns line up as displayed: every row's values start where the header's do.
    n_column = lines[0].index(" n ") + 1
    assert all(line[n_column].isdigit() and line[n_column - 1] == " " for line in lines[1:])
    assert len({line.index("→") for line in lines[1:]}) == 1
    assert sorted(name_columns(shown)) == sorted(
        [
            "<!channel> promo  ",
            "Q&A > FAQ         ",
            "Returns & refunds…",  # too long: cut with an ellipsis, never inside "&amp;"
            "AˋBˋˋˋC           ",  # backticks cannot close the code block
        ]
    )
    assert "Returns &amp; refunds…" in sent_touchpoints
    assert unescape(sent_stages).splitlines()[1].startswith("R&D <labs>         ")
    # The other sections of the message escape the names and comments too.
    text = rendered(build_results_message(results))
    assert "<!channel>" not in text and "&lt;!channel&gt; promo" in text


def test_a_long_name_is_cut_by_displayed_width_and_before_escaping(session):
    names = ("AAAAAAAAAAAAAAA<b>x", "チェックアウト体験の改善", "Checkout")
    answers = {"U1": {name: (6, 3) for name in names}, "U2": {name: (5, 3) for name in names}}
    results = gap_results_for(session, [StageSpec("Buy", names)], answers)
    (sent, _) = code_blocks(build_results_table(results))
    assert "AAAAAAAAAAAAAAA&lt;b…" in sent  # cut on what is shown, then escaped
    assert "チェックアウト体…" in sent  # wide characters take two columns each
    # On screen (wide characters two columns), every row's values start in the same column.
    rows = unescape(sent).splitlines()[1:]
    assert len({display_width(row[: row.index("→")]) for row in rows}) == 1


def test_a_table_of_names_full_of_ampersands_stays_within_the_section_limit(session):
    stages = [
        StageSpec(f"S&{s}", tuple(f"{'&' * 17}{s}{t:02d}" for t in range(10))) for s in range(3)
    ]
    answers = {
        f"U{u}": {f"{'&' * 17}{s}{t:02d}": (7, 2) for s in range(3) for t in range(10)}
        for u in range(2)
    }
    results = gap_results_for(session, stages, answers)
    blocks = build_results_table(results)
    for item in (b.to_dict() for b in blocks):
        if item["type"] == "section":
            assert len(item["text"]["text"]) <= 3000
    sent, *rest = code_blocks(blocks)
    assert not BARE_CONTROL.search(sent)
    assert len(rest) >= 2  # the rows that did not fit go on in a second code section
    assert len(sent) > 2000  # escaping counted: each "&" is five characters sent
