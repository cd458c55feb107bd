"""What changed between runs, and saved areas with their feeds (issue 8): per run the results
that are new, gone or changed since the run before, and the areas a team follows.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from geoalchemy2 import Geometry

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'kans_verschil',
        sa.Column('id', sa.BigInteger(), primary_key=True),
        sa.Column('run_id', sa.Integer(),
                  sa.ForeignKey('analyse_run.id', ondelete='CASCADE'), nullable=False),
        sa.Column('vorige_run_id', sa.Integer(), nullable=False),
        sa.Column('kans_id', sa.String(16), nullable=False),
        sa.Column('verandering', sa.String(16), nullable=False),
        sa.Column('wat', ARRAY(sa.Text()), nullable=False),
        sa.Column('regel', sa.String(16), nullable=False),
        sa.Column('regelcode', sa.String(4), nullable=False),
        sa.Column('categorie', sa.String(10), nullable=False),
        sa.Column('buurtcode', sa.String(10)),
        sa.Column('straatnaam', sa.Text()),
        sa.Column('jaar', sa.Integer()),
        sa.Column('actie_nodig', sa.Boolean(), nullable=False),
        sa.Column('toelichting', sa.Text(), nullable=False),
        sa.Column('geom', Geometry('GEOMETRY', srid=28992, spatial_index=True), nullable=False),
    )
    op.create_index('ix_kans_verschil_run_id', 'kans_verschil', ['run_id'])
    op.create_index('ix_kans_verschil_buurtcode', 'kans_verschil', ['buurtcode'])
    op.create_table(
        'gebied',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('naam', sa.String(200), nullable=False),
        sa.Column('buurtcodes', ARRAY(sa.String(10))),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column('geom', Geometry('MULTIPOLYGON', srid=28992, spatial_index=False)),
    )


def downgrade() -> None:
    op.drop_table('gebied')
    op.drop_table('kans_verschil')
