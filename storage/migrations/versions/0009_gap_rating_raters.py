"""gap rating raters: a (workshop, round, rater) index, and every rater a participant

The (workshop_id, round) index becomes (workshop_id, round, user_id): it still finds a round's
ratings, and now also one rater's ratings in a round and whether someone rated it at all, which
is how the raters of a round are counted (over the participants, one index probe each). The
foreign key (workshop_id, user_id) → participant makes "every rater is a participant", which
rating already ensured by joining the rater, hold whatever code writes.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0009_gap_rating_raters"
down_revision: str | None = "0008_digest_memos"


def upgrade() -> None:
    # Rating has always joined the rater; should a rating without its participant exist all the
    # same, the rater joins (when they first rated) rather than the upgrade failing.
    op.execute(
        sa.text(
            """
            INSERT INTO participant (team_id, workshop_id, user_id, role, joined_at)
            SELECT team_id, workshop_id, user_id, 'participant', min(created_at)
            FROM gap_rating AS rating
            WHERE NOT EXISTS (
                SELECT 1 FROM participant
                WHERE participant.workshop_id = rating.workshop_id
                  AND participant.user_id = rating.user_id
            )
            GROUP BY team_id, workshop_id, user_id
            """
        )
    )
    with op.batch_alter_table("gap_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_gap_rating_workshop_round")
        batch_op.create_index(
            "ix_gap_rating_workshop_round_user", ["workshop_id", "round", "user_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_gap_rating_workshop_id_participant"),
            "participant",
            ["workshop_id", "user_id"],
            ["workshop_id", "user_id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("gap_rating", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_gap_rating_workshop_id_participant"), type_="foreignkey"
        )
        batch_op.drop_index("ix_gap_rating_workshop_round_user")
        batch_op.create_index(
            "ix_gap_rating_workshop_round", ["workshop_id", "round"], unique=False
        )
