"""The features' Home sections end to end: what is left to rate and the KPI snapshot, with the
features' own buttons, within 100 blocks however many workshops."""

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.workshops import get_workshop, join_workshop
from storage.models import ActionItem, ActionStatus, Phase
from tests.factories import touchpoint_ids
from tests.report_fixtures import (
    assign_action_items,
    cast_votes,
    make_workshop,
    propose_fixes,
    rate_round,
    record,
    record_kpis,
    set_phase,
)

ANA, BEN, DEV = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[3].user_id


def home_blocks(local, user):
    return (local.standin.home(user) or {}).get("blocks", [])


def test_home_shows_what_is_left_to_rate_and_the_kpi_snapshot(local):
    workshop_id, _ = local.start_workshop(
        ANA, phase=Phase.rating, values={ids.SETUP_JOURNEY: "Find: A, B\nBuy: C, D"}
    )
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        rate_round(session, workshop, {ANA: {"A": (6, 3, 4)}})
        record_kpis(session, workshop, ANA)
    local.sim.app_home_opened(ANA)
    local.standin.wait_for(lambda: "KPI snapshot" in str(home_blocks(local, ANA)))
    text = str(home_blocks(local, ANA))
    assert "you have *3 of 4* touchpoints left to rate in round 1" in text
    assert "*NPS* +28 ↑ better · target +30: :x: missed by 2 pts" in text

    # The section's button is the rating feature's own: it opens the rating form.
    local.sim.click(ANA, ids.RATE_OPEN, home=True, value=str(workshop_id))
    form = local.standin.wait_for(lambda: local.standin.top_view(ANA))
    assert form["callback_id"] == ids.RATE_MODAL
    # Rating one more from there updates what Home says is left.
    with local.db.session() as session:
        tp = touchpoint_ids(session, get_workshop(session, local.team_id, workshop_id))
    skipped = {
        f"{field}:{tp[name]}": "skip" for name in "CD" for field in ("expectation", "experience")
    }
    local.sim.submit_view(
        ANA, {f"expectation:{tp['B']}": "5", f"experience:{tp['B']}": "4", **skipped}
    )
    local.standin.wait_for(lambda: "*2 of 4* touchpoints left" in str(home_blocks(local, ANA)))


def test_many_workshops_with_ratings_left_and_kpis_stay_within_100_blocks(local):
    with local.db.session() as session:
        for n in range(14):
            workshop = make_workshop(session, local.team_id, CHANNEL_ID, title=f"Journey {n}")
            join_workshop(session, workshop, DEV)
            set_phase(session, workshop, Phase.rating)
            record(session, workshop, ANA, kpi="nps", value=str(n), period_end="2025-04-30")
    local.sim.app_home_opened(DEV)
    local.standin.wait_for(lambda: "KPI snapshot" in str(home_blocks(local, DEV)))
    blocks = home_blocks(local, DEV)
    assert len(blocks) <= 100
    text = str(blocks)
    assert "Touchpoints to rate" in text and "… and 9 more." in text  # 14 workshops, 5 shown
    assert "Not shown for lack of room" not in text


def test_an_owner_moves_an_action_item_on_from_home(local):
    workshop_id, board_ts = local.start_workshop(
        ANA, values={ids.SETUP_JOURNEY: "Find: A, B\nBuy: C, D"}
    )
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        for person in (BEN, DEV):
            join_workshop(session, workshop, person)
        fixes = propose_fixes(session, workshop, BEN)
        cast_votes(session, workshop, fixes, {BEN: ("Faster checkout",), DEV: ("Loyalty perks",)})
        assign_action_items(session, workshop, fixes, {"U1": BEN, "U2": BEN})
    local.sim.app_home_opened(BEN)
    local.standin.wait_for(lambda: "Your open action items" in str(home_blocks(local, BEN)))
    done = next(
        element
        for block in home_blocks(local, BEN)
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ids.ACTION_ITEM_STATUS_DONE
    )
    item_id = int(done["value"].split("|")[0])
    local.sim.click(BEN, ids.ACTION_ITEM_STATUS_DONE, home=True, value=done["value"])

    def status():
        with local.db.session() as session:
            return session.get(ActionItem, item_id).status

    local.standin.wait_for(lambda: status() == ActionStatus.done)
    # The Home is republished without the finished item; the team hears of it in the thread.
    local.standin.wait_for(lambda: "1 overdue" not in str(home_blocks(local, BEN)))
    assert done["value"] not in str(home_blocks(local, BEN))
    thread = local.standin.wait_for(lambda: local.standin.thread(CHANNEL_ID, board_ts))
    assert any("to *Done*" in m.get("text", "") for m in thread)
