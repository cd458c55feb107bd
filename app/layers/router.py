"""Routes of the source layers: reading as GeoJSON, uploading an import, the import history."""

from __future__ import annotations

import shutil
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import JSONResponse

from app.auth.deps import EditorDep, ReaderDep
from app.db import SessionDep
from app.deps import BBoxDep, PageDep, next_link
from app.geojson import feature_collection
from app.layers.query import layer_page, list_imports
from app.layers.service import import_file, parse_pairs
from app.layers.upload import save_upload

router = APIRouter(prefix="/api/v1", tags=["lagen"])

LAAG = Path(description="buurt, warmtenet, riolering, groen, boom of leefbaarometer")


@router.get("/lagen/{laag}", dependencies=[ReaderDep],
            responses={200: {"content": {"application/geo+json": {}}}, 422: {}})
def get_layer(
    request: Request, session: SessionDep, bbox: BBoxDep, page: PageDep, laag: str = LAAG
) -> Any:
    """Een bronlaag als GeoJSON (EPSG:4326), binnen een bbox in WGS84, gepagineerd.

    `limit` mag tot 100 000. Riolering heeft ook `riool_due_jaar`: het jaar waarin de leiding
    aan vervanging toe is (vervangingsjaar, anders aanlegjaar plus levensduur van het materiaal).
    """
    feats, total = layer_page(session, laag=laag, bbox=bbox, page=page)
    body = feature_collection(feats, total=total,
                              links=next_link(request, page, len(feats), total))
    return JSONResponse(body, media_type="application/geo+json")


@router.post("/lagen/{laag}/import", dependencies=[EditorDep],
             responses={401: {}, 403: {}, 413: {}, 422: {}})
def import_layer(
    request: Request,
    file: Annotated[UploadFile, File(description="GeoPackage, Shapefile-zip, GeoJSON, CSV, ...")],
    laag: str = LAAG,
    source_layer: Annotated[str | None, Form(description="Laagnaam in het bestand")] = None,
    map: Annotated[list[str], Form(description="Koppeling CANONIEK=BRON (herhaalbaar)")] = [],  # noqa: B006
    set: Annotated[list[str], Form(description="Vaste waarde CANONIEK=WAARDE (herhaalbaar)")] = [],  # noqa: B006
    crs: Annotated[str | None, Form(description="CRS van het bestand, bv. EPSG:28992")] = None,
    replace: Annotated[bool, Form(description="Vervang de hele laag")] = False,
) -> Any:
    """Importeer een bestand als laag, met dezelfde opties als `koppelkansen import`.

    Alles of niets: een geweigerd bestand verandert niets en geeft 422 met de reden. Schrijven
    vraagt een API-sleutel met rol `editor` in de header `X-API-Key`. Het antwoord is het
    importrapport: gelezen, geladen, hersteld, overgeslagen met reden, CRS en koppeling.
    """
    settings = request.app.state.settings
    path = save_upload(file, max_bytes=settings.upload_max_bytes)
    try:
        report = import_file(
            request.app.state.engine, laag=laag, path=path, source_layer=source_layer,
            mapping=parse_pairs(map, "map"), values=parse_pairs(set, "set"), crs=crs,
            replace=replace, bestandsnaam=path.name, batch_size=settings.import_batch_rows,
            max_unpacked_bytes=settings.zip_max_unpacked_bytes, max_files=settings.zip_max_files,
        )
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    return report.to_dict()


@router.get("/imports", dependencies=[ReaderDep])
def get_imports(session: SessionDep) -> Any:
    """Herkomst van wat geladen is: per import het bestand, de checksum, de tijd en de aantallen."""
    return {"imports": list_imports(session)}
