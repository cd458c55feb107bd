"""Routes of the source layers: reading as GeoJSON, uploading an import, the import history."""

from __future__ import annotations

import shutil
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.responses import JSONResponse

from app.auth.deps import EditorOrganisatie, ReaderDep
from app.deps import BBoxDep, PageDep, SessionDep, next_link
from app.geojson import GEOJSON_MEDIA_TYPE, feature_collection
from app.layers.dekking import parse_buurtcodes
from app.layers.partij import party_import
from app.layers.query import layer_page, list_imports
from app.layers.service import import_file, parse_pairs
from app.layers.upload import save_upload
from geo.schema import LAYERS

router = APIRouter(prefix="/api/v1", tags=["lagen"])

LAAG = Path(description="buurt, warmtenet, riolering, groen, boom, leefbaarometer, straat of werk",
            json_schema_extra={"enum": list(LAYERS)})


@router.get("/lagen/{laag}", dependencies=[ReaderDep],
            responses={200: {"content": {GEOJSON_MEDIA_TYPE: {}}}, 422: {}})
def get_layer(
    request: Request, session: SessionDep, bbox: BBoxDep, page: PageDep, laag: str = LAAG
) -> Any:
    """Een bronlaag als GeoJSON (EPSG:4326), binnen een bbox in WGS84, gepagineerd.

    `limit` mag tot 100 000. Riolering heeft ook `riool_due_jaar`: het jaar waarin de leiding
    aan vervanging toe is (vervangingsjaar, anders aanlegjaar plus levensduur van het materiaal),
    zoals de laatste analyse het berekende; leeg zolang er nog geen analyse is gedraaid.
    """
    feats, total = layer_page(session, laag=laag, bbox=bbox, page=page)
    body = feature_collection(feats, total=total,
                              links=next_link(request, page, len(feats), total))
    return JSONResponse(body, media_type=GEOJSON_MEDIA_TYPE)


@router.post("/lagen/{laag}/import", responses={401: {}, 403: {}, 413: {}, 422: {}})
def import_layer(
    request: Request,
    organisatie: EditorOrganisatie,
    file: Annotated[UploadFile, File(description="GeoPackage, Shapefile-zip, GeoJSON, CSV, ...")],
    laag: str = LAAG,
    source_layer: Annotated[str | None, Form(description="Laagnaam in het bestand")] = None,
    map: Annotated[list[str], Form(description="Koppeling CANONIEK=BRON (herhaalbaar)")] = [],  # noqa: B006
    set: Annotated[list[str], Form(description="Vaste waarde CANONIEK=WAARDE (herhaalbaar)")] = [],  # noqa: B006
    crs: Annotated[str | None, Form(description="CRS van het bestand, bv. EPSG:28992")] = None,
    replace: Annotated[bool, Form(
        description="Vervang wat eerder uit dezelfde bron in de laag kwam (andere bronnen blijven)"
    )] = False,
    replace_laag: Annotated[bool, Form(description="Leeg eerst de hele laag (alle bronnen)")] = False,
    bron: Annotated[str | None, Form(
        description="Naam van de bron (standaard de bestandsnaam)", max_length=200)] = None,
    dekking_buurten: Annotated[str | None, Form(
        description="Dekking (RULES.md §8) = deze buurten uit de geladen buurtlaag, "
        "gescheiden door komma's", max_length=20000)] = None,
    dekking: Annotated[UploadFile | None, File(
        description="Dekking (RULES.md §8) als bestand met polygonen; zonder dekking geldt de "
        "omhullende van de objecten")] = None,
) -> Any:
    """Importeer een bestand als laag, met dezelfde opties als `koppelkansen import`.

    Alles of niets: een geweigerd bestand verandert niets en geeft 422 met de reden. Schrijven
    vraagt een API-sleutel met rol `editor` in de header `X-API-Key`. Het antwoord is het
    importrapport: gelezen, geladen, hersteld, overgeslagen met reden, CRS en koppeling.

    Een partij levert haar eigen plannen aan met een sleutel van haar organisatie
    (`koppelkansen sleutel maak NAAM --organisatie Liander`): die importeert alleen in laag
    `werk`, met `partij` vast op de organisatie, als bron van die partij. Met `replace`
    vervangt ze zo haar eigen eerdere aanlevering, en nooit de werken van een ander.
    """
    values, bron = party_import(organisatie, laag=laag, values=parse_pairs(set, "set"),
                                bron=bron, replace_laag=replace_laag)
    settings = request.app.state.settings
    path = save_upload(file, max_bytes=settings.upload_max_bytes)
    dekking_path = None
    try:
        if dekking is not None and dekking.filename:
            dekking_path = save_upload(dekking, max_bytes=settings.upload_max_bytes)
        report = import_file(
            request.app.state.engine, laag=laag, path=path, source_layer=source_layer,
            mapping=parse_pairs(map, "map"), values=values, crs=crs,
            replace=replace, replace_laag=replace_laag, bron=bron, bestandsnaam=path.name,
            batch_size=settings.import_batch_rows,
            max_unpacked_bytes=settings.zip_max_unpacked_bytes, max_files=settings.zip_max_files,
            max_ratio=settings.zip_max_ratio,
            dekking=dekking_path, dekking_buurten=parse_buurtcodes(dekking_buurten),
        )
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
        if dekking_path is not None:
            shutil.rmtree(dekking_path.parent, ignore_errors=True)
    return report.to_dict()


@router.get("/imports", dependencies=[ReaderDep])
def get_imports(session: SessionDep) -> Any:
    """Herkomst van wat geladen is: per import het bestand, de checksum, de tijd en de aantallen."""
    return {"imports": list_imports(session)}
