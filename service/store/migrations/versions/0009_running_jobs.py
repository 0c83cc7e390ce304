"""stories being translated now, so web processes count them as covered (owed work)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('running_jobs',
    sa.Column('story_id', sa.String(length=80), nullable=False),
    sa.Column('worker_id', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('story_id', 'worker_id')
    )


def downgrade() -> None:
    op.drop_table('running_jobs')
