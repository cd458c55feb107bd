"""The one error an import raises: a refusal the user can act on."""

from __future__ import annotations


class ImportRefused(Exception):
    """The file cannot be imported as it is; `message` says why and how to fix it (Dutch)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# What a library's English message most likely means, in words a planner can act on.
_CAUSES = (
    ("not recognized as being in a supported file format",
     "het is geen GeoPackage, Shapefile, GeoJSON, GML of CSV, of het is beschadigd"),
    ("no such file", "een deel van het bestand ontbreekt (bij een Shapefile: .shp, .shx en .dbf)"),
    ("tokenizing data", "de regels hebben niet allemaal evenveel kolommen"),
    ("unexpected end", "het bestand houdt halverwege op (niet volledig overgekomen?)"),
    ("failed to read", "de inhoud is geen geldige GeoJSON"),
    ("json", "de inhoud is geen geldige JSON"),
)
_TECHNICAL_MAX = 200


def unreadable(what: str, exc: BaseException) -> ImportRefused:
    """A Dutch refusal for a file a reader library could not read: the likely cause first, what
    to do, and the library's own words (cut short) for a GIS colleague."""
    technical = " ".join(str(exc).split())
    lowered = technical.lower()
    cause = next((nl for en, nl in _CAUSES if en in lowered), "het bestand is beschadigd of heeft "
                 "een vorm die de planner niet kent")
    if len(technical) > _TECHNICAL_MAX:
        technical = technical[:_TECHNICAL_MAX] + "…"
    return ImportRefused(
        f"{what} is niet leesbaar: {cause}. Controleer of het bestand volledig is en de juiste "
        f"extensie heeft, of exporteer het opnieuw (bijvoorbeeld als GeoPackage). "
        f"Technische melding: {technical}"
    )
