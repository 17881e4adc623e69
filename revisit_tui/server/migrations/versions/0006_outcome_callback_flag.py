"""outcomes.callback_flag: why a requested callback time was moved to an allowed one

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 07:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('callback_flag', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_column('callback_flag')
