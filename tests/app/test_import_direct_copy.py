"""When nothing of a layer stays, the import COPYs straight into a new table that is swapped in.

Same semantics as the staging path (INSERT ... ON CONFLICT DO NOTHING): a duplicate id keeps the
first feature of the file, also across batches, and is reported; the swapped-in table has the
model's keys and indexes; a --map id column with duplicates is still refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, text

import geopandas as gpd
import pyogrio
import shapely

from app.layers.service import import_file
from data.importers import ImportRefused

pytestmark = pytest.mark.db


def _trees(path: Path, numbers: list[str], soort: list[str]) -> Path:
    n = len(numbers)
    frame = gpd.GeoDataFrame({"boomnummer": numbers, "soortnaam": soort},
                             geometry=shapely.points(181_000.0 + np.arange(n) * 3.0,
                                                     np.full(n, 457_000.0)),
                             crs="EPSG:28992")
    path.parent.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(frame, path)
    return path


def _rows(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {r.id: r.soort for r in conn.execute(text("SELECT id, soort FROM boom"))}


def test_first_load_keeps_the_first_of_each_duplicate_id(
    tmp_path: Path, scratch_engine: Engine,
) -> None:
    numbers = [f"T{i}" for i in range(30)]
    soort = ["Tilia"] * 30
    numbers[25], soort[25] = "T3", "Quercus"  # T3 again in a later batch: the first one stays
    numbers[27], soort[27] = "T26", "Acer"  # and within one batch
    report = import_file(scratch_engine, laag="boom", path=_trees(tmp_path / "a.gpkg", numbers,
                                                                   soort), batch_size=10)
    assert report.geladen == 28
    assert report.overgeslagen["al aanwezig (zelfde bron-id) of dubbel in het bestand"] == 2
    rows = _rows(scratch_engine)
    assert len(rows) == 28
    assert rows["T3"] == "Tilia" and rows["T26"] == "Tilia"
    with scratch_engine.connect() as conn:
        run = conn.execute(text("SELECT id, geladen, overgeslagen FROM import_run")).one()
        assert (run.geladen, run.overgeslagen) == (28, 2)
        assert conn.execute(text("SELECT count(*) FROM boom WHERE import_id = :id"),
                            {"id": run.id}).scalar_one() == 28
        indexes = set(conn.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'boom'")).scalars())
        constraints = set(conn.execute(text(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'boom'::regclass")).scalars())
        srids = conn.execute(text("SELECT DISTINCT ST_SRID(geom) FROM boom")).scalars().all()
    assert {"pk_boom", "idx_boom_geom", "ix_boom_import_id"} <= indexes
    assert {"pk_boom", "fk_boom_import_id_import_run"} <= constraints
    assert srids == [28992]


def test_replacing_the_only_source_copies_directly_and_reports_removals(
    tmp_path: Path, scratch_engine: Engine,
) -> None:
    path = _trees(tmp_path / "a" / "bomen.gpkg", [f"A{i}" for i in range(12)], ["Tilia"] * 12)
    import_file(scratch_engine, laag="boom", path=path)
    again = _trees(tmp_path / "b" / "bomen.gpkg", [f"A{i}" for i in range(5)] * 2,
                   ["Acer"] * 5 + ["Fagus"] * 5)
    report = import_file(scratch_engine, laag="boom", path=again, replace=True, batch_size=3)
    assert report.verwijderd == {"bomen.gpkg": 12}
    assert report.geladen == 5
    assert set(_rows(scratch_engine).values()) == {"Acer"}


def test_mapped_id_with_duplicates_is_refused_and_changes_nothing(
    tmp_path: Path, scratch_engine: Engine,
) -> None:
    path = _trees(tmp_path / "a.gpkg", ["B1", "B2", "B1"] * 4, ["Tilia"] * 12)
    with pytest.raises(ImportRefused, match="niet uniek"):
        import_file(scratch_engine, laag="boom", path=path, mapping={"id": "boomnummer"},
                    batch_size=5)
    with scratch_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM boom")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM import_run")).scalar_one() == 0
        assert conn.execute(text("SELECT to_regclass('boom_nieuw')")).scalar_one() is None
