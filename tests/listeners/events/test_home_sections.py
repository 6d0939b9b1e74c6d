"""The features' Home sections end to end: what is left to rate and the KPI snapshot, with the
features' own buttons, within 100 blocks however many workshops."""

from bot import ids
from bot.local import CHANNEL_ID, PEOPLE
from flows.workshops import get_workshop, join_workshop
from storage.models import Phase
from tests.report_fixtures import make_workshop, rate_round, record, record_kpis, set_phase

ANA, DEV = PEOPLE[0].user_id, PEOPLE[3].user_id


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
