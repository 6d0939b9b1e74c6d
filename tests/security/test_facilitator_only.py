"""Facilitator-only actions are checked on the server for every request, not only hidden in the
UI: a plain participant (Chloé) who sends any of them (a click on the real board, a forged
button or menu value, a forged modal submission, a slash command) is told only facilitators
may, and nothing changes. The same goes for other people's fixes, stakeholders, schedules and
action items, which only their author (or owner) and the facilitators may change."""

from __future__ import annotations

import pytest

from bot.slack import ids
from flows.workshops import participant_role
from standin import SimResponse
from storage.models import Role
from tests.security.conftest import ANA, CHLOE, OMAR
from tests.security.refusals import (
    Forgery,
    action_items_fields,
    assert_refused,
    board_click,
    chosen,
    click,
    clock,
    command,
    conversation,
    people,
    submit,
    ticked,
    typed,
)


def action_items_form(scene, fix_id: int) -> SimResponse:
    """Chloé's action items form for a fix of A's closed workshop, naming herself the owner."""
    metadata = {"workshop_id": scene.a["closed"], "fix_ids": [fix_id]}
    return submit(
        scene, CHLOE, ids.ACTION_ITEMS_MODAL, metadata, action_items_fields(fix_id, CHLOE)
    )


PHASE = "Only the facilitator can change the workshop's phase"
NUDGE = "Only the facilitator can nudge participants"
ROUND = "Only the facilitator can open a new rating round"
MERGE = "Only the facilitator can merge fixes"
ACTION_ITEMS = "Only the facilitator can create action items"
DIGESTS = "Only the facilitator can set up digests for this workshop"
ONLY_AUTHOR = "Only the fix's author or a facilitator"
ONLY_STAKEHOLDER_AUTHOR = "Only the person who added"
ONLY_SCHEDULE_OWNER = "Only the person who set up this digest"
ONLY_ITEM_OWNER = "only they or a facilitator"


def phase_buttons():
    """Every phase control, with the value it carries on a board in the phase it acts from."""
    return [
        Forgery(
            "advance on the real board",
            lambda s: board_click(s, CHLOE, ids.PHASE_ADVANCE, f"{s.a['setup']}|setup"),
            PHASE,
        ),
        Forgery(
            "skip on the real board",
            lambda s: board_click(s, CHLOE, ids.PHASE_SKIP, f"{s.a['setup']}|setup"),
            PHASE,
        ),
        Forgery(
            "close on the real board",
            lambda s: board_click(s, CHLOE, ids.PHASE_CLOSE, f"{s.a['setup']}|setup"),
            PHASE,
        ),
        Forgery(
            "back",
            lambda s: click(s, CHLOE, ids.PHASE_BACK, f"{s.a['voting']}|voting"),
            PHASE,
        ),
        Forgery(
            "reopen",
            lambda s: click(s, CHLOE, ids.PHASE_REOPEN, f"{s.a['closed']}|closed"),
            PHASE,
        ),
    ]


FORGERIES = [
    *phase_buttons(),
    # gap rating
    Forgery(
        "nudge non-raters",
        lambda s: click(s, CHLOE, ids.RATE_NUDGE, str(s.a["rating"])),
        NUDGE,
    ),
    Forgery(
        "/workshop nudge",
        lambda s: command(s, CHLOE, f"nudge #{s.a['rating']}"),
        NUDGE,
    ),
    Forgery(
        "open a new rating round",
        lambda s: click(s, CHLOE, ids.RATE_NEW_ROUND, f"{s.a['rating']}|1"),
        ROUND,
    ),
    Forgery(
        "/workshop round new",
        lambda s: command(s, CHLOE, f"round new #{s.a['rating']}"),
        ROUND,
    ),
    # fixes
    Forgery(
        "merge menu",
        lambda s: click(s, CHLOE, ids.FIX_MENU, f"merge|{s.a['fix']}", menu=True),
        MERGE,
    ),
    Forgery(
        "merge form",
        lambda s: submit(
            s,
            CHLOE,
            ids.FIX_MERGE_MODAL,
            {"fix_id": s.a["fix"]},
            {ids.FIX_MERGE_TARGET: chosen(str(s.a["fix_by_ana"]))},
        ),
        MERGE,
    ),
    Forgery(
        "edit someone else's fix (menu)",
        lambda s: click(s, CHLOE, ids.FIX_MENU, f"edit|{s.a['fix']}", menu=True),
        ONLY_AUTHOR,
    ),
    Forgery(
        "edit someone else's fix (form)",
        lambda s: submit(
            s,
            CHLOE,
            ids.FIX_MODAL,
            {"workshop_id": s.a["fixes"], "fix_id": s.a["fix"]},
            {
                ids.FIX_TITLE: typed("Hijacked"),
                ids.FIX_TOUCHPOINT: chosen(str(s.a["fixes_touchpoint"])),
            },
        ),
        ONLY_AUTHOR,
    ),
    Forgery(
        "remove someone else's fix (menu)",
        lambda s: click(s, CHLOE, ids.FIX_MENU, f"remove|{s.a['fix']}", menu=True),
        ONLY_AUTHOR,
    ),
    Forgery(
        "remove someone else's fix (form)",
        lambda s: submit(s, CHLOE, ids.FIX_REMOVE_MODAL, {"fix_id": s.a["fix"]}, {}),
        ONLY_AUTHOR,
    ),
    # action items
    Forgery(
        "create action items (button)",
        lambda s: click(s, CHLOE, ids.ACTION_ITEMS_CREATE, str(s.a["closed"])),
        ACTION_ITEMS,
    ),
    Forgery(
        "create action items (pick form)",
        lambda s: submit(
            s,
            CHLOE,
            ids.ACTION_ITEMS_PICK_MODAL,
            {"workshop_id": s.a["closed"]},
            {ids.ACTION_ITEMS_FIXES: ticked(str(s.a["closed_fix_by_ana"]))},
        ),
        ACTION_ITEMS,
    ),
    Forgery(
        "create action items (details form)",
        lambda s: action_items_form(s, s.a["closed_fix_by_ana"]),
        ACTION_ITEMS,
    ),
    Forgery(
        "reassign an action item (details form)",
        lambda s: action_items_form(s, s.a["closed_fix"]),
        ACTION_ITEMS,
    ),
    Forgery(
        "set the status of someone else's action item",
        lambda s: click(s, CHLOE, ids.ACTION_ITEM_STATUS_DONE, f"{s.a['item']}|done"),
        ONLY_ITEM_OWNER,
    ),
    # stakeholders
    Forgery(
        "edit someone else's stakeholder (menu)",
        lambda s: click(s, CHLOE, ids.STAKEHOLDER_MENU, f"edit|{s.a['stakeholder']}|0", menu=True),
        ONLY_STAKEHOLDER_AUTHOR,
    ),
    Forgery(
        "edit someone else's stakeholder (form)",
        lambda s: submit(
            s,
            CHLOE,
            ids.STAKEHOLDER_MODAL,
            {"workshop_id": s.a["stakeholders"], "stakeholder_id": s.a["stakeholder"]},
            {
                ids.STAKEHOLDER_NAME: typed("Hijacked"),
                ids.STAKEHOLDER_CATEGORY: chosen("customer"),
                ids.STAKEHOLDER_ATTITUDE: chosen("supporter"),
            },
        ),
        ONLY_STAKEHOLDER_AUTHOR,
    ),
    Forgery(
        "remove someone else's stakeholder (menu)",
        lambda s: click(
            s, CHLOE, ids.STAKEHOLDER_MENU, f"remove|{s.a['stakeholder']}|0", menu=True
        ),
        ONLY_STAKEHOLDER_AUTHOR,
    ),
    Forgery(
        "remove someone else's stakeholder (form)",
        lambda s: submit(
            s, CHLOE, ids.REMOVE_STAKEHOLDER_MODAL, {"stakeholder_id": s.a["stakeholder"]}, {}
        ),
        ONLY_STAKEHOLDER_AUTHOR,
    ),
    # digests
    Forgery(
        "/workshop digest (set one up)",
        lambda s: command(s, CHLOE, f"digest #{s.a['fixes']}"),
        DIGESTS,
    ),
    Forgery(
        "digest schedule form",
        lambda s: submit(
            s,
            CHLOE,
            ids.DIGEST_MODAL,
            {"workshop_id": s.a["fixes"], "channel_id": "C0JOURNEY"},
            {
                ids.DIGEST_CADENCE: chosen("daily"),
                ids.DIGEST_TIME: clock("09:00"),
                ids.DIGEST_TIMEZONE: chosen("UTC"),
                ids.DIGEST_CHANNEL: conversation("C0JOURNEY"),
                ids.DIGEST_RECIPIENTS: people(OMAR),
            },
        ),
        DIGESTS,
    ),
    *[
        Forgery(
            f"{name} someone else's digest",
            lambda s, action_id=action_id: click(s, CHLOE, action_id, str(s.a["schedule"])),
            ONLY_SCHEDULE_OWNER,
        )
        for name, action_id in (
            ("pause", ids.SCHEDULE_PAUSE),
            ("resume", ids.SCHEDULE_RESUME),
            ("delete", ids.SCHEDULE_DELETE),
            ("send now", ids.SCHEDULE_SEND_NOW),
        )
    ],
]


@pytest.mark.parametrize("forgery", FORGERIES, ids=[f.name for f in FORGERIES])
def test_a_participant_is_refused_and_nothing_changes(scene, forgery):
    assert_refused(scene, CHLOE, forgery)


def test_in_the_scene_chloe_is_a_plain_participant_and_ana_the_facilitator(scene):
    with scene.local.db.session() as session:
        for name in ("setup", "stakeholders", "rating", "fixes", "voting", "closed"):
            workshop_id = scene.a[name]
            assert (
                participant_role(session, scene.a.team_id, workshop_id, CHLOE) is Role.participant
            )
            assert participant_role(session, scene.a.team_id, workshop_id, ANA) is Role.facilitator
