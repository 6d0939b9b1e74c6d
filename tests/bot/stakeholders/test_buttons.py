"""Editing and removing stakeholders from `/workshop stakeholder list`, and every refusal: other
people's stakeholders, forged values and another workspace's ids change nothing."""

import json
from urllib.parse import urlencode

from sqlmodel import select

from bot.slack import ids
from bot.stakeholders.blocks import RatingMetadata, StakeholderFormMetadata
from demo.local import CHANNEL_ID, PEOPLE
from flows.journey import DEFAULT_JOURNEY
from flows.stakeholders import StakeholderSpec, add_stakeholder, save_ratings
from flows.workshops import PhaseAction, WorkshopSpec, change_phase, create_workshop
from storage.models import (
    Attitude,
    Phase,
    Stakeholder,
    StakeholderCategory,
    StakeholderRating,
)

ANA, BEN, CHLOE, DEV = (p.user_id for p in PEOPLE[:4])
OTHER_TEAM = "T0OTHER"


def add(local, workshop_id, user, name, team=None):
    with local.db.session() as session:
        return add_stakeholder(
            session,
            team or local.team_id,
            workshop_id,
            user,
            StakeholderSpec(name, StakeholderCategory.customer, Attitude.neutral),
        ).id


def names(local):
    with local.db.session() as session:
        return sorted(s.name for s in session.exec(select(Stakeholder)))


def foreign_workshop(local):
    """A workshop of another workspace, in the stakeholders phase, with one stakeholder."""
    with local.db.session() as session:
        workshop = create_workshop(
            session, OTHER_TEAM, "C0THEIRS", "UX", WorkshopSpec("Theirs", list(DEFAULT_JOURNEY))
        )
        change_phase(session, OTHER_TEAM, workshop.id, "UX", PhaseAction.advance)
        workshop_id = workshop.id
    return workshop_id, add(local, workshop_id, "UX", "Their CFO", team=OTHER_TEAM)


def show_list(local, user):
    before = len(local.standin.ephemerals(user=user))
    local.sim.slash_command(user, CHANNEL_ID, "stakeholder list")
    return local.standin.wait_for(
        lambda: (
            len(local.standin.ephemerals(user=user)) > before
            and local.standin.ephemerals(user=user)[-1]
        )
    )


def last_reply(local, user, count_before):
    return local.standin.wait_for(
        lambda: (
            len(local.standin.ephemerals(user=user)) > count_before
            and local.standin.ephemerals(user=user)[-1]
        )
    )


def menus(listing):
    return {
        block["text"]["text"].split(" · ")[0]: [o["value"] for o in block["accessory"]["options"]]
        for block in listing["blocks"]
        if block.get("accessory", {}).get("type") == "overflow"
    }


def test_the_list_offers_edit_and_remove_to_the_author_and_the_facilitators(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.stakeholders)
    cfo = add(local, workshop_id, CHLOE, "CFO")
    sales = add(local, workshop_id, DEV, "Sales reps")
    assert menus(show_list(local, DEV)) == {
        "*Sales reps*": [f"edit|{sales}|0", f"remove|{sales}|0"]
    }
    assert set(menus(show_list(local, ANA))) == {"*CFO*", "*Sales reps*"}  # the facilitator
    assert menus(show_list(local, CHLOE)) == {"*CFO*": [f"edit|{cfo}|0", f"remove|{cfo}|0"]}


def test_the_author_edits_from_the_list_and_the_list_is_redrawn(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.stakeholders)
    sales = add(local, workshop_id, DEV, "Sales reps")
    listing = show_list(local, DEV)
    local.sim.click(
        DEV, ids.STAKEHOLDER_MENU, channel=CHANNEL_ID, ts=listing["ts"], selected=f"edit|{sales}|0"
    )
    form = local.standin.wait_for(lambda: local.standin.top_view(DEV))
    assert form["title"]["text"] == "Edit stakeholder"
    name = next(b for b in form["blocks"] if b["block_id"] == ids.STAKEHOLDER_NAME)
    assert name["element"]["initial_value"] == "Sales reps"
    response = local.sim.submit_view(
        DEV, {ids.STAKEHOLDER_NAME: "Field sales reps", ids.STAKEHOLDER_ATTITUDE: "supporter"}
    )
    assert response.json is None and not response.problems
    assert names(local) == ["Field sales reps"]

    def list_now():
        (current,) = [e for e in local.standin.ephemerals(user=DEV) if e["ts"] == listing["ts"]]
        return json.dumps(current["blocks"], ensure_ascii=False)

    redrawn = local.standin.wait_for(lambda: "Field sales reps" in list_now() and list_now())
    assert "*Field sales reps* · Customer · :large_green_circle: Supporter" in redrawn
    told = local.standin.wait_for(
        lambda: [e["text"] for e in local.standin.ephemerals(user=DEV) if "Saved" in e["text"]]
    )
    assert told == ["Saved your changes to *Field sales reps*."]


def test_a_facilitator_removes_a_stakeholder_with_its_ratings(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.stakeholders)
    cfo = add(local, workshop_id, CHLOE, "CFO")
    add(local, workshop_id, CHLOE, "Sales reps")
    with local.db.session() as session:
        save_ratings(session, local.team_id, workshop_id, DEV, {cfo: (4, 2)})
    listing = show_list(local, ANA)
    local.sim.click(
        ANA, ids.STAKEHOLDER_MENU, channel=CHANNEL_ID, ts=listing["ts"], selected=f"remove|{cfo}|0"
    )
    confirm = local.standin.wait_for(lambda: local.standin.top_view(ANA))
    assert "Remove *CFO* from the workshop and the rating given to them too?" in json.dumps(
        confirm["blocks"]
    )
    before = len(local.standin.ephemerals(user=ANA))
    assert local.sim.submit_view(ANA).json is None
    assert names(local) == ["Sales reps"]
    with local.db.session() as session:
        assert session.exec(select(StakeholderRating)).all() == []
    assert last_reply(local, ANA, before)["text"] == "Removed *CFO* and the rating given to them."


def test_someone_else_forging_the_menu_is_refused_and_nothing_changes(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.stakeholders)
    cfo = add(local, workshop_id, CHLOE, "CFO")
    add(local, workshop_id, DEV, "Sales reps")
    listing = show_list(local, DEV)
    before = len(local.standin.ephemerals(user=DEV))
    forged = {"text": {"type": "plain_text", "text": "Remove"}, "value": f"remove|{cfo}|0"}
    local.sim.click(
        DEV, ids.STAKEHOLDER_MENU, channel=CHANNEL_ID, ts=listing["ts"], selected=forged
    )
    refusal = last_reply(local, DEV, before)
    assert "Only the person who added “CFO” and the facilitators can change it." in refusal["text"]
    assert local.standin.top_view(DEV) is None
    assert names(local) == ["CFO", "Sales reps"]


def test_forged_removal_submission_from_someone_else_is_refused(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.stakeholders)
    cfo = add(local, workshop_id, CHLOE, "CFO")
    response = submit_forged_view(
        local,
        DEV,
        ids.REMOVE_STAKEHOLDER_MODAL,
        StakeholderFormMetadata(stakeholder_id=cfo).encode(),
        blocks=[],
        values={},
    )
    assert response.json["response_action"] == "update"
    assert "Only the person who added" in json.dumps(response.json["view"])
    assert names(local) == ["CFO"]


def submit_forged_view(local, user, callback_id, private_metadata, blocks, values):
    """A view_submission as a tampering client could send it (still signed, as Slack would)."""
    view = {
        "id": "VFORGED",
        "team_id": local.team_id,
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "blocks": blocks,
        "state": {"values": values},
        "title": {"type": "plain_text", "text": "Forged"},
    }
    payload = {
        "type": "view_submission",
        "team": {"id": local.team_id, "domain": "northwind"},
        "user": {"id": user, "username": user, "name": user, "team_id": local.team_id},
        "api_app_id": local.standin.app_id,
        "token": local.standin.verification_token,
        "trigger_id": local.standin.issue_trigger_id(user),
        "view": view,
        "response_urls": [],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return local.sim.post(body, "application/x-www-form-urlencoded")


def text_state(value):
    return {ids.INPUT: {"type": "plain_text_input", "value": value}}


def option_state(value):
    return {ids.INPUT: {"type": "static_select", "selected_option": {"value": value}}}


def test_another_workspaces_ids_are_refused_everywhere(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    ours = add(local, workshop_id, ANA, "CFO")
    their_workshop, theirs = foreign_workshop(local)

    # The board's Add button with their workshop's id.
    before = len(local.standin.ephemerals(user=ANA))
    opened = len(local.standin.calls_to("views.open"))
    local.sim.click(
        ANA, ids.ADD_STAKEHOLDER, channel=CHANNEL_ID, ts=board_ts, forge_value=str(their_workshop)
    )
    assert f"There is no workshop #{their_workshop}" in last_reply(local, ANA, before)["text"]
    assert len(local.standin.calls_to("views.open")) == opened

    # The list's menu with their stakeholder.
    listing = show_list(local, ANA)
    before = len(local.standin.ephemerals(user=ANA))
    forged = {"text": {"type": "plain_text", "text": "Edit"}, "value": f"edit|{theirs}|0"}
    local.sim.click(
        ANA, ids.STAKEHOLDER_MENU, channel=CHANNEL_ID, ts=listing["ts"], selected=forged
    )
    assert "not on the list any more" in last_reply(local, ANA, before)["text"]

    # An add form whose metadata names their workshop.
    add_state = {
        ids.STAKEHOLDER_NAME: text_state("Planted"),
        ids.STAKEHOLDER_CATEGORY: option_state("customer"),
        ids.STAKEHOLDER_ATTITUDE: option_state("neutral"),
    }
    response = submit_forged_view(
        local,
        ANA,
        ids.STAKEHOLDER_MODAL,
        StakeholderFormMetadata(workshop_id=their_workshop).encode(),
        [],
        add_state,
    )
    assert response.json == {
        "response_action": "errors",
        "errors": {
            ids.STAKEHOLDER_NAME: f"There is no workshop #{their_workshop} in this workspace."
        },
    }
    # An edit form whose metadata names their stakeholder.
    response = submit_forged_view(
        local,
        ANA,
        ids.STAKEHOLDER_MODAL,
        StakeholderFormMetadata(workshop_id=workshop_id, stakeholder_id=theirs).encode(),
        [],
        add_state,
    )
    assert response.json["errors"] == {
        ids.STAKEHOLDER_NAME: "That stakeholder is not on the list any more."
    }
    # A removal of their stakeholder, and ratings for it.
    response = submit_forged_view(
        local,
        ANA,
        ids.REMOVE_STAKEHOLDER_MODAL,
        StakeholderFormMetadata(stakeholder_id=theirs).encode(),
        [],
        {},
    )
    assert "not on the list any more" in json.dumps(response.json["view"])
    response = submit_forged_view(
        local,
        ANA,
        ids.RATING_MODAL,
        RatingMetadata(workshop_id=workshop_id, last_id=ours).encode(),
        [],
        {
            f"influence:{theirs}": option_state("5"),
            f"interest:{theirs}": option_state("5"),
            f"influence:{ours}": option_state("2"),
            f"interest:{ours}": option_state("3"),
        },
    )
    assert response.json is None
    with local.db.session() as session:
        stored = session.exec(select(StakeholderRating)).all()
        assert [(r.stakeholder_id, r.team_id) for r in stored] == [(ours, local.team_id)]
        theirs_now = session.exec(select(Stakeholder).where(Stakeholder.id == theirs)).one()
        assert (theirs_now.name, theirs_now.team_id) == ("Their CFO", OTHER_TEAM)
    assert names(local) == ["CFO", "Their CFO"]


def test_rating_values_outside_the_scale_are_refused_inline(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.stakeholders)
    cfo = add(local, workshop_id, ANA, "CFO")
    response = submit_forged_view(
        local,
        BEN,
        ids.RATING_MODAL,
        RatingMetadata(workshop_id=workshop_id, last_id=0).encode(),
        [],
        {f"influence:{cfo}": option_state("9"), f"interest:{cfo}": option_state("3")},
    )
    assert response.json == {
        "response_action": "errors",
        "errors": {f"influence:{cfo}": "Pick a rating from 1 to 5."},
    }
    with local.db.session() as session:
        assert session.exec(select(StakeholderRating)).all() == []


def test_the_list_pages_past_forty(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.stakeholders)
    for n in range(45):
        add(local, workshop_id, ANA, f"Stakeholder {n:02d}")
    listing = show_list(local, ANA)
    assert len(listing["blocks"]) <= 50
    assert "Stakeholder 39" in json.dumps(listing["blocks"])
    assert "Stakeholder 40" not in json.dumps(listing["blocks"])
    local.sim.click(ANA, ids.STAKEHOLDER_LIST_NEXT, channel=CHANNEL_ID, ts=listing["ts"])
    page_2 = local.standin.wait_for(
        lambda: next(
            (
                e
                for e in reversed(local.standin.ephemerals(user=ANA))
                if e["ts"] == listing["ts"] and "Stakeholder 44" in json.dumps(e["blocks"])
            ),
            None,
        )
    )
    assert "Stakeholder 39" not in json.dumps(page_2["blocks"])
    assert menus(page_2)["*Stakeholder 40*"] == [
        f"edit|{menus_id(local, 'Stakeholder 40')}|40",
        f"remove|{menus_id(local, 'Stakeholder 40')}|40",
    ]


def menus_id(local, name):
    with local.db.session() as session:
        return session.exec(select(Stakeholder.id).where(Stakeholder.name == name)).one()


def test_junk_values_are_answered_as_out_of_date_not_as_a_crash(local):
    from bot.stakeholders.actions import OUT_OF_DATE

    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.stakeholders)
    add(local, workshop_id, ANA, "CFO")
    listing = show_list(local, ANA)
    before = len(local.standin.ephemerals(user=BEN))
    local.sim.click(
        BEN, ids.ADD_STAKEHOLDER, channel=CHANNEL_ID, ts=board_ts, forge_value="12|rating"
    )
    assert last_reply(local, BEN, before)["text"] == OUT_OF_DATE
    # A number no id can be never reaches a listener: the request is refused as malformed.
    for action_id, value in [
        (ids.ADD_STAKEHOLDER, "999999999999999999999"),
        (ids.RATE_STAKEHOLDERS, "-1"),
    ]:
        response = local.sim.click(
            BEN, action_id, channel=CHANNEL_ID, ts=board_ts, forge_value=value
        )
        assert (
            response.status == 400 and response.text == "malformed payload: a number out of range"
        )
    for value in ("edit|99999999999999|0", "remove|1|-5"):
        forged = {"text": {"type": "plain_text", "text": "Edit"}, "value": value}
        response = local.sim.click(
            ANA, ids.STAKEHOLDER_MENU, channel=CHANNEL_ID, ts=listing["ts"], selected=forged
        )
        assert response.status == 400
    for value in ("delete|1|0", "edit"):
        before = len(local.standin.ephemerals(user=ANA))
        forged = {"text": {"type": "plain_text", "text": "Edit"}, "value": value}
        local.sim.click(
            ANA, ids.STAKEHOLDER_MENU, channel=CHANNEL_ID, ts=listing["ts"], selected=forged
        )
        assert last_reply(local, ANA, before)["text"] == OUT_OF_DATE
    assert names(local) == ["CFO"]
