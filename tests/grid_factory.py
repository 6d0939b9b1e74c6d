"""Grid results built by hand, for the chart and Block Kit tests (no database needed)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from flows.stakeholders import AxisScore, GridResult, GridStakeholder, classify
from storage.models import Attitude, StakeholderCategory

DEMO_STAKEHOLDERS = (
    ("First-time buyers", StakeholderCategory.customer, Attitude.supporter, 2.4, 4.8),
    ("Support agents", StakeholderCategory.employee, Attitude.supporter, 2.2, 4.2),
    ("CFO", StakeholderCategory.executive, Attitude.blocker, 4.8, 2.2),
    ("Payment provider", StakeholderCategory.supplier, Attitude.neutral, 3.6, 2.6),
    ("Data protection authority", StakeholderCategory.regulator, Attitude.neutral, 4.4, 1.8),
    ("Comparison sites", StakeholderCategory.influencer, Attitude.neutral, 2.6, 2.0),
    ("Competitor X", StakeholderCategory.competitor, Attitude.blocker, 1.6, 1.4),
    ("Sales reps", StakeholderCategory.employee, Attitude.supporter, 3.4, 4.4),
)


def entry(
    number: int,
    name: str,
    influence: float | None,
    interest: float | None,
    attitude: Attitude | None = None,
    category: StakeholderCategory = StakeholderCategory.other,
    raters: int = 5,
    spread: float | None = 0.5,
) -> GridStakeholder:
    rated = influence is not None and interest is not None
    return GridStakeholder(
        stakeholder_id=number,
        name=name,
        category=category,
        attitude=attitude or list(Attitude)[number % 3],
        note="",
        author_id="U1",
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        touchpoints=(),
        raters=raters if rated else 0,
        influence=AxisScore(influence, spread) if rated else None,
        interest=AxisScore(interest, spread) if rated else None,
        quadrant=classify(influence, interest) if rated else None,
    )


def grid(stakeholders, title: str = "Northwind onboarding", raters: int = 5) -> GridResult:
    """A result ordered like stakeholder_grid orders it: most influential first, unrated last."""
    ordered = sorted(
        stakeholders,
        key=lambda s: (
            s.influence is None,
            -(s.influence.mean if s.influence else 0),
            -(s.interest.mean if s.interest else 0),
            s.name,
        ),
    )
    return GridResult(1, title, raters, tuple(ordered))


def demo_grid() -> GridResult:
    return grid(
        entry(i, name, influence, interest, attitude, category)
        for i, (name, category, attitude, influence, interest) in enumerate(DEMO_STAKEHOLDERS)
    )


def random_grid(count: int, seed: int = 1, clustered: bool = False) -> GridResult:
    """`count` stakeholders with long names, spread at random or piled on three points."""
    rng = random.Random(seed)
    piles = [(3.0, 3.0), (4.0, 4.0), (2.0, 4.5)]
    stakeholders = []
    for number in range(count):
        if clustered:
            influence, interest = rng.choice(piles)
        else:
            influence, interest = round(rng.uniform(1, 5), 2), round(rng.uniform(1, 5), 2)
        name = f"Stakeholder {number} with quite a long name"
        stakeholders.append(entry(number, name, influence, interest))
    return grid(stakeholders)
