"""vote clicks: the journal that makes a vote click durable before it is acknowledged

A click is written to `vote_click` in a transaction of its own, which no lock held on the
voter's ballot or participant row can delay (the table has no foreign keys for that reason), then
acknowledged, then applied to the ballot; `applied_at` marks it applied (a refused click is
deleted).
"""

import sqlalchemy as sa

from storage.migrations.parts import (
    NamedIndex,
    create_table,
    drop_table,
    integer,
    moment,
    slack_id,
    text,
    workshop_id,
)

revision: str = "0011_vote_clicks"
down_revision: str | None = "0010_board_posts"


VOTE_CLICK_INDEXED = (NamedIndex("ix_vote_click_voter", ("workshop_id", "voter_id")), "applied_at")


def upgrade() -> None:
    create_table(
        "vote_click",
        text("click_key", 64),
        workshop_id(),
        slack_id("voter_id"),
        integer("fix_id"),
        integer("shown"),
        integer("wanted"),
        moment("received_at"),
        moment("applied_at", nullable=True),
        sa.Column("changed", sa.Boolean(), nullable=False),
        in_workshop=False,
        checks={
            "one_step": "shown >= 0 AND wanted >= 0 AND (wanted - shown = 1 OR shown - wanted = 1)"
        },
        unique=[("team_id", "click_key")],
        indexed=VOTE_CLICK_INDEXED,
    )


def downgrade() -> None:
    drop_table("vote_click", indexed=VOTE_CLICK_INDEXED)
