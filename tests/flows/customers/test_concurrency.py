"""Two imports of the same answers at once (a double submission, two replicas): one import."""

import threading
from datetime import date

from sqlalchemy import func
from sqlmodel import select

from flows.customers.importing import import_customer_answers
from flows.journey import StageSpec
from flows.workshops import WorkshopSpec, create_workshop, get_workshop
from storage.models import CustomerFigure, CustomerImport

ANSWERS = "Checkout expectation,Checkout experience\n6,3\n7,2\n5,4\n"


def test_the_same_answers_imported_twice_at_once_count_once(db):
    with db.session() as session:
        spec = WorkshopSpec(title="Onboarding", stages=[StageSpec("Buy", ("Checkout",))])
        workshop_id = create_workshop(session, "T1", "C1", "UF", spec).id
    barrier, results, errors = threading.Barrier(2), [], []

    def run() -> None:
        try:
            barrier.wait()
            with db.session() as session:
                workshop = get_workshop(session, "T1", workshop_id)
                results.append(
                    import_customer_answers(
                        session, workshop, ANSWERS, imported_by="UF", today=date(2026, 6, 30)
                    )
                )
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.already_imported for r in results) == [False, True]
    assert len({r.import_id for r in results}) == 1
    with db.session() as session:
        assert session.exec(select(func.count()).select_from(CustomerImport)).one() == 1
        assert session.exec(select(func.count()).select_from(CustomerFigure)).one() == 2
