"""account ids: task keys name the account id, not its number; QA disclosures name their record

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 09:50:00.000000
"""

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from revisit_tui.server.accountids import AccountIds
from revisit_tui.server.serverkeys import account_id_key

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table('reveals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_id', sa.String(length=36), nullable=True))
    # the rules' keys "kind:number:period" become "kind:account id:period"; each task keeps
    # its id (the server finds a task by its key, not by the key's hash)
    _rewrite_keys(lambda number, ids: number, lambda number, ids: ids.of(number))


def downgrade() -> None:
    _rewrite_keys(lambda number, ids: ids.of(number), lambda number, ids: number)
    with op.batch_alter_table('reveals', schema=None) as batch_op:
        batch_op.drop_column('outcome_id')


def _rewrite_keys(
    old: Callable[[str, AccountIds], str], new: Callable[[str, AccountIds], str]
) -> None:
    conn = op.get_bind()
    ids = AccountIds(account_id_key(conn, datetime.now(UTC)))
    tasks = sa.table(
        'tasks', sa.column('id'), sa.column('key'), sa.column('kind'), sa.column('account_number')
    )
    rows = conn.execute(
        sa.select(tasks.c.id, tasks.c.key, tasks.c.kind, tasks.c.account_number).where(
            tasks.c.account_number.is_not(None)
        )
    ).all()
    changes = []
    for task_id, key, kind, number in rows:
        prefix = f"{kind}:{old(number, ids)}:"
        if key.startswith(prefix):
            rest = key[len(prefix):]
            changes.append({"b_id": task_id, "b_key": f"{kind}:{new(number, ids)}:{rest}"})
    update = (
        sa.update(tasks).where(tasks.c.id == sa.bindparam('b_id')).values(key=sa.bindparam('b_key'))
    )
    for start in range(0, len(changes), BATCH):
        conn.execute(update, changes[start:start + BATCH])
