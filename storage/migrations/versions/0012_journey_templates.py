"""journey templates: a workspace's own journeys, saved under a name unique per workspace"""

import sqlalchemy as sa

from storage.migrations.parts import create_table, drop_table, moment, slack_id, text

revision: str = "0012_journey_templates"
down_revision: str | None = "0015_round_schedules"  # the heads of parallel branches were chained when merged


def upgrade() -> None:
    create_table(
        "journey_template",
        text("name", 60),
        text("name_key", 60),
        sa.Column("stages", sa.JSON(), nullable=False),
        slack_id("created_by"),
        moment("created_at"),
        moment("updated_at"),
        in_workshop=False,
        unique=[("team_id", "name_key")],
        indexed=("team_id",),
    )


def downgrade() -> None:
    drop_table("journey_template", indexed=("team_id",))
