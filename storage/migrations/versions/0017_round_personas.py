"""round personas: the persona a whole rating round is rated for (the facilitator's round per
persona), one per workshop and round
"""

from storage.migrations.parts import create_table, drop_table, integer, moment, slack_id

revision: str = "0017_round_personas"
down_revision: str | None = "0019_workshop_follows"  # chained after the parallel 0018 and 0019 when merged


def upgrade() -> None:
    create_table(
        "round_persona",
        integer("round"),
        integer("persona_id"),
        slack_id("set_by"),
        moment("created_at"),
        checks={"round_positive": "round >= 1"},
        references={"persona_id": "persona"},
        unique=[("workshop_id", "round")],
        indexed=("team_id",),
    )


def downgrade() -> None:
    drop_table("round_persona", indexed=("team_id",))
