"""Personas end to end: a facilitator adds them, a rater picks one on the way to the rating form,
and the gap results carry the results per persona."""

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from storage.models import GapRating, Participant, Persona, Phase
from tests.helpers import answered, in_thread, said

ANA, CHLOE = PEOPLE[0].user_id, PEOPLE[2].user_id
JOURNEY = "Find: Search, Ads\nBuy: Checkout"


def add(local, user, name, description=""):
    local.sim.slash_command(user, CHANNEL_ID, "personas")
    local.standin.wait_for(lambda: local.standin.top_view(user))
    return local.sim.submit_view(
        user, {"persona_name": name, "persona_description": description or None}
    )


def test_personas_are_added_picked_on_the_way_to_rating_and_reported(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY})
    assert add(local, ANA, "Busy parent", "Orders at night").problems == []
    said(local, ANA, "Added the persona *Busy parent* (1 of at most 5)")
    add(local, ANA, "Small business")
    refused = add(local, ANA, " busy PARENT ")
    assert refused.json["errors"] == {
        "persona_name": "There is already a persona called “busy PARENT”."
    }
    local.sim.close_view(ANA)

    local.sim.click(CHLOE, ids.RATE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    picker = local.standin.wait_for(lambda: local.standin.top_view(CHLOE))
    assert picker["callback_id"] == ids.PERSONA_CHOICE_MODAL
    with local.db.session() as session:
        business = session.exec(select(Persona).where(Persona.name == "Small business")).one()
    answer = local.sim.submit_view(CHLOE, {"persona_choice": str(business.id)})
    assert answer.problems == []
    form = local.standin.top_view(CHLOE)
    assert form["callback_id"] == ids.RATE_MODAL  # straight on to rating
    search = next(
        b["block_id"].split(":")[1]
        for b in form["blocks"]
        if b["block_id"].startswith("expectation:")
    )
    skipped = {  # the form asks for every touchpoint on the page: the others are skipped
        b["block_id"]: "skip"
        for b in form["blocks"]
        if b["block_id"].split(":")[0] in ("expectation", "experience")
    }
    local.sim.submit_view(
        CHLOE, {**skipped, f"expectation:{search}": "6", f"experience:{search}": "3"}
    )
    with local.db.session() as session:
        (rating,) = session.exec(select(GapRating)).all()
        assert rating.persona_id == business.id
        chloe = session.exec(select(Participant).where(Participant.user_id == CHLOE)).one()
        assert chloe.persona_id == business.id
    local.sim.close_view(CHLOE)

    # Picked once: the rating button now opens the rating form itself
    local.sim.click(CHLOE, ids.RATE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    assert local.standin.wait_for(lambda: local.standin.top_view(CHLOE))["callback_id"] == (
        ids.RATE_MODAL
    )
    local.sim.close_view(CHLOE)

    local.sim.slash_command(CHLOE, CHANNEL_ID, "gaps")
    posted = in_thread(local, board_ts, "Personas, round 1")
    assert "*Small business*: journey gap *−3.0* (1 rater, 1 rating)" in str(posted[-1]["blocks"])


def test_only_facilitators_add_personas_and_persona_explains_itself(local):
    local.start_workshop(ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY})
    answered(local, CHLOE, "personas", "Only the facilitator can define personas.")
    answered(
        local, CHLOE, "persona", "has no personas, so everyone rates for the customer in general"
    )
    assert local.standin.top_view(CHLOE) is None


def test_a_workshop_without_personas_opens_the_rating_form_at_once(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY})
    local.sim.click(CHLOE, ids.RATE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    assert local.standin.wait_for(lambda: local.standin.top_view(CHLOE))["callback_id"] == (
        ids.RATE_MODAL
    )


def test_a_round_per_persona_from_the_command_line(local):
    """Ana runs round 1 for the busy parent: nobody is asked for a persona, the board and the
    form say whose journey it is, and a second command changes nothing."""
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: JOURNEY})
    add(local, ANA, "Busy parent")
    add(local, ANA, "Small business")
    answered(local, CHLOE, 'round persona "Busy parent"', "Only the facilitator")
    local.sim.slash_command(ANA, CHANNEL_ID, "round persona Student")
    said(local, ANA, "no persona called “Student”; it has “Busy parent”, “Small business”")
    local.sim.slash_command(ANA, CHANNEL_ID, "round persona “busy parent”")
    said(local, ANA, "Round 1 is now rated for Busy parent; I announced it")
    answered(local, ANA, "round persona Busy parent", "Round 1 is already rated for Busy parent.")
    announced = [
        m
        for m in local.standin.thread(CHANNEL_ID, board_ts)
        if "for the persona" in m["text"] or "to the persona" in m["text"]
    ]
    assert (
        len(announced) == 1
        and "gave *rating round 1* to the persona *Busy parent*" in (announced[0]["text"])
    )
    board = local.standin.wait_for(
        lambda: next(
            (
                m
                for m in local.standin.messages(CHANNEL_ID)
                if m["ts"] == board_ts and "for the persona Busy parent" in str(m["blocks"])
            ),
            None,
        )
    )
    assert board is not None

    local.sim.click(CHLOE, ids.RATE_OPEN, channel=CHANNEL_ID, ts=board_ts)
    form = local.standin.wait_for(lambda: local.standin.top_view(CHLOE))
    assert form["callback_id"] == ids.RATE_MODAL  # no persona picker in a persona's round
    assert "rating the journey of *Busy parent*" in str(form["blocks"][1])
    fields = {
        b["block_id"]: "4"
        for b in form["blocks"]
        if b["block_id"].split(":")[0] in ("expectation", "experience")
    }
    assert local.sim.submit_view(CHLOE, fields).problems == []
    with local.db.session() as session:
        parent = session.exec(select(Persona).where(Persona.name == "Busy parent")).one()
        assert {r.persona_id for r in session.exec(select(GapRating))} == {parent.id}
        chloe = session.exec(select(Participant).where(Participant.user_id == CHLOE)).one()
        assert chloe.persona_id is None  # she was never asked
