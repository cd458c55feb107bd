"""Derived facts stored once (STYLE.md "Derive, don't restate"): each pipe's due year per run
(riool_due) and the Leefbaarometer year the analysis used (analyse_run.lbm_jaar).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('analyse_run', sa.Column('lbm_jaar', sa.Integer(), nullable=True))
    op.create_table(
        'riool_due',
        sa.Column('riolering_id', sa.Text(), nullable=False),
        sa.Column('due_jaar', sa.Integer(), nullable=True),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['analyse_run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('riolering_id'),
    )
    op.create_index(op.f('ix_riool_due_run_id'), 'riool_due', ['run_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_riool_due_run_id'), table_name='riool_due')
    op.drop_table('riool_due')
    op.drop_column('analyse_run', 'lbm_jaar')
