"""customer answers: survey imports and their figures per touchpoint or stage

An import is unique per (workshop, content hash), so importing the same answers twice adds
nothing; its figures (n, mean, sd on 1-7) are unique per (import, stage, touchpoint, measure,
segment).
"""

import sqlalchemy as sa

from storage.migrations.parts import create_table, drop_table, integer, moment, slack_id, text

revision: str = '0013_customer_answers'
down_revision: str | None = "0014_journey_lanes"  # the heads of parallel branches were chained when merged


FIGURE_INDEXED = ("import_id", "stage_id", "team_id", "touchpoint_id", "workshop_id")


def upgrade() -> None:
    create_table(
        "customer_import",
        text("content_hash", 64),
        sa.Column("survey_date", sa.Date(), nullable=False),
        text("source", 20),
        text("scale", 8),
        integer("answer_count"),
        slack_id("imported_by"),
        moment("imported_at"),
        checks={"answer_count_positive": "answer_count > 0"},
        unique=[("workshop_id", "content_hash")],
    )
    create_table(
        "customer_figure",
        integer("import_id"),
        integer("stage_id"),
        integer("touchpoint_id", nullable=True),
        integer("touchpoint_key"),
        sa.Column("measure", sa.String(length=12), nullable=False),
        text("segment", 60),
        integer("n"),
        sa.Column("mean", sa.Float(), nullable=False),
        sa.Column("sd", sa.Float(), nullable=True),
        sa.UniqueConstraint(
            "import_id",
            "stage_id",
            "touchpoint_key",
            "measure",
            "segment",
            name="uq_customer_figure_key",
        ),
        checks={
            "measure_known": "measure IN ('expectation', 'experience')",
            "touchpoint_key": (
                "(touchpoint_id IS NULL AND touchpoint_key = 0) OR touchpoint_key = touchpoint_id"
            ),
            "mean_range": "mean BETWEEN 1 AND 7",
            "n_positive": "n > 0",
            "sd_not_negative": "sd IS NULL OR sd >= 0",
        },
        references={
            "import_id": "customer_import",
            "stage_id": "journey_stage",
            "touchpoint_id": "touchpoint",
        },
        indexed=FIGURE_INDEXED,
    )


def downgrade() -> None:
    drop_table("customer_figure", indexed=FIGURE_INDEXED)
    drop_table("customer_import")
