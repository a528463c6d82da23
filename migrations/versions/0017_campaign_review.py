"""campaign review: lessons learned and improvement actions

Revision ID: 0017_campaign_review
Revises: 0010_branch_noticeboard
Create Date: 2026-12-03 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from core.models.base import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0017_campaign_review'
down_revision = '0010_branch_noticeboard'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaign_lessons',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id']),
        sa.PrimaryKeyConstraint('campaign_id'),
    )
    op.create_table(
        'improvement_action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('criterion', sa.String(length=60), nullable=False),
        sa.Column('action', sa.String(length=500), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('assigned_by_id', sa.Integer(), nullable=False),
        sa.Column('assigned_at', UTCDateTime(), nullable=False),
        sa.Column('done_at', UTCDateTime(), nullable=True),
        sa.Column('done_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['assigned_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['done_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('improvement_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_improvement_action_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_action_employee_id'), ['employee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('improvement_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_action_employee_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_action_campaign_id'))
    op.drop_table('improvement_action')
    op.drop_table('campaign_lessons')
