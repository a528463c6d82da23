"""winner rewards: place rewards of campaigns and award categories, grants, commitments

Revision ID: 0013_winner_rewards
Revises: 0010_branch_noticeboard
Create Date: 2026-12-03 11:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.models.base


# revision identifiers, used by Alembic.
revision = '0013_winner_rewards'
down_revision = '0017_campaign_review'
branch_labels = None
depends_on = None

COMMITMENT_KINDS = (
    'cash_bonus', 'gift_card', 'free_product', 'public_praise', 'certificate',
    'special_event', 'promotion', 'training', 'job_rotation',
)


def _commitment_kind(name):
    return sa.Enum(*COMMITMENT_KINDS, name=name, native_enum=False, length=20)


def upgrade():
    op.create_table('place_reward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('place', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('points', 'item', 'commitment', name='placerewardkind', native_enum=False, length=20), nullable=False),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('reward_id', sa.Integer(), nullable=True),
    sa.Column('commitment_kind', _commitment_kind('commitmentkind'), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_days', sa.Integer(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(campaign_id IS NULL) <> (category_id IS NULL)', name='ck_place_reward_one_owner'),
    sa.CheckConstraint('place >= 1', name='ck_place_reward_place'),
    sa.CheckConstraint("(kind = 'points') = (points IS NOT NULL AND points > 0)", name='ck_place_reward_points'),
    sa.CheckConstraint("(kind = 'item') = (reward_id IS NOT NULL)", name='ck_place_reward_item'),
    sa.CheckConstraint("(kind = 'commitment') = (commitment_kind IS NOT NULL)", name='ck_place_reward_commitment'),
    sa.CheckConstraint('due_days IS NULL OR due_days >= 0', name='ck_place_reward_due_days'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['award_category.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['reward_id'], ['reward.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('place_reward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_reward_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_reward_category_id'), ['category_id'], unique=False)

    op.create_table('place_reward_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_reward_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('redemption_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('reversed_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('reversal_note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['place_reward_id'], ['place_reward.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['redemption_id'], ['redemption.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('place_reward_id', 'employee_id', name='uq_place_reward_grant')
    )
    with op.batch_alter_table('place_reward_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_reward_grant_employee_id'), ['employee_id'], unique=False)

    op.create_table('commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('kind', _commitment_kind('commitmentkind'), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('delivered_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('delivered_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', core.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['delivered_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['grant_id'], ['place_reward_grant.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('grant_id')
    )
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_employee_id'), ['employee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_employee_id'))
    op.drop_table('commitment')
    with op.batch_alter_table('place_reward_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_reward_grant_employee_id'))
    op.drop_table('place_reward_grant')
    with op.batch_alter_table('place_reward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_reward_category_id'))
        batch_op.drop_index(batch_op.f('ix_place_reward_campaign_id'))
    op.drop_table('place_reward')
