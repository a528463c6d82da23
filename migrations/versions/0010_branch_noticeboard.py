"""branch noticeboard: the secret link of a branch's staff noticeboard

Revision ID: 0010_branch_noticeboard
Revises: 0009_reward_min_tier
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_branch_noticeboard'
down_revision = '0009_reward_min_tier'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('noticeboard_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_branch_noticeboard_token_hash', ['noticeboard_token_hash'])


def downgrade():
    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.drop_constraint('uq_branch_noticeboard_token_hash', type_='unique')
        batch_op.drop_column('noticeboard_token_hash')
