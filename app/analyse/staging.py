"""The staging tables of one run, and swapping them in as the stored results in one go.

Tasks COPY into unlogged tables made for the run (named after its progress record); readers
keep seeing the previous results until publish() replaces them in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from geo.schema import BUURTSCORE_COLUMNS, KANS_COLUMNS

# Final table → its columns besides run_id (kept in staging as 0 until publish).
_TABLES: dict[str, tuple[str, ...]] = {
    "koppelkans": (*KANS_COLUMNS, "partitie", "geom"),
    "buurtscore": (*BUURTSCORE_COLUMNS, "geom"),
    "riool_due": ("riolering_id", "due_jaar", "partitie", "buurtcode"),
    "eenheid_niet_beoordeeld": ("regel", "eenheid_id", "partitie", "geom"),
}


@dataclass(frozen=True)
class Staging:
    """Names of the staging tables of the run with progress record `voortgang_id`."""

    voortgang_id: int

    def table(self, final: str) -> str:
        """The staging table for the final table `final`."""
        return f"analyse_stage_{self.voortgang_id}_{final}"

    @property
    def kans(self) -> str:
        return self.table("koppelkans")

    @property
    def score(self) -> str:
        return self.table("buurtscore")

    @property
    def due(self) -> str:
        return self.table("riool_due")

    @property
    def niet_beoordeeld(self) -> str:
        return self.table("eenheid_niet_beoordeeld")

    def create(self, conn: Connection) -> None:
        """Empty unlogged tables shaped like the final ones (no keys: tasks only append)."""
        for final in _TABLES:
            conn.execute(text(f"CREATE UNLOGGED TABLE {self.table(final)} "
                              f"(LIKE {final} INCLUDING DEFAULTS)"))

    def keep(self, conn: Connection, partities: list[str]) -> None:
        """Copy the stored rows of these partitions in, for a run of changed partitions."""
        for final, columns in _TABLES.items():
            if "partitie" not in columns:
                continue
            cols = ", ".join(columns)
            conn.execute(text(f"INSERT INTO {self.table(final)} ({cols}, run_id) "
                              f"SELECT {cols}, 0 FROM {final} WHERE partitie = ANY(:p)"),
                         {"p": partities})

    def index(self, conn: Connection) -> None:
        """Indexes for the ranking's reads by area, made once the rules phase is done."""
        for final in ("koppelkans", "eenheid_niet_beoordeeld"):
            conn.execute(text(f"CREATE INDEX ON {self.table(final)} USING gist (geom)"))
            conn.execute(text(f"ANALYZE {self.table(final)}"))
        conn.execute(text(f"CREATE INDEX ON {self.due} (buurtcode) WHERE due_jaar IS NULL"))

    def publish(self, conn: Connection, run_id: int) -> None:
        """Replace the stored results by the staged ones, as run `run_id` (caller's transaction)."""
        for final, columns in _TABLES.items():
            cols = ", ".join(columns)
            conn.execute(text(f"DELETE FROM {final}"))
            conn.execute(text(f"INSERT INTO {final} ({cols}, run_id) "
                              f"SELECT {cols}, :run_id FROM {self.table(final)}"),
                         {"run_id": run_id})

    def drop(self, conn: Connection) -> None:
        """Remove the staging tables (after publish, or when the run failed)."""
        for final in _TABLES:
            conn.execute(text(f"DROP TABLE IF EXISTS {self.table(final)}"))
