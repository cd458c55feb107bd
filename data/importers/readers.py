"""Open a source (GeoPackage, Shapefile, GeoJSON, GML, CSV, SUFRIB, ESDL; a .zip or folder of
these) and read one layer of it as a table."""

from __future__ import annotations

import importlib.util
import re
import shutil
import tempfile
import weakref
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import pandas as pd

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS as ProjCRS
from pyproj.exceptions import CRSError

from data.importers.archive import Limits, folder_files, inspect_zip, open_member, read_member
from data.importers.errors import ImportRefused, unreadable
from data.importers.readers_csv import iter_csv

SUFFIX_KIND = {".gpkg": "gpkg", ".shp": "shp", ".geojson": "geojson", ".json": "geojson",
               ".gml": "gml", ".csv": "csv", ".rib": "sufrib", ".esdl": "esdl", ".xlsx": "xlsx"}
USE_ARROW = importlib.util.find_spec("pyarrow") is not None
# ISO WKB type codes of curved geometries, which are made straight on reading
CURVED = {8: "CircularString", 9: "CompoundCurve", 10: "CurvePolygon", 11: "MultiCurve",
          12: "MultiSurface", 13: "Curve", 14: "Surface"}
WITHOUT_ARCS = "zonder bogen"  # suffix in Table.kromme: a curved type holding straight lines only
GML_CORRUPT = "GML-geometrie onleesbaar voor GDAL"
# GDAL writes a .gfs schema file next to a GML file by default: never next to the user's file
GML_OPEN_OPTIONS = {"WRITE_GFS": "NO"}


@dataclass(frozen=True)
class Member:
    """One file to read: a file on disk, or one entry of a (checked) zip kept as (zip, entry).

    The pair is kept as it is, never parsed back out of a /vsizip/ string (a zip may be called
    BOMEN.ZIP, and a folder may have '.zip/' in its name).
    """

    path: Path
    entry: str | None = None  # name inside the zip at `path`; None: `path` itself

    @property
    def vsi(self) -> str:
        """The name GDAL opens."""
        return f"/vsizip/{self.path}/{self.entry}" if self.entry is not None else str(self.path)

    @property
    def name(self) -> str:
        """File name without folders."""
        return PurePosixPath(self.entry).name if self.entry is not None else self.path.name

    def read_bytes(self) -> bytes:
        """The file's bytes (a zip entry is read with zipfile, nothing is extracted)."""
        if self.entry is not None:
            return read_member(self.path, self.entry)
        return self.path.read_bytes()


@dataclass
class Source:
    """A file as GDAL sees it: what to open and the layers it offers."""

    path: Path
    kind: str  # gpkg | shp | geojson | gml | csv | xlsx | sufrib | esdl | zip (several members)
    target: Member  # the file to read (for a zip or folder of several files: the zip or folder)
    layers: list[str] = field(default_factory=list)
    members: dict[str, Member] = field(default_factory=dict)
    encoding_known: bool = True  # False: shapefile without .cpg, so we must guess
    meldingen: list[str] = field(default_factory=list)

    @property
    def vsi(self) -> str:
        """The name GDAL opens."""
        return self.target.vsi


@dataclass
class Table:
    """One layer read: attributes plus geometry (None for a CSV without coordinates)."""

    frame: pd.DataFrame
    geometry: gpd.GeoSeries | None
    crs: str | None  # CRS declared by the file, None when it declares none
    layer: str | None
    meldingen: list[str] = field(default_factory=list)
    overgeslagen: dict[str, int] = field(default_factory=dict)  # rows the reader left out
    # how the user finds a row: frame index 0 is `row_name` number `first_row` of the file
    first_row: int = 1
    row_name: str = "object"
    # geometries of a curved type made straight, per type ('CurvePolygon', and
    # 'CurvePolygon zonder bogen' for those that held straight lines only)
    kromme: dict[str, int] = field(default_factory=dict)


def kind_of(name: str) -> str | None:
    """Source kind from a file name's suffix (None when not supported)."""
    return SUFFIX_KIND.get(Path(name).suffix.lower())


def open_source(path: Path, limits: Limits | None = None) -> Source:
    """Inspect `path` and say how to read it; refuse what cannot be read."""
    path = Path(path)
    if not path.exists():
        raise ImportRefused(f"Bestand {path} bestaat niet. Controleer het pad.")
    if path.is_dir():
        return _open_folder(path, limits)
    if path.suffix.lower() == ".zip":
        return _open_zip(path, limits)
    kind = kind_of(path.name)
    if kind is None:
        raise ImportRefused(
            f"Bestandstype '{path.suffix}' van {path.name} wordt niet ondersteund. Gebruik "
            "GeoPackage (.gpkg), Shapefile (.shp of .zip), GeoJSON, GML, CSV, XLSX (met een "
            "WKT-kolom), SUFRIB (.rib) of ESDL (.esdl)."
        )
    source = Source(path=path, kind=kind, target=Member(path))
    if kind in ("sufrib", "esdl"):
        source.members = {path.name: Member(path)}
    if kind == "shp":
        present = {p.suffix.lower() for p in path.parent.glob(path.stem + ".*")}
        _check_shapefile_parts(path.name, present)
        source.encoding_known = ".cpg" in present
    if kind == "gml":
        source.target = Member(_private_gml(source, path))
    if kind in ("gpkg", "gml"):
        source.layers = _list_layers(source.vsi, path.name)
    if kind == "xlsx":
        from data.importers.readers_xlsx import check_xlsx, sheet_names

        check_xlsx(path, limits)
        source.layers = sheet_names(path)
    return source


def _private_gml(source: Source, path: Path) -> Path:
    """A link to `path` in a private temporary folder, removed with `source`.

    GDAL reads a GML file's schema from, and writes it to, a .gfs file beside the file it
    opens; not every call can be told not to (listing layers cannot), so GDAL opens a link
    in a folder of our own and never writes next to the user's file. A .gfs or .xsd the user
    put beside the file is linked too, so it is still used.
    """
    folder = Path(tempfile.mkdtemp(prefix="kk-gml-"))
    weakref.finalize(source, shutil.rmtree, folder, ignore_errors=True)
    for sibling in (path, path.with_suffix(".gfs"), path.with_suffix(".xsd")):
        if sibling.is_file():
            (folder / sibling.name).symlink_to(sibling.resolve())
    return folder / path.name


def _check_shapefile_parts(name: str, present: set[str]) -> None:
    missing = [s for s in (".dbf", ".shx") if s not in present]
    if missing:
        raise ImportRefused(
            f"Shapefile {name} is onvolledig: {' en '.join(missing)} ontbreekt. Een shapefile "
            "bestaat uit minstens .shp, .shx en .dbf met dezelfde naam (en liefst .prj en .cpg); "
            "lever ze samen aan, bijvoorbeeld in één .zip."
        )


def _open_folder(path: Path, limits: Limits | None) -> Source:
    ribs = [p for p in folder_files(path, limits) if p.suffix.lower() == ".rib"]
    if not ribs:
        raise ImportRefused(
            f"{path.name} is een map. Een map wordt alleen gelezen als ze SUFRIB-bestanden "
            "(.rib) bevat; lever anders één bestand of een .zip aan."
        )
    return Source(path=path, kind="sufrib", target=Member(path), layers=[p.name for p in ribs],
                  members={p.name: Member(p) for p in ribs})


def _open_zip(path: Path, limits: Limits | None) -> Source:
    listing = inspect_zip(path, limits)
    names = listing.names
    meldingen = []
    if listing.ignored:
        meldingen.append(f"Genegeerd in de zip (geen bruikbaar bestandstype): "
                         f"{', '.join(listing.ignored[:10])}"
                         f"{', …' if len(listing.ignored) > 10 else ''}.")
    lower = {n.lower() for n in names}
    members: dict[str, Member] = {}
    kinds: set[str] = set()
    for name in names:
        kind = kind_of(name)
        if kind is None:
            continue
        if kind == "shp":
            stem = name[: -len(".shp")].lower()
            _check_shapefile_parts(name, {s for s in (".dbf", ".shx", ".cpg", ".prj")
                                          if stem + s in lower})
        kinds.add(kind)
        key = name if kind in ("sufrib", "esdl") else Path(name).stem
        members[key] = Member(path, name)
    if not members:
        raise ImportRefused(
            f"Zip-bestand {path.name} bevat geen bruikbaar bestand (gezocht: .shp, .gpkg, "
            f".geojson, .gml, .csv, .rib, .esdl). Inhoud: "
            f"{', '.join((names + listing.ignored)[:20]) or 'leeg'}."
        )
    if "sufrib" in kinds:  # a set of inspection files is read as one network
        ribs = {k: v for k, v in members.items() if kind_of(k) == "sufrib"}
        return Source(path=path, kind="sufrib", target=Member(path), layers=sorted(ribs),
                      members=ribs, meldingen=meldingen)
    if len(members) == 1:
        (layer, member), = members.items()
        kind = kinds.pop()
        source = Source(path=path, kind=kind, target=member, meldingen=meldingen)
        if kind == "esdl":
            source.members = dict(members)
        if kind == "shp":
            cpg = PurePosixPath(member.name).stem.lower() + ".cpg"
            source.encoding_known = cpg in {PurePosixPath(n).name.lower() for n in names}
            source.layers = [layer]
        elif kind in ("gpkg", "gml"):
            source.layers = _list_layers(member.vsi, path.name)
        return source
    source = Source(path=path, kind="zip", target=Member(path), layers=sorted(members),
                    members=members, meldingen=meldingen)
    source.encoding_known = any(n.lower().endswith(".cpg") for n in names)
    return source


def _list_layers(vsi: str, name: str) -> list[str]:
    try:
        return [str(row[0]) for row in pyogrio.list_layers(vsi)]
    except Exception as exc:  # GDAL raises several types for unreadable files
        raise unreadable(name, exc) from exc


def member_source(source: Source, layer: str) -> Source:
    """The single-file source of one member of a multi-file zip."""
    if layer not in source.members:
        raise ImportRefused(_unknown_layer(layer, source))
    member = source.members[layer]
    kind = kind_of(member.name) or source.kind
    sub = Source(path=source.path, kind=kind, target=member, encoding_known=source.encoding_known)
    if kind in ("gpkg", "gml"):
        sub.layers = _list_layers(member.vsi, source.path.name)
    return sub


def read_table(source: Source, layer: str | None, *, skip: int = 0,
               limit: int | None = None) -> Table:
    """Read one layer of `source` (layer None: the only one); skip/limit read a slice."""
    if source.kind == "sufrib":
        from data.importers.readers_sufrib import read_sufrib

        return read_sufrib(source.members, source.path.name)
    if source.kind == "esdl":
        from data.importers.readers_esdl import read_esdl

        (name, target), = source.members.items()
        return read_esdl(target.read_bytes(), name)
    if source.kind == "zip":
        if layer is None:
            raise ImportRefused(
                f"{source.path.name} bevat meerdere bestanden: {', '.join(source.layers)}. "
                "Kies er een met --laag (source_layer)."
            )
        return read_table(member_source(source, layer), None, skip=skip, limit=limit)
    if source.kind == "csv":  # read whole only where it must be (a score CSV joined to a grid)
        parts = list(iter_tables(source, batch_rows=1_000_000))
        if not parts:
            return Table(frame=pd.DataFrame(), geometry=None, crs=None, layer=None)
        frame = pd.concat([t.frame for t in parts], ignore_index=True)
        geometry = None
        if parts[0].geometry is not None:
            geometry = gpd.GeoSeries(pd.concat([t.geometry for t in parts  # type: ignore[misc]
                                                ], ignore_index=True))
        return Table(frame=frame, geometry=geometry, crs=None, layer=None,
                     meldingen=[m for t in parts for m in t.meldingen], first_row=2,
                     row_name="regel")
    if source.kind == "xlsx":  # batches keep their row numbers, counted from the first
        batches = list(iter_tables(source, batch_rows=100_000, sheet=layer))
        if not batches:
            return Table(frame=pd.DataFrame(), geometry=None, crs=None, layer=None)
        start = batches[0].first_row
        for t in batches:
            shift = t.first_row - start
            t.frame.index = t.frame.index + shift
            if t.geometry is not None:
                t.geometry.index = t.geometry.index + shift
        geometries = [t.geometry for t in batches if t.geometry is not None]
        return Table(frame=pd.concat([t.frame for t in batches]),
                     geometry=gpd.GeoSeries(pd.concat(geometries)) if geometries else None,
                     crs=None, layer=None, first_row=start, row_name=batches[0].row_name)
    return _read_vector(source, layer, skip, limit)


STREAMED_KINDS = ("csv", "geojson", "xlsx")


def iter_tables(source: Source, *, batch_rows: int, sheet: str | None = None) -> Iterator[Table]:
    """A CSV, GeoJSON or XLSX source in batches of at most batch_rows rows, read in one
    streaming pass (a zip entry too): memory stays bounded whatever the file's size. `sheet`
    picks the sheet of an XLSX file."""
    name = source.path.name
    if source.kind == "geojson":
        yield from _iter_geojson(source, batch_rows)
        return
    if source.kind == "xlsx":
        from data.importers.readers_xlsx import ROW_NAME, iter_xlsx

        for frame, geometry, first in iter_xlsx(source.target.path, sheet, batch_rows):
            # index 0 is spreadsheet row `first` (header = row 1); empty rows leave gaps
            yield Table(frame=frame, geometry=geometry, crs=None, layer=None,
                        first_row=first, row_name=ROW_NAME)
        return
    assert source.kind == "csv"
    with open_member(source.target.path, source.target.entry) as raw:
        for frame, geometry, meldingen, first_line in iter_csv(raw, name, batch_rows):
            yield Table(frame=frame, geometry=geometry, crs=None, layer=None,
                        meldingen=meldingen, first_row=first_line, row_name="regel")


# GDAL refuses a single GeoJSON object (one feature) larger than this, instead of holding it
GEOJSON_MAX_OBJECT_MB = 64


def _iter_geojson(source: Source, batch_rows: int) -> Iterator[Table]:
    """GeoJSON through GDAL's streaming parser in Arrow batches, converted as read_dataframe
    converts them (dates as text parsed like pyogrio does)."""
    from pyogrio.geopandas import _try_parse_datetime

    name = source.path.name
    first = 1
    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": str(GEOJSON_MAX_OBJECT_MB)})
    try:
        with pyogrio.open_arrow(source.vsi, batch_size=batch_rows, use_pyarrow=True,
                                datetime_as_string=True) as (meta, reader):
            crs = meta["crs"]
            if crs is not None:
                crs = _geojson_crs_name(source.vsi, str(crs))
            geometry_name = meta["geometry_name"] or "wkb_geometry"
            for batch in reader:
                frame = batch.to_pandas()
                for dtype, column in zip(meta["dtypes"], meta["fields"], strict=True):
                    if dtype is not None and dtype.startswith("datetime") and (
                            dtype != "datetime64[D]"):
                        frame[column] = _try_parse_datetime(frame[column], False, False)
                wkb = frame.pop(geometry_name) if geometry_name in frame else None
                geometry = None
                if wkb is not None:
                    geometry = gpd.GeoSeries(
                        shapely.from_wkb(wkb.to_numpy(dtype=object), on_invalid="warn"),
                        index=frame.index)
                yield Table(frame=frame, geometry=geometry, crs=crs, layer=None,
                            first_row=first)
                first += len(frame)
    except ImportRefused:
        raise
    except Exception as exc:
        raise unreadable(name, exc) from exc
    finally:
        pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": None})


def _read_vector(source: Source, layer: str | None, skip: int, limit: int | None) -> Table:
    vsi, kind, available = source.vsi, source.kind, source.layers
    if layer is not None and available and layer not in available:
        raise ImportRefused(_unknown_layer(layer, source))
    if layer is None and len(available) > 1:
        raise ImportRefused(
            f"{source.path.name} bevat meerdere lagen: {', '.join(source.layers)}. "
            "Kies er een met --laag (source_layer)."
        )
    # only a Shapefile's text encoding can be unknown; GML and GeoPackage declare theirs
    known = source.encoding_known or kind in ("gpkg", "gml")
    encodings: list[str | None] = [None] if known else ["UTF-8", "cp1252"]
    meldingen: list[str] = []
    kromme: dict[str, int] = {}
    options = GML_OPEN_OPTIONS if kind == "gml" else {}
    config = {"GML_SKIP_CORRUPTED_FEATURES": "YES"} if kind == "gml" else {}
    overgeslagen: dict[str, int] = {}
    if config:
        pyogrio.set_gdal_config_options(config)
    window = {"skip_features": skip, "max_features": limit} if skip or limit else {}
    try:
        for i, encoding in enumerate(encodings):
            try:
                gdf = _read_frame(vsi, layer, encoding, {**window, **options}, kromme)
                if encoding == "cp1252":
                    meldingen.append(
                        "Tekst was geen UTF-8 en is gelezen als Windows-1252 (geen .cpg-bestand)."
                    )
                break
            except UnicodeDecodeError:
                if i == len(encodings) - 1:
                    raise
        if kind == "gml" and not window:  # GDAL skips what it cannot parse: count those
            declared = int(pyogrio.read_info(vsi, layer=layer, **options)["features"])
            if declared > len(gdf):
                overgeslagen[GML_CORRUPT] = declared - len(gdf)
    except ImportRefused:
        raise
    except Exception as exc:
        raise unreadable(f"{source.path.name}{f' (laag {layer})' if layer else ''}", exc) from exc
    finally:
        if config:
            pyogrio.set_gdal_config_options({k: None for k in config})
    crs = gdf.crs.to_string() if gdf.crs is not None else None
    if kind == "geojson" and crs is not None:
        # RFC 7946 implies WGS84, but without a `crs` member we check the coordinates instead
        crs = _geojson_crs_name(vsi, crs)
    geometry = gdf.geometry if "geometry" in gdf and isinstance(gdf, gpd.GeoDataFrame) else None
    frame = pd.DataFrame(gdf.drop(columns="geometry", errors="ignore"))
    return Table(frame=frame, geometry=geometry, crs=crs, layer=layer, meldingen=meldingen,
                 first_row=skip + 1, kromme=kromme, overgeslagen=overgeslagen)


def _read_frame(
    vsi: str, layer: str | None, encoding: str | None, kwargs: dict[str, Any],
    kromme: dict[str, int],
) -> gpd.GeoDataFrame:
    """One layer (or window of it) as a GeoDataFrame; curved geometries made straight.

    The fast Arrow path hands GDAL's WKB to shapely, which refuses curves (CurvePolygon,
    MultiSurface, CompoundCurve, …); GDAL's own path linearises them (pyogrio asks it to), so a
    file with curves is read again that way, after counting them per type into `kromme`.
    """
    arrow = USE_ARROW and encoding is None
    try:
        frame: gpd.GeoDataFrame = pyogrio.read_dataframe(
            vsi, layer=layer, encoding=encoding, use_arrow=arrow, **kwargs)
        return frame
    except Exception as exc:
        if not arrow or "nonlinear" not in str(exc).lower():
            raise
    arcs, straight = curve_types(vsi, layer, kwargs)
    for name, n in arcs.items():
        kromme[name] = kromme.get(name, 0) + n
    for name, n in straight.items():
        kromme[f"{name} {WITHOUT_ARCS}"] = kromme.get(f"{name} {WITHOUT_ARCS}", 0) + n
    frame = pyogrio.read_dataframe(vsi, layer=layer, use_arrow=False, **kwargs)
    return frame


def curve_types(
    vsi: str, layer: str | None, kwargs: dict[str, Any],
) -> tuple[Counter[str], Counter[str]]:
    """Geometries of a curved type (ISO WKB 8–14) in a layer (or window), per type: those with
    arcs, and those without (a CurvePolygon of straight rings, a MultiSurface of Polygons)."""
    _meta, table = pyogrio.raw.read_arrow(vsi, layer=layer, columns=[], **kwargs)
    arcs: Counter[str] = Counter()
    straight: Counter[str] = Counter()
    if table.num_columns == 0:
        return arcs, straight
    for wkb in table.column(table.num_columns - 1).to_pylist():
        if not wkb or len(wkb) < 5:
            continue
        code = _wkb_header(wkb, 0)[0]
        if code in CURVED:
            try:
                has_arc = _wkb_arcs(wkb, 0)[0]
            except (IndexError, ValueError):  # damaged WKB: GDAL will say so when reading
                has_arc = True
            (arcs if has_arc else straight)[CURVED[code]] += 1
    return arcs, straight


def _wkb_header(wkb: bytes, at: int) -> tuple[int, int, str]:
    """(ISO type code 1–17, coordinates per point, byte order) of the geometry at `at`."""
    order: Literal["little", "big"] = "little" if wkb[at] == 1 else "big"
    raw = int.from_bytes(wkb[at + 1:at + 5], order)
    dims = 2 + ((raw % 10000) // 1000 in (1, 3) or bool(raw & 0x80000000)) + (
        (raw % 10000) // 1000 in (2, 3) or bool(raw & 0x40000000))
    return (raw & 0x0FFFFFFF) % 1000, dims, order


def _wkb_arcs(wkb: bytes, at: int) -> tuple[bool, int]:
    """Whether the geometry at `at` has a circular arc anywhere; and where it ends."""
    code, dims, order = _wkb_header(wkb, at)
    at += 5
    if code == 1:
        return False, at + 8 * dims
    count = int.from_bytes(wkb[at:at + 4], "little" if order == "little" else "big")
    at += 4
    if code in (2, 8):  # LineString, CircularString: points
        return code == 8, at + 8 * dims * count
    if code == 3:  # Polygon: rings of points
        for _ in range(count):
            points = int.from_bytes(wkb[at:at + 4], "little" if order == "little" else "big")
            at += 4 + 8 * dims * points
        return False, at
    if code in (4, 5, 6, 7, 9, 10, 11, 12):  # parts, each a whole geometry
        found = False
        for _ in range(count):
            arc, at = _wkb_arcs(wkb, at)
            found |= arc
        return found, at
    raise ValueError(f"WKB-type {code}")


def count_features(source: Source, layer: str | None) -> int | None:
    """Number of features GDAL reports for a vector layer (None when unknown or not vector)."""
    if source.kind in ("csv", "xlsx", "sufrib", "esdl", "zip"):
        return None
    try:
        options = GML_OPEN_OPTIONS if source.kind == "gml" else {}
        n = int(pyogrio.read_info(source.vsi, layer=layer, **options)["features"])
    except Exception:
        return None
    return n if n >= 0 else None


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
