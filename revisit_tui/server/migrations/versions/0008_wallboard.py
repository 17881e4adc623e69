"""wallboard: agents' latest polls, and the indexes its aggregates read

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 09:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

from revisit_tui.server.tables import UtcDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agent_presence',
    sa.Column('agent_id', sa.String(length=64), nullable=False),
    sa.Column('seen_at', UtcDateTime(), nullable=False),
    sa.Column('outbox_pending', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('agent_id', name=op.f('pk_agent_presence'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_status_kind_due'), ['status', 'kind', 'due'], unique=False)
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_received_at'), ['received_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcomes_received_at'))
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_status_kind_due'))
    op.drop_table('agent_presence')
