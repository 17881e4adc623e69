"""task listing indexes: GET /v1/tasks pages by id within a status (and an agent)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 13:45:00.000000
"""

from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_status_id'), ['status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_assigned_agent_status_id'), ['assigned_agent', 'status', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_assigned_agent_status_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_status_id'))
