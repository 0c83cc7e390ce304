"""read model: story versions, the site generation, published engines

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_index('ix_stories_newest', ['published', 'id'], unique=False)
    op.create_table('site_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), server_default='1', nullable=False),
    sa.Column('engines_generation', sa.Integer(), server_default='1', nullable=False),
    sa.Column('engines_changed_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('ui_generation', sa.Integer(), server_default='1', nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO site_state (id, generation, engines_generation) VALUES (1, 1, 1)")
    op.create_table('catalog_fuzzy',
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('context', sa.String(length=200), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('lang', 'context', 'source_hash')
    )
    op.create_table('mt_engines',
    sa.Column('source_lang', sa.String(length=8), nullable=False),
    sa.Column('target_lang', sa.String(length=8), nullable=False),
    sa.Column('engine', sa.String(length=200), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('source_lang', 'target_lang')
    )


def downgrade() -> None:
    op.drop_table('mt_engines')
    op.drop_table('catalog_fuzzy')
    op.drop_table('site_state')
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index('ix_stories_newest')
        batch_op.drop_column('version')
