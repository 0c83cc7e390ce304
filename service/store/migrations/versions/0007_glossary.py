"""glossary: the glossary in force, and the entries each machine translation used

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('glossary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('concepts', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_fingerprint', sa.String(length=200), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.add_column('machine_translations', sa.Column('terms', sa.Text(), nullable=True))
    op.add_column('sentence_memory', sa.Column('terms', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('sentence_memory', 'terms')
    op.drop_column('machine_translations', 'terms')
    op.drop_table('glossary')
