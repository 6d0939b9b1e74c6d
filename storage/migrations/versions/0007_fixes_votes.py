"""fixes, ballots, votes, action items"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.parts import (
    Ref,
    create_table,
    drop_table,
    integer,
    moment,
    slack_id,
    text,
    workshop_id,
)

revision: str = "0007_fixes_votes"
down_revision: str | None = "0006_stakeholders"


FIX_INDEXED = ("team_id", "touchpoint_id", "workshop_id")
ACTION_ITEM_INDEXED = ("owner_id", "team_id", "workshop_id")
VOTE_INDEXED = ("fix_id", "team_id", "workshop_id")


def upgrade() -> None:
    create_table(
        "ballot",
        slack_id("voter_id"),
        integer("vote_budget"),
        integer("max_votes_per_fix"),
        moment("created_at"),
        checks={
            "limits": (
                "vote_budget >= 1 AND max_votes_per_fix >= 1 AND max_votes_per_fix <= vote_budget"
            )
        },
        unique=[
            ("id", "workshop_id", "vote_budget", "max_votes_per_fix"),
            ("workshop_id", "voter_id"),
        ],
    )
    create_table(
        "fix",
        integer("touchpoint_id"),
        slack_id("author_id"),
        text("title", 120),
        text("description", 2000, nullable=True),
        sa.Column("effort", sa.String(length=1), nullable=True),
        sa.Column("impact", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        integer("merged_into_id", nullable=True),
        text("request_key", 64, nullable=True),
        moment("created_at"),
        moment("updated_at"),
        references={
            "merged_into_id": Ref("fix", ondelete="SET NULL"),
            "touchpoint_id": "touchpoint",
        },
        unique=[("id", "workshop_id"), ("team_id", "request_key")],
        indexed=FIX_INDEXED,
    )
    create_table(
        "action_item",
        integer("fix_id"),
        slack_id("owner_id"),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        slack_id("created_by"),
        slack_id("dm_channel_id", nullable=True),
        slack_id("dm_ts", nullable=True),
        moment("created_at"),
        moment("updated_at"),
        references={"fix_id": "fix"},
        unique=[("fix_id",)],
        indexed=ACTION_ITEM_INDEXED,
    )
    # A vote refers to its workshop through its ballot and its fix, which must both be that
    # workshop's (and the ballot's limits the vote's), rather than to the workshop directly.
    create_table(
        "vote",
        workshop_id(),
        integer("ballot_id"),
        integer("fix_id"),
        integer("vote_budget"),
        integer("max_votes_per_fix"),
        integer("budget_slot"),
        integer("fix_slot"),
        moment("cast_at"),
        sa.ForeignKeyConstraint(
            ["ballot_id", "workshop_id", "vote_budget", "max_votes_per_fix"],
            ["ballot.id", "ballot.workshop_id", "ballot.vote_budget", "ballot.max_votes_per_fix"],
            name=op.f("fk_vote_ballot_id_ballot"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fix_id", "workshop_id"],
            ["fix.id", "fix.workshop_id"],
            name=op.f("fk_vote_fix_id_fix"),
            ondelete="CASCADE",
        ),
        in_workshop=False,
        checks={
            "budget_slot": "budget_slot >= 0 AND budget_slot < vote_budget",
            "fix_slot": "fix_slot >= 0 AND fix_slot < max_votes_per_fix",
        },
        unique=[("ballot_id", "budget_slot"), ("ballot_id", "fix_id", "fix_slot")],
        indexed=VOTE_INDEXED,
    )


def downgrade() -> None:
    drop_table("vote", indexed=VOTE_INDEXED)
    drop_table("action_item", indexed=ACTION_ITEM_INDEXED)
    drop_table("fix", indexed=FIX_INDEXED)
    drop_table("ballot")
