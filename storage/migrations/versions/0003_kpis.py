"""custom KPIs and KPI values"""

import sqlalchemy as sa

from storage.migrations.parts import create_table, drop_table, integer, moment, slack_id, text

revision: str = "0003_kpis"
down_revision: str | None = "0002_platform"


KPI_VALUE_INDEXED = ("custom_kpi_id", "stage_id", "team_id", "workshop_id")


def upgrade() -> None:
    create_table(
        "custom_kpi",
        text("name", 40),
        text("name_key", 80),
        text("unit", 12),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("min_value", sa.Float(), nullable=True),
        sa.Column("max_value", sa.Float(), nullable=True),
        slack_id("created_by"),
        moment("created_at"),
        checks={"range_order": "min_value IS NULL OR max_value IS NULL OR min_value < max_value"},
        unique=[("workshop_id", "name_key")],
    )
    create_table(
        "kpi_value",
        text("kpi_key", 40),
        integer("custom_kpi_id", nullable=True),
        integer("stage_id", nullable=True),
        integer("stage_key"),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("benchmark", sa.Float(), nullable=True),
        sa.Column("benchmark_source", sa.String(length=150), nullable=True),
        integer("answer_count", nullable=True),
        slack_id("recorded_by"),
        moment("recorded_at"),
        checks={"stage_key": "(stage_id IS NULL AND stage_key = 0) OR stage_key = stage_id"},
        references={"custom_kpi_id": "custom_kpi", "stage_id": "journey_stage"},
        unique=[("workshop_id", "kpi_key", "stage_key", "period_end")],
        indexed=KPI_VALUE_INDEXED,
    )


def downgrade() -> None:
    drop_table("kpi_value", indexed=KPI_VALUE_INDEXED)
    drop_table("custom_kpi")
