"""customer cache: a rating's draft key, so a repeated POST needs no key in the page

Revision ID: 0015_customer_cache
Revises: 0010_branch_noticeboard
Create Date: 2026-12-03 11:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_customer_cache'
down_revision = '0011_site_settings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_rating_draft_key'), ['draft_key'], unique=False)


def downgrade():
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_draft_key'))
        batch_op.drop_column('draft_key')
