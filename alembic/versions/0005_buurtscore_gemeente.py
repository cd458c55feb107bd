"""Ranking per gemeente (RULES.md §10): each buurtscore row carries the gemeente it is ranked
in (gemeentecode, null for buurten without one) and its name.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('buurtscore', sa.Column('gemeentecode', sa.String(length=6), nullable=True))
    op.add_column('buurtscore', sa.Column('gemeentenaam', sa.Text(), nullable=True))
    # Scores of an earlier run get their gemeente from the buurt layer.
    op.execute("UPDATE buurtscore s SET gemeentecode = NULLIF(btrim(b.gemeentecode), ''), "
               "gemeentenaam = NULLIF(btrim(b.gemeentenaam), '') "
               "FROM buurt b WHERE b.buurtcode = s.buurtcode")


def downgrade() -> None:
    op.drop_column('buurtscore', 'gemeentenaam')
    op.drop_column('buurtscore', 'gemeentecode')
