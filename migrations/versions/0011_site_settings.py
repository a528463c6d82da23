"""site settings: versions of the settings admins change, each in force from a moment

Revision ID: 0011_site_settings
Revises: 0010_branch_noticeboard
Create Date: 2026-12-03 11:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_site_settings'
down_revision = '0012_public_notice'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_settings_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('effective_from', sa.DateTime(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('site_settings_version', schema=None) as batch_op:
        batch_op.create_index('ix_site_settings_version_effective', ['effective_from'], unique=False)


def downgrade():
    with op.batch_alter_table('site_settings_version', schema=None) as batch_op:
        batch_op.drop_index('ix_site_settings_version_effective')
    op.drop_table('site_settings_version')
