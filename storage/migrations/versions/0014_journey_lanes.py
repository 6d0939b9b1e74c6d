"""journey lanes: the channel of each touchpoint, personas, and the emotion curve

A touchpoint may carry the channel it happens through (web, app, email, …), stored as a string
like the other enums, so adding a channel needs no migration. A workshop may define personas
(one name per workshop, on a normalised key); a participant's row names the persona they rate
for, and each gap rating the persona it was given for. A workshop may turn the emotion curve
on; a gap rating then may carry how the customer feels there, −2…+2.
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.parts import (
    Ref,
    add_columns,
    create_table,
    drop_columns,
    drop_table,
    integer,
    moment,
    slack_id,
    text,
)

revision: str = "0014_journey_lanes"
down_revision: str | None = "0016_phase_calls"


def upgrade() -> None:
    add_columns("touchpoint", sa.Column("channel", sa.String(length=20), nullable=True))
    create_table(
        "persona",
        text("name", 40),
        text("name_key", 120),
        text("description", 150),
        integer("stakeholder_id", nullable=True),
        slack_id("created_by"),
        moment("created_at"),
        references={"stakeholder_id": Ref("stakeholder", ondelete="SET NULL")},
        unique=[("workshop_id", "name_key")],
        indexed=("team_id",),
    )
    for table in ("participant", "gap_rating"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("persona_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_persona_id_persona"),
                "persona",
                ["persona_id"],
                ["id"],
                ondelete="SET NULL",
            )
    add_columns(
        "workshop",
        sa.Column("emotion_curve", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    with op.batch_alter_table("gap_rating", schema=None) as batch_op:
        batch_op.add_column(sa.Column("emotion", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_gap_rating_emotion_range"), "emotion IS NULL OR emotion BETWEEN -2 AND 2"
        )


def downgrade() -> None:
    with op.batch_alter_table("gap_rating", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_gap_rating_emotion_range"), type_="check")
        batch_op.drop_column("emotion")
    drop_columns("workshop", "emotion_curve")
    for table in ("gap_rating", "participant"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_persona_id_persona"), type_="foreignkey"
            )
            batch_op.drop_column("persona_id")
    drop_table("persona", indexed=("team_id",))
    drop_columns("touchpoint", "channel")
