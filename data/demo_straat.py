"""Street names of the demo municipality, as NWB wegvakken (EPSG:28992).

Every street of the lattice is one wegvak (junction to junction, on the centre line), as the NWB
has it. Consecutive wegvakken on one lattice line share a name: main roads keep theirs over
five to fifteen blocks, side streets over two to six; the ring road round the town is named
after its side. Side streets take their names from a theme per buurt (trees, flowers,
painters, ...), as Dutch neighbourhoods do. House numbers run along each street, odd on the
left and even on the right, and only where the side has houses (no park, water or open land).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import geopandas as gpd
import shapely

from data.demo_town import BEDRIJF, NAOORLOGS, NIEUW, OUD, WATER, Town

# Stems and suffixes per theme; a name is stem + suffix ("Beuken" + "straat").
_STRAAT = ("straat", "straat", "straat", "laan", "laan", "weg", "hof", "dreef")
THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "oud": (("Kerkstraat", "Molenstraat", "Schoolstraat", "Marktstraat", "Hoogstraat",
             "Nieuwstraat", "Achterstraat", "Voorstraat", "Torenstraat", "Brouwersstraat",
             "Smidsstraat", "Kloosterstraat", "Kerkweg", "Stationsstraat", "Poststraat",
             "Gasthuisstraat", "Bakkerstraat", "Korte Kerkstraat", "Havenstraat", "Brugstraat",
             "Weverstraat", "Pastoorstraat", "Kosterstraat", "Vismarkt", "Raadhuisstraat",
             "Herenstraat", "Burgstraat", "Walstraat", "Dijkstraat", "Zandstraat",
             "Veldstraat", "Tuinstraat", "Begijnenstraat", "Peperstraat", "Lange Gracht",
             "Korte Gracht", "Oude Gracht", "Nieuwe Markt", "Zuiderstraat", "Noorderstraat"),
            ("",)),
    "bomen": (("Linde", "Beuken", "Eiken", "Berken", "Essen", "Wilgen", "Populieren",
               "Kastanje", "Acacia", "Platanen", "Elzen", "Iepen", "Esdoorn", "Hazelaar",
               "Lijsterbes", "Meidoorn", "Vlier", "Taxus", "Hulst", "Walnoot"), _STRAAT),
    "bloemen": (("Rozen", "Tulpen", "Seringen", "Lelie", "Anjer", "Dahlia", "Narcissen",
                 "Krokus", "Iris", "Violier", "Goudsbloem", "Zonnebloem", "Klaproos",
                 "Margriet", "Akelei", "Hyacinten", "Jasmijn", "Hortensia", "Lavendel",
                 "Korenbloem"), _STRAAT),
    "vogels": (("Merel", "Lijster", "Vinken", "Mezen", "Spreeuwen", "Zwaluw", "Reiger",
                "Kievit", "Grutto", "Wielewaal", "Roodborst", "Specht", "Koekoek", "Fazanten",
                "Havik", "Valken", "Buizerd", "Ekster", "Kwikstaart", "Nachtegaal",
                "Leeuwerik"), _STRAAT),
    "rivieren": (("Maas", "Rijn", "Waal", "IJssel", "Lek", "Vecht", "Dommel", "Dinkel",
                  "Berkel", "Regge", "Amstel", "Linge", "Eem", "Gouwe", "Schelde", "Merwede",
                  "Roer", "Geul"), _STRAAT),
    "componisten": (("Mozart", "Beethoven", "Bach", "Chopin", "Haydn", "Schubert", "Händel",
                     "Brahms", "Vivaldi", "Mahler", "Grieg", "Verdi", "Sweelinck",
                     "Diepenbrock", "Ravel", "Debussy", "Wagner", "Mendelssohn"),
                    ("straat", "laan", "laan", "weg", "plein")),
    "schilders": (("Rembrandt", "Vermeer", "Frans Hals", "Jan Steen", "Van Gogh", "Mondriaan",
                   "Ruisdael", "Hobbema", "Breitner", "Israëls", "Mesdag", "Jongkind",
                   "Van Ostade", "Pieter de Hooch", "Maris", "Toorop", "Weissenbruch"),
                  ("straat", "straat", "laan", "weg", "plein")),
    "dichters": (("Vondel", "Bilderdijk", "Hooft", "Huygens", "Da Costa", "Tollens", "Beets",
                  "Gezelle", "Multatuli", "Gorter", "Perk", "Kloos", "Marsman", "Slauerhoff",
                  "Bredero", "Staring", "Potgieter"), ("straat", "straat", "laan", "weg")),
    "sterren": (("Orion", "Sirius", "Vega", "Pegasus", "Andromeda", "Castor", "Polluks",
                 "Lyra", "Jupiter", "Saturnus", "Mercurius", "Venus", "Mars", "Neptunus",
                 "Planeten", "Poolster", "Komeet", "Melkweg"), ("straat", "laan", "weg", "baan")),
    "oranje": (("Juliana", "Beatrix", "Wilhelmina", "Koningin Emma", "Prinses Irene",
                "Prinses Margriet", "Prinses Christina", "Prinses Marijke", "Prins Bernhard",
                "Prins Hendrik", "Frederik Hendrik", "Prins Maurits", "Nassau", "Oranje",
                "Prins Willem"), ("straat", "laan", "laan", "plein", "weg")),
    "burgemeesters": (("Burgemeester de Vries", "Burgemeester Jansen", "Burgemeester Bakker",
                       "Burgemeester Visser", "Burgemeester Smit", "Burgemeester Mulder",
                       "Burgemeester de Boer", "Burgemeester Meijer", "Burgemeester Hoekstra",
                       "Burgemeester van Dam", "Burgemeester Kuipers", "Burgemeester Dekker",
                       "Burgemeester Vos", "Burgemeester Peters"), ("laan", "straat", "weg")),
    "veld": (("Koren", "Haver", "Tarwe", "Gerst", "Rogge", "Vlas", "Klaver", "Boekweit",
              "Hennep", "Mosterd", "Lupine", "Koolzaad", "Maïs", "Hooi", "Spelt"),
             ("akker", "kamp", "veld", "weide", "hoeve", "akker")),
    "water": (("Oever", "Kade", "Sluis", "Veer", "Zeilmakers", "Roeiers", "Vissers",
               "Schippers", "Jachthaven", "Stroom", "Golf", "Zwanen", "Eenden", "Riet",
               "Biezen"), ("straat", "weg", "laan", "pad", "kade")),
    "bedrijf": (("Ambachts", "Industrie", "Nijverheids", "Handels", "Transport", "Energie",
                 "Techniek", "Logistiek", "Fabrieks", "Expeditie", "Vaart", "Magazijn",
                 "Smederij", "Werkplaats", "Loods"), ("weg", "weg", "straat", "baan")),
}
GENERIC_THEMES = ("bomen", "bloemen", "vogels", "veld", "sterren", "rivieren", "componisten",
                  "schilders", "dichters")
# A buurt whose name holds one of these words takes that theme.
_KEYWORDS = (("Bloem", "bloemen"), ("Schilder", "schilders"), ("Vogel", "vogels"),
             ("Rivier", "rivieren"), ("Componist", "componisten"), ("Dichter", "dichters"),
             ("Bomen", "bomen"), ("Linde", "bomen"), ("Eiken", "bomen"), ("Kastanje", "bomen"),
             ("Essen", "bomen"), ("Bos", "bomen"), ("Sterren", "sterren"), ("Zonne", "sterren"),
             ("Oranje", "oranje"), ("Juliana", "oranje"), ("Burgemeester", "burgemeesters"),
             ("Akker", "veld"), ("Veld", "veld"), ("Kamp", "veld"), ("Weide", "veld"),
             ("Meent", "veld"), ("Gaarden", "veld"), ("Erven", "veld"), ("Water", "water"),
             ("Beek", "water"), ("Kerk", "oud"), ("Molen", "oud"), ("Station", "oud"),
             ("Brink", "oud"), ("Klooster", "oud"), ("Centrum", "oud"))
MAIN_NAMES = ("Rijksstraatweg", "Stationsweg", "Dorpsstraat", "Hoofdstraat", "Molenweg",
              "Oranjelaan", "Burgemeester Van Heeckerenlaan", "Koningin Julianalaan", "Europaweg",
              "Oosterweg", "Westerweg", "Parallelweg", "Emmasingel", "Nieuwe Weg", "Graaf Ottolaan",
              "Hessenweg", "Amersfoortseweg", "Utrechtseweg", "Arnhemseweg", "Zeisterweg",
              "Julianasingel", "Kerklaan", "Schoollaan", "Dorpsweg", "Binnenweg", "Middenweg",
              "Lange Laan", "Brinklaan", "Hoflaan", "Spoorlaan")
RING_NAMES = ("Zuidelijke Randweg", "Noordelijke Randweg", "Westelijke Randweg",
              "Oostelijke Randweg")
# Metres of frontage per house number; 0: no numbers on that side.
_FRONTAGE_M = {OUD: 6.0, NAOORLOGS: 8.0, NIEUW: 9.0, BEDRIJF: 40.0, WATER: 0.0}
_MAIN_FRONTAGE_M = 14.0


@dataclass(frozen=True)
class Streets:
    """Named streets of one town: per street its name and lattice edges in walking order."""

    names: list[str]
    edges: list[list[int]]

    def edge_name(self, n_edges: int) -> np.ndarray:
        """The street name of every lattice edge ('' for an edge that is no street)."""
        out = np.full(n_edges, "", dtype=object)
        for name, edges in zip(self.names, self.edges, strict=True):
            out[edges] = name
        return out


def _line_edges(town: Town) -> list[tuple[bool, int, list[int]]]:
    """Every lattice line as (vertical, position, edge indices in +x or +y order)."""
    nx, ny = town.nx, town.ny
    n_h = nx * (ny + 1)
    lines = [(False, j, [i * (ny + 1) + j for i in range(nx)]) for j in range(ny + 1)]
    lines += [(True, i, [n_h + i * ny + j for j in range(ny)]) for i in range(nx + 1)]
    return lines


def _runs(alive: np.ndarray, edges: list[int]) -> list[list[int]]:
    """Maximal runs of consecutive existing streets along one lattice line."""
    runs: list[list[int]] = []
    current: list[int] = []
    for e in edges:
        if alive[e]:
            current.append(e)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _buurt_themes(rng: np.random.Generator, town: Town) -> list[str]:
    """One naming theme per buurt: its kind or a word in its name, else a generic one."""
    generic = [str(t) for t in rng.permutation(GENERIC_THEMES)]
    themes: list[str] = []
    k = 0
    for name, kind in zip(town.buurt_name, town.buurt_kind, strict=True):
        hit = next((theme for word, theme in _KEYWORDS if word in name), None)
        if kind == BEDRIJF:
            hit = "bedrijf"
        elif kind == WATER:
            hit = "water"
        if hit is None and kind == OUD:
            hit = "oud"
        if hit is None:
            hit = generic[k % len(generic)]
            k += 1
        themes.append(hit)
    return themes


class _Namer:
    """Hands out unique street names per theme, stems first, then other suffixes."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.taken: set[str] = set()
        self.stems: set[str] = set()
        self.fallback = [str(t) for t in rng.permutation(GENERIC_THEMES)]
        self.order = {t: [str(s) for s in rng.permutation(stems)]
                      for t, (stems, _suffixes) in THEMES.items()}

    def name(self, theme: str) -> str:
        """A new name from `theme`; when its stems are used up, from another theme."""
        for t in (theme, *self.fallback):
            stem = next((s for s in self.order[t] if s not in self.stems), None)
            if stem is not None:
                self.stems.add(stem)
                suffixes = THEMES[t][1]
                return self._take(stem + suffixes[int(self.rng.integers(len(suffixes)))])
        for t in (theme, *self.fallback):
            for stem in self.order[t]:
                for suffix in THEMES[t][1]:
                    if stem + suffix not in self.taken:
                        return self._take(stem + suffix)
        return self._take(f"Laan {len(self.taken) + 1}")

    def _take(self, name: str) -> str:
        self.taken.add(name)
        return name


def name_streets(rng: np.random.Generator, town: Town) -> Streets:
    """Split the lattice lines into named streets (RULES.md §7 needs a name on every street)."""
    themes = _buurt_themes(rng, town)
    namer = _Namer(rng)
    mains = [str(n) for n in rng.permutation(MAIN_NAMES)]
    names: list[str] = []
    streets: list[list[int]] = []
    for vertical, pos, edges in _line_edges(town):
        last = town.nx if vertical else town.ny
        for run in _runs(town.edge_alive, edges):
            if pos in (0, last):
                ring = RING_NAMES[(2 if vertical else 0) + (pos == last)]
                names.append(ring)
                streets.append(run)
            elif town.edge_main[run[0]]:
                for chunk in _chunks(rng, run, 5, 16):
                    names.append(mains.pop() if mains else namer.name("burgemeesters"))
                    streets.append(chunk)
            else:
                for chunk in _chunks(rng, run, 2, 7):
                    buurt = np.bincount(town.edge_buurt[chunk]).argmax()
                    names.append(namer.name(themes[int(buurt)]))
                    streets.append(chunk)
    return Streets(names=names, edges=streets)


def _chunks(rng: np.random.Generator, run: list[int], low: int, high: int) -> list[list[int]]:
    """Cut a run into pieces of `low` to `high - 1` edges (a short rest joins the last one)."""
    out: list[list[int]] = []
    i = 0
    while i < len(run):
        n = int(rng.integers(low, high))
        if len(run) - (i + n) < low:
            n = len(run) - i
        out.append(run[i:i + n])
        i += n
    return out


def _side_houses(town: Town, edges: np.ndarray, side: int) -> np.ndarray:
    """Number of house numbers on one side (0: left, 1: right in walking order) of each edge."""
    # Walking +x the left side is the block north (edge_blocks[:, 1]); walking +y it is the
    # block west (edge_blocks[:, 0]).
    col = np.where(town.edge_dir[edges] == 0, 1 - side, side)
    block = town.edge_blocks[edges, col]
    kind = town.buurt_kind[town.block_buurt[block.clip(0)]]
    frontage = np.array([_FRONTAGE_M[int(k)] for k in kind])
    frontage[town.edge_main[edges] & (frontage > 0)] = _MAIN_FRONTAGE_M
    has = (block >= 0) & (frontage > 0) & ~town.block_park[block.clip(0)]
    n = np.where(has, np.floor(town.edge_length[edges] / np.where(frontage > 0, frontage, 1.0)), 0)
    return np.asarray(n, dtype=np.int64)


def straat_frame(rng: np.random.Generator, town: Town, streets: Streets, *, gemeentecode: str,
                 gemeentenaam: str) -> gpd.GeoDataFrame:
    """NWB wegvakken: one per street edge, with NWB field names and house-number ranges."""
    gme_id = int(gemeentecode[2:])
    rows: dict[str, list[object]] = {k: [] for k in (
        "wvk_id", "wvk_begindatum", "jte_id_beg", "jte_id_end", "wegbehsrt", "rijrichtng",
        "stt_naam", "wpsnaamnen", "gme_id", "gme_naam", "hnrstrlnks", "hnrstrrhts",
        "e_hnr_lnks", "l_hnr_lnks", "e_hnr_rhts", "l_hnr_rhts")}
    geoms: list[shapely.Geometry] = []
    begin_year = {OUD: 1998, NAOORLOGS: 1998, NIEUW: 2004, BEDRIJF: 2001, WATER: 1998}
    for name, edge_list in zip(streets.names, streets.edges, strict=True):
        edges = np.asarray(edge_list)
        left, right = _side_houses(town, edges, 0), _side_houses(town, edges, 1)
        odd, even = 1, 2
        for e, nl, nr in zip(edges, left, right, strict=True):
            a, b = town.edge_ab[e]
            kind = int(town.buurt_kind[town.edge_buurt[e]])
            year = begin_year[kind] + int(rng.integers(0, 20))
            rows["wvk_id"].append(gme_id * 1_000_000 + len(geoms) + 1)
            rows["wvk_begindatum"].append(f"{year}-{int(rng.integers(1, 13)):02d}-01")
            rows["jte_id_beg"].append(gme_id * 1_000_000 + 500_000 + int(a))
            rows["jte_id_end"].append(gme_id * 1_000_000 + 500_000 + int(b))
            rows["wegbehsrt"].append("G")
            rows["rijrichtng"].append("B")
            rows["stt_naam"].append(name)
            rows["wpsnaamnen"].append(gemeentenaam.upper())
            rows["gme_id"].append(gme_id)
            rows["gme_naam"].append(gemeentenaam)
            for side, n, start in (("lnks", nl, odd), ("rhts", nr, even)):
                rows[f"hnrstr{side}"].append(("O" if side == "lnks" else "E") if n else None)
                rows[f"e_hnr_{side}"].append(start if n else 0)
                rows[f"l_hnr_{side}"].append(start + 2 * (n - 1) if n else 0)
            odd += 2 * int(nl)
            even += 2 * int(nr)
            geoms.append(shapely.LineString(town.nodes[[a, b]]))
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:28992")
    for column in ("wvk_id", "jte_id_beg", "jte_id_end", "gme_id", "e_hnr_lnks", "l_hnr_lnks",
                   "e_hnr_rhts", "l_hnr_rhts"):
        frame[column] = frame[column].astype(np.int64)
    return frame


def link_frame(link: shapely.LineString, *, first_id: int, gemeentecode: str,
               gemeentenaam: str, naam: str) -> gpd.GeoDataFrame:
    """The road a heat line takes to the next town: one wegvak per straight piece, no houses."""
    gme_id = int(gemeentecode[2:])
    coords = shapely.get_coordinates(link)
    pieces = [shapely.LineString(coords[k:k + 2]) for k in range(len(coords) - 1)
              if not np.allclose(coords[k], coords[k + 1])]
    n = len(pieces)
    junction = gme_id * 1_000_000 + 900_000 + np.arange(n + 1)
    return gpd.GeoDataFrame(
        {
            "wvk_id": np.arange(first_id, first_id + n, dtype=np.int64),
            "wvk_begindatum": ["1996-01-01"] * n,
            "jte_id_beg": junction[:-1], "jte_id_end": junction[1:],
            "wegbehsrt": ["P"] * n, "rijrichtng": ["B"] * n,
            "stt_naam": [naam] * n, "wpsnaamnen": [gemeentenaam.upper()] * n,
            "gme_id": np.full(n, gme_id, dtype=np.int64), "gme_naam": [gemeentenaam] * n,
            "hnrstrlnks": [None] * n, "hnrstrrhts": [None] * n,
            "e_hnr_lnks": np.zeros(n, np.int64), "l_hnr_lnks": np.zeros(n, np.int64),
            "e_hnr_rhts": np.zeros(n, np.int64), "l_hnr_rhts": np.zeros(n, np.int64),
        },
        geometry=pieces, crs="EPSG:28992",
    )
