"""Importing customers' answers: matched to the journey, converted, all or nothing, once."""

from datetime import date
from textwrap import dedent

import pytest
from sqlalchemy import func
from sqlmodel import select

from flows.customers.importing import import_customer_answers
from flows.journey import StageSpec
from flows.kpi_import import ImportRefused, RowProblem
from flows.workshops import WorkshopSpec, create_workshop
from storage.models import CustomerFigure, CustomerImport, Measure

TEAM = "T1"
TODAY = date(2026, 6, 30)
JOURNEY = [
    StageSpec("Find", ("Website", "Reviews")),
    StageSpec("Buy", ("Checkout", "Website")),
]


def make_workshop(session, team=TEAM):
    spec = WorkshopSpec(title="Onboarding", stages=list(JOURNEY))
    return create_workshop(session, team, "C1", "UF", spec)


def text(body: str) -> str:
    return dedent(body).lstrip("\n")


def run(session, workshop, body, **options):
    options.setdefault("today", TODAY)
    return import_customer_answers(session, workshop, text(body), imported_by="cli", **options)


def refusal(session, body) -> ImportRefused:
    """Why importing `body` into a new workshop is refused (it must be)."""
    workshop = make_workshop(session)
    with pytest.raises(ImportRefused) as refused:
        run(session, workshop, body)
    return refused.value


def figures(session):
    rows = session.exec(select(CustomerFigure)).all()
    return {(row.touchpoint_key != 0, row.measure, row.segment): row for row in rows}


RAW = """
    date,Segment,Reviews expectation,Reviews: Experience,CHECKOUT  - expected,Buy/Website experience
    2026-06-01,new,5,3,7,
    2026-06-02,new,4,2,6,5
    2026-06-03,returning,3,,,4
    """


def test_raw_answers_are_summed_per_touchpoint_measure_and_segment(session):
    workshop = make_workshop(session)
    result = run(session, workshop, RAW)
    assert result.places == ["Reviews", "Checkout", "Website"]  # journey order; Buy's Website
    assert result.answers == 9 and result.survey_date == date(2026, 6, 3)
    assert not result.converted and result.scale_note is None
    rows = session.exec(select(CustomerFigure)).all()
    reviews_new = next(
        r for r in rows if r.segment == "new" and r.measure == Measure.expectation and r.n == 2
    )
    # Reviews expectation, segment new: [5, 4] → n 2, mean 4.5, sd √0.5.
    assert reviews_new.mean == pytest.approx(4.5)
    assert reviews_new.sd == pytest.approx(0.5**0.5)
    # Reviews expectation new and returning, Reviews experience new, Checkout expectation new,
    # Website experience new and returning.
    assert len(rows) == 6
    assert all(row.team_id == TEAM for row in rows)


def test_other_scales_are_converted_and_the_result_says_so(session):
    workshop = make_workshop(session)
    result = run(
        session,
        workshop,
        """
        Checkout expectation,Checkout experience
        5,1
        3,2
        """,
        scale="1-5",
    )
    assert result.scale_note == "answers on 1–5 converted linearly to 1–7"
    rows = {row.measure: row for row in session.exec(select(CustomerFigure)).all()}
    # Expectation [5, 3] → [7, 4]: mean 5.5; sd of [5, 3] is √2, times 6/4 = 2.1213.
    assert rows[Measure.expectation].mean == pytest.approx(5.5)
    assert rows[Measure.expectation].sd == pytest.approx(2**0.5 * 1.5)
    # Experience [1, 2] → [1, 2.5]: mean 1.75.
    assert rows[Measure.experience].mean == pytest.approx(1.75)


def test_aggregates_are_accepted(session):
    workshop = make_workshop(session)
    result = run(
        session,
        workshop,
        """
        touchpoint,measure,n,mean,sd,segment
        checkout,expectation,120,8.5,1.2,
        Find,experience,40,6,2,
        Checkout,Experience,1,4,,b2b
        """,
        scale="0-10",
    )
    assert result.answers == 161
    assert result.places == ["Checkout", "Find (stage)"]
    rows = {
        (row.touchpoint_key == 0, row.measure, row.segment): row
        for row in session.exec(select(CustomerFigure)).all()
    }
    # 8.5 on 0–10 → 1 + 8.5·0.6 = 6.1; sd 1.2·0.6 = 0.72.
    checkout = rows[False, Measure.expectation, ""]
    assert (checkout.n, checkout.mean, checkout.sd) == (
        120,
        pytest.approx(6.1),
        pytest.approx(0.72),
    )
    stage = rows[True, Measure.experience, ""]
    assert stage.touchpoint_id is None and stage.mean == pytest.approx(4.6)  # 1 + 6·0.6
    assert rows[False, Measure.experience, "b2b"].sd is None


def test_unmatched_columns_are_listed_and_nothing_is_imported(session):
    refused = refusal(
        session,
        """
            Checkout expectation,Chekout experience,Email address,Website expectation
            5,4,a@b.c,3
            """,
    )
    message = str(refused)
    assert "“Chekout experience”" in message and "“Email address”" in message
    # "Website" names touchpoints in two stages: it needs its stage.
    assert "“Website expectation”" in message
    assert "Find / Website" not in message and "Checkout" in message  # the journey's names
    assert session.exec(select(func.count()).select_from(CustomerImport)).one() == 0


def test_every_bad_row_is_reported_by_line_and_nothing_is_imported(session):
    refused = refusal(
        session,
        """
            date,Checkout expectation,Checkout experience
            2026-06-01,5,4
            2026-06-31,6,4
            2026-06-02,8,x

            2026-07-05,,
            2026-06-03,5
            """,
    )
    assert refused.problems == [
        RowProblem(3, "date “2026-06-31” is not a date like 2026-05-31"),
        RowProblem(
            4,
            "Checkout expectation: “8” is not an answer 1–7; "
            "Checkout experience: “x” is not an answer 1–7",
        ),
        RowProblem(6, "date 2026-07-05 is in the future; no answers"),
        RowProblem(7, "2 cells, but the header has 3 columns"),
    ]
    assert session.exec(select(func.count()).select_from(CustomerFigure)).one() == 0


def test_bad_aggregate_rows_are_reported(session):
    refused = refusal(
        session,
        """
            touchpoint,measure,n,mean,sd
            Checkout,expectation,10,5,1
            Chekout,expectation,10,5,1
            Checkout,hope,0,9,-1
            Checkout,experience,3,5,
            Checkout,expectation,10,5,1
            """,
    )
    problems = refused.problems
    assert "Names that match nothing in the journey: “Chekout”." in str(refused)
    assert [p.line for p in problems] == [3, 4, 5, 6]
    assert problems[0].message == "touchpoint “Chekout” matches no stage or touchpoint"
    assert "sd is needed" in problems[2].message
    assert problems[3].message == "repeats Checkout expectation (line 2)"


def test_importing_the_same_answers_again_adds_nothing(session):
    workshop = make_workshop(session)
    first = run(session, workshop, RAW)
    windows = text(RAW).replace("\n", "\r\n")  # saved on Windows: the same answers
    again = import_customer_answers(session, workshop, windows, imported_by="UF", today=TODAY)
    assert again.already_imported and not first.already_imported
    assert again.import_id == first.import_id
    assert session.exec(select(func.count()).select_from(CustomerImport)).one() == 1
    assert session.exec(select(func.count()).select_from(CustomerFigure)).one() == 6
    # The same answers on another scale are other answers.
    assert not run(session, workshop, RAW, scale="1-10").already_imported


def test_a_survey_date_in_the_future_is_refused(session):
    workshop = make_workshop(session)
    with pytest.raises(ImportRefused, match="in the future"):
        run(session, workshop, "Checkout expectation\n5\n", survey_date=date(2026, 7, 1))
    assert run(
        session, workshop, "Checkout expectation\n5\n", survey_date=date(2026, 5, 1)
    ).survey_date == date(2026, 5, 1)
