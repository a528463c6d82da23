"""leaderboard ranks: a closed period's ranking, stored at closing for later boards

Revision ID: 0016_leaderboard_ranks
Revises: 0015_customer_cache
Create Date: 2026-12-03 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_leaderboard_ranks'
down_revision = '0015_customer_cache'
branch_labels = None
depends_on = None


def upgrade():
    # Nothing is filled in here: ranking needs the app's scoring rules. A period closed
    # before this revision is ranked on every board, as before, until it is closed again
    # (`flask points close-period KEY`: stores its ranking, changes nothing else).
    op.create_table(
        'period_ranking',
        sa.Column('period_key', sa.String(length=10), nullable=False),
        sa.Column('prior_weight', sa.Double(), nullable=False),
        sa.Column('min_count', sa.Integer(), nullable=False),
        sa.Column('stored_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('period_key'),
    )
    op.create_table(
        'period_rank',
        sa.Column('period_key', sa.String(length=10), nullable=False),
        sa.Column('place', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('tied', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
        sa.ForeignKeyConstraint(
            ['period_key'], ['period_ranking.period_key'], name='fk_period_rank_ranking'
        ),
        sa.PrimaryKeyConstraint('period_key', 'place'),
        sa.UniqueConstraint('period_key', 'employee_id', name='uq_period_rank_employee'),
    )


def downgrade():
    op.drop_table('period_rank')
    op.drop_table('period_ranking')
