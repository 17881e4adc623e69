"""do-not-call as a property of the customer: who marked it, when, why

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 07:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from revisit_tui.server.tables import UtcDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'do_not_call',
        sa.Column('customer_id', sa.String(length=64), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('at', UtcDateTime(), nullable=False),
        sa.Column('by', sa.String(length=64), nullable=False),
        sa.Column('outcome_id', sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_do_not_call')),
    )


def downgrade() -> None:
    op.drop_table('do_not_call')
