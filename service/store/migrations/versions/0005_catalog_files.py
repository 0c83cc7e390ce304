"""catalog files per story: what export last wrote, and human translations by source text

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalog_files',
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('story_id', sa.String(length=80), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('story_version', sa.Integer(), nullable=False),
    sa.Column('engines_generation', sa.Integer(), nullable=False),
    sa.Column('suggestions', sa.Boolean(), nullable=False),
    sa.Column('fingerprint', sa.String(length=200), nullable=False),
    sa.Column('stale', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('lang', 'story_id')
    )
    op.create_index('ix_human_translations_lang_hash', 'human_translations', ['lang', 'source_hash'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_human_translations_lang_hash', table_name='human_translations')
    op.drop_table('catalog_files')
