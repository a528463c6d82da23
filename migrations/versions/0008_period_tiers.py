"""period tiers: each employee's score tier and extra points, fixed at period end

Revision ID: 0008_period_tiers
Revises: 0007_employee_locale
Create Date: 2026-12-03 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.models.base


# revision identifiers, used by Alembic.
revision = '0008_period_tiers'
down_revision = '0007_employee_locale'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'period_tier',
        sa.Column('period_key', sa.String(length=10), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('tier', sa.Integer(), nullable=False),
        sa.Column('score', sa.Double(), nullable=True),
        sa.Column('earned', sa.Integer(), nullable=False),
        sa.Column('extra', sa.Integer(), nullable=False),
        sa.Column('tiers', sa.JSON(), nullable=False),
        sa.Column('closed_at', core.models.base.UTCDateTime(), nullable=False),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['closed_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id']),
        sa.PrimaryKeyConstraint('period_key', 'employee_id'),
    )


def downgrade():
    op.drop_table('period_tier')
