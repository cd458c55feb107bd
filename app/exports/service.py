"""Writing the results to GeoPackage, Shapefile (zip), GeoJSON (WGS84) and CSV (WKT)."""

from __future__ import annotations

import csv
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Connection, Engine, text

import geopandas as gpd
import pyogrio

from app.buurten.service import RANKING_ORDER
from app.errors import NotFound, NotReady
from app.exports.fields import (
    BESLUIT_COLUMNS,
    BUURT_FIELDS,
    KANS_FIELDS,
    LAYER_FIELDS,
    LAYER_GEOMETRY,
)
from app.exports.styles import layer_qml, symbol_kind
from app.kansen.service import besluit_condition, check_besluit_filter
from geo.schema import CRS

ExportFormat = Literal["gpkg", "shp", "geojson", "csv"]
FORMATS: tuple[str, ...] = ("gpkg", "shp", "geojson", "csv")
SHP_TEXT_MAX = 254
# legenda.csv (and the CSV export) are for Excel as a Dutch team has it: UTF-8 with a BOM, so
# Excel reads the text as UTF-8, and ';', the list separator of the Dutch locale (whose decimal
# separator is the comma). No "sep=;" line: with it Excel ignores the BOM.
EXCEL_ENCODING = "utf-8-sig"
EXCEL_DELIMITER = ";"
# PostgreSQL type oids -> pandas dtypes that keep nulls without turning integers into floats.
_PG_DTYPES: dict[int, str] = {16: "boolean", 20: "Int64", 21: "Int32", 23: "Int32",
                              700: "float64", 701: "float64", 1700: "float64",
                              25: "str", 1042: "str", 1043: "str"}


def load_results(engine: Engine, buurten: list[str], besluit: Sequence[str] = (),
                 ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The latest results and buurt scores, optionally only for some buurten.

    `besluit` keeps only the results with these decision statuses (`geen`: no decision yet);
    the buurt scores are not filtered by it.
    """
    check_besluit_filter(besluit)
    with engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM analyse_run")).scalar_one() == 0:
            raise NotReady("Er is nog geen analyse gedraaid; draai eerst 'koppelkansen analyse'.")
        if buurten:
            known = set(conn.execute(text("SELECT buurtcode FROM buurt WHERE buurtcode = ANY(:b)"),
                                     {"b": buurten}).scalars())
            missing = sorted(set(buurten) - known)
            if missing:
                raise NotFound(f"Onbekende buurtcode(s): {', '.join(missing)}.")
        where = " WHERE buurtcode = ANY(:b)" if buurten else ""
        params = {"b": buurten} if buurten else {}
        kans_columns = ", ".join(
            f"b.{BESLUIT_COLUMNS[name]} AS {name}" if name in BESLUIT_COLUMNS else f"k.{name}"
            for name in KANS_FIELDS)
        kans_where = where.replace("buurtcode", "k.buurtcode")
        condition, besluit_params = besluit_condition(besluit)
        if condition:
            kans_where += (" AND " if kans_where else " WHERE ") + condition
        kansen = _read_frame(
            conn, f"SELECT {kans_columns}, k.geom FROM koppelkans k LEFT JOIN kans_besluit b "
            f"USING (kans_id){kans_where} ORDER BY regel, kans_id",
            {**params, **besluit_params})
        scores = _read_frame(
            conn, f"SELECT {', '.join(BUURT_FIELDS)}, geom FROM buurtscore{where} "
            f"ORDER BY {RANKING_ORDER}", params)
    return kansen, scores


def _read_frame(conn: Connection, sql: str, params: dict[str, Any]) -> gpd.GeoDataFrame:
    """Rows of sql (geometry column geom, EPSG:28992) typed by their PostgreSQL types.

    read_postgis lets pandas guess: an integer column with a null becomes float (2027.0), and an
    empty result has no types at all. Here integers stay integers, also in an empty layer.
    """
    result = conn.execute(text(sql), params)
    # psycopg reports each column's type oid as the DB-API type_code.
    oids: dict[str, Any] = {str(d[0]): d[1] for d in result.cursor.description}
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for column in frame.columns:
        dtype = _PG_DTYPES.get(oids[str(column)]) if column != "geom" else None
        if dtype:
            frame[column] = frame[column].astype(dtype)
    geometry = gpd.GeoSeries.from_wkb(frame.pop("geom").to_numpy(dtype=object), crs=CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry.rename("geom"), crs=CRS)


def _geometry_type(frame: gpd.GeoDataFrame, layer: str) -> str | None:
    """The layer's declared geometry type, unless the frame holds other kinds (then inferred)."""
    declared = LAYER_GEOMETRY[layer]
    kinds = set(frame.geometry.dropna().geom_type.str.replace("Multi", "", regex=False))
    return declared if kinds <= {declared.replace("Multi", "")} else None


def _declared_kind(layer: str) -> str:
    return _KIND_NAMES[LAYER_GEOMETRY[layer].replace("Multi", "")]


def _gpkg_layer_name(layer: str, kind: str) -> str:
    """`layer` for its declared geometry type, else `<layer>_<kind>` (koppelkansen_vlak)."""
    return layer if kind == _declared_kind(layer) else f"{layer}_{kind}"


def export_layer(name: str) -> str:
    """The exported layer (LAYER_FIELDS) a GeoPackage or shapefile layer `name` is part of."""
    return next(layer for layer in LAYER_FIELDS if name == layer or name.startswith(layer + "_"))


def write_export(engine: Engine, path: Path, fmt: ExportFormat, buurten: list[str],
                 besluit: Sequence[str] = ()) -> list[Path]:
    """Write the export and return the files written (results filtered by `besluit` if given)."""
    kansen, scores = load_results(engine, buurten, besluit)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "gpkg":
        path.unlink(missing_ok=True)
        # One geometry type per layer, as ArcGIS needs and QGIS styles: the rare area results
        # (R5 between two area works) get a layer of their own, as in the shapefile zip.
        parts = dict(_by_geometry_type(kansen, "koppelkansen"))
        layers = [(_gpkg_layer_name("koppelkansen", kind), part) for kind, part in
                  {_declared_kind("koppelkansen"): kansen.iloc[:0], **parts}.items()]
        for number, (name, frame) in enumerate([*layers, ("buurtscores", scores)]):
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=number > 0,
                                    promote_to_multi=True,
                                    geometry_type=_geometry_type(frame, export_layer(name)))
        _write_gpkg_metadata(path)
        return [path]
    if fmt == "shp":
        return [_write_shapefile_zip(kansen, scores, path)]
    if path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory() as tmp:
            files = _write_pair(kansen, scores, Path(tmp) / f"koppelkansen.{fmt}", fmt)
            _zip(files, path)
        return [path]
    return _write_pair(kansen, scores, path, fmt)


def _write_pair(kansen: gpd.GeoDataFrame, scores: gpd.GeoDataFrame, path: Path,
                fmt: ExportFormat) -> list[Path]:
    other = path.with_name(f"{path.stem}_buurtscores{path.suffix}")
    for frame, target in ((kansen, path), (scores, other)):
        target.unlink(missing_ok=True)
        if fmt == "geojson":
            pyogrio.write_dataframe(frame.to_crs("EPSG:4326"), target, driver="GeoJSON",
                                    layer_options={"RFC7946": "YES", "WRITE_NAME": "NO"})
        else:
            pyogrio.write_dataframe(frame, target, driver="CSV",
                                    layer_options={"GEOMETRY": "AS_WKT", "SEPARATOR": "SEMICOLON",
                                                   "WRITE_BOM": "YES"})
    return [path, other]


def _write_shapefile_zip(kansen: gpd.GeoDataFrame, scores: gpd.GeoDataFrame, path: Path) -> Path:
    if path.suffix.lower() != ".zip":
        path = path.with_suffix(".zip")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files: list[Path] = []
        for name, frame, fields in (("koppelkansen", kansen, KANS_FIELDS),
                                    ("buurtscores", scores, BUURT_FIELDS)):
            short = _shorten(frame, fields)
            for kind, part in _by_geometry_type(short, name):
                target = folder / f"{name}_{kind}.shp"
                pyogrio.write_dataframe(part, target, driver="ESRI Shapefile", encoding="UTF-8",
                                        promote_to_multi=True,
                                        geometry_type=_geometry_type(part, name))
                # QGIS applies a .qml of the same name when it opens the shapefile.
                target.with_suffix(".qml").write_text(
                    layer_qml(name, symbol_kind(_KIND_GEOMETRY[kind]), shapefile=True),
                    encoding="utf-8")
                files.extend(sorted(folder.glob(f"{name}_{kind}.*")))
        legend = folder / "legenda.csv"
        with legend.open("w", encoding=EXCEL_ENCODING, newline="") as out:
            writer = csv.writer(out, delimiter=EXCEL_DELIMITER)
            writer.writerow(["laag", "kort", "volledig", "omschrijving"])
            for layer, fields in LAYER_FIELDS.items():
                for full, (short_name, label) in fields.items():
                    writer.writerow([layer, short_name, full, label])
            writer.writerow(["", "", "", f"Teksten langer dan {SHP_TEXT_MAX} bytes zijn in de "
                             "shapefile afgekapt met '…'; de GeoPackage-export bevat ze volledig."])
        files.append(legend)
        _zip(files, path)
    return path


def _shorten(frame: gpd.GeoDataFrame, fields: dict[str, tuple[str, str]]) -> gpd.GeoDataFrame:
    out = frame.rename(columns={full: short for full, (short, _) in fields.items()})
    for column in out.columns:
        if column != out.geometry.name and pd.api.types.is_string_dtype(out[column]):
            # astype: a column without any text (no decisions yet) must stay a text field
            out[column] = out[column].map(_cut).astype(out[column].dtype)
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype("Int32")
    return out


def _cut(value: object) -> object:
    """Fit text into a DBF field, whose width counts UTF-8 bytes, not characters."""
    if isinstance(value, str) and len(value.encode("utf-8")) > SHP_TEXT_MAX:
        room = SHP_TEXT_MAX - len("…".encode())
        return value.encode("utf-8")[:room].decode("utf-8", "ignore") + "…"
    return value


_KIND_NAMES = {"LineString": "lijn", "Polygon": "vlak", "Point": "punt"}
_KIND_GEOMETRY = {kind: geometry for geometry, kind in _KIND_NAMES.items()}


def _by_geometry_type(frame: gpd.GeoDataFrame, layer: str) -> list[tuple[str, gpd.GeoDataFrame]]:
    kinds = frame.geometry.geom_type.str.replace("Multi", "", regex=False).map(_KIND_NAMES)
    if frame.empty:
        return [(_declared_kind(layer), frame)]
    return [(str(kind), frame[kinds == kind]) for kind in pd.unique(kinds.dropna())]


def _zip(files: list[Path], path: Path) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.write(file, file.name)
    tmp.replace(path)


def _write_gpkg_metadata(path: Path) -> None:
    """Per layer its Dutch field aliases (the schema extension, gpkg_data_columns) and its QML
    as the default style in `layer_styles`, the table QGIS reads and writes; that table is made
    as QGIS 3.22 makes it (through GDAL), registered as attributes."""
    with sqlite3.connect(path) as db:
        layers = db.execute("SELECT table_name, column_name, geometry_type_name "
                            "FROM gpkg_geometry_columns ORDER BY table_name").fetchall()
        db.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, "
            "column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT, mime_type TEXT, "
            "constraint_name TEXT, CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name))"
        )
        db.execute(
            "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, "
            "definition, scope) VALUES ('gpkg_data_columns', NULL, 'gpkg_schema', "
            "'http://www.geopackage.org/spec/#extension_schema', 'read-write')"
        )
        db.execute(
            'CREATE TABLE IF NOT EXISTS "layer_styles" ("id" INTEGER PRIMARY KEY AUTOINCREMENT '
            'NOT NULL, "f_table_catalog" TEXT(256), "f_table_schema" TEXT(256), '
            '"f_table_name" TEXT(256), "f_geometry_column" TEXT(256), "styleName" TEXT(30), '
            '"styleQML" TEXT, "styleSLD" TEXT, "useAsDefault" BOOLEAN, "description" TEXT, '
            '"owner" TEXT(30), "ui" TEXT(30), "update_time" DATETIME DEFAULT '
            "(strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        db.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('layer_styles', 'attributes', 'layer_styles', 0)"
        )
        for table, column, geometry in layers:
            layer = export_layer(table)
            db.executemany(
                "INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title, "
                "description) VALUES (?, ?, ?, ?, ?)",
                [(table, full, label, label, label)
                 for full, (_, label) in LAYER_FIELDS[layer].items()],
            )
            db.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
                "owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '')",
                (table, column, table, layer_qml(layer, symbol_kind(geometry)),
                 "Stijl van de kaart van koppelkansen"),
            )


def export_filename(fmt: ExportFormat) -> str:
    """The download name for an API export."""
    return {"gpkg": "koppelkansen.gpkg", "shp": "koppelkansen_shp.zip",
            "geojson": "koppelkansen_geojson.zip", "csv": "koppelkansen_csv.zip"}[fmt]
