"""send queue: when a one-time code was sent, or finally failed to be

Revision ID: 0014_send_queue
Revises: 0010_branch_noticeboard
Create Date: 2026-12-03 11:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.models.base


# revision identifiers, used by Alembic.
revision = '0014_send_queue'
down_revision = '0013_winner_rewards'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('verification_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_at', core.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('send_failed_at', core.models.base.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('verification_code', schema=None) as batch_op:
        batch_op.drop_column('send_failed_at')
        batch_op.drop_column('sent_at')
