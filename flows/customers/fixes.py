"""The fixes ranked by their touchpoint's customer gap, when the facilitator chooses that over
the team's view: where customers, not the team, say the experience falls furthest short.

A fix is ranked when its touchpoint's latest survey has at least 5 customer answers on both
expectation and experience; its rank is by the customers' gap G_c = P_c − E_c, most negative
first, ties in journey order. The other fixes follow in journey order, with the team's gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from flows.customers.figures import MIN_CUSTOMER_ANSWERS
from flows.customers.reports import customer_report
from flows.fixes import FixSummary, list_fixes
from flows.gaps.aggregation import touchpoint_gaps
from storage.models import Workshop, pk


@dataclass(frozen=True)
class FixByCustomerGap:
    fix: FixSummary
    customer_gap: float | None  # None: too few customer answers (or none) at its touchpoint
    customer_answers: int  # the fewer of its expectation and experience answers
    team_gap: float | None


def fixes_by_customer_gap(session: Session, workshop: Workshop) -> list[FixByCustomerGap]:
    report = customer_report(session, workshop.team_id, pk(workshop))
    customers = {c.place.touchpoint_id: c for c in report.touchpoints if c.place.touchpoint_id}
    team = touchpoint_gaps(session, workshop)
    rows = []
    for fix in list_fixes(session, workshop):  # journey order
        comparison = customers.get(fix.touchpoint_id)
        expectation = comparison.customer_expectation if comparison else None
        experience = comparison.customer_experience if comparison else None
        answers = min(expectation.n, experience.n) if expectation and experience else 0
        gap = comparison.customer_gap if comparison and answers >= MIN_CUSTOMER_ANSWERS else None
        rows.append(FixByCustomerGap(fix, gap, answers, team.get(fix.touchpoint_id)))
    ranked = sorted((r for r in rows if r.customer_gap is not None), key=lambda r: r.customer_gap)  # type: ignore[arg-type, return-value]
    return ranked + [r for r in rows if r.customer_gap is None]
