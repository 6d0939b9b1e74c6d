from bot.local import PEOPLE

ANA, DEV = PEOPLE[0].user_id, PEOPLE[3].user_id


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
