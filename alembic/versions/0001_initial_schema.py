"""Initial schema: PostGIS, the canonical layers, results, runs and provenance.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 16:35:06.834325
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from geoalchemy2 import Geometry

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table('analyse_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('peiljaar', sa.Integer(), nullable=False),
    sa.Column('parameters', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('import_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('aantallen', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('duur_s', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analyse_run'))
    )
    op.create_table('import_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('laag', sa.String(length=32), nullable=False),
    sa.Column('bestand', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('preset', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('gelezen', sa.Integer(), nullable=False),
    sa.Column('geladen', sa.Integer(), nullable=False),
    sa.Column('overgeslagen', sa.Integer(), nullable=False),
    sa.Column('vervangen', sa.Boolean(), nullable=False),
    sa.Column('rapport', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_run'))
    )
    op.create_index(op.f('ix_import_run_sha256'), 'import_run', ['sha256'], unique=False)
    op.create_table('kans_besluit',
    sa.Column('kans_id', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('notitie', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('kans_id', name=op.f('pk_kans_besluit'))
    )
    op.create_geospatial_table('boom',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('soort', sa.Text(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=28992, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'], name=op.f('fk_boom_import_id_import_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_boom'))
    )
    op.create_geospatial_index('idx_boom_geom', 'boom', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_boom_import_id'), 'boom', ['import_id'], unique=False)
    op.create_geospatial_table('buurt',
    sa.Column('buurtcode', sa.String(length=10), nullable=False),
    sa.Column('buurtnaam', sa.Text(), nullable=True),
    sa.Column('wijkcode', sa.String(length=8), nullable=True),
    sa.Column('gemeentecode', sa.String(length=6), nullable=True),
    sa.Column('gemeentenaam', sa.Text(), nullable=True),
    sa.Column('inwoners', sa.Integer(), nullable=True),
    sa.Column('water', sa.Boolean(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=28992, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'], name=op.f('fk_buurt_import_id_import_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('buurtcode', name=op.f('pk_buurt'))
    )
    op.create_geospatial_index('idx_buurt_geom', 'buurt', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_buurt_import_id'), 'buurt', ['import_id'], unique=False)
    op.create_geospatial_table('buurtscore',
    sa.Column('buurtcode', sa.String(length=10), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('buurtnaam', sa.Text(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('rang', sa.Integer(), nullable=False),
    sa.Column('m_r1', sa.Float(), nullable=False),
    sa.Column('m_r2', sa.Float(), nullable=False),
    sa.Column('m_r3', sa.Float(), nullable=False),
    sa.Column('m_r4', sa.Float(), nullable=False),
    sa.Column('n_knelpunt', sa.Integer(), nullable=False),
    sa.Column('laag_aandeel', sa.Float(), nullable=False),
    sa.Column('riool_onbekend', sa.Integer(), nullable=False),
    sa.Column('n_kansen', sa.Integer(), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=28992, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['analyse_run.id'], name=op.f('fk_buurtscore_run_id_analyse_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('buurtcode', name=op.f('pk_buurtscore'))
    )
    op.create_geospatial_index('idx_buurtscore_geom', 'buurtscore', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_buurtscore_rang'), 'buurtscore', ['rang'], unique=False)
    op.create_index(op.f('ix_buurtscore_run_id'), 'buurtscore', ['run_id'], unique=False)
    op.create_geospatial_table('groen',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('type', sa.Text(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=28992, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'], name=op.f('fk_groen_import_id_import_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groen'))
    )
    op.create_geospatial_index('idx_groen_geom', 'groen', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_groen_import_id'), 'groen', ['import_id'], unique=False)
    op.create_geospatial_table('koppelkans',
    sa.Column('kans_id', sa.String(length=16), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('regel', sa.String(length=16), nullable=False),
    sa.Column('categorie', sa.String(length=10), nullable=False),
    sa.Column('buurtcode', sa.String(length=10), nullable=True),
    sa.Column('lengte_m', sa.Float(), nullable=False),
    sa.Column('actie_nodig', sa.Boolean(), nullable=False),
    sa.Column('toelichting', sa.Text(), nullable=False),
    sa.Column('bron_ids', sa.Text(), nullable=False),
    sa.Column('warmtenet_id', sa.Text(), nullable=True),
    sa.Column('sectie_id', sa.Text(), nullable=True),
    sa.Column('riool_id', sa.Text(), nullable=True),
    sa.Column('boom_ids', sa.Text(), nullable=True),
    sa.Column('start_jaar', sa.Integer(), nullable=True),
    sa.Column('eind_jaar', sa.Integer(), nullable=True),
    sa.Column('riool_due_jaar', sa.Integer(), nullable=True),
    sa.Column('jaarverschil', sa.Integer(), nullable=True),
    sa.Column('afstand_m', sa.Float(), nullable=True),
    sa.Column('gedeelde_lengte_m', sa.Float(), nullable=True),
    sa.Column('materiaal', sa.Text(), nullable=True),
    sa.Column('stelseltype', sa.Text(), nullable=True),
    sa.Column('groen_aandeel', sa.Float(), nullable=True),
    sa.Column('aantal_bomen', sa.Integer(), nullable=True),
    sa.Column('laagste_klasse', sa.Integer(), nullable=True),
    sa.Column('zwakste_dimensie', sa.String(length=3), nullable=True),
    sa.Column('koppeling', sa.Text(), nullable=True),
    sa.Column('geom', Geometry(srid=28992, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['analyse_run.id'], name=op.f('fk_koppelkans_run_id_analyse_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('kans_id', name=op.f('pk_koppelkans'))
    )
    op.create_geospatial_index('idx_koppelkans_geom', 'koppelkans', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_koppelkans_actie_nodig'), 'koppelkans', ['actie_nodig'], unique=False)
    op.create_index(op.f('ix_koppelkans_buurtcode'), 'koppelkans', ['buurtcode'], unique=False)
    op.create_index(op.f('ix_koppelkans_categorie'), 'koppelkans', ['categorie'], unique=False)
    op.create_index(op.f('ix_koppelkans_regel'), 'koppelkans', ['regel'], unique=False)
    op.create_index(op.f('ix_koppelkans_run_id'), 'koppelkans', ['run_id'], unique=False)
    op.create_geospatial_table('leefbaarometer',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('grid_id', sa.String(length=16), nullable=False),
    sa.Column('jaar', sa.Integer(), nullable=False),
    sa.Column('lbm', sa.Float(), nullable=True),
    sa.Column('afw', sa.Float(), nullable=True),
    sa.Column('fys', sa.Float(), nullable=True),
    sa.Column('onv', sa.Float(), nullable=True),
    sa.Column('soc', sa.Float(), nullable=True),
    sa.Column('vrz', sa.Float(), nullable=True),
    sa.Column('won', sa.Float(), nullable=True),
    sa.Column('klasse', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='POLYGON', srid=28992, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'], name=op.f('fk_leefbaarometer_import_id_import_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leefbaarometer')),
    sa.UniqueConstraint('grid_id', 'jaar', name=op.f('uq_leefbaarometer_grid_id'))
    )
    op.create_geospatial_index('idx_leefbaarometer_geom', 'leefbaarometer', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_leefbaarometer_import_id'), 'leefbaarometer', ['import_id'], unique=False)
    op.create_geospatial_table('riolering',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('stelseltype', sa.String(length=16), nullable=False),
    sa.Column('materiaal', sa.Text(), nullable=True),
    sa.Column('diameter_mm', sa.Float(), nullable=True),
    sa.Column('aanlegjaar', sa.Integer(), nullable=True),
    sa.Column('vervangingsjaar', sa.Integer(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='LINESTRING', srid=28992, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'], name=op.f('fk_riolering_import_id_import_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_riolering'))
    )
    op.create_geospatial_index('idx_riolering_geom', 'riolering', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_riolering_import_id'), 'riolering', ['import_id'], unique=False)
    op.create_geospatial_table('warmtenet',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('naam', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('start_jaar', sa.Integer(), nullable=True),
    sa.Column('eind_jaar', sa.Integer(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('geom', Geometry(geometry_type='MULTILINESTRING', srid=28992, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['import_run.id'], name=op.f('fk_warmtenet_import_id_import_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warmtenet'))
    )
    op.create_geospatial_index('idx_warmtenet_geom', 'warmtenet', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_warmtenet_import_id'), 'warmtenet', ['import_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_warmtenet_import_id'), table_name='warmtenet')
    op.drop_geospatial_index('idx_warmtenet_geom', table_name='warmtenet', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('warmtenet')
    op.drop_index(op.f('ix_riolering_import_id'), table_name='riolering')
    op.drop_geospatial_index('idx_riolering_geom', table_name='riolering', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('riolering')
    op.drop_index(op.f('ix_leefbaarometer_import_id'), table_name='leefbaarometer')
    op.drop_geospatial_index('idx_leefbaarometer_geom', table_name='leefbaarometer', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('leefbaarometer')
    op.drop_index(op.f('ix_koppelkans_run_id'), table_name='koppelkans')
    op.drop_index(op.f('ix_koppelkans_regel'), table_name='koppelkans')
    op.drop_index(op.f('ix_koppelkans_categorie'), table_name='koppelkans')
    op.drop_index(op.f('ix_koppelkans_buurtcode'), table_name='koppelkans')
    op.drop_index(op.f('ix_koppelkans_actie_nodig'), table_name='koppelkans')
    op.drop_geospatial_index('idx_koppelkans_geom', table_name='koppelkans', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('koppelkans')
    op.drop_index(op.f('ix_groen_import_id'), table_name='groen')
    op.drop_geospatial_index('idx_groen_geom', table_name='groen', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('groen')
    op.drop_index(op.f('ix_buurtscore_run_id'), table_name='buurtscore')
    op.drop_index(op.f('ix_buurtscore_rang'), table_name='buurtscore')
    op.drop_geospatial_index('idx_buurtscore_geom', table_name='buurtscore', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('buurtscore')
    op.drop_index(op.f('ix_buurt_import_id'), table_name='buurt')
    op.drop_geospatial_index('idx_buurt_geom', table_name='buurt', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('buurt')
    op.drop_index(op.f('ix_boom_import_id'), table_name='boom')
    op.drop_geospatial_index('idx_boom_geom', table_name='boom', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('boom')
    op.drop_table('kans_besluit')
    op.drop_index(op.f('ix_import_run_sha256'), table_name='import_run')
    op.drop_table('import_run')
    op.drop_table('analyse_run')
