"""board posts: when an unanswered board post was sent, and which replica is posting the board

A board post whose outcome is unknown (Slack timed out or answered 5xx) is recorded with the
time it was sent, so the board is looked for in the channel's history before it is posted again;
a claim time keeps two replicas from posting the same board at once.
"""

from storage.migrations.parts import add_columns, drop_columns, moment

revision: str = "0010_board_posts"
down_revision: str | None = "0009_gap_rating_raters"


def upgrade() -> None:
    add_columns(
        "workshop",
        moment("board_post_sent_at", nullable=True),
        moment("board_claimed_at", nullable=True),
    )


def downgrade() -> None:
    drop_columns("workshop", "board_claimed_at", "board_post_sent_at")
