"""Import provenance per source (bron), the coverage (dekking) of each import, and the
width and height of pipes that are not round (GWSW BreedteLeiding/HoogteLeiding).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from geoalchemy2 import Geometry

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('import_run', sa.Column('bron', sa.Text(), nullable=True))
    op.create_index(op.f('ix_import_run_bron'), 'import_run', ['laag', 'bron'], unique=False)
    op.add_column('import_run', sa.Column(
        'dekking', Geometry('MULTIPOLYGON', srid=28992, spatial_index=False), nullable=True))
    op.add_column('riolering', sa.Column('breedte_mm', sa.Float(), nullable=True))
    op.add_column('riolering', sa.Column('hoogte_mm', sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column('riolering', 'hoogte_mm')
    op.drop_column('riolering', 'breedte_mm')
    op.drop_column('import_run', 'dekking')
    op.drop_index(op.f('ix_import_run_bron'), table_name='import_run')
    op.drop_column('import_run', 'bron')
