"""Tables: the canonical layers of RULES.md §1, results, analysis runs and import provenance."""

from __future__ import annotations

import types
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geoalchemy2 import Geometry

from app.db import Base
from geo.schema import BUURTSCORE, KANS, ResultColumn

SRID = 28992


def _geom(kind: str) -> Any:
    return mapped_column(Geometry(kind, srid=SRID, spatial_index=True), nullable=False)


def _import_fk() -> Any:
    return mapped_column(ForeignKey("import_run.id", ondelete="SET NULL"), nullable=True, index=True)


class ImportRun(Base):
    """Provenance of one import: file, checksum, time, layer and row counts."""

    __tablename__ = "import_run"
    __table_args__ = (Index("ix_import_run_bron", "laag", "bron"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    laag: Mapped[str] = mapped_column(String(32))
    bestand: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    preset: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    gelezen: Mapped[int] = mapped_column(Integer)
    geladen: Mapped[int] = mapped_column(Integer)
    overgeslagen: Mapped[int] = mapped_column(Integer)
    vervangen: Mapped[bool] = mapped_column(Boolean, default=False)
    rapport: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Which source the features came from (--bron, default the file name): replacing a source
    # replaces only its own features.
    bron: Mapped[str | None] = mapped_column(Text)
    # RULES.md §8: where this import's layer was collected (given, or the features' hull).
    dekking: Mapped[Any] = mapped_column(
        Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False), nullable=True)
    # The box around the features this import removed (--replace, --replace-laag), for
    # `analyse --gewijzigd`; null when it removed nothing.
    verwijderd_gebied: Mapped[Any] = mapped_column(
        Geometry("POLYGON", srid=SRID, spatial_index=False), nullable=True)


class Buurt(Base):
    """CBS buurt."""

    __tablename__ = "buurt"

    buurtcode: Mapped[str] = mapped_column(String(10), primary_key=True)
    buurtnaam: Mapped[str | None] = mapped_column(Text)
    wijkcode: Mapped[str | None] = mapped_column(String(8))
    gemeentecode: Mapped[str | None] = mapped_column(String(6))
    gemeentenaam: Mapped[str | None] = mapped_column(Text)
    inwoners: Mapped[int | None] = mapped_column(Integer)
    water: Mapped[bool | None] = mapped_column(Boolean)
    import_id: Mapped[int | None] = _import_fk()
    geom: Mapped[Any] = _geom("MULTIPOLYGON")


class Warmtenet(Base):
    """Heat network route (tracé)."""

    __tablename__ = "warmtenet"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    naam: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    start_jaar: Mapped[int | None] = mapped_column(Integer)
    eind_jaar: Mapped[int | None] = mapped_column(Integer)
    import_id: Mapped[int | None] = _import_fk()
    geom: Mapped[Any] = _geom("MULTILINESTRING")


class Riolering(Base):
    """Sewer pipe (leiding)."""

    __tablename__ = "riolering"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    stelseltype: Mapped[str] = mapped_column(String(16))
    materiaal: Mapped[str | None] = mapped_column(Text)
    diameter_mm: Mapped[float | None] = mapped_column(Float)
    breedte_mm: Mapped[float | None] = mapped_column(Float)  # pipes that are not round
    hoogte_mm: Mapped[float | None] = mapped_column(Float)
    aanlegjaar: Mapped[int | None] = mapped_column(Integer)
    vervangingsjaar: Mapped[int | None] = mapped_column(Integer)
    import_id: Mapped[int | None] = _import_fk()
    geom: Mapped[Any] = _geom("LINESTRING")


class Groen(Base):
    """Green area polygon."""

    __tablename__ = "groen"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    type: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = _import_fk()
    geom: Mapped[Any] = _geom("MULTIPOLYGON")


class Boom(Base):
    """Tree."""

    __tablename__ = "boom"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    soort: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = _import_fk()
    geom: Mapped[Any] = _geom("POINT")


class Leefbaarometer(Base):
    """Leefbaarometer 3.0 grid cell (100 m) for one year."""

    __tablename__ = "leefbaarometer"
    __table_args__ = (UniqueConstraint("grid_id", "jaar"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    grid_id: Mapped[str] = mapped_column(String(16))
    jaar: Mapped[int] = mapped_column(Integer)
    lbm: Mapped[float | None] = mapped_column(Float)
    afw: Mapped[float | None] = mapped_column(Float)
    fys: Mapped[float | None] = mapped_column(Float)
    onv: Mapped[float | None] = mapped_column(Float)
    soc: Mapped[float | None] = mapped_column(Float)
    vrz: Mapped[float | None] = mapped_column(Float)
    won: Mapped[float | None] = mapped_column(Float)
    klasse: Mapped[int] = mapped_column(Integer)
    import_id: Mapped[int | None] = _import_fk()
    geom: Mapped[Any] = _geom("POLYGON")


class Straat(Base):
    """Street segment (NWB wegvak) with its name and house numbers (RULES.md §7)."""

    __tablename__ = "straat"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    straatnaam: Mapped[str | None] = mapped_column(Text, index=True)
    woonplaats: Mapped[str | None] = mapped_column(Text)
    huisnummer_van: Mapped[int | None] = mapped_column(Integer)
    huisnummer_tot: Mapped[int | None] = mapped_column(Integer)
    gme_id: Mapped[str | None] = mapped_column(String(16))
    gme_naam: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[int | None] = _import_fk()
    geom: Mapped[Any] = _geom("MULTILINESTRING")


class Werk(Base):
    """A planned work of any party: a line or an area (RULES.md §9)."""

    __tablename__ = "werk"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    naam: Mapped[str | None] = mapped_column(Text)
    partij: Mapped[str | None] = mapped_column(String(200), index=True)
    soort: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    start_jaar: Mapped[int | None] = mapped_column(Integer)
    eind_jaar: Mapped[int | None] = mapped_column(Integer)
    import_id: Mapped[int | None] = _import_fk()
    # MultiLineString or MultiPolygon (the importer makes every feature one of the two)
    geom: Mapped[Any] = _geom("GEOMETRY")


class AnalyseRun(Base):
    """One analysis: when, peiljaar, every parameter used, and the imports it read."""

    __tablename__ = "analyse_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    peiljaar: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONB)
    import_ids: Mapped[list[int]] = mapped_column(JSONB)
    aantallen: Mapped[dict[str, Any]] = mapped_column(JSONB)
    duur_s: Mapped[float] = mapped_column(Float)
    # RULES.md §8: per rule needing a context layer, units judged / not judged and why.
    beoordeling: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The Leefbaarometer year the rules used (geo.rules.latest_cells); null without cells.
    lbm_jaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # For `analyse --gewijzigd` (app/analyse/gewijzigd.py): a fingerprint of what every
    # partition shares, and the imports this run saw.
    grondslag: Mapped[str | None] = mapped_column(Text, nullable=True)
    imports_gezien: Mapped[list[int] | None] = mapped_column(JSONB, nullable=True)


class RioolDue(Base):
    """Each pipe's due year (RULES.md §2) as the latest analysis computed it with its parameters.

    Tiles, the point query and the layer pages read it here; before any analysis there are no
    rows and a pipe's due year is null ("nog geen analyse").
    """

    __tablename__ = "riool_due"

    riolering_id: Mapped[str] = mapped_column(Text, primary_key=True)
    due_jaar: Mapped[int | None] = mapped_column(Integer, nullable=True)
    run_id: Mapped[int] = mapped_column(Integer, ForeignKey("analyse_run.id", ondelete="CASCADE"),
                                        nullable=False, index=True)
    partitie: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)
    # The buurt of the pipe's midpoint where the due year is unknown (riool_onbekend, §5).
    buurtcode: Mapped[str | None] = mapped_column(Text, nullable=True)


class AnalyseVoortgang(Base):
    """A running (or ended) analysis: its phase and how many of its parts are done."""

    __tablename__ = "analyse_voortgang"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    gestart: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    bijgewerkt: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())
    status: Mapped[str] = mapped_column(Text)          # bezig | klaar | mislukt
    fase: Mapped[str] = mapped_column(Text)
    klaar: Mapped[int] = mapped_column(Integer, server_default="0")
    totaal: Mapped[int] = mapped_column(Integer, server_default="0")
    melding: Mapped[str | None] = mapped_column(Text, nullable=True)
    run_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("analyse_run.id", ondelete="SET NULL"), nullable=True)


class EenheidNietBeoordeeld(Base):
    """A unit a rule could not judge in the latest run (RULES.md §8), for the buurt figures."""

    __tablename__ = "eenheid_niet_beoordeeld"
    __table_args__ = (Index("ix_eenheid_niet_beoordeeld_geom", "geom", postgresql_using="gist"),)

    regel: Mapped[str] = mapped_column(Text, primary_key=True)
    eenheid_id: Mapped[str] = mapped_column(Text, primary_key=True)
    partitie: Mapped[str] = mapped_column(Text, index=True)
    run_id: Mapped[int] = mapped_column(Integer, ForeignKey("analyse_run.id", ondelete="CASCADE"))
    geom: Mapped[Any] = mapped_column(Geometry("GEOMETRY", srid=SRID, spatial_index=False),
                                      nullable=False)


class AnalyseDekking(Base):
    """The dekking per context layer the latest run used (RULES.md §8), for --gewijzigd."""

    __tablename__ = "analyse_dekking"

    laag: Mapped[str] = mapped_column(Text, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer, ForeignKey("analyse_run.id", ondelete="CASCADE"))
    geom: Mapped[Any] = mapped_column(Geometry("GEOMETRY", srid=SRID, spatial_index=False),
                                      nullable=True)


class AnalysePartitie(Base):
    """What a partition of the latest run owned and read, for runs of changed partitions."""

    __tablename__ = "analyse_partitie"

    sleutel: Mapped[str] = mapped_column(Text, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer, ForeignKey("analyse_run.id", ondelete="CASCADE"))
    gemeentecode: Mapped[str | None] = mapped_column(Text, nullable=True)
    leesgebied: Mapped[Any] = mapped_column(Geometry("POLYGON", srid=SRID, spatial_index=False),
                                            nullable=True)
    aantallen: Mapped[dict[str, Any]] = mapped_column(JSONB)


def _result_column(column: ResultColumn) -> Any:
    """The database column of a declared result column (geo/schema.py)."""
    if column.dtype == "str":
        sql_type: Any = String(column.limit) if column.limit else Text
    else:
        sql_type = {"Int64": Integer, "float64": Float, "bool": Boolean}[column.dtype]
    default = None if column.default is None else text(f"{column.default:g}")
    return mapped_column(sql_type, primary_key=column.key, nullable=column.nullable,
                         index=column.index, server_default=default)


def _result_model(name: str, table: str, doc: str, columns: tuple[ResultColumn, ...],
                  geometry: str, **extra: Any) -> type[Base]:
    """An ORM class with the declared result columns, the analysis run and the geometry."""
    namespace: dict[str, Any] = {
        "__tablename__": table,
        "__doc__": doc,
        "__module__": __name__,
        **{column.name: _result_column(column) for column in columns},
        **extra,
        "run_id": mapped_column(Integer, ForeignKey("analyse_run.id", ondelete="CASCADE"),
                                nullable=False, index=True),
        "geom": _geom(geometry),
    }
    return cast(type[Base], types.new_class(name, (Base,), exec_body=lambda ns: ns.update(namespace)))


# The result tables: their attribute columns come from the declarations in geo/schema.py.
Koppelkans = _result_model(
    "Koppelkans", "koppelkans",
    "A result of the latest analysis: a koppelkans or a knelpunt (RULES.md §3–4).", KANS,
    "GEOMETRY",
    # The partition that computed it (geo.partition), for runs of changed partitions only.
    partitie=mapped_column(Text, nullable=True, index=True))


class KansBesluit(Base):
    """A team's current decision on a result; keyed by kans_id so it survives re-runs.

    Every change is also kept in kans_besluit_historie. buurtcode and gemeentecode are those of
    the result when the decision was saved, so savings still count after the result is gone.
    """

    __tablename__ = "kans_besluit"
    __table_args__ = (
        CheckConstraint("besparing_euro >= 0", name="besparing_euro"),
        CheckConstraint("bespaarde_dagen >= 0", name="bespaarde_dagen"),
    )

    kans_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(32))
    notitie: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    besparing_euro: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    bespaarde_dagen: Mapped[int | None] = mapped_column(Integer)
    door: Mapped[str | None] = mapped_column(Text)
    buurtcode: Mapped[str | None] = mapped_column(String(10), index=True)
    gemeentecode: Mapped[str | None] = mapped_column(String(6), index=True)
    # The run the latest decision was made against; when its result went is in KansVerschil.
    run_id: Mapped[int | None] = mapped_column(Integer)


class KansBesluitHistorie(Base):
    """One change of a decision: who (the API key's naam), when, and what was decided."""

    __tablename__ = "kans_besluit_historie"
    __table_args__ = (
        CheckConstraint("besparing_euro >= 0", name="besparing_euro"),
        CheckConstraint("bespaarde_dagen >= 0", name="bespaarde_dagen"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kans_id: Mapped[str] = mapped_column(
        String(16), ForeignKey("kans_besluit.kans_id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    notitie: Mapped[str | None] = mapped_column(Text)
    besparing_euro: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    bespaarde_dagen: Mapped[int | None] = mapped_column(Integer)
    # The key's naam when the change was made (kept if the key is removed later).
    door: Mapped[str | None] = mapped_column(Text)
    api_key_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("api_key.id", ondelete="SET NULL"), nullable=True)
    run_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


Buurtscore = _result_model(
    "Buurtscore", "buurtscore", "Ranking of a buurt in the latest analysis (RULES.md §5).",
    BUURTSCORE, "MULTIPOLYGON")


LAYER_MODELS: dict[str, type[Base]] = {
    "buurt": Buurt,
    "warmtenet": Warmtenet,
    "riolering": Riolering,
    "groen": Groen,
    "boom": Boom,
    "leefbaarometer": Leefbaarometer,
    "straat": Straat,
    "werk": Werk,
}


class ApiKey(Base):
    """An API key: only its SHA-256 hash is stored; role viewer or editor."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    naam: Mapped[str] = mapped_column(Text)
    rol: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(12), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The party (partij, RULES.md §9) an editor key delivers works for; null: any layer.
    organisatie: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class KansVerschil(Base):
    """A result new, gone or changed in a run since the run before (issue 8, by kans_id).

    Kept for every run, so that a saved area (Gebied) can show its changes over time. For a
    result that is gone, the attributes and geometry are those of the run before.
    """

    __tablename__ = "kans_verschil"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    run_id: Mapped[int] = mapped_column(Integer, ForeignKey("analyse_run.id", ondelete="CASCADE"),
                                        index=True)
    vorige_run_id: Mapped[int] = mapped_column(Integer)
    kans_id: Mapped[str] = mapped_column(String(16))
    verandering: Mapped[str] = mapped_column(String(16))   # nieuw, vervallen, gewijzigd
    # What changed of a gewijzigd result: geometrie, jaren, actie_nodig (empty otherwise).
    wat: Mapped[list[str]] = mapped_column(ARRAY(Text))
    regel: Mapped[str] = mapped_column(String(16))
    regelcode: Mapped[str] = mapped_column(String(4))
    categorie: Mapped[str] = mapped_column(String(10))
    buurtcode: Mapped[str | None] = mapped_column(String(10), index=True)
    straatnaam: Mapped[str | None] = mapped_column(Text)
    jaar: Mapped[int | None] = mapped_column(Integer)
    actie_nodig: Mapped[bool] = mapped_column(Boolean)
    toelichting: Mapped[str] = mapped_column(Text)
    geom: Mapped[Any] = _geom("GEOMETRY")


class Gebied(Base):
    """An area a team follows: buurten, or a drawn polygon; its changes come as a feed."""

    __tablename__ = "gebied"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    naam: Mapped[str] = mapped_column(String(200))
    buurtcodes: Mapped[list[str] | None] = mapped_column(ARRAY(String(10)))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    geom: Mapped[Any] = mapped_column(
        Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False), nullable=True)
