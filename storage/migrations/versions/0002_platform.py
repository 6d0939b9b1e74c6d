"""platform: slack_sdk installation and OAuth state stores, Events API receipts"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.parts import moment, slack_id, text

revision: str = '0002_platform'
down_revision: str | None = '0001_foundation'


def upgrade() -> None:
    op.create_table(
        "event_receipt",
        text("event_id", 64),
        slack_id("team_id"),
        moment("received_at"),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_receipt")),
    )
    op.create_index(op.f("ix_event_receipt_received_at"), "event_receipt", ["received_at"])
    op.create_index(op.f("ix_event_receipt_team_id"), "event_receipt", ["team_id"])

    # slack_sdk's SQLAlchemy installation and OAuth state stores' tables, as slack_sdk defines them
    op.create_table(
        "slack_bots",
        *app_columns(),
        *bot_columns(),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "slack_bots_idx", "slack_bots", ["client_id", "enterprise_id", "team_id", "installed_at"]
    )
    op.create_table(
        "slack_installations",
        *app_columns(),
        sa.Column("enterprise_url", sa.String(length=200), nullable=True),
        *bot_columns(),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("user_token", sa.String(length=200), nullable=True),
        sa.Column("user_scopes", sa.String(length=1000), nullable=True),
        sa.Column("user_refresh_token", sa.String(length=200), nullable=True),
        sa.Column("user_token_expires_at", sa.DateTime(), nullable=True),
        sa.Column("incoming_webhook_url", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_channel", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_channel_id", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_configuration_url", sa.String(length=200), nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("token_type", sa.String(length=32), nullable=True),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "slack_installations_idx",
        "slack_installations",
        ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"],
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("state", sa.String(length=200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def app_columns() -> list[sa.Column]:
    """The columns both slack_sdk tables begin with: the row id and the app and org installed."""
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("enterprise_name", sa.String(length=200), nullable=True),
    ]


def bot_columns() -> list[sa.Column]:
    """The workspace and its bot token, the same in both slack_sdk tables."""
    return [
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("bot_token", sa.String(length=200), nullable=True),
        sa.Column("bot_id", sa.String(length=32), nullable=True),
        sa.Column("bot_user_id", sa.String(length=32), nullable=True),
        sa.Column("bot_scopes", sa.String(length=1000), nullable=True),
        sa.Column("bot_refresh_token", sa.String(length=200), nullable=True),
        sa.Column("bot_token_expires_at", sa.DateTime(), nullable=True),
    ]


def downgrade() -> None:
    op.drop_table("slack_oauth_states")
    op.drop_index("slack_installations_idx", table_name="slack_installations")
    op.drop_table("slack_installations")
    op.drop_index("slack_bots_idx", table_name="slack_bots")
    op.drop_table("slack_bots")
    op.drop_index(op.f("ix_event_receipt_team_id"), table_name="event_receipt")
    op.drop_index(op.f("ix_event_receipt_received_at"), table_name="event_receipt")
    op.drop_table("event_receipt")
