import pytest

from flows.errors import InvalidInput
from flows.journey import DEFAULT_JOURNEY
from flows.kpi_catalogue import (
    BUILT_IN_BY_KEY,
    BUILT_IN_KPIS,
    MAX_CUSTOM_KPIS,
    CustomKpiSpec,
    define_custom_kpi,
    find_kpi,
    validate_custom_kpi,
    workshop_kpis,
)
from flows.workshops import WorkshopSpec, create_workshop

NPS, CSAT, CES = BUILT_IN_BY_KEY["nps"], BUILT_IN_BY_KEY["csat"], BUILT_IN_BY_KEY["ces"]
CHURN, CLV = BUILT_IN_BY_KEY["churn"], BUILT_IN_BY_KEY["clv"]
RESPONSE = BUILT_IN_BY_KEY["first_response"]


def make_workshop(session, team="T1"):
    spec = WorkshopSpec(title="Onboarding", stages=list(DEFAULT_JOURNEY))
    return create_workshop(session, team, "C1", "UF", spec)


def test_the_catalogue_holds_the_built_in_kpis_with_their_direction():
    assert [k.key for k in BUILT_IN_KPIS] == [
        "nps",
        "csat",
        "ces",
        "retention",
        "churn",
        "clv",
        "referral",
        "first_response",
    ]
    lower_is_better = {k.key for k in BUILT_IN_KPIS if not k.higher_is_better}
    assert lower_is_better == {"ces", "churn", "first_response"}


@pytest.mark.parametrize(
    ("kpi", "value", "shown"),
    [
        (NPS, 32, "+32"),
        (NPS, 31.5789, "+31.6"),
        (NPS, -12.5, "−12.5"),
        (NPS, 0, "0"),
        (NPS, 0.01, "0"),
        (CSAT, 87.5, "87.5%"),
        (CSAT, 90.0, "90%"),
        (CES, 3.456, "3.46"),
        (CLV, 1240.4, "1,240"),
        (RESPONSE, 42, "42 min"),
    ],
)
def test_values_are_shown_in_their_unit(kpi, value, shown):
    assert kpi.format(value) == shown


@pytest.mark.parametrize(
    ("kpi", "change", "shown"),
    [
        (NPS, 4, "+4 pts"),
        (CHURN, -1.5, "−1.5 pp"),
        (CES, 0.25, "+0.25"),
        (RESPONSE, -6, "−6 min"),
        (NPS, 0.01, "±0 pts"),
    ],
)
def test_changes_are_shown_in_the_unit_of_a_difference(kpi, change, shown):
    assert kpi.format_change(change) == shown


@pytest.mark.parametrize(
    ("kpi", "value", "problem"),
    [
        (NPS, 101, "NPS is from −100 to 100: 101 is not."),
        (NPS, -100.5, "NPS is from −100 to 100: −100.5 is not."),
        (CSAT, 104, "CSAT is from 0 to 100%: 104 is not."),
        (CHURN, -1, "Churn is from 0 to 100%: −1 is not."),
        (RESPONSE, -5, "First response is at least 0 minutes: −5 is not."),
        (CES, 0.5, "CES is from 1 to 7 (mean of 1–7 answers): 0.5 is not."),
        (CLV, -1, "CLV is at least 0 (in your currency): −1 is not."),
    ],
)
def test_values_outside_the_range_are_refused(kpi, value, problem):
    assert kpi.range_problem(value) == problem


def test_values_inside_the_range_are_accepted():
    assert NPS.range_problem(-100) is None
    assert NPS.range_problem(100) is None
    assert RESPONSE.range_problem(0) is None
    assert CLV.range_problem(1e9) is None


def test_kpis_are_found_by_key_or_any_of_their_names():
    kpis = list(BUILT_IN_KPIS)
    assert find_kpi(kpis, "NPS") is NPS
    assert find_kpi(kpis, " net promoter score ") is NPS
    assert find_kpi(kpis, "Churn rate") is CHURN
    assert find_kpi(kpis, "first_response_time") is RESPONSE
    assert find_kpi(kpis, "NSP") is None
    assert find_kpi(kpis, "") is None


def test_custom_kpi_spec_is_validated_field_by_field():
    with pytest.raises(InvalidInput) as raised:
        validate_custom_kpi("  ", "a very long unit name", None, "ten", "")
    assert raised.value.errors == {
        "kpi_name": "Give the KPI a name.",
        "kpi_unit": "Keep the unit to 12 characters (e.g. %, days, €).",
        "kpi_direction": "Say whether a higher value is better.",
        "kpi_min": "“ten” is not a number.",
    }


def test_a_custom_kpi_cannot_take_a_built_in_name():
    with pytest.raises(InvalidInput) as raised:
        validate_custom_kpi("net promoter score", "", True, None, None)
    assert "built-in KPI" in raised.value.errors["kpi_name"]


def test_a_custom_range_must_be_in_order():
    with pytest.raises(InvalidInput) as raised:
        validate_custom_kpi("Repeat rate", "", True, "10", "10")
    assert raised.value.errors == {"kpi_max": "The highest value must be above the lowest."}


def test_a_custom_percentage_without_a_range_is_a_share():
    spec = validate_custom_kpi(" Onboarding   completion ", "%", True, "", None)
    assert spec == CustomKpiSpec("Onboarding completion", "%", True, 0.0, 100.0)


def test_define_custom_kpi_adds_it_to_the_workshop_catalogue(session):
    workshop = make_workshop(session)
    spec = validate_custom_kpi("Onboarding completion", "%", True, None, None)
    defined = define_custom_kpi(session, workshop, "UF", spec)
    assert defined.key == f"custom:{defined.custom_id}"
    assert defined.format(82.5) == "82.5%"
    assert defined.range_problem(120) == "Onboarding completion is from 0 to 100%: 120 is not."
    kpis = workshop_kpis(session, workshop)
    assert kpis[: len(BUILT_IN_KPIS)] == list(BUILT_IN_KPIS)
    assert kpis[-1] == defined
    assert find_kpi(kpis, "onboarding COMPLETION") == defined


def test_a_custom_kpi_name_is_unique_per_workshop_in_any_case(session):
    workshop, other = make_workshop(session), make_workshop(session)
    define_custom_kpi(
        session, workshop, "UF", validate_custom_kpi("Days to value", "days", False, None, None)
    )
    with pytest.raises(InvalidInput) as raised:
        define_custom_kpi(
            session, workshop, "UF", validate_custom_kpi("DAYS to value", "", False, None, None)
        )
    assert raised.value.errors == {"kpi_name": "This workshop already has a KPI “DAYS to value”."}
    # another workshop may use the same name
    define_custom_kpi(
        session, other, "UF", validate_custom_kpi("Days to value", "", False, None, None)
    )


def test_custom_kpis_of_another_workspace_are_not_listed(session):
    mine, theirs = make_workshop(session, "T1"), make_workshop(session, "T2")
    define_custom_kpi(session, theirs, "UX", validate_custom_kpi("Secret", "", True, None, None))
    assert workshop_kpis(session, mine) == list(BUILT_IN_KPIS)


def test_at_most_fifty_custom_kpis(session):
    workshop = make_workshop(session)
    for number in range(MAX_CUSTOM_KPIS):
        define_custom_kpi(
            session, workshop, "UF", CustomKpiSpec(f"KPI {number}", "", True, None, None)
        )
    with pytest.raises(InvalidInput, match="at most 50 own KPIs"):
        define_custom_kpi(session, workshop, "UF", CustomKpiSpec("One more", "", True, None, None))
