"""reward min tier: rewards reserved for a score tier and up

Revision ID: 0009_reward_min_tier
Revises: 0008_period_tiers
Create Date: 2026-12-03 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_reward_min_tier'
down_revision = '0008_period_tiers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_tier', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.drop_column('min_tier')
