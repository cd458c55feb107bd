"""Zip archives and folders as sources: checked before anything is read, never extracted.

A zip is read in place through GDAL's /vsizip/ (or zipfile for text formats), so nothing is
written to disk. Before that, every entry is checked: no absolute paths or '..' parts, no more
than `max_files` entries and no more than `max_unpacked_bytes` declared unpacked size (a zip
bomb is refused from its directory alone), and only the file types an import can use are read.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from data.importers.errors import ImportRefused
from data.limits import MAX_FILES as MAX_FILES
from data.limits import MAX_RATIO as MAX_RATIO
from data.limits import MAX_UNPACKED_BYTES as MAX_UNPACKED_BYTES
from data.limits import RATIO_FROM_BYTES

ALLOWED_SUFFIXES = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".gpkg", ".geojson", ".json", ".csv",
                    ".rib", ".esdl", ".gml", ".xml")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Limits:
    """Caps on what an archive may hold (defaults: 2 GiB unpacked, 1000 files, 200:1 packing)."""

    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    max_files: int = MAX_FILES
    max_ratio: int = MAX_RATIO  # 0: no limit on the packing ratio


@dataclass
class ZipListing:
    """The usable entries of a checked zip, in archive order, and what was left out."""

    path: Path
    names: list[str]
    ignored: list[str] = field(default_factory=list)


def _gib(n: int) -> str:
    return f"{n / 1024**3:.2f} GiB" if n >= 1024**3 else f"{n / 1024**2:.1f} MiB"


def _unsafe(name: str) -> bool:
    posix = name.replace("\\", "/")
    return posix.startswith("/") or bool(_DRIVE.match(posix)) or ".." in PurePosixPath(posix).parts


def inspect_zip(path: Path, limits: Limits | None = None) -> ZipListing:
    """Check a zip's directory and content; refuse damaged, unsafe or oversized archives."""
    limits = limits or Limits()
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            _check_entries(path, infos, limits)
            _check_ratio(path, infos, limits)
            bad = zf.testzip()  # CRC of every entry; reads at most the declared sizes
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ImportRefused(
            f"Zip-bestand {path.name} is beschadigd of onvolledig ({exc}). Download of pak het "
            "opnieuw in."
        ) from exc
    if bad is not None:
        raise ImportRefused(f"Zip-bestand {path.name} is beschadigd: '{bad}' is niet leesbaar.")
    names: list[str] = []
    ignored: list[str] = []
    for info in infos:
        usable = (Path(info.filename).suffix.lower() in ALLOWED_SUFFIXES
                  and "__MACOSX" not in info.filename
                  and not PurePosixPath(info.filename).name.startswith("._"))
        (names if usable else ignored).append(info.filename)
    return ZipListing(path=path, names=names, ignored=ignored)


def check_zip_directory(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a zip (or a zip-based file such as .xlsx) by its directory alone: too many
    entries, unsafe names, too large unpacked, or packed like a zip bomb."""
    _check_entries(path, infos, limits)
    _check_ratio(path, infos, limits)


def _check_entries(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_files:
        raise ImportRefused(
            f"Zip-bestand {path.name} bevat {len(infos)} bestanden; het maximum is "
            f"{limits.max_files}. Lever alleen de bestanden van de laag aan."
        )
    unsafe = [i.filename for i in infos if _unsafe(i.filename)]
    if unsafe:
        raise ImportRefused(
            f"Zip-bestand {path.name} bevat onveilige bestandsnamen ({', '.join(unsafe[:5])}): "
            "absolute paden en '..' zijn niet toegestaan. Pak het bestand opnieuw in zonder "
            "mappen buiten het archief."
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        packed = sum(i.compress_size for i in infos)
        raise ImportRefused(
            f"Zip-bestand {path.name} is uitgepakt {_gib(total)} groot (ingepakt {_gib(packed)}); "
            f"het maximum is {_gib(limits.max_unpacked_bytes)}. Het is niet gelezen. Lever een "
            "kleiner bestand aan, of verhoog de grens (max_unpacked_bytes) als het klopt."
        )


def _check_ratio(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if limits.max_ratio <= 0:
        return
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and ratio > limits.max_ratio:
            raise ImportRefused(
                f"Zip-bestand {path.name} is niet gelezen: een bestand erin pakt uit van "
                f"{_gib(info.compress_size)} tot {_gib(info.file_size)} ({ratio:.0f} keer zo "
                f"groot; het maximum is {limits.max_ratio} keer). Echte geodata wordt hooguit "
                "enkele tientallen keren kleiner ingepakt; dit lijkt een zip-bom. Klopt het "
                "bestand toch, lever het dan uitgepakt aan of laat de beheerder de grens "
                "verhogen (KOPPELKANSEN_ZIP_MAX_RATIO)."
            )


@contextmanager
def open_member(path: Path, name: str | None) -> Iterator[IO[bytes]]:
    """A binary stream of a file (name None) or of one (already checked) zip entry; nothing is
    extracted and nothing is read whole."""
    if name is None:
        with open(path, "rb") as fh:
            yield fh
        return
    with zipfile.ZipFile(path) as zf, zf.open(name) as member:
        yield member


def entry_size(path: Path, name: str | None) -> int:
    """Unpacked size of a file (name None) or of one zip entry."""
    if name is None:
        return path.stat().st_size
    with zipfile.ZipFile(path) as zf:
        return zf.getinfo(name).file_size


def read_member(path: Path, name: str) -> bytes:
    """The bytes of one (already checked) zip entry."""
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def folder_files(path: Path, limits: Limits | None = None) -> list[Path]:
    """The usable files directly in a folder (sorted by name), within the same caps as a zip."""
    limits = limits or Limits()
    files = sorted(p for p in path.iterdir() if p.is_file())
    if len(files) > limits.max_files:
        raise ImportRefused(f"Map {path.name} bevat {len(files)} bestanden; het maximum is "
                            f"{limits.max_files}.")
    usable = [p for p in files if p.suffix.lower() in ALLOWED_SUFFIXES]
    total = sum(p.stat().st_size for p in usable)
    if total > limits.max_unpacked_bytes:
        raise ImportRefused(f"Map {path.name} is {_gib(total)} groot; het maximum is "
                            f"{_gib(limits.max_unpacked_bytes)}.")
    return usable
