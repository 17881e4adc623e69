"""tasks.event: a special-event task names its event (large abnormal transaction, change of
reserved information, complaint); earlier builds put the event's kind in the reason

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 09:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

EVENTS = ('large_abnormal_transaction', 'reserved_info_changed', 'complaint')


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event', sa.String(length=30), nullable=True))
    tasks = sa.table('tasks', sa.column('kind'), sa.column('reason'), sa.column('event'))
    op.execute(
        tasks.update()
        .where(tasks.c.kind == 'special_event', tasks.c.reason.in_(EVENTS))
        .values(event=tasks.c.reason)
    )


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('event')
