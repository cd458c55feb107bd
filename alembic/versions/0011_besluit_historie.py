"""Decisions with history and savings (issue 8).

kans_besluit keeps the current decision and gains the savings of a `gekoppeld` decision, who
made it, the result's buurt and gemeente and the run it was made against.
kans_besluit_historie keeps every change. Existing decisions become the first entry of their
history. When a result is gone ("vervallen na analyse N") comes from kans_verschil (0012).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def _savings_checks(table: str) -> None:
    op.create_check_constraint(op.f(f'ck_{table}_besparing_euro'), table, 'besparing_euro >= 0')
    op.create_check_constraint(op.f(f'ck_{table}_bespaarde_dagen'), table,
                               'bespaarde_dagen >= 0')


def upgrade() -> None:
    op.add_column('kans_besluit', sa.Column('besparing_euro', sa.Numeric(14, 2)))
    op.add_column('kans_besluit', sa.Column('bespaarde_dagen', sa.Integer()))
    op.add_column('kans_besluit', sa.Column('door', sa.Text()))
    op.add_column('kans_besluit', sa.Column('buurtcode', sa.String(10)))
    op.add_column('kans_besluit', sa.Column('gemeentecode', sa.String(6)))
    op.add_column('kans_besluit', sa.Column('run_id', sa.Integer()))
    op.create_index('ix_kans_besluit_buurtcode', 'kans_besluit', ['buurtcode'])
    op.create_index('ix_kans_besluit_gemeentecode', 'kans_besluit', ['gemeentecode'])
    _savings_checks('kans_besluit')
    # Decisions on results the latest run still has: their buurt, gemeente and run.
    op.execute(
        "UPDATE kans_besluit b SET buurtcode = k.buurtcode, run_id = k.run_id, "
        "gemeentecode = (SELECT bu.gemeentecode FROM buurt bu "
        "WHERE bu.buurtcode = k.buurtcode) FROM koppelkans k WHERE k.kans_id = b.kans_id")

    op.create_table(
        'kans_besluit_historie',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kans_id', sa.String(16),
                  sa.ForeignKey('kans_besluit.kans_id', ondelete='CASCADE'), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('notitie', sa.Text()),
        sa.Column('besparing_euro', sa.Numeric(14, 2)),
        sa.Column('bespaarde_dagen', sa.Integer()),
        sa.Column('door', sa.Text()),
        sa.Column('api_key_id', sa.Integer(),
                  sa.ForeignKey('api_key.id', ondelete='SET NULL'), nullable=True),
        sa.Column('run_id', sa.Integer()),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
    )
    op.create_index('ix_kans_besluit_historie_kans_id', 'kans_besluit_historie', ['kans_id'])
    _savings_checks('kans_besluit_historie')
    op.execute(
        "INSERT INTO kans_besluit_historie (kans_id, status, notitie, run_id, created_at) "
        "SELECT kans_id, status, notitie, run_id, updated_at FROM kans_besluit ORDER BY updated_at")


def downgrade() -> None:
    op.drop_table('kans_besluit_historie')
    op.drop_constraint(op.f('ck_kans_besluit_bespaarde_dagen'), 'kans_besluit', type_='check')
    op.drop_constraint(op.f('ck_kans_besluit_besparing_euro'), 'kans_besluit', type_='check')
    op.drop_index('ix_kans_besluit_gemeentecode', 'kans_besluit')
    op.drop_index('ix_kans_besluit_buurtcode', 'kans_besluit')
    for column in ('run_id', 'gemeentecode', 'buurtcode', 'door',
                   'bespaarde_dagen', 'besparing_euro'):
        op.drop_column('kans_besluit', column)
