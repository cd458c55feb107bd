"""Open a source file (GeoPackage, Shapefile, GeoJSON, GML, CSV, or a .zip of these) as a table."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS as ProjCRS
from pyproj.exceptions import CRSError

from data.importers.errors import ImportRefused

VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".gml", ".csv")
WKT_COLUMNS = ("wkt", "wkt_geom", "geometry", "geom", "the_geom", "geometrie", "shape")
XY_COLUMNS = (
    ("x", "y"), ("rd_x", "rd_y"), ("x_rd", "y_rd"), ("xcoord", "ycoord"), ("x_coord", "y_coord"),
    ("lon", "lat"), ("lng", "lat"), ("longitude", "latitude"), ("lengtegraad", "breedtegraad"),
)
GRID_CODE = re.compile(r"^E(\d{4})N(\d{4})$")


@dataclass
class Source:
    """A file as GDAL sees it: the path to open and the layers it offers."""

    path: Path
    kind: str  # gpkg | shp | geojson | gml | csv
    vsi: str
    layers: list[str] = field(default_factory=list)
    members: dict[str, str] = field(default_factory=dict)
    encoding_known: bool = True  # False: shapefile without .cpg, so we must guess


@dataclass
class Table:
    """One layer read: attributes plus geometry (None for a CSV without coordinates)."""

    frame: pd.DataFrame
    geometry: gpd.GeoSeries | None
    crs: str | None  # CRS declared by the file, None when it declares none
    layer: str | None
    meldingen: list[str] = field(default_factory=list)


def _kind(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    return {".gpkg": "gpkg", ".shp": "shp", ".geojson": "geojson", ".json": "geojson",
            ".gml": "gml", ".csv": "csv"}.get(suffix)


def open_source(path: Path) -> Source:
    """Inspect `path` and say how to read it; refuse what cannot be read."""
    path = Path(path)
    if not path.exists():
        raise ImportRefused(f"Bestand {path} bestaat niet. Controleer het pad.")
    if path.suffix.lower() == ".zip":
        return _open_zip(path)
    kind = _kind(path.name)
    if path.suffix.lower() in (".rib", ".esdl"):
        raise ImportRefused(
            f"{path.name}: {'SUFRIB' if path.suffix.lower() == '.rib' else 'ESDL'} wordt in "
            "deze versie nog niet direct gelezen. Zet het om naar GeoPackage of GeoJSON."
        )
    if kind is None:
        raise ImportRefused(
            f"Bestandstype '{path.suffix}' van {path.name} wordt niet ondersteund. Gebruik "
            "GeoPackage (.gpkg), Shapefile (.shp of .zip), GeoJSON, GML of CSV."
        )
    source = Source(path=path, kind=kind, vsi=str(path))
    if kind == "shp":
        present = {p.suffix.lower() for p in path.parent.glob(path.stem + ".*")}
        _check_shapefile_parts(path.name, present)
        source.encoding_known = ".cpg" in present
    if kind in ("gpkg", "gml"):
        source.layers = _list_layers(source.vsi, path.name)
    return source


def _check_shapefile_parts(name: str, present: set[str]) -> None:
    missing = [s for s in (".dbf", ".shx") if s not in present]
    if missing:
        raise ImportRefused(
            f"Shapefile {name} is onvolledig: {' en '.join(missing)} ontbreekt. Een shapefile "
            "bestaat uit minstens .shp, .shx en .dbf met dezelfde naam (en liefst .prj en .cpg); "
            "lever ze samen aan, bijvoorbeeld in één .zip."
        )


def _open_zip(path: Path) -> Source:
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            names = [n for n in zf.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportRefused(
            f"Zip-bestand {path.name} is beschadigd of onvolledig ({exc}). Download of pak het "
            "opnieuw in."
        ) from exc
    if bad is not None:
        raise ImportRefused(f"Zip-bestand {path.name} is beschadigd: '{bad}' is niet leesbaar.")
    lower = {n.lower(): n for n in names}
    members: dict[str, str] = {}
    kinds: set[str] = set()
    for name in names:
        kind = _kind(name)
        if kind is None:
            continue
        if kind == "shp":
            stem = name[: -len(".shp")].lower()
            _check_shapefile_parts(name, {s for s in (".dbf", ".shx", ".cpg", ".prj")
                                          if stem + s in lower})
        kinds.add(kind)
        members[Path(name).stem] = f"/vsizip/{path}/{name}"
    if not members:
        raise ImportRefused(
            f"Zip-bestand {path.name} bevat geen bruikbaar bestand (gezocht: .shp, .gpkg, "
            f".geojson, .gml, .csv). Inhoud: {', '.join(names[:20]) or 'leeg'}."
        )
    if len(members) == 1:
        (layer, vsi), = members.items()
        kind = kinds.pop()
        source = Source(path=path, kind=kind, vsi=vsi)
        if kind == "shp":
            source.encoding_known = vsi[: -len(".shp")].split("/")[-1].lower() + ".cpg" in {
                Path(n).name.lower() for n in names}
            source.layers = [layer]
        elif kind in ("gpkg", "gml"):
            source.layers = _list_layers(vsi, path.name)
        return source
    source = Source(path=path, kind="zip", vsi=f"/vsizip/{path}", layers=sorted(members),
                    members=members)
    source.encoding_known = any(n.lower().endswith(".cpg") for n in names)
    return source


def _list_layers(vsi: str, name: str) -> list[str]:
    try:
        return [str(row[0]) for row in pyogrio.list_layers(vsi)]
    except Exception as exc:  # GDAL raises several types for unreadable files
        raise ImportRefused(f"{name} is niet leesbaar als geobestand: {exc}") from exc


def read_table(source: Source, layer: str | None) -> Table:
    """Read one layer of `source` (layer None: the only one)."""
    vsi, kind, available = source.vsi, source.kind, source.layers
    if source.members:
        if layer is None:
            raise ImportRefused(
                f"{source.path.name} bevat meerdere bestanden: {', '.join(source.layers)}. "
                "Kies er een met --laag (source_layer)."
            )
        if layer not in source.members:
            raise ImportRefused(_unknown_layer(layer, source))
        vsi = source.members[layer]
        kind = _kind(vsi) or kind
        layer, available = None, []
    if kind == "csv":
        return _read_csv(source.path if not source.members else Path(vsi), source, vsi)
    if layer is not None and available and layer not in available:
        raise ImportRefused(_unknown_layer(layer, source))
    if layer is None and len(available) > 1:
        raise ImportRefused(
            f"{source.path.name} bevat meerdere lagen: {', '.join(source.layers)}. "
            "Kies er een met --laag (source_layer)."
        )
    encodings: list[str | None] = [None] if source.encoding_known else ["UTF-8", "cp1252"]
    meldingen: list[str] = []
    config = {"GML_SKIP_CORRUPTED_FEATURES": "YES"} if kind == "gml" else {}
    if config:
        pyogrio.set_gdal_config_options(config)
        meldingen.append("GML: objecten met onleesbare geometrie worden door GDAL overgeslagen "
                         "en zijn niet meegeteld.")
    try:
        for i, encoding in enumerate(encodings):
            try:
                gdf = pyogrio.read_dataframe(vsi, layer=layer, encoding=encoding)
                if encoding == "cp1252":
                    meldingen.append(
                        "Tekst was geen UTF-8 en is gelezen als Windows-1252 (geen .cpg-bestand)."
                    )
                break
            except UnicodeDecodeError:
                if i == len(encodings) - 1:
                    raise
    except ImportRefused:
        raise
    except Exception as exc:
        raise ImportRefused(
            f"{source.path.name} is niet leesbaar{f' (laag {layer})' if layer else ''}: {exc}"
        ) from exc
    finally:
        if config:
            pyogrio.set_gdal_config_options({k: None for k in config})
    crs = gdf.crs.to_string() if gdf.crs is not None else None
    if kind == "geojson" and crs is not None:
        # RFC 7946 implies WGS84, but without a `crs` member we check the coordinates instead
        crs = _geojson_crs_name(vsi, crs)
    geometry = gdf.geometry if "geometry" in gdf and isinstance(gdf, gpd.GeoDataFrame) else None
    frame = pd.DataFrame(gdf.drop(columns="geometry", errors="ignore"))
    return Table(frame=frame, geometry=geometry, crs=crs, layer=layer, meldingen=meldingen)


def _unknown_layer(layer: str, source: Source) -> str:
    return (f"Laag '{layer}' bestaat niet in {source.path.name}. Beschikbare lagen: "
            f"{', '.join(source.layers)}.")


def _geojson_crs_name(vsi: str, gdal_crs: str) -> str | None:
    """The name in the old-style `crs` member as written (e.g. ...OGC:1.3:CRS84), or None."""
    if vsi.startswith("/vsi"):
        return gdal_crs  # inside an archive: trust GDAL
    with open(vsi, "rb") as fh:
        head = fh.read(1 << 20).decode("utf-8", errors="replace")
    if '"crs"' not in head:
        return None
    match = re.search(r'"crs"\s*:\s*\{.*?"name"\s*:\s*"([^"]+)"', head, re.S)
    if match is None:
        return gdal_crs
    try:
        ProjCRS.from_user_input(match.group(1))
    except CRSError:
        return gdal_crs
    return match.group(1)


def _read_csv(path: Path, source: Source, vsi: str) -> Table:
    raw = _read_bytes(vsi if vsi.startswith("/vsi") else path)
    text, meldingen = _decode(raw)
    first = text.split("\n", 1)[0]
    sep = max((";", ",", "\t", "|"), key=first.count)
    from io import StringIO

    try:
        frame = pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_values=["", "NA", "NULL", "null"])
    except Exception as exc:
        raise ImportRefused(f"CSV {path.name} is niet leesbaar: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.loc[:, [c for c in frame.columns if not c.startswith("Unnamed:")]]
    geometry = _csv_geometry(frame)
    return Table(frame=frame, geometry=geometry, crs=None, layer=None, meldingen=meldingen)


def _read_bytes(target: Path | str) -> bytes:
    if isinstance(target, str) and target.startswith("/vsizip/"):
        zip_path, member = target[len("/vsizip/"):].split(".zip/", 1)
        with zipfile.ZipFile(zip_path + ".zip") as zf:
            return zf.read(member)
    return Path(target).read_bytes()


def _decode(raw: bytes) -> tuple[str, list[str]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), [
            "Tekst was geen UTF-8 en is gelezen als Windows-1252."]


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.str.replace(",", ".", regex=False).str.strip(), errors="coerce")


def _csv_geometry(frame: pd.DataFrame) -> gpd.GeoSeries | None:
    lower = {c.lower(): c for c in frame.columns}
    for name in WKT_COLUMNS:
        if name in lower:
            col = lower[name]
            try:
                geoms = shapely.from_wkt(frame[col].fillna("").replace("", None), on_invalid="warn")
            except Exception as exc:
                raise ImportRefused(f"Kolom '{col}' bevat geen leesbare WKT: {exc}") from exc
            frame.drop(columns=col, inplace=True)
            return gpd.GeoSeries(geoms, index=frame.index)
    for xname, yname in XY_COLUMNS:
        if xname in lower and yname in lower:
            x, y = _number(frame[lower[xname]]), _number(frame[lower[yname]])
            ok = x.notna() & y.notna()
            geoms = [shapely.Point(a, b) if good else None
                     for a, b, good in zip(x, y, ok, strict=True)]
            return gpd.GeoSeries(geoms, index=frame.index)
    return None


def grid_cells(codes: pd.Series) -> tuple[gpd.GeoSeries, int]:
    """100 m cells (EPSG:28992) from codes like E1213N4879; returns cells and unreadable count."""
    cells: list[shapely.Geometry | None] = []
    bad = 0
    for code in codes.astype("string").fillna("").str.strip().str.upper():
        match = GRID_CODE.match(code)
        if match is None:
            cells.append(None)
            bad += 1
            continue
        x, y = int(match.group(1)) * 100, int(match.group(2)) * 100
        cells.append(shapely.box(x, y, x + 100, y + 100))
    return gpd.GeoSeries(cells, index=codes.index, crs="EPSG:28992"), bad
