"""The KPI modals end to end: `/workshop kpi` and `/workshop kpi define`, submitted as signed
view_submission requests into the real Bolt app."""

import json
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.journey import DEFAULT_JOURNEY
from flows.workshops import WorkshopSpec, create_workshop, get_workshop
from standin import blockkit
from storage.models import CustomKpi, KpiValue, Participant, Phase

ANA, BEN, CHLOE = PEOPLE[0].user_id, PEOPLE[1].user_id, PEOPLE[2].user_id


def stored_values(local):
    with local.db.session() as session:
        return session.exec(select(KpiValue).order_by(KpiValue.period_end)).all()


def phase_of(local, workshop_id):
    with local.db.session() as session:
        return Phase(get_workshop(session, local.team_id, workshop_id).phase)


def open_record_modal(local, user=ANA, text="kpi"):
    local.sim.slash_command(user, CHANNEL_ID, text)
    return local.standin.wait_for(lambda: local.standin.top_view(user))


def confirmation(local, user=ANA):
    return local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=user) if "Recorded" in e["text"]]
    )[-1]["text"]


def test_the_record_modal_offers_every_kpi_the_stages_and_last_month_end(local):
    local.start_workshop(ANA, phase=Phase.rating)
    view = open_record_modal(local)
    assert view["callback_id"] == ids.KPI_RECORD_MODAL
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    options = [o["value"] for o in blocks[ids.KPI_FIELD_KPI]["element"]["options"]]
    assert options == [
        "nps",
        "csat",
        "ces",
        "retention",
        "churn",
        "clv",
        "referral",
        "first_response",
    ]
    stages = [o["text"]["text"] for o in blocks[ids.KPI_FIELD_STAGE]["element"]["options"]]
    assert stages[0] == "Awareness" and len(stages) == 5
    period = date.fromisoformat(blocks[ids.KPI_FIELD_PERIOD_END]["element"]["initial_date"])
    assert period == date.today().replace(day=1) - timedelta(days=1)


def test_recording_a_value_stores_it_confirms_privately_and_updates_the_board(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.rating)
    open_record_modal(local, BEN)
    response = local.sim.submit_view(
        BEN,
        {
            ids.KPI_FIELD_KPI: "nps",
            ids.KPI_FIELD_VALUE: "32",
            ids.KPI_FIELD_PERIOD_END: "2025-06-30",
            ids.KPI_FIELD_TARGET: "30",
            ids.KPI_FIELD_BENCHMARK: "35",
            ids.KPI_FIELD_BENCHMARK_SOURCE: "Retently 2024",
        },
    )
    assert response.status == 200 and response.json is None and not response.problems
    assert local.standin.top_view(BEN) is None  # the modal closed
    [value] = stored_values(local)
    assert (value.team_id, value.workshop_id, value.kpi_key, value.value) == (
        local.team_id,
        workshop_id,
        "nps",
        32.0,
    )
    assert (value.target, value.benchmark, value.benchmark_source, value.recorded_by) == (
        30.0,
        35.0,
        "Retently 2024",
        BEN,
    )
    text = confirmation(local, BEN)
    assert "Recorded *NPS +32* for the whole journey, period ending 30 Jun 2025." in text
    board = local.standin.wait_for(
        lambda: (
            "KPIs" in json.dumps(local.standin.message(CHANNEL_ID, board_ts)["blocks"])
            and local.standin.message(CHANNEL_ID, board_ts)
        )
    )
    assert "1 tracked · 1 of 1 on target" in json.dumps(board["blocks"], ensure_ascii=False)


def test_pasted_raw_answers_are_computed_into_the_value(local):
    local.start_workshop(ANA, phase=Phase.fixes)
    open_record_modal(local)
    response = local.sim.submit_view(
        ANA,
        {
            ids.KPI_FIELD_KPI: "nps",
            ids.KPI_FIELD_RAW: "10, 9, 9, 8, 7\n6 3 10 0 9",
            ids.KPI_FIELD_PERIOD_END: "2025-06-30",
        },
    )
    assert response.json is None
    [value] = stored_values(local)
    assert (value.value, value.answer_count) == (20.0, 10)  # 5 promoters − 3 detractors of 10
    assert "computed from 10 answers: 5 promoters, 2 passives, 3 detractors" in confirmation(local)


def test_a_stage_value_for_a_lower_is_better_kpi(local):
    local.start_workshop(ANA, phase=Phase.rating)
    view = open_record_modal(local)
    stage_block = next(b for b in view["blocks"] if b.get("block_id") == ids.KPI_FIELD_STAGE)
    purchase = next(
        o["value"] for o in stage_block["element"]["options"] if o["text"]["text"] == "Purchase"
    )
    local.sim.submit_view(
        ANA,
        {
            ids.KPI_FIELD_KPI: "churn",
            ids.KPI_FIELD_STAGE: purchase,
            ids.KPI_FIELD_RAW: "1200 1150 90",
            ids.KPI_FIELD_PERIOD_END: "2025-06-30",
        },
    )
    [value] = stored_values(local)
    assert value.stage_id == int(purchase) and value.value == pytest.approx(11.6666667)
    assert "Recorded *Churn 11.7%* for stage Purchase" in confirmation(local)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {ids.KPI_FIELD_KPI: "nps", ids.KPI_FIELD_VALUE: "120"},
            {ids.KPI_FIELD_VALUE: "NPS is from −100 to 100: 120 is not."},
        ),
        (
            {ids.KPI_FIELD_KPI: "csat", ids.KPI_FIELD_VALUE: "104%"},
            {ids.KPI_FIELD_VALUE: "CSAT is from 0 to 100%: 104 is not."},
        ),
        (
            {ids.KPI_FIELD_KPI: "first_response", ids.KPI_FIELD_VALUE: "-4"},
            {ids.KPI_FIELD_VALUE: "First response is at least 0 minutes: −4 is not."},
        ),
        (
            {ids.KPI_FIELD_KPI: "nps", ids.KPI_FIELD_RAW: "9 10 7 8 5 6 11"},
            {ids.KPI_FIELD_RAW: "answer 7 ('11') is outside 0–10"},
        ),
        (
            {ids.KPI_FIELD_KPI: "csat", ids.KPI_FIELD_RAW: "5 4 four 3"},
            {ids.KPI_FIELD_RAW: "answer 3 ('four') is not a whole number"},
        ),
        (
            {ids.KPI_FIELD_KPI: "nps", ids.KPI_FIELD_VALUE: "3", ids.KPI_FIELD_BENCHMARK: "35"},
            {
                ids.KPI_FIELD_BENCHMARK_SOURCE: "Say where the benchmark comes from "
                "(e.g. “Retently 2024, B2B SaaS”)."
            },
        ),
    ],
)
def test_bad_values_are_refused_inline_and_nothing_is_saved(local, fields, errors):
    local.start_workshop(ANA, phase=Phase.rating)
    open_record_modal(local)
    response = local.sim.submit_view(ANA, {ids.KPI_FIELD_PERIOD_END: "2025-06-30", **fields})
    assert response.json == {"response_action": "errors", "errors": errors}
    assert not response.problems  # every error names an input block of the modal
    assert local.standin.top_view(ANA)["callback_id"] == ids.KPI_RECORD_MODAL  # still open
    assert stored_values(local) == []


def test_recording_the_same_period_again_replaces_the_value(local):
    local.start_workshop(ANA, phase=Phase.rating)
    for user, value in ((ANA, "28"), (BEN, "31")):
        open_record_modal(local, user)
        local.sim.submit_view(
            user,
            {
                ids.KPI_FIELD_KPI: "nps",
                ids.KPI_FIELD_VALUE: value,
                ids.KPI_FIELD_PERIOD_END: "2025-06-30",
            },
        )
    [stored] = stored_values(local)
    assert (stored.value, stored.recorded_by) == (31.0, BEN)
    assert "It replaces +28, recorded by <@U0ANA>" in confirmation(local, BEN)


def test_kpis_can_be_recorded_in_a_closed_workshop(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.voting)
    local.sim.click(ANA, ids.PHASE_CLOSE, channel=CHANNEL_ID, ts=board_ts)
    local.standin.wait_for(lambda: phase_of(local, workshop_id) is Phase.closed)
    local.standin.wait_for(
        lambda: any(
            "closed the workshop" in m["text"] for m in local.standin.thread(CHANNEL_ID, board_ts)
        )
    )
    open_record_modal(local, CHLOE)
    response = local.sim.submit_view(
        CHLOE,
        {
            ids.KPI_FIELD_KPI: "csat",
            ids.KPI_FIELD_VALUE: "81",
            ids.KPI_FIELD_PERIOD_END: "2025-06-30",
        },
    )
    assert response.json is None
    assert "Recorded *CSAT 81%*" in confirmation(local, CHLOE)
    assert [v.value for v in stored_values(local)] == [81.0]
    with local.db.session() as session:  # a closed workshop's team is settled: no new member
        members = session.exec(select(Participant.user_id)).all()
    assert CHLOE not in members


def test_a_forged_workshop_of_another_workspace_is_refused_and_changes_nothing(local):
    local.start_workshop(ANA, phase=Phase.rating)
    with local.db.session() as session:
        spec = WorkshopSpec(title="Theirs", stages=list(DEFAULT_JOURNEY))
        foreign = create_workshop(session, "T0OTHER", "C0X", "UX", spec)
    view = open_record_modal(local)
    state = blockkit.state_values(view["blocks"], view["state"]["values"])
    blockkit.apply_overrides(
        view["blocks"],
        state,
        {
            ids.KPI_FIELD_KPI: "nps",
            ids.KPI_FIELD_VALUE: "50",
            ids.KPI_FIELD_PERIOD_END: "2025-06-30",
        },
    )
    forged = {
        **view,
        "private_metadata": json.dumps({"workshop_id": foreign.id, "channel_id": CHANNEL_ID}),
        "state": {"values": state},
    }
    payload = {**local.sim._interaction_base("view_submission", ANA), "view": forged}
    response = local.sim.post(
        urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
    )
    assert response.json == {
        "response_action": "errors",
        "errors": {ids.KPI_FIELD_KPI: "This workshop no longer exists in this workspace."},
    }
    assert stored_values(local) == []


def test_define_a_custom_kpi_then_record_it(local):
    local.start_workshop(ANA, phase=Phase.rating)
    view = open_record_modal(local, text="kpi define")
    assert view["callback_id"] == ids.KPI_DEFINE_MODAL
    response = local.sim.submit_view(
        ANA, {ids.KPI_DEFINE_NAME: "Onboarding completion", ids.KPI_DEFINE_UNIT: "%"}
    )
    assert response.json is None
    with local.db.session() as session:
        [custom] = session.exec(select(CustomKpi)).all()
    assert (custom.name, custom.unit, custom.higher_is_better) == (
        "Onboarding completion",
        "%",
        True,
    )
    assert (custom.min_value, custom.max_value) == (0.0, 100.0)
    defined = local.standin.wait_for(
        lambda: [e for e in local.standin.ephemerals(user=ANA) if "Defined" in e["text"]]
    )
    assert "Defined the KPI *Onboarding completion*: from 0 to 100%" in defined[-1]["text"]

    view = open_record_modal(local)
    kpi_select = next(b for b in view["blocks"] if b.get("block_id") == ids.KPI_FIELD_KPI)
    groups = kpi_select["element"]["option_groups"]
    assert [o["value"] for o in groups[1]["options"]] == [f"custom:{custom.id}"]
    refused = local.sim.submit_view(
        ANA,
        {
            ids.KPI_FIELD_KPI: f"custom:{custom.id}",
            ids.KPI_FIELD_VALUE: "140",
            ids.KPI_FIELD_PERIOD_END: "2025-06-30",
        },
    )
    assert refused.json["errors"] == {
        ids.KPI_FIELD_VALUE: "Onboarding completion is from 0 to 100%: 140 is not."
    }
    local.sim.submit_view(ANA, {ids.KPI_FIELD_VALUE: "64"})
    assert "Recorded *Onboarding completion 64%*" in confirmation(local)
    assert [(v.kpi_key, v.custom_kpi_id, v.value) for v in stored_values(local)] == [
        (f"custom:{custom.id}", custom.id, 64.0)
    ]


def test_a_custom_kpi_name_already_taken_is_refused_inline(local):
    local.start_workshop(ANA, phase=Phase.rating)
    open_record_modal(local, text="kpi define")
    response = local.sim.submit_view(ANA, {ids.KPI_DEFINE_NAME: "CSAT"})
    assert response.json["errors"] == {
        ids.KPI_DEFINE_NAME: "“CSAT” is a built-in KPI already: record it directly."
    }
    with local.db.session() as session:
        assert session.exec(select(CustomKpi)).all() == []
