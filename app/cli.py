"""The command line `koppelkansen` (help texts and messages in Dutch)."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

# Start-up stays light (`koppelkansen --help` < 0.5 s): pandas, geopandas, sqlalchemy, fastapi
# and pydantic are imported inside the commands that use them (tests/app/test_cli.py checks).
from app import cli_nl
from geo.schema import LAYERS

if TYPE_CHECKING:
    from app.config import Settings

cli_nl.install()

app = typer.Typer(
    help="Koppelkansen: waar kan werk in de straat gecombineerd worden?",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
db_app = typer.Typer(help="Database beheren.", no_args_is_help=True)
app.add_typer(db_app, name="db")
key_app = typer.Typer(help="API-sleutels maken, tonen en intrekken.", no_args_is_help=True)
app.add_typer(key_app, name="sleutel")



DEMO_PREFIX = "demo: "


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a Dutch error on stderr and stop with a non-zero exit code."""
    typer.echo(f"Fout: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn every expected error into a Dutch message and an exit code, never a traceback."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from app.errors import DB_UNAVAILABLE_MESSAGE, DomainError
    from data.importers import ImportRefused
    from geo.params import RulesFileError

    try:
        yield
    except ImportRefused as exc:
        fail(f"import geweigerd, er is niets veranderd.\n{exc.message}")
    except (DomainError, RulesFileError) as exc:
        fail(getattr(exc, "message", str(exc)))
    except OperationalError:
        fail(DB_UNAVAILABLE_MESSAGE, code=3)
    except ProgrammingError as exc:
        if "does not exist" in str(exc.orig):
            fail("De database heeft nog geen tabellen. Draai eerst 'koppelkansen db upgrade'.")
        raise


def progress(text: str) -> None:
    """Show a step of long work."""
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    typer.echo(f"[{stamp}] {text}", err=True)


def _settings() -> Settings:
    from app.config import Settings

    return Settings()


def _engine() -> Any:
    from app.db import make_engine

    return make_engine(_settings().sqlalchemy_url)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Maak of werk de tabellen bij (alembic upgrade head, inclusief PostGIS)."""
    from alembic import command
    from alembic.config import Config

    root = Path(__file__).resolve().parents[1]
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "alembic"))
    config.attributes["sqlalchemy_url"] = _settings().sqlalchemy_url
    with friendly_errors():
        command.upgrade(config, "head")
    typer.echo("Database is bijgewerkt.")


@app.command("import")
def import_(
    laag: Annotated[str, typer.Argument(metavar="LAAG", help="Laag: " + ", ".join(LAYERS))],
    path: Annotated[Path, typer.Argument(metavar="BESTAND", help="Bestand: GeoPackage, Shapefile (of zip), GeoJSON, CSV, XLSX met WKT-kolom")],
    source_layer: Annotated[str | None, typer.Option("--source-layer", metavar="NAAM", help="Laagnaam in het bestand (GeoPackage) of werkblad (XLSX)")] = None,
    map_: Annotated[list[str], typer.Option("--map", metavar="CANONIEK=BRON", help="Koppel een veld: CANONIEK=BRON, bv. status=Fase")] = [],  # noqa: B006
    set_: Annotated[list[str], typer.Option("--set", metavar="CANONIEK=WAARDE", help="Waarde voor het hele bestand: CANONIEK=WAARDE, bv. start_jaar=2027")] = [],  # noqa: B006
    crs: Annotated[str | None, typer.Option("--crs", metavar="EPSG:NNNN", help="Coördinatenstelsel van het bestand, bv. EPSG:28992")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Vervang wat eerder uit dezelfde bron (--bron) in de laag kwam; andere bronnen blijven staan")] = False,
    replace_laag: Annotated[bool, typer.Option("--replace-laag", help="Leeg eerst de hele laag (alle bronnen) en laad dan dit bestand")] = False,
    bron: Annotated[str | None, typer.Option("--bron", metavar="NAAM", help="Naam van de bron (standaard de bestandsnaam); --replace vervangt alleen deze bron")] = None,
    grid: Annotated[Path | None, typer.Option("--grid", metavar="GRID.gpkg", help="Leefbaarometer: grid-bestand bij een CSV met alleen grid_id")] = None,
    dekking: Annotated[Path | None, typer.Option("--dekking", metavar="BESTAND", help="Gebied (polygonen) waar de laag is ingewonnen; standaard de omhullende van de objecten")] = None,
    dekking_buurten: Annotated[str | None, typer.Option("--dekking-buurten", metavar="CODE,...", help="Dekking = deze buurten uit de geladen buurtlaag, bv. BU03070000,BU03070001")] = None,
) -> None:
    """Importeer een bestand als laag; alles of niets, met een rapport."""
    from app.layers.dekking import parse_buurtcodes
    from app.layers.service import import_file, parse_pairs

    if laag not in LAYERS:
        fail(f"Onbekende laag '{laag}'. Kies uit: {', '.join(LAYERS)}.")
    if not path.exists():
        fail(f"Bestand '{path}' bestaat niet.")
    with friendly_errors():
        report = import_file(
            _engine(), laag=laag, path=path, source_layer=source_layer,
            mapping=parse_pairs(map_, "--map"), values=parse_pairs(set_, "--set"), crs=crs,
            replace=replace, replace_laag=replace_laag, bron=bron, progress=progress,
            batch_size=_settings().import_batch_rows, grid=grid, dekking=dekking,
            dekking_buurten=parse_buurtcodes(dekking_buurten),
        )
    typer.echo(report.to_text())


WerkersOption = Annotated[int | None, typer.Option("--werkers", metavar="N", help="Aantal rekenprocessen op deze machine (standaard: het aantal kernen; 0: alles in dit proces)", min=0, max=256)]


def _werkers(werkers: int | None) -> int:
    from app.analyse.werkers import default_werkers

    return default_werkers() if werkers is None else werkers


@app.command("analyse")
def analyse_(
    peiljaar: Annotated[int | None, typer.Option("--peiljaar", metavar="JJJJ", help="Peiljaar (standaard dit jaar)", min=1900, max=2200)] = None,
    rules: Annotated[Path | None, typer.Option("--rules", metavar="REGELS.toml", help="Regelbestand (TOML) met andere parameters")] = None,
    werkers: WerkersOption = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="tcp://HOST:8786", help="Reken op een bestaand Dask-cluster in plaats van op deze machine")] = None,
    tegel_km: Annotated[float, typer.Option("--tegel-km", metavar="KM", help="Deel het land in vierkante tegels van zoveel km, en die per gemeente (0: alleen per gemeente)", min=0, max=1000)] = 10.0,
    gewijzigd: Annotated[bool, typer.Option("--gewijzigd", help="Bereken alleen de delen opnieuw die imports sinds de vorige analyse raakten (zelfde uitkomst als een volledige analyse)")] = False,
) -> None:
    """Zoek de koppelkansen en knelpunten en rangschik de buurten."""
    from app.analyse.service import run_analysis
    from geo.params import load_params
    from geo.regels import REGELCODE_NAMEN

    with friendly_errors(), _ProgressBar() as bar:
        params = load_params(rules)
        summary = run_analysis(
            _engine(), params=params, peiljaar=peiljaar or dt.date.today().year,
            progress=progress, stap=bar.stap,
            werkers=_werkers(werkers), scheduler=scheduler,
            tegel_m=tegel_km * 1000 if tegel_km > 0 else None, gewijzigd=gewijzigd)
    counts = summary.aantallen
    typer.echo(f"Analyse {summary.run_id} klaar in {summary.duur_s:.1f} s (peiljaar "
               f"{summary.peiljaar}): {counts['kansen']} koppelkansen, {counts['knelpunten']} "
               f"knelpunten in {counts['buurten']} buurten.")
    for code, naam in REGELCODE_NAMEN.items():
        if code in counts["per_regelcode"]:
            typer.echo(f"  {code} {naam}: {counts['per_regelcode'][code]}")
    _say_niet_beoordeeld(summary.niet_beoordeeld_teksten())


class _ProgressBar:
    """A progress bar per phase of long work, on stderr: '[####----] 12/40 regels per partitie'."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._fase = ""

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def stap(self, fase: str, klaar: int, totaal: int) -> None:
        """Show that `klaar` of `totaal` parts of `fase` are done."""
        if fase != self._fase:
            self._close()
            self._fase = fase
            self._bar = typer.progressbar(length=max(totaal, 1), label=fase, file=sys.stderr,
                                          show_pos=True, width=30)
            self._bar.__enter__()
            self._done = 0
        if self._bar is not None and klaar > self._done:
            self._bar.update(klaar - self._done)
            self._done = klaar


def _say_niet_beoordeeld(lines: list[str]) -> None:
    """RULES.md §8 in words: which units a rule could not judge, and why."""
    from geo.dekking import HINT

    for line in lines:
        typer.echo(line + ".")
    if lines:
        typer.echo(HINT)


@app.command("export")
def export_(
    path: Annotated[Path, typer.Argument(metavar="BESTAND", help="Doelbestand")],
    format: Annotated[str, typer.Option("--format", metavar="gpkg|shp|geojson|csv", help="gpkg, shp, geojson of csv")] = "gpkg",
    buurt: Annotated[list[str], typer.Option("--buurt", metavar="BUCODE", help="Alleen deze buurtcode (herhaalbaar)")] = [],  # noqa: B006
) -> None:
    """Schrijf de resultaten naar GeoPackage, Shapefile (zip), GeoJSON of CSV."""
    from app.exports.service import FORMATS, write_export

    if format not in FORMATS:
        fail(f"Onbekend formaat '{format}'. Kies uit: {', '.join(FORMATS)}.")
    with friendly_errors():
        written = write_export(_engine(), path, format, buurt)  # type: ignore[arg-type]
    for file in written:
        typer.echo(f"Geschreven: {file}")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", metavar="HOST", help="Adres")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="POORT", help="Poort")] = 8000,
) -> None:
    """Start de webdienst met kaart en API."""
    import uvicorn

    from app.main import create_app

    typer.echo(f"Kaart: http://{host}:{port}/kaart   API: http://{host}:{port}/docs")
    uvicorn.run(create_app(_settings()), host=host, port=port, log_level="warning")


@app.command("demo")
def demo(
    seed: Annotated[int, typer.Option("--seed", metavar="GETAL", help="Startgetal van de generator")] = 42,
    scale: Annotated[float, typer.Option("--schaal", metavar="FACTOR", help="Grootte van de gemeente (1 = ca. 12 buurten)")] = 1.0,
    vervang: Annotated[bool, typer.Option("--vervang", help="Ook als er eigen gegevens geladen zijn: die worden vervangen")] = False,
    gemeenten: Annotated[int, typer.Option("--gemeenten", metavar="AANTAL", help="Aantal gemeenten naast elkaar, elk een eigen stad (1 = alleen Lindewaarde)")] = 1,
    werkers: WerkersOption = None,
) -> None:
    """Maak een fictieve gemeente, importeer haar met de gewone importers en analyseer.

    Vervangt alle lagen. Zijn er eigen (niet-demo) gegevens geladen, dan weigert de opdracht,
    tenzij --vervang is gegeven.
    """
    from app.analyse.service import run_analysis
    from app.layers.query import layers_with_own_data
    from app.layers.service import import_file
    from data.demo import gemeente_centres, generate_demo
    from geo.params import RuleParams

    year = dt.date.today().year
    try:  # a wrong number is said before anything is read or changed
        gemeente_centres(gemeenten, scale)
    except ValueError as exc:
        fail(str(exc))
    with friendly_errors(), tempfile.TemporaryDirectory(prefix="koppelkansen-demo-") as tmp:
        engine = _engine()
        own = layers_with_own_data(engine, demo_prefix=DEMO_PREFIX)
        if own and not vervang:
            fail(f"Er zijn eigen gegevens geladen in: {', '.join(own)}. De demo zou die vervangen. "
                 "Gebruik een andere database (DATABASE_URL), of geef --vervang.")
        progress("demogemeente maken")
        try:
            files = generate_demo(Path(tmp), seed=seed, scale=scale, peiljaar=year,
                                  gemeenten=gemeenten)
        except ValueError as exc:
            fail(str(exc))
        for laag, path in files.paths.items():
            progress(f"importeren: {laag} ({path.name})")
            report = import_file(engine, laag=laag, path=path,
                                 source_layer=files.source_layers.get(laag), replace_laag=True,
                                 bestandsnaam=DEMO_PREFIX + path.name, progress=progress,
                                 dekking=files.dekking if laag in files.dekking_lagen else None)
            typer.echo(f"  {laag}: {report.geladen} geladen van {report.gelezen} gelezen")
        for extra in files.extra:  # a second source for a layer, next to the first
            progress(f"importeren: {extra.laag} ({extra.path.name})")
            report = import_file(engine, laag=extra.laag, path=extra.path, mapping=extra.mapping,
                                 values=extra.values, bestandsnaam=DEMO_PREFIX + extra.path.name,
                                 progress=progress)
            typer.echo(f"  {extra.laag}: {report.geladen} geladen van {report.gelezen} gelezen "
                       f"({extra.path.name})")
        with _ProgressBar() as bar:
            summary = run_analysis(engine, params=RuleParams(), peiljaar=year, progress=progress,
                                   stap=bar.stap, werkers=_werkers(werkers))
    typer.echo(f"Demo klaar: {summary.aantallen['kansen']} koppelkansen en "
               f"{summary.aantallen['knelpunten']} knelpunten.")
    _say_niet_beoordeeld(summary.niet_beoordeeld_teksten())


@contextmanager
def _session() -> Iterator[Any]:
    from app.db import make_sessionmaker

    with make_sessionmaker(_engine())() as session:
        yield session


@key_app.command("maak")
def key_create(
    naam: Annotated[str, typer.Argument(metavar="NAAM", help="Voor wie of wat de sleutel is")],
    rol: Annotated[str, typer.Option("--rol", metavar="viewer|editor", help="viewer: lezen; editor: ook importeren")] = "editor",
    organisatie: Annotated[str | None, typer.Option("--organisatie", metavar="PARTIJ", help="Sleutel van één partij: levert alleen haar eigen geplande werken aan (laag werk, partij vast)")] = None,
) -> None:
    """Maak een API-sleutel; hij wordt één keer getoond en alleen als hash bewaard."""
    from app.auth.service import create_key

    with friendly_errors(), _session() as session:
        key_id, key = create_key(session, naam=naam, rol=rol, organisatie=organisatie)
    voor = f"{naam}, werken van {organisatie}" if organisatie else naam
    typer.echo(f"Sleutel {key_id} ({rol}) voor {voor}:\n{key}\n"
               "Bewaar hem nu: hij wordt niet opnieuw getoond.")


@key_app.command("lijst")
def key_list() -> None:
    """Toon alle sleutels (zonder geheim)."""
    from app.auth.service import list_keys

    with friendly_errors(), _session() as session:
        keys = list_keys(session)
    if not keys:
        typer.echo("Er zijn nog geen sleutels.")
    for k in keys:
        state = f"ingetrokken {k['revoked_at']:%d-%m-%Y}" if k["revoked_at"] else "geldig"
        partij = f"  [werken van {k['organisatie']}]" if k["organisatie"] else ""
        typer.echo(f"{k['id']:>4}  {k['rol']:<7} {k['prefix']}…  {k['naam']}{partij}  ({state})")


@key_app.command("intrekken")
def key_revoke(
    nummer: Annotated[int, typer.Argument(metavar="NUMMER", help="Nummer uit 'sleutel lijst'")],
) -> None:
    """Trek een sleutel in; hij werkt direct niet meer."""
    from app.auth.service import revoke_key

    with friendly_errors(), _session() as session:
        revoke_key(session, key_id=nummer)
    typer.echo(f"Sleutel {nummer} is ingetrokken.")


def main(argv: list[str] | None = None) -> Callable[..., Any] | None:
    """Entry point of the `koppelkansen` command."""
    return app(args=argv if argv is not None else sys.argv[1:], prog_name="koppelkansen")
