"""Route of the export download."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from app.auth.deps import ReaderDep
from app.exports.service import ExportFormat, export_filename, write_export
from app.kansen.schemas import BESLUIT_STATUSSEN, GEEN_BESLUIT
from app.openapi import enum_items

router = APIRouter(prefix="/api/v1", tags=["export"], dependencies=[ReaderDep])

_MEDIA = {"gpkg": "application/geopackage+sqlite3", "shp": "application/zip",
          "geojson": "application/zip", "csv": "application/zip"}


@router.get("/export", response_class=FileResponse, responses={404: {}, 409: {}, 422: {}})
def export(
    request: Request,
    format: Annotated[ExportFormat, Query(description="gpkg, shp (zip), geojson (zip), csv (zip)")] = "gpkg",
    buurt: Annotated[list[str], Query(description="Alleen deze buurtcode(s); herhaal voor meer.")] = [],  # noqa: B006
    besluit: Annotated[list[str], Query(
        description=f"Alleen resultaten met dit besluit: {', '.join(BESLUIT_STATUSSEN)}, of "
                    f"'{GEEN_BESLUIT}' voor nog geen besluit; herhaal voor meer. De buurtscores "
                    "blijven volledig.",
        json_schema_extra=enum_items((*BESLUIT_STATUSSEN, GEEN_BESLUIT)))] = [],  # noqa: B006
) -> FileResponse:
    """De resultaten als download, om te openen in QGIS of ArcGIS.

    GeoPackage met lagen `koppelkansen` en `buurtscores` (EPSG:28992, Nederlandse aliassen, de
    stijl van de kaart; resultaten die een vlak zijn in `koppelkansen_vlak`);
    Shapefile als zip met één shapefile per geometrietype, veldnamen van hoogstens 10 tekens en
    `legenda.csv` met de volledige namen; GeoJSON (EPSG:4326) en CSV (WKT in EPSG:28992) als zip.
    Elk formaat bevat het besluit van het team per resultaat (`besluit_status`, `besluit_notitie`;
    leeg zolang er geen besluit is) en jaren als gehele getallen; `besluit` beperkt de
    resultaten tot bepaalde besluiten. CSV-bestanden zijn UTF-8 met BOM en `;` als
    scheidingsteken, zodat Excel met Nederlandse instellingen ze goed opent.
    """
    folder = Path(tempfile.mkdtemp(prefix="kk-export-"))
    name = export_filename(format)
    try:
        written = write_export(request.app.state.engine, folder / name, format, buurt, besluit)
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(written[0], media_type=_MEDIA[format], filename=name,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))
