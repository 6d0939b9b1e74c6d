"""`/workshop customers` end to end: the paste form submitted as signed view_submission requests
into the real Bolt app, and `/workshop customers show`."""

from datetime import date

from sqlalchemy import func
from sqlmodel import select

from bot.slack import ids
from demo.local import CHANNEL_ID, PEOPLE
from flows.customers.importing import import_customer_answers
from flows.gaps.ratings import RawAnswer, save_ratings
from flows.workshops import get_workshop
from storage.models import CustomerFigure, CustomerImport, Phase, Touchpoint
from tests.helpers import answered, said, settle

ANA, BEN = PEOPLE[0].user_id, PEOPLE[1].user_id
GOOD = "Checkout expectation,Checkout experience\n5,2\n4,1\n5,2\n4,2\n5,1\n"


def counts(local):
    with local.db.session() as session:
        return (
            session.exec(select(func.count()).select_from(CustomerImport)).one(),
            session.exec(select(func.count()).select_from(CustomerFigure)).one(),
        )


def open_form(local, user=ANA):
    local.sim.slash_command(user, CHANNEL_ID, "customers")
    return local.standin.wait_for(lambda: local.standin.top_view(user))


def test_pasted_answers_are_saved_before_the_ack_and_the_comparison_is_posted(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.rating)
    view = open_form(local)
    assert view["callback_id"] == ids.CUSTOMERS_IMPORT_MODAL
    response = local.sim.submit_view(
        ANA, {ids.CUSTOMERS_FIELD_ANSWERS: GOOD, ids.CUSTOMERS_FIELD_SCALE: "1-5"}
    )
    assert response.status == 200 and not response.json  # closed: saved, then acknowledged
    assert counts(local) == (1, 2)
    confirmation = said(local, ANA, "Imported 10 customer answers")
    assert "(answers on 1–5 converted linearly to 1–7)" in confirmation["text"]
    thread = local.standin.wait_for(
        lambda: [
            m for m in local.standin.thread(CHANNEL_ID, board_ts) if "Customers' voice" in m["text"]
        ]
    )
    assert "No blind spots can be told yet" in thread[-1]["text"]  # nobody on the team rated
    settle(local)
    # The same answers again: nothing added, and said so.
    open_form(local)
    local.sim.submit_view(
        ANA, {ids.CUSTOMERS_FIELD_ANSWERS: GOOD, ids.CUSTOMERS_FIELD_SCALE: "1-5"}
    )
    said(local, ANA, "already in workshop")
    assert counts(local) == (1, 2)
    settle(local)


def test_bad_rows_come_back_on_the_form_by_line_and_nothing_is_saved(local):
    local.start_workshop(ANA, phase=Phase.rating)
    open_form(local)
    response = local.sim.submit_view(
        ANA,
        {ids.CUSTOMERS_FIELD_ANSWERS: "Chekout expectation\n5\n", ids.CUSTOMERS_FIELD_SCALE: "1-7"},
    )
    error = response.json["errors"][ids.CUSTOMERS_FIELD_ANSWERS]
    assert "“Chekout expectation”" in error and "Checkout" in error
    response = local.sim.submit_view(
        ANA, {ids.CUSTOMERS_FIELD_ANSWERS: "Checkout expectation\n5\n9\nx\n"}
    )
    error = response.json["errors"][ids.CUSTOMERS_FIELD_ANSWERS]
    assert "line 3: Checkout expectation: “9” is not an answer 1–7" in error
    assert "line 4: Checkout expectation: “x” is not an answer 1–7" in error
    assert counts(local) == (0, 0)
    settle(local)


def test_only_facilitators_import_and_show_says_when_there_is_nothing(local):
    local.start_workshop(ANA, phase=Phase.rating)
    answered(local, BEN, "customers", "Only the facilitator can import customers' answers.")
    answered(local, BEN, "customers show", "No customer answers in workshop")
    answered(local, BEN, "customers foo", "I don't know `/workshop customers foo`")
    settle(local)


def test_the_gap_results_gain_a_blind_spots_section(local):
    workshop_id, board_ts = local.start_workshop(ANA, phase=Phase.rating)
    with local.db.session() as session:
        workshop = get_workshop(session, local.team_id, workshop_id)
        checkout = session.exec(
            select(Touchpoint.id).where(
                Touchpoint.workshop_id == workshop_id, Touchpoint.name == "Checkout"
            )
        ).one()
        for user, expectation in ((ANA, "4"), (BEN, "5"), (PEOPLE[2].user_id, "4")):
            raw = {checkout: RawAnswer(expectation, "5")}
            save_ratings(session, local.team_id, workshop_id, user, raw)
        answers = "Checkout expectation\n6\n7\n7\n6\n7\n6\n7\n"  # the worked example: 6.6 vs 4.3
        import_customer_answers(session, workshop, answers, imported_by=ANA, today=date.today())
    local.sim.slash_command(ANA, CHANNEL_ID, "gaps")
    results = local.standin.wait_for(
        lambda: [
            m for m in local.standin.thread(CHANNEL_ID, board_ts) if "Journey gaps" in m["text"]
        ]
    )[-1]
    text = str(results["blocks"])
    assert "*Blind spots*" in text
    spot = "▲ *Checkout*: the team underestimates what customers expect. Customers expect 6.6"
    assert spot + ", the team thought 4.3" in text
    settle(local)


def test_facilitators_post_the_fixes_ranked_by_the_customers_gap(local):
    _, board_ts = local.start_workshop(ANA, phase=Phase.fixes)
    local.sim.slash_command(BEN, CHANNEL_ID, "customers fixes")
    said(local, BEN, "Only the facilitator can rank the fixes by the customers' gap.")
    answered(local, ANA, "customers fixes", "Posted the fixes ranked by the customers' gap")
    posted = local.standin.thread(CHANNEL_ID, board_ts)[-1]
    assert "No fixes proposed" in str(posted["blocks"])
    settle(local)


def test_a_csv_file_shared_in_the_form_is_read_with_the_bot_token_and_imported(local):
    local.start_workshop(ANA, phase=Phase.rating)
    open_form(local)
    shared = local.standin.add_user_file(ANA, "survey.csv", GOOD.encode())
    response = local.sim.submit_view(
        ANA, {ids.CUSTOMERS_FIELD_FILE: shared, ids.CUSTOMERS_FIELD_SCALE: "1-5"}
    )
    assert response.status == 200 and not response.json
    assert counts(local) == (1, 2)
    downloads = local.standin.calls_to("file_download")
    assert [call.response["ok"] for call in downloads] == [True]
    with local.db.session() as session:
        assert session.exec(select(CustomerImport.source)).one() == "slack file"
    said(local, ANA, "Imported 10 customer answers")
    settle(local)


def test_a_bad_shared_file_or_neither_file_nor_text_is_refused_on_the_form(local):
    local.start_workshop(ANA, phase=Phase.rating)
    open_form(local)
    response = local.sim.submit_view(ANA, {})
    assert response.json["errors"] == {
        ids.CUSTOMERS_FIELD_ANSWERS: "Choose a CSV file or paste the answers."
    }
    shared = local.standin.add_user_file(ANA, "survey.csv", b"Checkout expectation\n8\n")
    response = local.sim.submit_view(ANA, {ids.CUSTOMERS_FIELD_FILE: shared})
    error = response.json["errors"][ids.CUSTOMERS_FIELD_FILE]
    assert "line 2: Checkout expectation: “8” is not an answer 1–7" in error
    latin = local.standin.add_user_file(
        ANA, "old.csv", "Checkout expectation\n5\né".encode("latin-1")
    )
    response = local.sim.submit_view(ANA, {ids.CUSTOMERS_FIELD_FILE: latin})
    assert "is not UTF-8 text" in response.json["errors"][ids.CUSTOMERS_FIELD_FILE]
    assert counts(local) == (0, 0)
    settle(local)
