"""award checks: winner quota, override reason, early-publish reason

Revision ID: 0003_award_checks
Revises: 0002_staff_identity_hints
Create Date: 2026-12-02 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_award_checks'
down_revision = '0002_staff_identity_hints'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not batch mode: on SQLite, batch mode recreates award_category,
    # and dropping the old table would cascade-delete every award_winner row.
    # Existing categories get a quota of one winner.
    op.add_column('award_category', sa.Column(
        'winner_quota', sa.Integer(),
        sa.CheckConstraint('winner_quota >= 1', name='ck_award_category_quota_positive'),
        nullable=False, server_default='1',
    ))
    op.add_column('award_period', sa.Column('early_publish_reason', sa.String(length=500), nullable=True))
    op.add_column('award_winner', sa.Column('override_reason', sa.String(length=500), nullable=True))


def downgrade():
    op.drop_column('award_winner', 'override_reason')
    op.drop_column('award_period', 'early_publish_reason')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('ck_award_category_quota_positive', 'award_category', type_='check')
    op.drop_column('award_category', 'winner_quota')
