"""search index: one document per story and reading language, plus its sources

SQLite: an FTS5 table with the trigram tokenizer over ``search_docs``; PostgreSQL: ``pg_trgm``
GIN indexes. The index of an existing store is built here, from what readers are served now.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

from service.store.search import SQLITE_DROP, engine_ddl, rebuild


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('search_docs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('story_id', sa.String(length=80), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('published', sa.Date(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_search_docs_story', 'search_docs', ['story_id', 'lang'], unique=True)
    op.create_index('ix_search_docs_recent', 'search_docs', ['lang', 'published', 'story_id'], unique=False)
    bind = op.get_bind()
    for statement in engine_ddl(bind.dialect.name):
        op.execute(statement)
    rebuild(Session(bind=bind))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_DROP:
            op.execute(statement)
    op.drop_index('ix_search_docs_recent', table_name='search_docs')
    op.drop_index('ix_search_docs_story', table_name='search_docs')
    op.drop_table('search_docs')
