"""sms_messages.not_before: a message the system queued during the customer's rest hours (or
over the caps), such as a branch-transfer notice, goes to the gateway only from then on

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 10:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

from revisit_tui.server.tables import UtcDateTime

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_before', UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.drop_column('not_before')
