"""Open a source (GeoPackage, Shapefile, GeoJSON, GML, CSV, SUFRIB, ESDL; a .zip or folder of
these) and read one layer of it as a table."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

import geopandas as gpd
import pyogrio
from pyproj import CRS as ProjCRS
from pyproj.exceptions import CRSError

from data.importers.archive import Limits, folder_files, inspect_zip, read_member
from data.importers.errors import ImportRefused
from data.importers.readers_csv import parse_csv

SUFFIX_KIND = {".gpkg": "gpkg", ".shp": "shp", ".geojson": "geojson", ".json": "geojson",
               ".gml": "gml", ".csv": "csv", ".rib": "sufrib", ".esdl": "esdl"}
USE_ARROW = importlib.util.find_spec("pyarrow") is not None


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
    kind: str  # gpkg | shp | geojson | gml | csv | sufrib | esdl | zip (several members)
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
            "GeoPackage (.gpkg), Shapefile (.shp of .zip), GeoJSON, GML, CSV, SUFRIB (.rib) "
            "of ESDL (.esdl)."
        )
    source = Source(path=path, kind=kind, target=Member(path))
    if kind in ("sufrib", "esdl"):
        source.members = {path.name: Member(path)}
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
        raise ImportRefused(f"{name} is niet leesbaar als geobestand: {exc}") from exc


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
    if source.kind == "csv":
        frame, geometry, meldingen = parse_csv(source.target.read_bytes(), source.path.name)
        return Table(frame=frame, geometry=geometry, crs=None, layer=None, meldingen=meldingen)
    return _read_vector(source, layer, skip, limit)


def _read_vector(source: Source, layer: str | None, skip: int, limit: int | None) -> Table:
    vsi, kind, available = source.vsi, source.kind, source.layers
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
    window = {"skip_features": skip, "max_features": limit} if skip or limit else {}
    try:
        for i, encoding in enumerate(encodings):
            try:
                gdf = pyogrio.read_dataframe(vsi, layer=layer, encoding=encoding,
                                             use_arrow=USE_ARROW and encoding is None, **window)
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


def count_features(source: Source, layer: str | None) -> int | None:
    """Number of features GDAL reports for a vector layer (None when unknown or not vector)."""
    if source.kind in ("csv", "sufrib", "esdl", "zip"):
        return None
    try:
        n = int(pyogrio.read_info(source.vsi, layer=layer)["features"])
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
