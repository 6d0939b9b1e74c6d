"""Workspace isolation: a request from workspace A that names a workshop, fix, stakeholder,
touchpoint, stage, schedule, action item or KPI of workspace B (a forged button or menu value,
forged view metadata, a forged form field, a slash command with B's workshop number) is refused
and changes nothing. Ana facilitates in both workspaces under the same user id, so nothing but
the workspace check stands in the way."""

from __future__ import annotations

import pytest

from bot.slack import ids
from tests.security.conftest import ANA, OMAR
from tests.security.refusals import (
    Forgery,
    action_items_fields,
    assert_refused,
    chosen,
    click,
    clock,
    command,
    conversation,
    day,
    people,
    submit,
    ticked,
    typed,
    view_click,
)

NO_WORKSHOP = "There is no workshop #"  # "… #12 in this workspace."
GONE = "no longer exists in this workspace"
NO_TOUCHPOINTS = "Those touchpoints are no longer there"
NO_FIX = "That fix does not exist in this workspace."
NO_ITEM = "That action item does not exist in this workspace."
NO_SCHEDULE = "That digest schedule no longer exists."
NO_ONE = "That stakeholder is not on the list any more."
# A rating of a stakeholder the workshop does not have is ignored (flows.stakeholders.
# save_ratings): nothing is saved and the form comes back as it was.
IGNORED = "For each stakeholder, rate their *influence*"


def rating_answers(touchpoint: int) -> dict:
    return {f"expectation:{touchpoint}": typed("6"), f"experience:{touchpoint}": typed("2")}


def stakeholder_fields(name: str, *touchpoints: int) -> dict:
    fields = {
        ids.STAKEHOLDER_NAME: typed(name),
        ids.STAKEHOLDER_CATEGORY: chosen("regulator"),
        ids.STAKEHOLDER_ATTITUDE: chosen("blocker"),
    }
    if touchpoints:
        fields[ids.STAKEHOLDER_TOUCHPOINTS] = ticked(*map(str, touchpoints))
    return fields


def fix_fields(touchpoint: int) -> dict:
    return {ids.FIX_TITLE: typed("Forged fix"), ids.FIX_TOUCHPOINT: chosen(str(touchpoint))}


def kpi_fields(stage: int | None = None) -> dict:
    fields = {
        ids.KPI_FIELD_KPI: chosen("csat"),
        ids.KPI_FIELD_VALUE: typed("80"),
        ids.KPI_FIELD_PERIOD_END: day("2025-09-30"),
    }
    if stage is not None:
        fields[ids.KPI_FIELD_STAGE] = chosen(str(stage))
    return fields


@pytest.fixture(scope="module", autouse=True)
def ana_has_her_ballot_open(scene):
    """Ana's own voting view on A's voting workshop, for the forged clicks in it."""
    click(scene, ANA, ids.VOTE_OPEN, str(scene.a["voting"]))
    scene.local.standin.wait_for(lambda: ballot(scene))


def ballot(scene) -> dict | None:
    view = scene.local.standin.top_view(ANA)
    return view if view and view["callback_id"] == ids.VOTE_MODAL else None


# (name, action id, value(B's ids), what the sender is told)
BUTTONS = [
    ("advance B's workshop", ids.PHASE_ADVANCE, lambda b: f"{b['fixes']}|fixes", NO_WORKSHOP),
    ("reopen B's workshop", ids.PHASE_REOPEN, lambda b: f"{b['closed']}|closed", NO_WORKSHOP),
    ("join B's workshop", ids.JOIN_WORKSHOP, lambda b: str(b["fixes"]), GONE),
    ("rate B's touchpoints", ids.RATE_OPEN, lambda b: str(b["rating"]), NO_WORKSHOP),
    ("nudge B's raters", ids.RATE_NUDGE, lambda b: str(b["rating"]), NO_WORKSHOP),
    ("open B's next round", ids.RATE_NEW_ROUND, lambda b: f"{b['rating']}|1", NO_WORKSHOP),
    ("add a stakeholder to B", ids.ADD_STAKEHOLDER, lambda b: str(b["stakeholders"]), NO_WORKSHOP),
    ("rate B's stakeholders", ids.RATE_STAKEHOLDERS, lambda b: str(b["stakeholders"]), NO_WORKSHOP),
    (
        "page B's stakeholders",
        ids.STAKEHOLDER_LIST_NEXT,
        lambda b: f"{b['stakeholders']}|0",
        NO_WORKSHOP,
    ),
    ("propose a fix in B", ids.FIX_PROPOSE, lambda b: str(b["fixes"]), NO_WORKSHOP),
    ("open B's ballot", ids.VOTE_OPEN, lambda b: str(b["voting"]), NO_WORKSHOP),
    ("create B's action items", ids.ACTION_ITEMS_CREATE, lambda b: str(b["closed"]), NO_WORKSHOP),
    (
        "set B's action item done",
        ids.ACTION_ITEM_STATUS_DONE,
        lambda b: f"{b['item']}|done",
        NO_ITEM,
    ),
    ("pause B's digest", ids.SCHEDULE_PAUSE, lambda b: str(b["schedule"]), NO_SCHEDULE),
    ("resume B's digest", ids.SCHEDULE_RESUME, lambda b: str(b["schedule"]), NO_SCHEDULE),
    ("delete B's digest", ids.SCHEDULE_DELETE, lambda b: str(b["schedule"]), NO_SCHEDULE),
    ("send B's digest now", ids.SCHEDULE_SEND_NOW, lambda b: str(b["schedule"]), NO_SCHEDULE),
    ("record a KPI in B", ids.KPI_OPEN_RECORD, lambda b: str(b["fixes"]), GONE),
    ("follow B's workshop", ids.FOLLOW_WORKSHOP, lambda b: str(b["fixes"]), NO_WORKSHOP),
    ("unfollow B's workshop", ids.UNFOLLOW_WORKSHOP, lambda b: str(b["fixes"]), NO_WORKSHOP),
]
MENUS = [
    ("edit B's stakeholder", ids.STAKEHOLDER_MENU, lambda b: f"edit|{b['stakeholder']}|0", NO_ONE),
    (
        "remove B's stakeholder",
        ids.STAKEHOLDER_MENU,
        lambda b: f"remove|{b['stakeholder']}|0",
        NO_ONE,
    ),
    ("edit B's fix", ids.FIX_MENU, lambda b: f"edit|{b['fix']}", NO_FIX),
    ("remove B's fix", ids.FIX_MENU, lambda b: f"remove|{b['fix']}", NO_FIX),
    ("merge B's fix", ids.FIX_MENU, lambda b: f"merge|{b['fix']}", NO_FIX),
]
SUBMISSIONS = [
    # (name, callback id, metadata(scene), fields(scene), what the sender is told)
    (
        "rate B's touchpoint in B's form",
        ids.RATE_MODAL,
        lambda s: {"w": s.b["rating"], "p": 0, "t": [s.b["rating_touchpoint"]]},
        lambda s: rating_answers(s.b["rating_touchpoint"]),
        NO_WORKSHOP,
    ),
    (
        "rate B's touchpoint in A's form",
        ids.RATE_MODAL,
        lambda s: {"w": s.a["rating"], "p": 0, "t": [s.b["rating_touchpoint"]]},
        lambda s: rating_answers(s.b["rating_touchpoint"]),
        "Some of these touchpoints are not part of this workshop.",
    ),
    (
        "rate B's stakeholder in B's form",
        ids.RATING_MODAL,
        lambda s: {"workshop_id": s.b["stakeholders"], "last_id": 0},
        lambda s: {
            f"influence:{s.b['stakeholder']}": chosen("5"),
            f"interest:{s.b['stakeholder']}": chosen("5"),
        },
        NO_WORKSHOP,
    ),
    (
        "rate B's stakeholder in A's form",
        ids.RATING_MODAL,
        lambda s: {"workshop_id": s.a["stakeholders"], "last_id": 0},
        lambda s: {
            f"influence:{s.b['stakeholder']}": chosen("5"),
            f"interest:{s.b['stakeholder']}": chosen("5"),
        },
        IGNORED,
    ),
    (
        "add a stakeholder to B",
        ids.STAKEHOLDER_MODAL,
        lambda s: {"workshop_id": s.b["stakeholders"]},
        lambda s: stakeholder_fields("Auditor"),
        NO_WORKSHOP,
    ),
    (
        "add a stakeholder to A owning B's touchpoint",
        ids.STAKEHOLDER_MODAL,
        lambda s: {"workshop_id": s.a["stakeholders"]},
        lambda s: stakeholder_fields("Auditor", s.b["stakeholders_touchpoint"]),
        "Pick touchpoints from this workshop's journey.",
    ),
    (
        "edit B's stakeholder",
        ids.STAKEHOLDER_MODAL,
        lambda s: {"workshop_id": s.a["stakeholders"], "stakeholder_id": s.b["stakeholder"]},
        lambda s: stakeholder_fields("Hijacked"),
        NO_ONE,
    ),
    (
        "remove B's stakeholder",
        ids.REMOVE_STAKEHOLDER_MODAL,
        lambda s: {"stakeholder_id": s.b["stakeholder"]},
        lambda s: {},
        NO_ONE,
    ),
    (
        "propose a fix in B",
        ids.FIX_MODAL,
        lambda s: {"workshop_id": s.b["fixes"]},
        lambda s: fix_fields(s.b["fixes_touchpoint"]),
        NO_WORKSHOP,
    ),
    (
        "propose a fix in A for B's touchpoint",
        ids.FIX_MODAL,
        lambda s: {"workshop_id": s.a["fixes"]},
        lambda s: fix_fields(s.b["fixes_touchpoint"]),
        "Pick one of this workshop's touchpoints.",
    ),
    (
        "edit B's fix",
        ids.FIX_MODAL,
        lambda s: {"workshop_id": s.a["fixes"], "fix_id": s.b["fix"]},
        lambda s: fix_fields(s.a["fixes_touchpoint"]),
        NO_FIX,
    ),
    (
        "remove B's fix",
        ids.FIX_REMOVE_MODAL,
        lambda s: {"fix_id": s.b["fix"]},
        lambda s: {},
        NO_FIX,
    ),
    (
        "merge B's fix into B's other",
        ids.FIX_MERGE_MODAL,
        lambda s: {"fix_id": s.b["fix"]},
        lambda s: {ids.FIX_MERGE_TARGET: chosen(str(s.b["fix_by_ana"]))},
        NO_FIX,
    ),
    (
        "merge A's fix into B's",
        ids.FIX_MERGE_MODAL,
        lambda s: {"fix_id": s.a["fix_by_ana"]},
        lambda s: {ids.FIX_MERGE_TARGET: chosen(str(s.b["fix"]))},
        NO_FIX,
    ),
    (
        "record a KPI in B",
        ids.KPI_RECORD_MODAL,
        lambda s: {"workshop_id": s.b["fixes"], "channel_id": "C0JOURNEY"},
        lambda s: kpi_fields(),
        GONE,
    ),
    (
        "record a KPI in A for B's stage",
        ids.KPI_RECORD_MODAL,
        lambda s: {"workshop_id": s.a["fixes"], "channel_id": "C0JOURNEY"},
        lambda s: kpi_fields(stage=s.b["fixes_stage"]),
        "is not a stage of this journey",
    ),
    (
        "define a KPI in B",
        ids.KPI_DEFINE_MODAL,
        lambda s: {"workshop_id": s.b["fixes"], "channel_id": "C0JOURNEY"},
        lambda s: {
            ids.KPI_DEFINE_NAME: typed("Forged KPI"),
            ids.KPI_DEFINE_UNIT: typed("%"),
            ids.KPI_DEFINE_DIRECTION: chosen(ids.KPI_HIGHER_IS_BETTER),
        },
        GONE,
    ),
    (
        "schedule B's digest",
        ids.DIGEST_MODAL,
        lambda s: {"workshop_id": s.b["fixes"], "channel_id": "C0JOURNEY"},
        lambda s: {
            ids.DIGEST_CADENCE: chosen("daily"),
            ids.DIGEST_TIME: clock("09:00"),
            ids.DIGEST_TIMEZONE: chosen("UTC"),
            ids.DIGEST_CHANNEL: conversation("C0JOURNEY"),
            ids.DIGEST_RECIPIENTS: people(OMAR),
        },
        NO_WORKSHOP,
    ),
    (
        "pick B's fixes for action items in B",
        ids.ACTION_ITEMS_PICK_MODAL,
        lambda s: {"workshop_id": s.b["closed"]},
        lambda s: {ids.ACTION_ITEMS_FIXES: ticked(str(s.b["closed_fix_by_ana"]))},
        NO_WORKSHOP,
    ),
    (
        "pick B's fix for action items in A",
        ids.ACTION_ITEMS_PICK_MODAL,
        lambda s: {"workshop_id": s.a["closed"]},
        lambda s: {ids.ACTION_ITEMS_FIXES: ticked(str(s.b["closed_fix_by_ana"]))},
        "Some of those fixes no longer exist",
    ),
    (
        "save action items in B",
        ids.ACTION_ITEMS_MODAL,
        lambda s: {"workshop_id": s.b["closed"], "fix_ids": [s.b["closed_fix_by_ana"]]},
        lambda s: action_items_fields(s.b["closed_fix_by_ana"], ANA),
        NO_WORKSHOP,
    ),
    (
        "save an action item in A for B's fix",
        ids.ACTION_ITEMS_MODAL,
        lambda s: {"workshop_id": s.a["closed"], "fix_ids": [s.b["closed_fix_by_ana"]]},
        lambda s: action_items_fields(s.b["closed_fix_by_ana"], ANA),
        "Some of those fixes no longer exist",
    ),
]
COMMANDS = [
    "status",
    "rate",
    "gaps",
    "nudge",
    "round new",
    "stakeholder add",
    "stakeholder rate",
    "stakeholder list",
    "grid",
    "fixes",
    "vote",
    "ranking",
    "actions",
    "kpi",
    "kpi define",
    "kpis",
    "digest",
    "digest list",
    "digest now",
    "export",
    "follow",
    "unfollow",
]

FORGERIES = [
    *[
        Forgery(name, lambda s, a=action_id, v=value: click(s, ANA, a, v(s.b)), told)
        for name, action_id, value, told in BUTTONS
    ],
    *[
        Forgery(name, lambda s, a=action_id, v=value: click(s, ANA, a, v(s.b), menu=True), told)
        for name, action_id, value, told in MENUS
    ],
    *[
        Forgery(name, lambda s, c=callback, m=meta, f=fields: submit(s, ANA, c, m(s), f(s)), told)
        for name, callback, meta, fields, told in SUBMISSIONS
    ],
    Forgery(
        "vote for B's fix in A's ballot",
        lambda s: view_click(s, ANA, ballot(s), ids.VOTE_ADD, f"{s.b['voting_fix']}|0|1"),
        "",
    ),
    Forgery(
        "vote in a ballot whose metadata names B's workshop",
        lambda s: view_click(
            s,
            ANA,
            ballot(s),
            ids.VOTE_ADD,
            f"{s.b['voting_fix']}|0|1",
            metadata={"workshop_id": s.b["voting"], "page": 0},
        ),
        "",
    ),
    Forgery(
        "page through a ballot whose metadata names B's workshop",
        lambda s: view_click(
            s,
            ANA,
            ballot(s),
            ids.VOTE_PAGE_NEXT,
            "1",
            metadata={"workshop_id": s.b["voting"], "page": 0},
        ),
        "",
    ),
    *[
        Forgery(
            f"/workshop {text} #B", lambda s, t=text: command(s, ANA, f"{t} #{s.b['fixes']}"), ""
        )
        for text in COMMANDS
    ],
    Forgery(
        "/workshop compare #A #B",
        lambda s: command(s, ANA, f"compare #{s.a['rating']} #{s.b['rating']}"),
        NO_WORKSHOP,
    ),
    Forgery(
        "/workshop compare #B #B",
        lambda s: command(s, ANA, f"compare #{s.b['rating']} #{s.b['fixes']}"),
        NO_WORKSHOP,
    ),
    Forgery(
        "match A's touchpoint with B's",
        lambda s: click(
            s,
            ANA,
            ids.COMPARE_CONFIRM,
            f"{s.a['rating_touchpoint']}|{s.b['rating_touchpoint']}",
        ),
        NO_TOUCHPOINTS,
    ),
    Forgery(
        "keep B's touchpoints apart",
        lambda s: click(
            s,
            ANA,
            ids.COMPARE_REJECT,
            f"{s.b['rating_touchpoint']}|{s.b['fixes_touchpoint']}",
        ),
        NO_TOUCHPOINTS,
    ),
]


@pytest.mark.parametrize("forgery", FORGERIES, ids=[f.name for f in FORGERIES])
def test_a_request_naming_another_workspaces_things_is_refused(scene, forgery):
    assert_refused(scene, ANA, forgery)


def test_comparing_with_another_workspaces_workshop_reads_as_an_unknown_number(scene):
    """Nothing tells a workshop of another workspace from a number never used: the answer is
    the same words, and nothing is posted."""
    local = scene.local
    answers = []
    for number in (scene.b["rating"], 999_999):
        before = len(local.standin.ephemerals(user=ANA))
        command(scene, ANA, f"compare #{scene.a['rating']} #{number}")
        local.wait_until_idle()
        [told] = local.standin.wait_for(lambda n=before: local.standin.ephemerals(user=ANA)[n:])
        answers.append(told["text"].replace(str(number), "N"))
    assert answers[0] == answers[1] == "There is no workshop #N in this workspace."
