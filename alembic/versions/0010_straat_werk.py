"""Streets (RULES.md §7) and the works of every party (§9): the layers `straat` and `werk`,
the street, regelcode and pair columns of a result, areas as results, m_r5 per buurt, and
the organisation (partij) of an API key that delivers one party's works.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from geoalchemy2 import Geometry

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REGELCODE = {"werk_met_werk": "R1", "vergroenen": "R2", "boomconflict": "R2b",
              "leefbaarheid": "R3", "afkoppelen": "R4"}
_PAIR = [
    ('eenheid_a', sa.Text()), ('partij_a', sa.Text()), ('soort_a', sa.String(32)),
    ('start_a', sa.Integer()), ('eind_a', sa.Integer()),
    ('eenheid_b', sa.Text()), ('partij_b', sa.Text()), ('soort_b', sa.String(32)),
    ('start_b', sa.Integer()), ('eind_b', sa.Integer()), ('gap_jaar', sa.Integer()),
]


def _import_fk() -> sa.Column:
    return sa.Column('import_id', sa.Integer(),
                     sa.ForeignKey('import_run.id', ondelete='SET NULL'), nullable=True)


def upgrade() -> None:
    op.create_table(
        'straat',
        sa.Column('id', sa.Text(), primary_key=True),
        sa.Column('straatnaam', sa.Text()),
        sa.Column('woonplaats', sa.Text()),
        sa.Column('huisnummer_van', sa.Integer()),
        sa.Column('huisnummer_tot', sa.Integer()),
        sa.Column('gme_id', sa.String(16)),
        sa.Column('gme_naam', sa.Text()),
        _import_fk(),
        sa.Column('geom', Geometry('MULTILINESTRING', srid=28992, spatial_index=True),
                  nullable=False),
    )
    op.create_index('ix_straat_straatnaam', 'straat', ['straatnaam'])
    op.create_index('ix_straat_import_id', 'straat', ['import_id'])
    op.create_table(
        'werk',
        sa.Column('id', sa.Text(), primary_key=True),
        sa.Column('naam', sa.Text()),
        sa.Column('partij', sa.String(200)),
        sa.Column('soort', sa.String(32), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('start_jaar', sa.Integer()),
        sa.Column('eind_jaar', sa.Integer()),
        _import_fk(),
        sa.Column('geom', Geometry('GEOMETRY', srid=28992, spatial_index=True), nullable=False),
    )
    op.create_index('ix_werk_partij', 'werk', ['partij'])
    op.create_index('ix_werk_import_id', 'werk', ['import_id'])

    op.add_column('koppelkans', sa.Column('regelcode', sa.String(4), nullable=True))
    cases = " ".join(f"WHEN '{regel}' THEN '{code}'" for regel, code in _REGELCODE.items())
    op.execute(f"UPDATE koppelkans SET regelcode = CASE regel {cases} END")
    op.alter_column('koppelkans', 'regelcode', nullable=False)
    op.create_index('ix_koppelkans_regelcode', 'koppelkans', ['regelcode'])
    op.add_column('koppelkans', sa.Column('straatnaam', sa.Text()))
    op.add_column('koppelkans', sa.Column('straten', sa.Text()))
    op.add_column('koppelkans', sa.Column('huisnummers', sa.Text()))
    op.add_column('koppelkans', sa.Column('oppervlak_m2', sa.Float()))
    op.alter_column('koppelkans', 'lengte_m', nullable=True)
    for name, kind in _PAIR:
        op.add_column('koppelkans', sa.Column(name, kind))
    op.add_column('buurtscore', sa.Column('m_r5', sa.Float(), nullable=False,
                                          server_default=sa.text('0')))
    op.add_column('api_key', sa.Column('organisatie', sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column('api_key', 'organisatie')
    op.drop_column('buurtscore', 'm_r5')
    for name, _ in reversed(_PAIR):
        op.drop_column('koppelkans', name)
    op.execute("DELETE FROM koppelkans WHERE lengte_m IS NULL OR regelcode IN ('R5', 'R5b')")
    op.alter_column('koppelkans', 'lengte_m', nullable=False)
    for name in ('oppervlak_m2', 'huisnummers', 'straten', 'straatnaam'):
        op.drop_column('koppelkans', name)
    op.drop_index('ix_koppelkans_regelcode', table_name='koppelkans')
    op.drop_column('koppelkans', 'regelcode')
    op.drop_table('werk')
    op.drop_table('straat')
