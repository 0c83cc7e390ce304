"""human translations remember the engine they were accepted from; rate-limit counters in the store

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_translations') as batch:
        batch.add_column(sa.Column('reviewed_from', sa.String(length=200), nullable=True))
    op.create_table('rate_limits',
    sa.Column('key', sa.String(length=250), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('rate_limits')
    with op.batch_alter_table('human_translations') as batch:
        batch.drop_column('reviewed_from')
