"""The analysis per partition (issue 10): progress of a running analysis, which partition
each result and pipe came from, the units not judged, and per partition what it read.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from geoalchemy2 import Geometry

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'analyse_voortgang',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('gestart', sa.DateTime(timezone=True), server_default=sa.text('now()'),
                  nullable=False),
        sa.Column('bijgewerkt', sa.DateTime(timezone=True), server_default=sa.text('now()'),
                  nullable=False),
        sa.Column('status', sa.Text(), nullable=False),
        sa.Column('fase', sa.Text(), nullable=False),
        sa.Column('klaar', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('totaal', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('melding', sa.Text(), nullable=True),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['analyse_run.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.add_column('koppelkans', sa.Column('partitie', sa.Text(), nullable=True))
    op.create_index('ix_koppelkans_partitie', 'koppelkans', ['partitie'])
    op.add_column('riool_due', sa.Column('partitie', sa.Text(), nullable=True))
    op.add_column('riool_due', sa.Column('buurtcode', sa.Text(), nullable=True))
    op.create_index('ix_riool_due_partitie', 'riool_due', ['partitie'])
    op.create_table(
        'eenheid_niet_beoordeeld',
        sa.Column('regel', sa.Text(), nullable=False),
        sa.Column('eenheid_id', sa.Text(), nullable=False),
        sa.Column('partitie', sa.Text(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('geom', Geometry('GEOMETRY', srid=28992, spatial_index=False), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['analyse_run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('regel', 'eenheid_id'),
    )
    op.create_index('ix_eenheid_niet_beoordeeld_partitie', 'eenheid_niet_beoordeeld',
                    ['partitie'])
    op.create_index('ix_eenheid_niet_beoordeeld_geom', 'eenheid_niet_beoordeeld', ['geom'],
                    postgresql_using='gist')
    op.create_table(
        'analyse_partitie',
        sa.Column('sleutel', sa.Text(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('gemeentecode', sa.Text(), nullable=True),
        sa.Column('leesgebied', Geometry('POLYGON', srid=28992, spatial_index=False),
                  nullable=True),
        sa.Column('aantallen', JSONB(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['analyse_run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('sleutel'),
    )


def downgrade() -> None:
    op.drop_table('analyse_partitie')
    op.drop_table('eenheid_niet_beoordeeld')
    op.drop_index('ix_riool_due_partitie', table_name='riool_due')
    op.drop_column('riool_due', 'buurtcode')
    op.drop_column('riool_due', 'partitie')
    op.drop_index('ix_koppelkans_partitie', table_name='koppelkans')
    op.drop_column('koppelkans', 'partitie')
    op.drop_table('analyse_voortgang')
