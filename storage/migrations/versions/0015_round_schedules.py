"""round schedules: phase deadlines, recurring rating rounds and their claim rows

`phase_deadline` (one per workshop, phase and round; closing is a compare-and-set on `state`),
`round_schedule` (one recurring rule per workshop), `scheduled_round` (unique per schedule and
fire time) and `rating_reminder` (unique per workshop, round and person) make every opening,
reminder and closing happen once, even with two schedulers on one database; `loop_note`
(unique per action item) makes each "you said, we did" note post once.

Revision ID: 0015_round_schedules
Revises: 0013_customer_answers
Create Date: 2026-12-06 05:57:41.786479
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015_round_schedules'
down_revision: str | None = "0013_customer_answers"  # the heads of parallel branches were chained when merged
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('phase_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('set_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('round >= 0', name=op.f('ck_phase_deadline_round_not_negative')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_phase_deadline_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_deadline')),
    sa.UniqueConstraint('workshop_id', 'phase', 'round', name=op.f('uq_phase_deadline_workshop_id_phase_round'))
    )
    with op.batch_alter_table('phase_deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_deadline_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_phase_deadline_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_phase_deadline_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_phase_deadline_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('round_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('cron', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('open_days', sa.Integer(), nullable=False),
    sa.Column('close_hour', sa.Integer(), nullable=False),
    sa.Column('close_minute', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('active_since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('close_hour BETWEEN 0 AND 23', name=op.f('ck_round_schedule_close_hour_range')),
    sa.CheckConstraint('close_minute BETWEEN 0 AND 59', name=op.f('ck_round_schedule_close_minute_range')),
    sa.CheckConstraint('open_days BETWEEN 1 AND 28', name=op.f('ck_round_schedule_open_days_range')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_round_schedule_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_schedule')),
    sa.UniqueConstraint('workshop_id', name=op.f('uq_round_schedule_workshop_id'))
    )
    with op.batch_alter_table('round_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_schedule_team_id'), ['team_id'], unique=False)

    op.create_table('rating_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['phase_deadline.id'], name=op.f('fk_rating_reminder_deadline_id_phase_deadline'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_rating_reminder_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_reminder')),
    sa.UniqueConstraint('workshop_id', 'round', 'user_id', name=op.f('uq_rating_reminder_workshop_id_round_user_id'))
    )
    with op.batch_alter_table('rating_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_reminder_deadline_id'), ['deadline_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_reminder_team_id'), ['team_id'], unique=False)

    op.create_table('scheduled_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('fire_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('round', sa.Integer(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['round_schedule.id'], name=op.f('fk_scheduled_round_schedule_id_round_schedule'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_scheduled_round_workshop_id_workshop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_round')),
    sa.UniqueConstraint('schedule_id', 'fire_time', name=op.f('uq_scheduled_round_schedule_id_fire_time'))
    )
    with op.batch_alter_table('scheduled_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_round_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scheduled_round_workshop_id'), ['workshop_id'], unique=False)



    op.create_table(
        "loop_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("action_item_id", sa.Integer(), nullable=False),
        sa.Column("before_round", sa.Integer(), nullable=False),
        sa.Column("after_round", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["action_item.id"],
            name=op.f("fk_loop_note_action_item_id_action_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_loop_note_workshop_id_workshop"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loop_note")),
        sa.UniqueConstraint("action_item_id", name=op.f("uq_loop_note_action_item_id")),
    )
    with op.batch_alter_table("loop_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loop_note_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_loop_note_workshop_id"), ["workshop_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("loop_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loop_note_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_loop_note_team_id"))

    op.drop_table("loop_note")
    with op.batch_alter_table('scheduled_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_round_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_scheduled_round_team_id'))

    op.drop_table('scheduled_round')
    with op.batch_alter_table('rating_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_reminder_team_id'))
        batch_op.drop_index(batch_op.f('ix_rating_reminder_deadline_id'))

    op.drop_table('rating_reminder')
    with op.batch_alter_table('round_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_schedule_team_id'))

    op.drop_table('round_schedule')
    with op.batch_alter_table('phase_deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phase_deadline_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_phase_deadline_team_id'))
        batch_op.drop_index(batch_op.f('ix_phase_deadline_state'))
        batch_op.drop_index(batch_op.f('ix_phase_deadline_due_at'))

    op.drop_table('phase_deadline')
