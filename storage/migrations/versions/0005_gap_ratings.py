"""gap ratings, rating rounds, rating nudges"""

from storage.migrations.parts import (
    NamedIndex,
    create_table,
    drop_table,
    integer,
    moment,
    slack_id,
    text,
)

revision: str = "0005_gap_ratings"
down_revision: str | None = "0004_digests"


GAP_RATING_INDEXED = (
    "team_id",
    NamedIndex("ix_gap_rating_workshop_round", ("workshop_id", "round")),
)


def upgrade() -> None:
    create_table(
        "rating_nudge",
        integer("round"),
        slack_id("user_id"),
        slack_id("nudged_by"),
        moment("nudged_at"),
        unique=[("workshop_id", "round", "user_id")],
        indexed=("team_id",),
    )
    create_table(
        "rating_round",
        integer("number"),
        slack_id("opened_by"),
        moment("opened_at"),
        checks={"number_after_first": "number >= 2"},
        unique=[("workshop_id", "number")],
    )
    create_table(
        "gap_rating",
        integer("touchpoint_id"),
        integer("round"),
        slack_id("user_id"),
        integer("expectation"),
        integer("experience"),
        integer("importance", nullable=True),
        text("comment", 300, nullable=True),
        moment("created_at"),
        moment("updated_at"),
        checks={
            "expectation_range": "expectation BETWEEN 1 AND 7",
            "experience_range": "experience BETWEEN 1 AND 7",
            "importance_range": "importance IS NULL OR importance BETWEEN 1 AND 5",
            "round_positive": "round >= 1",
        },
        references={"touchpoint_id": "touchpoint"},
        unique=[("touchpoint_id", "round", "user_id")],
        indexed=GAP_RATING_INDEXED,
    )


def downgrade() -> None:
    drop_table("gap_rating", indexed=GAP_RATING_INDEXED)
    drop_table("rating_round")
    drop_table("rating_nudge", indexed=("team_id",))
