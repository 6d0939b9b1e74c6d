from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.schedules import DigestRule, ScheduleSpec, create_schedule
from flows.workshops import get_workshop, join_workshop
from storage.models import Cadence, DigestSchedule, ScheduleStatus
from tests.factories import make_workshop

ANA, CHLOE, DEV = PEOPLE[0].user_id, PEOPLE[2].user_id, PEOPLE[3].user_id


def test_home_lists_the_users_workshops(local):
    workshop_id, _ = local.start_workshop(ANA, title="Onboarding journey")
    local.sim.app_home_opened(ANA)
    home = local.standin.wait_for(lambda: local.standin.home(ANA))
    assert f"#{workshop_id} Onboarding journey" in str(home["blocks"])
    assert "you facilitate" in str(home["blocks"])


def test_home_for_someone_in_no_workshop_explains_how_to_start(local):
    local.sim.app_home_opened(DEV)
    home = local.standin.wait_for(lambda: local.standin.home(DEV))
    assert "/workshop new" in str(home["blocks"])


def test_slack_redeliveries_of_an_event_are_handled_once(local):
    first = local.sim.app_home_opened(ANA)
    assert first.status == 200
    local.standin.wait_for(lambda: local.standin.home(ANA))
    event = {"type": "app_home_opened", "user": DEV, "channel": "D0DEV", "tab": "home"}
    responses = [
        local.sim.event(event, event_id="Ev0REDELIVERED", retry_num=n, retry_reason="http_timeout")
        if n
        else local.sim.event(event, event_id="Ev0REDELIVERED")
        for n in range(4)
    ]
    assert [r.status for r in responses] == [200, 200, 200, 200]
    local.standin.wait_for(lambda: local.standin.home(DEV))
    publishes = [c for c in local.standin.calls_to("views.publish") if c.params["user_id"] == DEV]
    assert len(publishes) == 1


def home_text(local, user):
    return str((local.standin.home(user) or {}).get("blocks"))


def publishes_for(local, user):
    return [c for c in local.standin.calls_to("views.publish") if c.params["user_id"] == user]


def test_more_workshops_than_fit_are_paged_and_the_page_is_remembered(local):
    with local.db.session() as session:
        for n in range(14):
            workshop = make_workshop(
                session, team=local.team_id, channel=CHANNEL_ID, title=f"Journey {n}"
            )
            join_workshop(session, workshop, DEV)
    local.sim.app_home_opened(DEV)
    home = local.standin.wait_for(lambda: local.standin.home(DEV))
    assert len(home["blocks"]) <= 100
    assert "14 workshops · page 1 of 3" in str(home["blocks"])
    assert "Journey 13" in str(home["blocks"]) and "Journey 7" not in str(home["blocks"])
    local.sim.click(DEV, ids.HOME_PAGE_NEXT, home=True)
    local.standin.wait_for(lambda: "page 2 of 3" in home_text(local, DEV))
    assert "Journey 7" in home_text(local, DEV)
    local.sim.app_home_opened(DEV)  # coming back: the same page
    local.standin.wait_for(lambda: len(publishes_for(local, DEV)) == 3)
    assert "page 2 of 3" in home_text(local, DEV)


def test_joining_refreshes_the_joiners_home_and_a_phase_change_only_homes_that_were_opened(
    local,
):
    workshop_id, board_ts = local.start_workshop(ANA)
    local.sim.app_home_opened(DEV)
    local.standin.wait_for(lambda: "/workshop new" in home_text(local, DEV))
    local.sim.click(DEV, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: f"#{workshop_id} Onboarding journey" in home_text(local, DEV))
    local.sim.click(CHLOE, ids.JOIN_WORKSHOP, channel=CHANNEL_ID, ts=board_ts)
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: "*Stakeholders* (step 2 of 6)" in home_text(local, DEV))
    assert publishes_for(local, CHLOE) == []  # she never opened Home: no call spent on her


def test_the_next_step_button_on_home_moves_the_workshop(local):
    workshop_id, board_ts = local.start_workshop(ANA)
    local.sim.app_home_opened(ANA)
    local.standin.wait_for(lambda: local.standin.home(ANA))
    assert local.standin.home(ANA)["blocks"][2]["text"]["text"].startswith(f"*#{workshop_id}")
    local.sim.click(ANA, ids.PHASE_ADVANCE, home=True, value=f"{workshop_id}|setup")
    local.standin.wait_for(
        lambda: "*▶ Stakeholders*" in str(local.standin.message(CHANNEL_ID, board_ts)["blocks"])
    )
    local.standin.wait_for(lambda: "*Stakeholders* (step 2 of 6)" in home_text(local, ANA))
    link = next(
        e
        for b in local.standin.home(ANA)["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.HOME_OPEN_BOARD
    )
    assert link["url"].endswith(board_ts.replace(".", ""))


def test_digests_the_user_set_up_can_be_paused_from_home(local):
    workshop_id, _ = local.start_workshop(ANA)
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        schedule = create_schedule(
            session,
            workshop,
            ANA,
            ScheduleSpec(DigestRule(Cadence.daily, "Europe/Lisbon", 8, 30), CHANNEL_ID),
        )
    local.sim.app_home_opened(ANA)
    local.standin.wait_for(lambda: "Every day at 08:30 (Europe/Lisbon)" in home_text(local, ANA))
    local.sim.click(ANA, ids.SCHEDULE_PAUSE, home=True, value=str(schedule.id))
    local.standin.wait_for(lambda: ":double_vertical_bar: Paused" in home_text(local, ANA))
    with local.db.session() as session:
        assert session.get(DigestSchedule, schedule.id).status == ScheduleStatus.paused
