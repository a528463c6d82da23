"""staff identities: kind, masked hint, one employee per contact

Revision ID: 0002_staff_identity_hints
Revises: 0001_initial
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_staff_identity_hints'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    # Rows recorded before this revision get an empty kind and hint (shown as such).
    with op.batch_alter_table('employee_identity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('hint', sa.String(length=80), nullable=False, server_default=''))
        batch_op.drop_index(batch_op.f('ix_employee_identity_identity_hash'))
        batch_op.create_index(batch_op.f('ix_employee_identity_identity_hash'), ['identity_hash'], unique=True)

    with op.batch_alter_table('employee_identity', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)
        batch_op.alter_column('hint', server_default=None)


def downgrade():
    with op.batch_alter_table('employee_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employee_identity_identity_hash'))
        batch_op.create_index(batch_op.f('ix_employee_identity_identity_hash'), ['identity_hash'], unique=False)
        batch_op.drop_column('hint')
        batch_op.drop_column('kind')
