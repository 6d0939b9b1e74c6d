"""The journey_template table: one name per workspace (ignoring case, via name_key)."""

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage.models import JourneyTemplate


def template(team_id: str, name: str) -> JourneyTemplate:
    stages = [{"name": "Find", "touchpoints": ["Search"]}]
    return JourneyTemplate(
        team_id=team_id, name=name, name_key=name.casefold(), stages=stages, created_by="U1"
    )


def test_a_name_is_unique_per_workspace(db):
    with db.session() as session:
        session.add_all([template("T1", "Onboarding"), template("T2", "Onboarding")])
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(template("T1", "ONBOARDING"))
        session.flush()
    with db.session() as session:
        rows = session.exec(select(JourneyTemplate).order_by(JourneyTemplate.team_id)).all()
        assert [(r.team_id, r.name, r.stages[0]["touchpoints"]) for r in rows] == [
            ("T1", "Onboarding", ["Search"]),
            ("T2", "Onboarding", ["Search"]),
        ]
