from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from flows.board import board_summary
from flows.errors import InvalidInput, NotFound
from flows.journey import DEFAULT_JOURNEY
from flows.kpi_catalogue import BUILT_IN_BY_KEY, define_custom_kpi, validate_custom_kpi
from flows.kpi_formulas import Direction
from flows.kpis import (
    KpiEntry,
    compute_from_raw,
    kpi_choices,
    kpi_table,
    kpi_values,
    record_kpi_value,
    validate_entry,
)
from flows.workshops import WorkshopSpec, create_workshop, participant_role
from storage.models import KpiValue, Phase, Role

TEAM = "T1"
TODAY = date(2025, 7, 15)
NPS, CHURN, CES = BUILT_IN_BY_KEY["nps"], BUILT_IN_BY_KEY["churn"], BUILT_IN_BY_KEY["ces"]


def make_workshop(session, team=TEAM):
    spec = WorkshopSpec(title="Onboarding", stages=list(DEFAULT_JOURNEY))
    return create_workshop(session, team, "C1", "UF", spec)


def entry(session, workshop, **fields):
    fields = {"period_end": "2025-06-30", "today": TODAY} | fields
    return validate_entry(kpi_choices(session, workshop.team_id, workshop.id), **fields)


def record(session, workshop, user="UF", **fields):
    return record_kpi_value(session, workshop, user, entry(session, workshop, **fields))


# Validating a value -----------------------------------------------------------------------------


def test_a_typed_value_with_target_and_benchmark(session):
    workshop = make_workshop(session)
    checked = entry(
        session,
        workshop,
        kpi="nps",
        value="32",
        target="30",
        benchmark="35",
        benchmark_source=" Retently  2024 ",
    )
    assert checked == KpiEntry(
        kpi=NPS,
        stage=None,
        period_end=date(2025, 6, 30),
        value=32.0,
        target=30.0,
        benchmark=35.0,
        benchmark_source="Retently 2024",
    )


def test_a_value_from_raw_nps_answers(session):
    workshop = make_workshop(session)
    checked = entry(session, workshop, kpi="nps", raw="10 9 9 8 7 6 3 10 0 9")
    assert checked.value == pytest.approx(20.0)
    assert checked.answer_count == 10
    assert checked.computed == "10 answers: 5 promoters, 2 passives, 3 detractors"


def test_raw_data_for_retention_churn_and_clv(session):
    workshop = make_workshop(session)
    churn = entry(session, workshop, kpi="churn", raw="1200, 1150, 90")
    assert churn.value == pytest.approx(11.6666667)
    assert churn.computed == "1,200 customers at the start, 1,150 at the end, 90 new"
    assert entry(session, workshop, kpi="retention", raw="1200 1150 90").value == pytest.approx(
        88.3333333
    )
    assert entry(session, workshop, kpi="clv", raw="62.5 1.6 12").value == pytest.approx(1200)


def test_a_stage_by_id_or_by_name(session):
    workshop = make_workshop(session)
    stages = kpi_choices(session, TEAM, workshop.id).stages
    by_id = entry(session, workshop, kpi="csat", value="80", stage=stages[1].id)
    by_name = entry(session, workshop, kpi="csat", value="80", stage="consideration")
    assert by_id.stage == by_name.stage == stages[1]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"kpi": "nps", "value": "101"}, {"value": "NPS is from −100 to 100: 101 is not."}),
        ({"kpi": "csat", "value": "104"}, {"value": "CSAT is from 0 to 100%: 104 is not."}),
        (
            {"kpi": "first_response", "value": "-3"},
            {"value": "First response is at least 0 minutes: −3 is not."},
        ),
        (
            {"kpi": "nps", "raw": "9 10 7 8 5 6 11"},
            {"raw": "answer 7 ('11') is outside 0–10"},
        ),
        (
            {"kpi": "referral", "raw": "1 2 3"},
            {"raw": "Referral cannot be computed from raw data: type its value."},
        ),
        (
            {"kpi": "nps", "value": "30", "raw": "9 9"},
            {"raw": "Give either a value or raw data, not both."},
        ),
        ({"kpi": "nps"}, {"value": "Give the value, or raw data to compute it from."}),
        ({"kpi": None, "value": "3"}, {"kpi": "Choose a KPI."}),
        (
            {"kpi": "nps", "value": "30", "period_end": None},
            {"period_end": "Choose the date the period ends."},
        ),
        (
            {"kpi": "nps", "value": "30", "period_end": "30/06/2025"},
            {"period_end": "“30/06/2025” is not a date like 2025-06-30."},
        ),
        (
            {"kpi": "nps", "value": "30", "period_end": "2027-01-01"},
            {"period_end": "The period must end between Sat 1 Jan 2000 and Thu 16 Jul 2026."},
        ),
        (
            {"kpi": "churn", "value": "4", "target": "-1"},
            {"target": "Target: Churn is from 0 to 100%: −1 is not."},
        ),
        (
            {"kpi": "nps", "value": "4", "benchmark": "35"},
            {
                "benchmark_source": "Say where the benchmark comes from "
                "(e.g. “Retently 2024, B2B SaaS”)."
            },
        ),
        (
            {"kpi": "nps", "value": "4", "benchmark_source": "Bain"},
            {"benchmark_source": "Give the benchmark value too, or clear its source."},
        ),
        (
            {"kpi": "churn", "raw": "0 10 0"},
            {"raw": "Customers at the start must be more than 0."},
        ),
        ({"kpi": "churn", "raw": "100 90.5 3"}, {"raw": "Customer counts are whole numbers."}),
    ],
)
def test_bad_values_are_refused_field_by_field(session, fields, errors):
    workshop = make_workshop(session)
    with pytest.raises(InvalidInput) as raised:
        entry(session, workshop, **fields)
    assert raised.value.errors == errors


def test_unknown_kpi_and_stage_name_the_known_ones(session):
    workshop = make_workshop(session)
    with pytest.raises(InvalidInput) as raised:
        entry(session, workshop, kpi="NSP", value="3", stage="Checkout")
    assert raised.value.errors["kpi"].startswith("“NSP” is not a KPI of this workshop. Known: NPS,")
    assert raised.value.errors["stage"] == (
        "“Checkout” is not a stage of this journey. Stages: Awareness, Consideration, Decision, "
        "Purchase, Post-purchase / Loyalty."
    )


def test_a_stage_of_another_workshop_is_refused(session):
    workshop, other = make_workshop(session), make_workshop(session)
    foreign_stage = kpi_choices(session, TEAM, other.id).stages[0].id
    with pytest.raises(InvalidInput) as raised:
        entry(session, workshop, kpi="nps", value="3", stage=foreign_stage)
    assert "is not a stage of this journey" in raised.value.errors["stage"]


def test_a_custom_kpi_of_another_workshop_is_refused(session):
    workshop, other = make_workshop(session), make_workshop(session)
    spec = validate_custom_kpi("Days to value", "days", False, None, None)
    foreign = define_custom_kpi(session, other, "UF", spec)
    with pytest.raises(InvalidInput) as raised:
        entry(session, workshop, kpi=foreign.key, value="3")
    assert "is not a KPI of this workshop" in raised.value.errors["kpi"]


def test_compute_from_raw_csat_and_ces():
    csat = compute_from_raw(BUILT_IN_BY_KEY["csat"], "5 4 3 2 1 5 4 4")
    assert (csat.value, csat.answer_count, csat.detail) == (62.5, 8, "8 answers, 5 of them 4 or 5")
    assert compute_from_raw(CES, "2,3,4,1,5").value == pytest.approx(3.0)


# Recording --------------------------------------------------------------------------------------


def test_recording_again_replaces_the_period_rather_than_duplicating(session):
    workshop = make_workshop(session)
    first = record(session, workshop, user="UA", kpi="nps", value="28", target="30")
    assert first.replaced is None
    second = record(session, workshop, user="UB", kpi="nps", raw="10 10 9 7 3")
    assert second.replaced is not None
    assert (second.replaced.value, second.replaced.recorded_by) == (28.0, "UA")
    rows = session.exec(select(KpiValue)).all()
    assert len(rows) == 1
    session.refresh(rows[0])
    assert (rows[0].value, rows[0].target, rows[0].answer_count, rows[0].recorded_by) == (
        40.0,  # 3 promoters − 1 detractor of 5
        None,  # the whole record is replaced, target included
        5,
        "UB",
    )


def test_the_same_period_of_another_stage_or_kpi_is_another_value(session):
    workshop = make_workshop(session)
    record(session, workshop, kpi="csat", value="80")
    record(session, workshop, kpi="csat", value="70", stage="Purchase")
    record(session, workshop, kpi="ces", value="3")
    record(session, workshop, kpi="csat", value="82", period_end="2025-07-31")
    assert session.exec(select(func.count()).select_from(KpiValue)).one() == 4


def test_recording_joins_the_recorder_except_in_a_closed_workshop(session):
    workshop = make_workshop(session)
    record(session, workshop, user="UNEW", kpi="nps", value="10")
    assert participant_role(session, TEAM, workshop.id, "UNEW") is Role.participant
    workshop.phase = Phase.closed
    record(session, workshop, user="ULATE", kpi="nps", value="12", period_end="2025-07-31")
    assert participant_role(session, TEAM, workshop.id, "ULATE") is None
    assert session.exec(select(func.count()).select_from(KpiValue)).one() == 2


def test_choices_of_another_workspace_are_not_found(session):
    workshop = make_workshop(session, team="T2")
    with pytest.raises(NotFound):
        kpi_choices(session, TEAM, workshop.id)
    with pytest.raises(NotFound):
        kpi_table(session, TEAM, workshop.id)


# The KPI table ----------------------------------------------------------------------------------


def test_kpi_table_latest_change_target_benchmark_and_trend(session):
    workshop = make_workshop(session)
    # NPS over four months; the target and benchmark set in April stay in force
    record(session, workshop, kpi="nps", value="22", period_end="2025-03-31")
    record(
        session,
        workshop,
        kpi="nps",
        value="24",
        period_end="2025-04-30",
        target="30",
        benchmark="35",
        benchmark_source="Retently 2024",
    )
    record(session, workshop, kpi="nps", value="28", period_end="2025-05-31")
    record(session, workshop, kpi="nps", value="32", period_end="2025-06-30")
    table = kpi_table(session, TEAM, workshop.id)
    [row] = table.rows
    assert row.kpi == NPS and row.stage is None
    assert (row.latest.value, row.latest.period_end) == (32.0, date(2025, 6, 30))
    assert (row.previous.value, row.previous.period_end) == (28.0, date(2025, 5, 31))
    assert row.change == 4.0 and row.direction is Direction.better
    assert row.target == 30.0 and row.attainment.met and row.attainment.margin == 2.0
    assert (row.benchmark, row.benchmark_source) == (35.0, "Retently 2024")
    assert row.benchmark_margin == -3.0
    assert row.index.value == pytest.approx(32 / 35 * 100)  # 91.4
    assert [(p.value, p.target, p.benchmark) for p in row.trend] == [
        (22.0, None, None),
        (24.0, 30.0, 35.0),
        (28.0, 30.0, 35.0),
        (32.0, 30.0, 35.0),
    ]
    assert (table.title, table.channel_id, len(table.with_target), len(table.on_target)) == (
        "Onboarding",
        "C1",
        1,
        1,
    )


def test_lower_is_better_kpis_read_the_other_way(session):
    workshop = make_workshop(session)
    record(session, workshop, kpi="churn", value="5.5", period_end="2025-05-31")
    record(
        session,
        workshop,
        kpi="churn",
        value="4",
        period_end="2025-06-30",
        target="4.5",
        benchmark="5",
        benchmark_source="Recurly 2024",
    )
    [row] = kpi_table(session, TEAM, workshop.id).rows
    assert row.change == -1.5 and row.direction is Direction.better
    assert row.attainment.met and row.attainment.margin == pytest.approx(0.5)
    assert row.index.value == pytest.approx(125.0)  # 5 / 4 × 100
    assert row.benchmark_margin == 1.0


def test_a_negative_nps_has_no_index_and_misses_its_target_by_points(session):
    workshop = make_workshop(session)
    record(
        session,
        workshop,
        kpi="nps",
        value="-5",
        target="10",
        benchmark="30",
        benchmark_source="Bain",
    )
    [row] = kpi_table(session, TEAM, workshop.id).rows
    assert row.previous is None and row.change is None and row.direction is None
    assert not row.attainment.met and row.attainment.margin == -15.0
    assert row.index.value is None and "negative" in row.index.reason
    assert row.benchmark_margin == -35.0


def test_an_unchanged_value_within_the_shown_precision(session):
    workshop = make_workshop(session)
    record(session, workshop, kpi="ces", value="3.421", period_end="2025-05-31")
    record(session, workshop, kpi="ces", value="3.424", period_end="2025-06-30")
    [row] = kpi_table(session, TEAM, workshop.id).rows
    assert row.direction is Direction.unchanged


def test_kpi_table_keeps_the_last_periods_and_catalogue_order(session):
    workshop = make_workshop(session)
    spec = validate_custom_kpi("Activation", "%", True, None, None)
    activation = define_custom_kpi(session, workshop, "UF", spec)
    for month, value in ((1, 20), (2, 25), (3, 30), (4, 35)):
        period = date(2025, month + 1, 1).replace(day=1)
        record(session, workshop, kpi="churn", value=str(value / 10), period_end=period)
    record(session, workshop, kpi=activation.key, value="64")
    record(session, workshop, kpi="csat", value="70", stage="Purchase")
    record(session, workshop, kpi="csat", value="75", stage="Awareness")
    record(session, workshop, kpi="csat", value="80")
    record(session, workshop, kpi="nps", value="12")
    table = kpi_table(session, TEAM, workshop.id, periods=3)
    assert [(row.kpi.short_name, row.stage) for row in table.rows] == [
        ("NPS", None),
        ("CSAT", None),
        ("CSAT", "Awareness"),
        ("CSAT", "Purchase"),
        ("Churn", None),
        ("Activation", None),
    ]
    churn = table.rows[4]
    assert [p.value for p in churn.trend] == [2.5, 3.0, 3.5]  # the last 3 of 4 periods
    assert churn.previous.value == 3.0


def test_kpi_table_of_a_workshop_without_values_is_empty(session):
    workshop = make_workshop(session)
    assert kpi_table(session, TEAM, workshop.id).rows == []


def test_values_of_another_workshop_stay_out_of_the_table(session):
    workshop, other = make_workshop(session), make_workshop(session, team="T2")
    record(session, other, kpi="nps", value="50")
    assert kpi_table(session, TEAM, workshop.id).rows == []


def test_the_board_shows_kpis_tracked_and_on_target(session):
    workshop = make_workshop(session)
    assert [f.label for f in board_summary(session, workshop).figures] == []
    record(session, workshop, kpi="nps", value="32", target="30")
    record(session, workshop, kpi="churn", value="6", target="5")
    record(session, workshop, kpi="csat", value="80")
    figures = {f.label: f.value for f in board_summary(session, workshop).figures}
    assert figures["KPIs"] == "3 tracked · 1 of 2 on target"


def test_kpi_values_lists_every_value_for_exports(session):
    workshop = make_workshop(session)
    record(session, workshop, kpi="csat", value="80", stage="Purchase", period_end="2025-05-31")
    record(session, workshop, kpi="csat", value="81", stage="Purchase")
    record(session, workshop, kpi="nps", raw="9 9 10 2", user="UB")
    values = kpi_values(session, TEAM, workshop.id)
    assert [(v.kpi_key, v.stage, v.period_end.isoformat(), v.value) for v in values] == [
        ("nps", None, "2025-06-30", 50.0),
        ("csat", "Purchase", "2025-05-31", 80.0),
        ("csat", "Purchase", "2025-06-30", 81.0),
    ]
    assert values[0].answer_count == 4 and values[0].recorded_by == "UB"


def test_two_people_recording_the_same_period_at_once_leave_one_value(db):
    """The upsert runs in the database: concurrent writers of one period never duplicate it."""
    import threading

    with db.session() as session:
        workshop_id = make_workshop(session).id
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def record_in_own_session(user: str, value: str) -> None:
        try:
            with db.session() as session:
                workshop = kpi_choices(session, TEAM, workshop_id).workshop
                checked = entry(session, workshop, kpi="nps", value=value)
            barrier.wait(timeout=10)  # outside a transaction: SQLite would serialise it
            with db.session() as session:
                record_kpi_value(session, workshop, user, checked)
        except BaseException as error:  # surfaced below, in the test's thread
            errors.append(error)

    threads = [
        threading.Thread(target=record_in_own_session, args=(f"U{n}", str(10 * n)))
        for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with db.session() as session:
        rows = session.exec(select(KpiValue)).all()
    assert len(rows) == 1
    assert (rows[0].recorded_by, rows[0].value) in {(f"U{n}", 10.0 * n) for n in range(4)}
