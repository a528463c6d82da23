"""campaign: source waivers, late registrations

Revision ID: 0004_campaign_waivers
Revises: 0003_award_checks
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.models.base


# revision identifiers, used by Alembic.
revision = '0004_campaign_waivers'
down_revision = '0003_award_checks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('source_waiver',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Enum('registration', 'preliminary', 'second', 'final', 'published', name='campaignstage', native_enum=False, length=20), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("round IN ('second', 'final')", name='ck_source_waiver_round'),
    sa.CheckConstraint("source IN ('customer', 'supervisor', 'colleagues', 'self', 'judges')", name='ck_source_waiver_source'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['candidate_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'round', 'candidate_id', 'source', name='uq_source_waiver')
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_reason', sa.String(length=500), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('late_reason')
    op.drop_table('source_waiver')
