"""customer trip: code destination hints, till QR employee, SMS budget index

Revision ID: 0005_customer_trip
Revises: 0004_campaign_waivers
Create Date: 2026-12-02 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_customer_trip'
down_revision = '0004_campaign_waivers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('verification_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('destination_hint', sa.String(length=80), nullable=False, server_default=''))
        batch_op.create_index('ix_verification_code_channel_created', ['channel', 'created_at'], unique=False)

    with op.batch_alter_table('receipt_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employee_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_receipt_code_employee_id_employee', 'employee', ['employee_id'], ['id'])


def downgrade():
    with op.batch_alter_table('receipt_code', schema=None) as batch_op:
        batch_op.drop_constraint('fk_receipt_code_employee_id_employee', type_='foreignkey')
        batch_op.drop_column('employee_id')

    with op.batch_alter_table('verification_code', schema=None) as batch_op:
        batch_op.drop_index('ix_verification_code_channel_created')
        batch_op.drop_column('destination_hint')
