"""Data coverage (RULES.md §8): per analysis run the units judged and not judged per rule and
why (analyse_run.beoordeling), and per buurt the metres not judged per rule (nb_r*_m) and
the same in Dutch words (niet_beoordeeld).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NB_COLUMNS = ('nb_r2_m', 'nb_r2b_m', 'nb_r3_m', 'nb_r4_m')


def upgrade() -> None:
    op.add_column('analyse_run', sa.Column(
        'beoordeling', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    for name in NB_COLUMNS:
        op.add_column('buurtscore', sa.Column(
            name, sa.Float(), server_default=sa.text('0'), nullable=False))
    op.add_column('buurtscore', sa.Column('niet_beoordeeld', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('buurtscore', 'niet_beoordeeld')
    for name in reversed(NB_COLUMNS):
        op.drop_column('buurtscore', name)
    op.drop_column('analyse_run', 'beoordeling')
