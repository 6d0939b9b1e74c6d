"""Proposing, editing, removing and merging fixes through Slack: the forms, the list's menus,
permissions checked on the server, and forged ids refused."""

import json
from urllib.parse import parse_qs, urlencode

import pytest
from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.fixes import FixDraft, propose_fix
from flows.journey import StageSpec
from flows.workshops import WorkshopSpec, create_workshop
from standin import SimResponse, SimulatedSlack
from storage.models import Fix, FixStatus, Phase, Touchpoint
from tests.helpers import answered, pick_in_fix_menu, settle

ANA, BEN, CHLOE, DEV = (p.user_id for p in PEOPLE[:4])


class RecordingSlack(SimulatedSlack):
    """Builds the simulator's signed requests without sending them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requests: list[tuple[bytes, str]] = []

    def post(self, body, content_type, headers=None, signed=True, timestamp=None):
        self.requests.append((body, content_type))
        return SimResponse(200, "", None, {}, 0.0)


def forged_menu_choice(local, user, chosen, forged):
    """`user` picks `chosen` in a fix menu, but the payload says `forged` (a tampering client)."""
    recorder = RecordingSlack(local.standin, local.sim.bot_url, local.signing_secret)
    block_id = "fix-" + chosen.split("|")[1]
    recorder.click(user, ids.FIX_MENU, channel=CHANNEL_ID, selected=chosen, block_id=block_id)
    body, content_type = recorder.requests[0]
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    payload["actions"][0]["selected_option"]["value"] = forged
    return local.sim.post(urlencode({"payload": json.dumps(payload)}).encode(), content_type)


@pytest.fixture(autouse=True)
def _settle_after(local):
    yield
    settle(local)


def touchpoint(local, workshop_id, name="Checkout"):
    with local.db.session() as session:
        return session.exec(
            select(Touchpoint.id).where(
                Touchpoint.workshop_id == workshop_id, Touchpoint.name == name
            )
        ).one()


def fix_named(local, title):
    with local.db.session() as session:
        return session.exec(select(Fix).where(Fix.title == title)).one()


def top_form(local, user, callback_id):
    return local.standin.wait_for(
        lambda: (v := local.standin.top_view(user)) and v["callback_id"] == callback_id and v
    )


def newest_list(local, user):
    return local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=user) if e["text"] == "Fixes"]
    )[-1]


def test_proposing_with_the_form_and_its_inline_errors(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.rating)
    refusal = answered(
        local, CHLOE, "fix Checkout in 3 steps", "Fixes are proposed in the fixes phase"
    )
    assert "Fixes are proposed in the fixes phase" in refusal["text"]
    local.sim.click(ANA, ids.PHASE_ADVANCE, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(
        lambda: "Propose a fix" in str(local.standin.message(CHANNEL_ID, board_ts)["blocks"])
    )

    # the trailing number is part of the title, not a workshop number
    local.sim.slash_command(CHLOE, CHANNEL_ID, "fix Checkout in 3 steps")
    form = top_form(local, CHLOE, ids.FIX_MODAL)
    title_block = next(b for b in form["blocks"] if b.get("block_id") == ids.FIX_TITLE)
    assert title_block["element"]["initial_value"] == "Checkout in 3 steps"
    groups = next(b for b in form["blocks"] if b.get("block_id") == ids.FIX_TOUCHPOINT)
    labels = [g["label"]["text"] for g in groups["element"]["option_groups"]]
    assert labels[0] == "Awareness" and len(labels) == 5

    answer = local.sim.submit_view(
        CHLOE, {ids.FIX_TITLE: "   ", ids.FIX_TOUCHPOINT: str(touchpoint(local, workshop_id))}
    )
    assert answer.json == {
        "response_action": "errors",
        "errors": {ids.FIX_TITLE: "Give the fix a short title."},
    }
    assert answer.problems == []
    answer = local.sim.submit_view(
        CHLOE,
        {
            ids.FIX_TITLE: "Checkout in 3 steps",
            ids.FIX_DESCRIPTION: "Drop the account step.",
            ids.FIX_EFFORT: "M",
            ids.FIX_IMPACT: "high",
        },
    )
    assert answer.problems == [] and local.standin.top_view(CHLOE) is None
    fix = fix_named(local, "Checkout in 3 steps")
    assert (fix.effort, fix.impact, fix.description) == ("M", "high", "Drop the account step.")

    # the board's button opens the same form
    local.sim.click(DEV, ids.FIX_PROPOSE, channel=CHANNEL_ID, ts=board_ts)
    assert top_form(local, DEV, ids.FIX_MODAL)["title"]["text"] == "Propose a fix"


def test_authors_edit_and_remove_facilitators_merge_others_cannot(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.fixes)
    checkout = touchpoint(local, workshop_id)
    with local.db.session() as session:
        guest = propose_fix(
            session, local.team_id, workshop_id, CHLOE, FixDraft("Guest checkout", checkout)
        )
        dup = propose_fix(
            session, local.team_id, workshop_id, DEV, FixDraft("No account needed", checkout)
        )
        guest_id, dup_id = guest.id, dup.id

    # Chloé's list has a menu on her fix only, without merge
    local.sim.slash_command(CHLOE, CHANNEL_ID, "fixes")
    listing = json.dumps(newest_list(local, CHLOE)["blocks"])
    assert f"edit|{guest_id}" in listing and f"edit|{dup_id}" not in listing
    assert "merge|" not in listing

    # she edits it; the list she edited from is replaced with the new title
    pick_in_fix_menu(local, CHLOE, "edit", guest_id)
    form = top_form(local, CHLOE, ids.FIX_MODAL)
    assert form["title"]["text"] == "Edit fix"
    local.sim.submit_view(CHLOE, {ids.FIX_TITLE: "Guest checkout for everyone"})
    assert fix_named(local, "Guest checkout for everyone").id == guest_id
    local.standin.wait_for(
        lambda: "Guest checkout for everyone" in json.dumps(newest_list(local, CHLOE)["blocks"])
    )

    # Chloé forges a menu choice on Dev's fix: refused, nothing opens
    forged_menu_choice(local, CHLOE, f"edit|{guest_id}|0", f"remove|{dup_id}")
    local.standin.wait_for(
        lambda: any(
            "author or a facilitator" in e["text"] for e in local.standin.ephemerals(user=CHLOE)
        )
    )
    assert local.standin.top_view(CHLOE) is None

    # Ana merges Dev's duplicate into Chloé's fix
    local.sim.slash_command(ANA, CHANNEL_ID, "fixes")
    assert "merge|" in json.dumps(newest_list(local, ANA)["blocks"])
    pick_in_fix_menu(local, ANA, "merge", dup_id)
    top_form(local, ANA, ids.FIX_MERGE_MODAL)
    answer = local.sim.submit_view(ANA, {ids.FIX_MERGE_TARGET: str(guest_id)})
    assert answer.problems == []
    with local.db.session() as session:
        merged = session.get(Fix, dup_id)
        assert (merged.status, merged.merged_into_id) == (FixStatus.merged, guest_id)
    note = local.standin.wait_for(
        lambda: [m for m in local.standin.thread(CHANNEL_ID, board_ts) if "merged" in m["text"]]
    )[0]
    assert "*No account needed* into *Guest checkout for everyone*" in note["text"]
    local.standin.wait_for(
        lambda: "*Fixes*\\n1" in json.dumps(local.standin.message(CHANNEL_ID, board_ts)["blocks"])
    )

    # Chloé removes her fix after confirming
    local.sim.slash_command(CHLOE, CHANNEL_ID, "fixes")
    newest_list(local, CHLOE)
    pick_in_fix_menu(local, CHLOE, "remove", guest_id)
    confirm = top_form(local, CHLOE, ids.FIX_REMOVE_MODAL)
    assert "Remove *Guest checkout for everyone*" in json.dumps(
        confirm["blocks"], ensure_ascii=False
    )
    local.sim.submit_view(CHLOE, {})
    with local.db.session() as session:
        assert session.get(Fix, guest_id).status == FixStatus.removed


def test_another_workspaces_fix_cannot_be_reached(local):
    workshop_id, _ = local.start_workshop(ANA, phase=Phase.fixes)
    with local.db.session() as session:
        own = propose_fix(
            session,
            local.team_id,
            workshop_id,
            ANA,
            FixDraft("Ours", touchpoint(local, workshop_id)),
        )
        other = create_workshop(
            session, "T0OTHER", "C0OTHER", "U0X", WorkshopSpec("Theirs", [StageSpec("S", ("T",))])
        )
        other.phase = Phase.fixes
        foreign_touchpoint = session.exec(
            select(Touchpoint.id).where(Touchpoint.workshop_id == other.id)
        ).one()
        foreign = propose_fix(
            session, "T0OTHER", other.id, "U0X", FixDraft("Theirs", foreign_touchpoint)
        )
        own_id, foreign_id = own.id, foreign.id
    local.sim.slash_command(ANA, CHANNEL_ID, "fixes")
    newest_list(local, ANA)
    forged_menu_choice(local, ANA, f"edit|{own_id}|0", f"remove|{foreign_id}")
    local.standin.wait_for(
        lambda: any(
            "does not exist in this workspace" in e["text"]
            for e in local.standin.ephemerals(user=ANA)
        )
    )
    # a touchpoint of the other workspace slipped into the form is refused inline
    pick_in_fix_menu(local, ANA, "edit", own_id)
    form = top_form(local, ANA, ids.FIX_MODAL)
    state = {
        ids.FIX_TITLE: {ids.INPUT: {"type": "plain_text_input", "value": "Ours"}},
        ids.FIX_TOUCHPOINT: {
            ids.INPUT: {
                "type": "static_select",
                "selected_option": {
                    "value": str(foreign_touchpoint),
                    "text": {"type": "plain_text", "text": "T"},
                },
            }
        },
    }
    answer = local.sim.submit_view(ANA, view_id=form["id"], raw_values=state)
    assert answer.json["errors"] == {ids.FIX_TOUCHPOINT: "Pick one of this workshop's touchpoints."}
    with local.db.session() as session:
        assert session.get(Fix, foreign_id).status == FixStatus.active
        assert session.get(Fix, own_id).touchpoint_id != foreign_touchpoint
