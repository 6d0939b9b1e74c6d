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
