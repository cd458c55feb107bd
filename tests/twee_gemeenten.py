"""The demo town split over two gemeenten and one buurt without gemeentecode (RULES.md §10),
run through the real importers and the real analysis. Shared by the app and browser tests.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

import pyogrio

from app.analyse.service import run_analysis
from app.layers.service import import_file
from data.demo import generate_demo
from geo.params import RuleParams

PEILJAAR = 2026
TWEESTAD = ("GM0998", "Tweestad")   # the buurten of wijk 01 and 02
ZONDER = "BU09990404"               # no gemeentecode (blank in the file)


def load_two_gemeenten(engine: Engine, folder: Path) -> dict[str, str | None]:
    """Import and analyse the split town; per buurtcode its gemeentecode (None: without)."""
    files = generate_demo(folder, peiljaar=PEILJAAR)
    path = files.paths["buurt"]
    buurten = pyogrio.read_dataframe(path, layer=files.source_layers.get("buurt"))
    tweestad = buurten["wijkcode"].isin(["WK099901", "WK099902"])
    buurten.loc[tweestad, "gemeentecode"] = TWEESTAD[0]
    buurten.loc[tweestad, "gemeentenaam"] = TWEESTAD[1]
    zonder = buurten["buurtcode"] == ZONDER
    buurten.loc[zonder, "gemeentecode"] = " "
    buurten.loc[zonder, "gemeentenaam"] = None
    split = folder / "buurten_twee_gemeenten.gpkg"
    pyogrio.write_dataframe(buurten, split, layer="buurten", driver="GPKG")
    for laag, source in files.paths.items():
        import_file(engine, laag=laag, path=split if laag == "buurt" else source,
                    source_layer="buurten" if laag == "buurt" else files.source_layers.get(laag),
                    replace=True,
                    dekking=files.dekking if laag in files.dekking_lagen else None)
    run_analysis(engine, params=RuleParams(), peiljaar=PEILJAAR)
    codes = buurten["gemeentecode"].str.strip()
    return {b: (c or None) for b, c in zip(buurten["buurtcode"], codes, strict=True)}
