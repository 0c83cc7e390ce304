"""sentence memory: (sentence, source lang, target lang, engine) -> machine translation

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sentence_memory',
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('target_lang', sa.String(length=8), nullable=False),
    sa.Column('engine', sa.String(length=200), nullable=False),
    sa.Column('source_lang', sa.String(length=8), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('source_hash', 'target_lang', 'engine')
    )


def downgrade() -> None:
    op.drop_table('sentence_memory')
