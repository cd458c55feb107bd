"""Where an import removed features (a box), so that `analyse --gewijzigd` can recompute only
the partitions an import touched (what it added it finds by import_id); per run the imports it
saw, a fingerprint of what all its partitions share, and the dekking it used.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from geoalchemy2 import Geometry

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('import_run', sa.Column(
        'verwijderd_gebied', Geometry('POLYGON', srid=28992, spatial_index=False), nullable=True))
    op.add_column('analyse_run', sa.Column('grondslag', sa.Text(), nullable=True))
    op.add_column('analyse_run', sa.Column('imports_gezien', JSONB(), nullable=True))
    op.create_table(
        'analyse_dekking',
        sa.Column('laag', sa.Text(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('geom', Geometry('GEOMETRY', srid=28992, spatial_index=False), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['analyse_run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('laag'),
    )


def downgrade() -> None:
    op.drop_table('analyse_dekking')
    op.drop_column('analyse_run', 'imports_gezien')
    op.drop_column('analyse_run', 'grondslag')
    op.drop_column('import_run', 'verwijderd_gebied')
