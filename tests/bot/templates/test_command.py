"""`/workshop template save NAME`: a workshop's journey offered again by the setup form."""

from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.channels import touchpoint_channels
from flows.journey import StageSpec
from flows.journey_templates import get_template
from storage.models import Channel, Workshop
from tests.helpers import answered, said

ANA, BEN = PEOPLE[0].user_id, PEOPLE[1].user_id
JOURNEY = "Find: Search, Ads\nBuy: Checkout"


def saved_options(view) -> list[tuple[str, str]]:
    select = next(b for b in view["blocks"] if b["block_id"] == ids.SETUP_TEMPLATE)["element"]
    groups = {g["label"]["text"]: g["options"] for g in select["option_groups"]}
    return [(o["value"], o["text"]["text"]) for o in groups.get("Saved in this workspace", [])]


def test_a_saved_journey_is_offered_and_fills_the_stage_editor(local):
    workshop_id, _ = local.start_workshop(ANA, values={ids.SETUP_JOURNEY: JOURNEY})
    local.sim.slash_command(BEN, CHANNEL_ID, "template save Mine")
    assert "Only the facilitator can save this workshop's journey" in str(
        said(local, BEN, "Only the facilitator")
    )
    reply = answered(local, ANA, "template save  Find & buy ", "Saved the journey")
    assert reply["text"] == (
        f"Saved the journey of workshop #{workshop_id} as template *Find &amp; buy* "
        "(2 stages, 3 touchpoints). It is offered under “Journey to start from” when anyone "
        "here starts a workshop with `/workshop new`."
    )
    assert (
        "now holds the journey"
        in answered(local, ANA, "template save find & BUY", "now holds")["text"]
    )
    assert (
        "`/workshop template save NAME`"
        in answered(local, ANA, "template", "as a template with")["text"]
    )

    local.sim.slash_command(BEN, CHANNEL_ID, "new Second")
    view = local.standin.wait_for(lambda: local.standin.top_view(BEN))
    ((key, text),) = saved_options(view)
    assert text == "find & BUY · 2 stages, 3 touchpoints"
    local.sim.submit_view(BEN, {ids.SETUP_TEMPLATE: key})
    stages = local.standin.top_view(BEN)
    rows = {
        b["block_id"]: b["element"].get("initial_value")
        for b in stages["blocks"]
        if b["type"] == "input"
    }
    assert rows == {
        "stage_name:0": "Find",
        "stage_touchpoints:0": "Search\nAds",
        "stage_name:1": "Buy",
        "stage_touchpoints:1": "Checkout",
    }


def test_a_workshop_from_a_template_with_channels_starts_with_them(local):
    """The support template: the stage editor says the channels stay with the touchpoints
    kept as they are; "Live chat" renamed to "Web chat" starts without one."""
    local.sim.slash_command(ANA, CHANNEL_ID, "new Support review")
    local.standin.wait_for(lambda: local.standin.top_view(ANA))
    local.sim.submit_view(ANA, {ids.SETUP_TEMPLATE: "builtin:support"})
    editor = local.standin.top_view(ANA)
    assert "The template's channels stay with the touchpoints you keep as they are" in str(
        editor["blocks"][0]
    )
    stages = list(get_template(None, "T", "builtin:support").stages)
    stages[2] = StageSpec("Contact us", ("Contact form", "Phone line", "Web chat"))
    local.submit_stages(ANA, stages)
    local.standin.wait_for(lambda: local._newest_board("Support review"))
    with local.db.session() as session:
        workshop = session.exec(select(Workshop).where(Workshop.title == "Support review")).one()
        channels = {tp.name: tp.channel for tp in touchpoint_channels(session, workshop)}
    assert channels["Phone line"] is Channel.phone and channels["Status page"] is Channel.web
    assert channels["Web chat"] is None
    assert sum(1 for c in channels.values() if c is not None) == 13  # 14 touchpoints, 1 renamed
