"""outcomes.closure_reason: why a closure revisit's customer closed the account (seed 000 §一),
a column so that reports count it without reading every body

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 10:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closure_reason', sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_column('closure_reason')
