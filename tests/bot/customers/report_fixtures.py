"""A customers' report built by hand (the worked example of tests/flows/customers)."""

from datetime import date

from flows.customers.figures import Sample, contrast
from flows.customers.reports import Comparison, CustomerReport, GapChange, ImportSummary, Place


def place(name, stage="Buy", touchpoint_id=1, position=0):
    return Place(1, stage, 1, touchpoint_id, name, position)


def checkout(name="Checkout"):
    # Customers expect 6.6 and get 5.1; the team thinks 4.3 and 5.3: a knowledge blind spot.
    return Comparison(
        place(name),
        date(2026, 6, 3),
        Sample.of([6, 7, 7, 6, 7, 6, 7]),
        Sample.of([5, 5, 6, 4, 5, 6, 5]),
        Sample.of([4, 5, 4]),
        Sample.of([5, 5, 6]),
    )


def reviews(name="Reviews"):
    # Customers get 3.1, the team thinks 6.3: the team overrates the experience.
    return Comparison(
        place(name, "Find", 2, 1),
        date(2026, 6, 3),
        Sample.of([5, 6, 5, 5, 6]),
        Sample.of([3, 4, 3, 2, 3, 4, 3]),
        Sample.of([5, 5, 6]),
        Sample.of([6, 6, 7]),
    )


def website(name="Website"):
    return Comparison(
        place(name, "Find", 3, 0), date(2026, 6, 3), None, Sample.of([4, 4, 5]), None, None
    )


def report(title="Onboarding", comparisons=None, changes=True, scale="1-5"):
    comparisons = comparisons if comparisons is not None else [website(), reviews(), checkout()]
    before_e, before_p = Sample.of([6, 7, 6, 7, 6]), Sample.of([2, 3, 2, 3, 2])
    now = checkout()
    gap_changes = (
        [
            GapChange(
                now.place,
                date(2026, 3, 1),
                date(2026, 6, 3),
                -4.0,
                now.customer_gap,
                contrast((now.customer_experience, before_e), (now.customer_expectation, before_p)),
                1.0,
                -0.5,
            )
        ]
        if changes
        else []
    )
    imports = [
        ImportSummary(1, date(2026, 3, 1), "1-7", 10, "form"),
        ImportSummary(2, date(2026, 6, 3), scale, 29, "csv"),
    ]
    return CustomerReport(
        1, "T1", title, "C1", None, 2, imports if comparisons else [], comparisons, [], gap_changes
    )
