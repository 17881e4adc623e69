"""account_id_lookups: numbers each caller had POST /v1/accounts/ids answer, per day (the
daily quota of account-id lookups)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 15:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_id_lookups',
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('numbers', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('actor', 'day', name=op.f('pk_account_id_lookups'))
    )


def downgrade() -> None:
    op.drop_table('account_id_lookups')
