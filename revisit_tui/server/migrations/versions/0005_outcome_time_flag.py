"""outcomes.time_flag: an outcome whose call times were implausible is stored and flagged

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 07:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_flag', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_column('time_flag')
