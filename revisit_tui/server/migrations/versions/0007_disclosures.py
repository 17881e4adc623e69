"""disclosures: each reveal row says its kind and reason; the server's own keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 07:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

from revisit_tui.server.tables import UtcDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reveals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='reveal', nullable=False))
        batch_op.add_column(sa.Column('reason', sa.String(length=200), server_default='on_call', nullable=False))
    op.create_table('server_keys',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_server_keys'))
    )


def downgrade() -> None:
    op.drop_table('server_keys')
    with op.batch_alter_table('reveals', schema=None) as batch_op:
        batch_op.drop_column('reason')
        batch_op.drop_column('kind')
