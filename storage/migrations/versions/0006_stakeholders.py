"""stakeholders, their touchpoints and ratings"""

import sqlalchemy as sa

from storage.migrations.parts import create_table, drop_table, integer, moment, slack_id, text

revision: str = "0006_stakeholders"
down_revision: str | None = "0005_gap_ratings"


TOUCHPOINTS_INDEXED = ("team_id", "touchpoint_id")


def upgrade() -> None:
    create_table(
        "stakeholder",
        text("name", 80),
        text("name_key", 240),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("attitude", sa.String(length=20), nullable=False),
        text("note", 200),
        slack_id("author_id"),
        moment("created_at"),
        moment("updated_at"),
        unique=[("workshop_id", "name_key")],
        indexed=("team_id",),
    )
    create_table(
        "stakeholder_rating",
        integer("stakeholder_id"),
        slack_id("rater_id"),
        integer("influence"),
        integer("interest"),
        moment("updated_at"),
        checks={
            "influence_range": "influence BETWEEN 1 AND 5",
            "interest_range": "interest BETWEEN 1 AND 5",
        },
        references={"stakeholder_id": "stakeholder"},
        unique=[("stakeholder_id", "rater_id")],
    )
    create_table(
        "stakeholder_touchpoint",
        integer("stakeholder_id"),
        integer("touchpoint_id"),
        in_workshop=False,
        references={"stakeholder_id": "stakeholder", "touchpoint_id": "touchpoint"},
        unique=[("stakeholder_id", "touchpoint_id")],
        indexed=TOUCHPOINTS_INDEXED,
    )


def downgrade() -> None:
    drop_table("stakeholder_touchpoint", indexed=TOUCHPOINTS_INDEXED)
    drop_table("stakeholder_rating")
    drop_table("stakeholder", indexed=("team_id",))
