"""The year of a result stored once (STYLE.md "Derive, don't restate"): koppelkans.jaar is the
start year of the heat work, else the sewer's due year; the time filters of map, lists, point
query and exports read it instead of deriving it again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('koppelkans', sa.Column('jaar', sa.Integer(), nullable=True))
    # Results of an earlier analysis get the same year the analysis now stores.
    op.execute("UPDATE koppelkans SET jaar = COALESCE(start_jaar, riool_due_jaar)")


def downgrade() -> None:
    op.drop_column('koppelkans', 'jaar')
