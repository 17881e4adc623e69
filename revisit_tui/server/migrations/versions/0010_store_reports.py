"""store reports: what agents' apps discarded, handed over or could not recover

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 09:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

from revisit_tui.server.tables import UtcDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'store_reports',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('agent_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('received_at', UtcDateTime(), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_store_reports')),
    )
    op.create_index(op.f('ix_store_reports_agent_id'), 'store_reports', ['agent_id'])
    op.create_index(op.f('ix_store_reports_received_at'), 'store_reports', ['received_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_store_reports_received_at'), table_name='store_reports')
    op.drop_index(op.f('ix_store_reports_agent_id'), table_name='store_reports')
    op.drop_table('store_reports')
