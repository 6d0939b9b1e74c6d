"""`/workshop` end to end: signed slash commands and modal submissions into the real Bolt app."""

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, OUTSIDER, PEOPLE
from flows.journey import DEFAULT_JOURNEY, touchpoint_choices
from flows.journey_templates import BUILT_IN_TEMPLATES
from storage.models import JourneyStage, Participant, Touchpoint, Workshop

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id
SUPPORT = next(t for t in BUILT_IN_TEMPLATES if t.key == "builtin:support")


def workshops(local):
    with local.db.session() as session:
        return session.exec(select(Workshop)).all()


def test_new_opens_the_setup_modal_prefilled_with_the_title(local):
    response = local.sim.slash_command(ANA, CHANNEL_ID, "new Onboarding journey")
    assert response.status == 200
    view = local.standin.wait_for(lambda: local.standin.top_view(ANA))
    assert view["callback_id"] == ids.SETUP_MODAL
    title_block = next(b for b in view["blocks"] if b["block_id"] == ids.SETUP_TITLE)
    assert title_block["element"]["initial_value"] == "Onboarding journey"


def stage_names(view) -> list[str]:
    return [
        b["element"].get("initial_value")
        for b in view["blocks"]
        if b.get("block_id", "").startswith("stage_name:")
    ]


def test_submitting_the_setup_posts_the_board_and_stores_the_journey(local):
    local.sim.slash_command(ANA, CHANNEL_ID, "new Onboarding journey")
    local.standin.wait_for(lambda: local.standin.top_view(ANA))
    response = local.sim.submit_view(ANA, {ids.SETUP_CO_FACILITATORS: [BEN]})
    assert response.json["response_action"] == "update"  # step 2: the stages
    stages = local.standin.top_view(ANA)
    assert stages["callback_id"] == ids.SETUP_STAGES_MODAL
    assert stage_names(stages) == [s.name for s in DEFAULT_JOURNEY]
    assert workshops(local) == []  # nothing created before the journey is settled
    response = local.sim.submit_view(ANA, {})
    assert response.status == 200 and not (response.json or {}).get("response_action")
    board = local.standin.wait_for(lambda: local.standin.messages(CHANNEL_ID))[0]
    assert board["blocks"][0]["text"]["text"] == "Onboarding journey"
    (workshop,) = local.standin.wait_for(lambda: [w for w in workshops(local) if w.board_ts])
    assert (workshop.team_id, workshop.channel_id, workshop.board_ts) == (
        local.team_id,
        CHANNEL_ID,
        board["ts"],
    )
    with local.db.session() as session:
        assert len(session.exec(select(JourneyStage)).all()) == 5
        assert len(session.exec(select(Touchpoint)).all()) == 19
        roles = {p.user_id: p.role for p in session.exec(select(Participant))}
    assert roles == {ANA: "facilitator", BEN: "co_facilitator"}


def test_a_template_is_edited_stage_by_stage_and_a_stage_added(local):
    local.sim.slash_command(ANA, CHANNEL_ID, "new Support review")
    local.standin.wait_for(lambda: local.standin.top_view(ANA))
    local.sim.submit_view(ANA, {ids.SETUP_TEMPLATE: "builtin:support"})
    view = local.standin.top_view(ANA)
    assert stage_names(view) == [s.name for s in SUPPORT.stages]
    assert len([b for b in view["blocks"] if b["type"] == "input"]) == 2 * len(SUPPORT.stages)
    local.sim.click(ANA, ids.SETUP_ADD_STAGE)
    view = local.standin.wait_for(
        lambda: len(stage_names(v := local.standin.top_view(ANA))) == 6 and v
    )
    assert stage_names(view)[-1] is None
    local.sim.submit_view(
        ANA,
        {
            "stage_name:0": "Spot a problem",  # renamed
            "stage_touchpoints:1": "Help centre\n\n  Chatbot  ",  # one dropped, blanks ignored
            "stage_name:4": None,  # Follow-up emptied: dropped
            "stage_touchpoints:4": None,
            "stage_name:5": "Win-back",
            "stage_touchpoints:5": "Survey call",
        },
    )
    local.standin.wait_for(lambda: [w for w in workshops(local) if w.board_ts])
    with local.db.session() as session:
        (workshop,) = workshops(local)
        journey = [
            (stage.name, [tp.name for tp in stage.touchpoints])
            for stage in touchpoint_choices(session, workshop)
        ]
    assert journey == [
        ("Spot a problem", ["Error message", "Status page"]),
        ("Look for help", ["Help centre", "Chatbot"]),
        ("Contact us", ["Contact form", "Phone line", "Live chat"]),
        ("Resolution", ["First response", "Escalation", "Fix or workaround"]),
        ("Win-back", ["Survey call"]),
    ]


def test_an_empty_title_and_a_stage_without_touchpoints_come_back_as_field_errors(local):
    local.sim.slash_command(ANA, CHANNEL_ID, "new")
    local.standin.wait_for(lambda: local.standin.top_view(ANA))
    response = local.sim.submit_view(ANA, {ids.SETUP_TITLE: "   "})
    assert response.json == {
        "response_action": "errors",
        "errors": {ids.SETUP_TITLE: "Give the workshop a title."},
    }
    local.sim.submit_view(ANA, {ids.SETUP_TITLE: "Onboarding"})
    response = local.sim.submit_view(
        ANA, {"stage_touchpoints:1": None, "stage_name:2": "Awareness"}
    )
    assert response.problems == []  # the errors name the form's input blocks
    assert response.json["response_action"] == "errors"
    assert response.json["errors"] == {
        "stage_touchpoints:1": "List this stage's touchpoints, one per line.",
        "stage_name:2": "Stage 1 has this name already.",
    }
    assert local.standin.top_view(ANA)["callback_id"] == ids.SETUP_STAGES_MODAL  # kept open
    assert workshops(local) == []


def test_unknown_subcommand_gets_the_help_privately(local):
    response = local.sim.slash_command(BEN, CHANNEL_ID, "frobnicate")
    assert response.status == 200
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=BEN))[-1]
    assert "I don't know `/workshop frobnicate`" in str(reply)
    assert "/workshop new [title]" in str(reply)


def test_a_command_in_a_channel_without_the_bot_explains_how_to_invite_it(local):
    local.standin.add_channel("C0NOBOT", "random", [ANA], bot_is_member=False)
    local.sim.slash_command(ANA, "C0NOBOT", "new Onboarding")
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=ANA))[-1]
    assert "/invite @Journey Workshop" in str(reply)
    assert local.standin.top_view(ANA) is None


def test_list_and_status_describe_the_channels_workshops(local):
    first, _ = local.start_workshop(ANA, title="First")
    second, _ = local.start_workshop(ANA, title="Second")
    local.sim.slash_command(CHLOE, CHANNEL_ID, "list")
    listing = str(local.standin.wait_for(lambda: local.standin.ephemerals(user=CHLOE))[-1])
    assert f"*#{second}* Second" in listing and f"*#{first}* First" in listing
    local.sim.slash_command(CHLOE, CHANNEL_ID, f"status #{first}")
    replies = local.standin.wait_for(
        lambda: (
            len(local.standin.ephemerals(user=CHLOE)) == 2 and local.standin.ephemerals(user=CHLOE)
        )
    )
    assert replies[1]["text"] == f"Workshop #{first}: You haven't joined this workshop yet."
    assert "First" in str(replies[1]["blocks"]) and "Second" not in str(replies[1]["blocks"])
    # Her own status, not a copy of the board: no empty facilitator heading.
    assert "acilitator" not in str(replies[1]["blocks"])
    assert ids.JOIN_WORKSHOP in str(replies[1]["blocks"])  # her one next action


def test_status_of_another_workspaces_workshop_is_not_found(local):
    with local.db.session() as session:
        foreign = Workshop(
            team_id="T0OTHER", channel_id=CHANNEL_ID, title="Secret", facilitator_id="UX"
        )
        session.add(foreign)
    local.sim.slash_command(ANA, CHANNEL_ID, f"status #{foreign.id}")
    reply = str(local.standin.wait_for(lambda: local.standin.ephemerals(user=ANA))[-1])
    assert f"There is no workshop #{foreign.id} in this workspace." in reply
    assert "Secret" not in reply


def test_outsider_commands_are_answered_too(local):
    local.sim.slash_command(OUTSIDER.user_id, CHANNEL_ID, "help")
    assert local.standin.wait_for(lambda: local.standin.ephemerals(user=OUTSIDER.user_id))


def test_a_workshop_command_in_a_dm_explains_that_workshops_run_in_channels(local):
    dm = local.standin.dm_channel_id(ANA)
    local.sim.slash_command(ANA, dm, "new Onboarding")
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=ANA))[-1]
    assert "Workshops run in channels" in str(reply)
    assert local.standin.top_view(ANA) is None


def test_an_unexpected_failure_is_logged_and_the_user_is_told(local, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("bot.workshop.commands.channel_workshops", broken)
    local.sim.slash_command(CHLOE, CHANNEL_ID, "list")
    reply = local.standin.wait_for(lambda: local.standin.ephemerals(user=CHLOE))[-1]
    assert "Something went wrong on our side" in str(reply)
    record = next(r for r in caplog.records if "unhandled error" in r.getMessage())
    assert f"team {local.team_id}, user {CHLOE}" in record.getMessage()
    assert "database on fire" in str(record.exc_info[1])
