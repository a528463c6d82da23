"""offline votes: paper ballot batches, paper ballots, offline votes and marks; phone-vote codes

Revision ID: 0006_offline_votes
Revises: 0005_customer_trip
Create Date: 2026-12-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_offline_votes'
down_revision = '0005_customer_trip'
branch_labels = None
depends_on = None


def _status(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade():
    op.create_table('ballot_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('candidate_ids', sa.JSON(), nullable=False),
    sa.Column('printed_by_id', sa.Integer(), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('count >= 1', name='ck_ballot_batch_count'),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['printed_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('paper_ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('status', _status('ballotstatus', 'printed', 'used', 'voided'), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=500), nullable=False),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(status = 'voided') = (voided_at IS NOT NULL)", name='ck_paper_ballot_voided'),
    sa.ForeignKeyConstraint(['batch_id'], ['ballot_batch.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch_id', 'number', name='uq_paper_ballot_number'),
    sa.UniqueConstraint('code_hash')
    )
    op.create_table('offline_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('channel', _status('votechannel', 'online', 'paper', 'phone'), nullable=False),
    sa.Column('status', _status('offlinevotestatus', 'pending', 'counted', 'voided'), nullable=False),
    sa.Column('customer_hash', sa.String(length=64), nullable=False),
    sa.Column('paper_ballot_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('counted_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=500), nullable=False),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(channel = 'paper' AND paper_ballot_id IS NOT NULL) OR (channel = 'phone' AND paper_ballot_id IS NULL)", name='ck_offline_vote_channel'),
    sa.CheckConstraint("(status = 'pending') = (counted_at IS NULL)", name='ck_offline_vote_counted'),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], ),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['paper_ballot_id'], ['paper_ballot.id'], ),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('paper_ballot_id')
    )
    with op.batch_alter_table('offline_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offline_vote_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offline_vote_customer_hash'), ['customer_hash'], unique=False)

    op.create_table('offline_mark',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.CheckConstraint('stars BETWEEN 1 AND 5', name='ck_offline_mark_stars'),
    sa.ForeignKeyConstraint(['candidate_id'], ['employee.id'], ),
    sa.ForeignKeyConstraint(['vote_id'], ['offline_vote.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vote_id', 'candidate_id')
    )

    with op.batch_alter_table('verification_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offline_vote_id', sa.Integer(), nullable=True))
        batch_op.alter_column('rating_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_verification_code_offline_vote_id'), ['offline_vote_id'], unique=False)
        batch_op.create_foreign_key('fk_verification_code_offline_vote_id_offline_vote', 'offline_vote', ['offline_vote_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('ck_verification_code_owner', '(rating_id IS NULL) <> (offline_vote_id IS NULL)')


def downgrade():
    op.execute('DELETE FROM verification_code WHERE rating_id IS NULL')
    with op.batch_alter_table('verification_code', schema=None) as batch_op:
        batch_op.drop_constraint('ck_verification_code_owner', type_='check')
        batch_op.drop_constraint('fk_verification_code_offline_vote_id_offline_vote', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_verification_code_offline_vote_id'))
        batch_op.alter_column('rating_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('offline_vote_id')

    op.drop_table('offline_mark')
    with op.batch_alter_table('offline_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offline_vote_customer_hash'))
        batch_op.drop_index(batch_op.f('ix_offline_vote_campaign_id'))

    op.drop_table('offline_vote')
    op.drop_table('paper_ballot')
    op.drop_table('ballot_batch')
