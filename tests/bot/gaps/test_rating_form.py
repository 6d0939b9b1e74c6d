"""Gap rating end to end: signed clicks and modal submissions into the real Bolt app, and what
the bot sent back to the Slack stand-in (modal pages, inline errors, the board, the thread)."""

import json
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.gaps.aggregation import touchpoint_gaps
from flows.journey import StageSpec
from flows.workshops import WorkshopSpec, create_workshop, get_workshop
from standin import blockkit
from storage.models import GapRating, Phase, Touchpoint
from tests.helpers import board_figures

ANA, BEN, CHLOE, DEV = (person.user_id for person in PEOPLE[:4])
JOURNEY = "Find: Search, Ads\nBuy: Checkout"


def start(local, phase=Phase.rating):
    return local.start_workshop(ANA, phase=phase, values={ids.SETUP_JOURNEY: JOURNEY})


def touchpoints(local, workshop_id) -> dict[str, int]:
    with local.db.session() as session:
        rows = session.exec(
            select(Touchpoint.name, Touchpoint.id).where(Touchpoint.workshop_id == workshop_id)
        ).all()
    return dict(rows)


def ratings(local) -> list[GapRating]:
    with local.db.session() as session:
        return list(session.exec(select(GapRating).order_by(GapRating.id)))


def answers(tp: dict[str, int], **by_name) -> dict:
    """Form input for touchpoints by name: (expectation, experience); every other touchpoint on
    the page is skipped (the choices are required: "skip" says can't say)."""
    values = {}
    for name, touchpoint_id in tp.items():
        expectation, experience = by_name.get(name, ("skip", "skip"))[:2]
        values[f"expectation:{touchpoint_id}"] = str(expectation)
        values[f"experience:{touchpoint_id}"] = str(experience)
    return values


def details(tp: dict[str, int], **by_name) -> dict:
    """Details page input by name: (importance, comment)."""
    values = {}
    for name, (importance, comment) in by_name.items():
        values[f"importance:{tp[name]}"] = None if importance is None else str(importance)
        values[f"comment:{tp[name]}"] = comment
    return values


def open_form(local, user, board_ts):
    opened = len(local.standin.calls_to("views.open"))
    local.sim.click(user, ids.RATE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: len(local.standin.calls_to("views.open")) > opened)
    return local.standin.top_view(user)


def header(view) -> str:
    return view["blocks"][0]["text"]["text"]


def rate_all(local, user, board_ts, tp, find: dict, buy: dict):
    """Rate the whole journey through the form (one page: Find · Buy), adding importance on the
    details page where given, then close it."""
    open_form(local, user, board_ts)
    scores = {**find, **buy}
    response = local.sim.submit_view(user, answers(tp, **scores))
    assert response.json["view"]["callback_id"] == ids.RATE_DONE_MODAL
    importance = {name: (a[2], None) for name, a in scores.items() if len(a) > 2}
    if importance:
        local.sim.click(user, ids.RATE_DETAILS_OPEN)
        local.standin.wait_for(
            lambda: local.standin.top_view(user)["callback_id"] == ids.RATE_DETAILS_MODAL
        )
        done = local.sim.submit_view(user, details(tp, **importance))
        assert done.json["view"]["callback_id"] == ids.RATE_DONE_MODAL
    local.sim.close_view(user)


# Rating, changing, refusing --------------------------------------------------------------------


def test_rating_saves_the_page_and_updates_the_board(local):
    workshop_id, board_ts = start(local)
    tp = touchpoints(local, workshop_id)
    view = open_form(local, CHLOE, board_ts)
    assert view["callback_id"] == ids.RATE_MODAL and header(view) == "Find · Buy"
    assert view["submit"]["text"] == "Save ratings"  # the only page
    text = json.dumps(view["blocks"], ensure_ascii=False)
    assert text.count("_not rated yet_") == 3 and "you have rated *0 of 3* touchpoints" in text

    # Half a page never gets past the Slack client: the choices are required
    with pytest.raises(ValueError, match="required but empty"):
        local.sim.submit_view(CHLOE, {f"expectation:{tp['Search']}": "6"})

    response = local.sim.submit_view(CHLOE, answers(tp, Search=(6, 3), Ads=(4, 4)))
    assert response.status == 200 and response.problems == []
    assert response.json["response_action"] == "update"
    done = local.standin.top_view(CHLOE)
    assert done["callback_id"] == ids.RATE_DONE_MODAL
    assert "You have rated *2 of 3* touchpoints" in json.dumps(done, ensure_ascii=False)
    assert [(r.user_id, r.expectation, r.experience, r.importance) for r in ratings(local)] == [
        (CHLOE, 6, 3, None),
        (CHLOE, 4, 4, None),
    ]
    # Chloé joined by rating: 2 participants × 3 touchpoints = 6 possible, 2 given
    figures = local.standin.wait_for(
        lambda: (
            (f := board_figures(local.standin, board_ts)).get("Rated") == "1 of 2 participants"
            and f
        )
    )
    assert figures["Scores in"] == "2 of 6 (33 %: 2 people × 3 touchpoints)"
    assert figures["Rating round"] == "1"

    # Importance and a comment, on the optional details page; the scores stay as they were
    local.sim.click(CHLOE, ids.RATE_DETAILS_OPEN)
    page = local.standin.wait_for(
        lambda: (v := local.standin.top_view(CHLOE))["callback_id"] == ids.RATE_DETAILS_MODAL and v
    )
    assert page["submit"]["text"] == "Save"
    saved = local.sim.submit_view(
        CHLOE, details(tp, Search=(5, "Results are irrelevant"), Ads=(None, None))
    )
    assert saved.json["view"]["callback_id"] == ids.RATE_DONE_MODAL
    assert [(r.expectation, r.experience, r.importance, r.comment) for r in ratings(local)] == [
        (6, 3, 5, "Results are irrelevant"),
        (4, 4, None, None),
    ]

    # "Rate the rest" opens the page with Checkout left, with the earlier answers in it
    local.sim.click(CHLOE, ids.RATE_RESUME)
    view = local.standin.wait_for(
        lambda: (v := local.standin.top_view(CHLOE))["callback_id"] == ids.RATE_MODAL and v
    )
    search = next(b for b in view["blocks"] if b.get("block_id") == f"expectation:{tp['Search']}")
    assert search["element"]["initial_option"]["value"] == "6"
    done = local.sim.submit_view(
        CHLOE, {f"expectation:{tp['Checkout']}": "7", f"experience:{tp['Checkout']}": "2"}
    )
    assert "You have rated *3 of 3* touchpoints" in json.dumps(
        done.json["view"], ensure_ascii=False
    )
    assert ratings(local)[0].comment == "Results are irrelevant"  # details kept
    local.standin.wait_for(
        lambda: (
            board_figures(local.standin, board_ts).get("Scores in")
            == "3 of 6 (50 %: 2 people × 3 touchpoints)"
        )
    )


def test_changing_a_rating_replaces_it_and_the_form_shows_it(local):
    workshop_id, board_ts = start(local)
    tp = touchpoints(local, workshop_id)
    rate_all(local, CHLOE, board_ts, tp, {"Search": (6, 3)}, {"Checkout": (7, 2)})
    view = open_form(local, CHLOE, board_ts)
    assert header(view) == "Find · Buy"  # Ads is left, so the form opens where it is
    search = next(b for b in view["blocks"] if b.get("block_id") == f"expectation:{tp['Search']}")
    assert search["element"]["initial_option"]["value"] == "6"
    assert "rated · your gap −3" in json.dumps(view["blocks"], ensure_ascii=False)
    local.sim.submit_view(CHLOE, answers(tp, Search=(6, 5), Checkout=(7, 2)))
    rows = [(r.touchpoint_id, r.expectation, r.experience) for r in ratings(local)]
    assert sorted(rows) == sorted([(tp["Search"], 6, 5), (tp["Checkout"], 7, 2)])
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        assert touchpoint_gaps(session, workshop) == {tp["Search"]: -1.0, tp["Checkout"]: -5.0}

    # Skipping a rated touchpoint withdraws its rating
    local.sim.close_view(CHLOE)
    open_form(local, CHLOE, board_ts)
    local.sim.submit_view(CHLOE, answers(tp, Search=(6, 5)))
    assert [r.touchpoint_id for r in ratings(local)] == [tp["Search"]]


def test_invalid_answers_come_back_inline_and_nothing_is_saved(local):
    workshop_id, board_ts = start(local)
    tp = touchpoints(local, workshop_id)
    view = open_form(local, CHLOE, board_ts)
    response = local.sim.submit_view(
        CHLOE, {**answers(tp, Search=(6, 3)), f"experience:{tp['Ads']}": "4"}
    )
    assert response.problems == []  # Slack accepts the errors: they name input blocks
    assert response.json == {
        "response_action": "errors",
        "errors": {f"expectation:{tp['Ads']}": "Choose the expectation too, or skip both."},
    }
    assert ratings(local) == []  # not even the valid Search answer
    assert local.standin.top_view(CHLOE)["id"] == view["id"]  # the form stays open

    # A value no option has never gets past the Slack client; a forged payload gets the same
    # inline answer from the bot.
    fresh = local.standin.top_view(CHLOE)
    state = blockkit.state_values(fresh["blocks"], fresh["state"]["values"])
    state[f"expectation:{tp['Search']}"][ids.INPUT]["selected_option"] = {"value": "9"}
    forged = local.sim.submit_view(CHLOE, raw_values=state)
    assert forged.json["errors"] == {
        f"expectation:{tp['Search']}": "Expectation must be from 1 to 7.",
        f"expectation:{tp['Ads']}": "Choose the expectation too, or skip both.",
    }
    assert ratings(local) == []


def test_a_form_submitted_after_the_phase_moved_on_saves_nothing(local):
    workshop_id, board_ts = start(local)
    tp = touchpoints(local, workshop_id)
    open_form(local, CHLOE, board_ts)
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: "*▶ Fixes*" in str(local.standin.message(CHANNEL_ID, board_ts)))
    response = local.sim.submit_view(CHLOE, answers(tp, Search=(6, 3)))
    (message,) = response.json["errors"].values()
    assert message.startswith("Rating is closed")
    assert ratings(local) == []


def post_forged(local, payload: dict):
    return local.sim.post(
        urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
    )


def test_forged_ids_naming_another_workspace_change_nothing(local):
    _, board_ts = start(local)
    with local.db.session() as session:
        spec = WorkshopSpec("Theirs", [StageSpec("S", ("X",))])
        other = create_workshop(session, "T0OTHER", "C0OTHER", "U0EVE", spec)
        other.phase = Phase.rating
        session.add(other)
        session.flush()
        other_id = other.id
    other_tp = touchpoints(local, other_id)["X"]

    # A form submission whose metadata names the other workspace's workshop and touchpoint
    view = open_form(local, CHLOE, board_ts)
    view["private_metadata"] = json.dumps({"w": other_id, "p": 0, "t": [other_tp]})

    def choice(value):
        return {ids.INPUT: {"type": "static_select", "selected_option": {"value": value}}}

    view["state"] = {
        "values": {f"expectation:{other_tp}": choice("7"), f"experience:{other_tp}": choice("1")}
    }
    response = post_forged(
        local, {**local.sim._interaction_base("view_submission", CHLOE), "view": view}
    )
    assert response.status == 200
    assert list(response.json["errors"].values()) == [
        f"There is no workshop #{other_id} in this workspace."
    ]

    # A board button whose value names it
    opened = len(local.standin.calls_to("views.open"))
    post_forged(
        local,
        {
            **local.sim._interaction_base("block_actions", CHLOE),
            "channel": {"id": CHANNEL_ID, "name": "journey-workshop"},
            "container": {"type": "message", "message_ts": board_ts, "channel_id": CHANNEL_ID},
            "actions": [
                {
                    "type": "button",
                    "action_id": ids.RATE_OPEN,
                    "block_id": "participant_actions",
                    "value": str(other_id),
                    "action_ts": "1",
                }
            ],
        },
    )
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=CHLOE))[-1]
    assert reply["text"] == f"There is no workshop #{other_id} in this workspace."
    assert len(local.standin.calls_to("views.open")) == opened
    assert ratings(local) == []


def test_the_rate_command_opens_the_same_form(local):
    start(local)
    local.sim.slash_command(DEV, CHANNEL_ID, "rate")
    view = local.standin.wait_for(lambda: local.standin.top_view(DEV))
    assert view["callback_id"] == ids.RATE_MODAL and header(view) == "Find · Buy"


def test_rating_is_refused_before_the_rating_phase(local):
    start(local, phase=Phase.stakeholders)
    local.sim.slash_command(DEV, CHANNEL_ID, "rate")
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=DEV))[-1]
    assert "Rating happens in the Gap rating phase" in reply["text"]
    assert local.standin.top_view(DEV) is None


# The whole loop: rate, close the phase, chart and table, a second round --------------------------


def test_closing_rating_posts_the_chart_and_table_and_a_second_round_shows_the_change(local):
    workshop_id, board_ts = start(local)
    tp = touchpoints(local, workshop_id)
    rate_all(
        local, BEN, board_ts, tp, {"Search": (6, 5, 3), "Ads": (4, 4)}, {"Checkout": (7, 2, 5)}
    )
    rate_all(local, CHLOE, board_ts, tp, {"Search": (5, 5), "Ads": (3, 4)}, {"Checkout": (6, 2, 5)})
    rate_all(local, DEV, board_ts, tp, {"Search": (6, 6), "Ads": (4, 3)}, {"Checkout": (7, 1, 4)})

    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    results = local.standin.wait_for(lambda: _results_message(local, board_ts))
    (chart,) = local.standin.files(CHANNEL_ID)
    assert local.standin.file_bytes(chart["id"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart["shares"]["public"][CHANNEL_ID][0]["thread_ts"] == board_ts
    assert "Widest shortfalls: Checkout −5.0" in chart["alt_txt"]
    text = json.dumps(results["blocks"], ensure_ascii=False)
    assert "• *Checkout* (Buy): customers expect 6.7, get 1.7 (gap −5.0)" in text
    assert len(results["blocks"]) <= 50
    table = local.standin.wait_for(lambda: _table_message(local, board_ts))
    text = json.dumps(table["blocks"], ensure_ascii=False)
    # Checkout: gaps −5 −4 −6 → mean −5, sd 1, CI −5 ± 4.302653/√3·1 = −7.5 to −2.5
    assert " 1  Checkout            3  6.7→1.7    -5.0  -7.5 to -2.5" in text

    # Chloé may not open a round; Ana may, from the results, and the workshop goes back to rating
    local.sim.click(CHLOE, ids.RATE_NEW_ROUND, channel=CHANNEL_ID)
    refusal = local.standin.wait_for(lambda: local.standin.ephemerals(user=CHLOE))[-1]
    assert "Only the facilitator can open a new rating round." in refusal["text"]
    local.sim.click(ANA, ids.RATE_NEW_ROUND, channel=CHANNEL_ID)
    local.standin.wait_for(
        lambda: (
            board_figures(local.standin, board_ts).get("Rating round")
            == "2 · compared with round 1"
        )
    )
    local.standin.wait_for(
        lambda: any(
            "opened *rating round 2* on the same 3 touchpoints" in m["text"]
            for m in local.standin.thread(CHANNEL_ID, board_ts)
        )
    )
    with local.db.session() as session:
        assert get_workshop(session, local.team_id, workshop_id).phase == Phase.rating

    # Round 2: the form starts empty; Checkout's gap closes
    view = open_form(local, BEN, board_ts)
    assert "you have rated *0 of 3*" in json.dumps(view["blocks"], ensure_ascii=False)
    local.sim.close_view(BEN)
    rate_all(local, BEN, board_ts, tp, {"Search": (6, 5)}, {"Checkout": (7, 6)})
    rate_all(local, CHLOE, board_ts, tp, {"Search": (5, 5)}, {"Checkout": (6, 6)})
    local.sim.slash_command(ANA, CHANNEL_ID, "gaps")
    second = local.standin.wait_for(
        lambda: (r := _results_message(local, board_ts, round_number=2)) and r
    )
    text = json.dumps(second["blocks"], ensure_ascii=False)
    # Like for like over Search and Checkout (Ads was not rated again): round 1 their gaps
    # −1 0 0 −5 −4 −6 = −16/6 = −2.67 → −2.7; round 2 −1 0 −1 0 = −2/4 = −0.5.
    assert (
        "Gaps are closing: the mean gap narrowed from −2.7 to −0.5 since round 1. Compared over "
        "the 2 touchpoints rated in both rounds 1 and 2; not rated again in round 2: Ads. Of "
        "those, 1 narrowed" in text
    )
    table = local.standin.wait_for(lambda: _table_message(local, board_ts, round_number=2))
    text = json.dumps(table["blocks"], ensure_ascii=False)
    # Checkout: gaps −1 and 0 → −0.5; round 1 −5.0; narrowed by 4.5
    assert " R1      Δ" in text
    assert "Checkout            2  6.5→6.0    -0.5  -6.9 to +5.9   -5.0   +4.5" in text
    assert len(local.standin.files(CHANNEL_ID)) == 2
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=ANA))[-1]
    assert reply["text"] == "I posted the gaps of round 2 in the board's thread."


def _table_message(local, board_ts, round_number=1):
    for message in local.standin.thread(CHANNEL_ID, board_ts):
        if message["text"] == f"Full table of the journey gaps, round {round_number}":
            return message
    return None


def _results_message(local, board_ts, round_number=1):
    for message in local.standin.thread(CHANNEL_ID, board_ts):
        if f"Journey gaps · round {round_number}" in json.dumps(
            message.get("blocks") or [], ensure_ascii=False
        ):
            return message
    return None


# Rating in seconds: the default journey ------------------------------------------------------


def choices_on(view) -> list[dict]:
    """The inputs of a page that need a choice of the rater (required ones)."""
    return [b for b in view["blocks"] if b["type"] == "input" and not b.get("optional")]


def test_the_default_journey_takes_five_pages_and_38_choices_and_keeps_partial_progress(local):
    """19 touchpoints × 2 choices = 38 choices, on ⌈19 / 4⌉ = 5 pages of at most 8 inputs; each
    submit button names the page it leads to."""
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.rating)  # the default journey
    tp = touchpoints(local, workshop_id)
    assert len(tp) == 19
    view = open_form(local, BEN, board_ts)
    pages, choices, headers = 0, 0, []
    while view["callback_id"] == ids.RATE_MODAL:
        pages += 1
        headers.append(header(view))
        page_inputs = [b for b in view["blocks"] if b["type"] == "input"]
        assert len(page_inputs) <= 8
        assert all(b["element"]["type"] == "static_select" for b in page_inputs)
        picks = {b["block_id"]: "5" for b in choices_on(view)}
        choices += len(picks)
        submit = view["submit"]["text"]
        if pages == 2:  # Ben stops after two pages, and comes back later
            local.sim.submit_view(BEN, picks)
            local.sim.close_view(BEN)
            view = open_form(local, BEN, board_ts)
            assert header(view) == "Decision"  # where he left off
            assert "you have rated *8 of 19* touchpoints" in json.dumps(view["blocks"])
            continue
        view = local.sim.submit_view(BEN, picks).json["view"]
        if view["callback_id"] == ids.RATE_MODAL:
            named = submit.removeprefix("Next: ").removesuffix(" ▶")  # cut to fit 24 characters
            assert len(submit) <= 24 and header(view).startswith(named.removesuffix("…"))
        else:
            assert submit == "Save ratings"
    assert (pages, choices) == (5, 38)
    assert headers == [
        "Awareness",
        "Consideration",
        "Decision",
        "Purchase · Post-purchase / Loyalty",
        "Post-purchase / Loyalty",
    ]
    assert view["callback_id"] == ids.RATE_DONE_MODAL
    assert len(ratings(local)) == 19 and {
        (r.expectation, r.experience) for r in ratings(local)
    } == {(5, 5)}

    # All rated: the form opens on the progress view; "Change a page" shows earlier answers
    local.sim.close_view(BEN)
    done = open_form(local, BEN, board_ts)
    assert done["callback_id"] == ids.RATE_DONE_MODAL
    local.sim.click(BEN, ids.RATE_PAGE_PICK, selected="2")
    page = local.standin.wait_for(
        lambda: (v := local.standin.top_view(BEN))["callback_id"] == ids.RATE_MODAL and v
    )
    assert header(page) == "Decision"
    assert {b["element"]["initial_option"]["value"] for b in choices_on(page)} == {"5"}
