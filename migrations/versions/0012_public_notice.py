"""public notice: notice days, announced results and objections

Revision ID: 0012_public_notice
Revises: 0010_branch_noticeboard
Create Date: 2026-12-03 11:45:00.000000

Results announced before notices existed are recorded as final at their publication.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_public_notice'
down_revision = '0014_send_queue'
branch_labels = None
depends_on = None


def _notice_days(table):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_days', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(f'ck_{table}_notice_days', 'notice_days >= 0')


def upgrade():
    _notice_days('campaign')
    _notice_days('award_period')
    op.create_table('result_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.Enum('registration', 'preliminary', 'second', 'final', 'published', name='campaignstage', native_enum=False, length=20), nullable=True),
    sa.Column('award_period_id', sa.Integer(), nullable=True),
    sa.Column('announced_at', sa.DateTime(), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('notice_ends_at', sa.DateTime(), nullable=False),
    sa.Column('final_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('(campaign_id IS NOT NULL AND stage IS NOT NULL AND award_period_id IS NULL) OR (campaign_id IS NULL AND stage IS NULL AND award_period_id IS NOT NULL)', name='ck_result_notice_kind'),
    sa.CheckConstraint('notice_days >= 0', name='ck_result_notice_days'),
    sa.CheckConstraint('notice_ends_at >= announced_at', name='ck_result_notice_ends'),
    sa.ForeignKeyConstraint(['award_period_id'], ['award_period.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('result_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_notice_award_period_id'), ['award_period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_notice_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'upheld', 'dismissed', name='objectionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('remedy', sa.Enum('recompute', 'reopen', 'withdraw', name='objectionremedy', native_enum=False, length=20), nullable=True),
    sa.Column('answer', sa.String(length=2000), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(status = 'open' AND answered_at IS NULL) OR (status <> 'open' AND answered_at IS NOT NULL)", name='ck_objection_answered'),
    sa.CheckConstraint("(status = 'upheld' AND remedy IS NOT NULL) OR (status <> 'upheld' AND remedy IS NULL)", name='ck_objection_remedy'),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['notice_id'], ['result_notice.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('notice_id', 'employee_id', name='uq_objection_notice_employee')
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_notice_id'), ['notice_id'], unique=False)

    # What was published before notices existed is final as published.
    op.execute(
        "INSERT INTO result_notice (campaign_id, stage, announced_at, notice_days, notice_ends_at, final_at)"
        " SELECT campaign_id, stage, MIN(published_at), 0, MIN(published_at), MIN(published_at)"
        " FROM stage_result GROUP BY campaign_id, stage"
    )
    op.execute(
        "INSERT INTO result_notice (award_period_id, announced_at, notice_days, notice_ends_at, final_at)"
        " SELECT id, published_at, 0, published_at, published_at"
        " FROM award_period WHERE status = 'published' AND published_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_notice_id'))
    op.drop_table('objection')
    with op.batch_alter_table('result_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_notice_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_result_notice_award_period_id'))
    op.drop_table('result_notice')
    for table in ('award_period', 'campaign'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'ck_{table}_notice_days', type_='check')
            batch_op.drop_column('notice_days')
