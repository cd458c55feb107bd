"""What a party's key may import: only its own planned works (RULES.md §9, layer werk).

A key made with `koppelkansen sleutel maak NAAM --organisatie PARTIJ` delivers the plans of
one party. Its imports go to layer werk with `partij` fixed to that party, under a source name
of that party, so that `replace` renews its own plans and never touches another party's.
"""

from __future__ import annotations

from app.auth.service import Forbidden


def party_import(organisatie: str | None, *, laag: str, values: dict[str, str],
                 bron: str | None, replace_laag: bool) -> tuple[dict[str, str], str | None]:
    """The --set values and the source name of an import by a key of `organisatie`.

    Without an organisation the import is unchanged. With one: only layer werk, never
    emptying the whole layer, partij set to the organisation (a different partij is refused),
    and the source named after the organisation ('Liander' or 'Liander: <bron>').
    """
    if organisatie is None:
        return values, bron
    if laag != "werk":
        raise Forbidden(f"Deze sleutel hoort bij {organisatie} en mag alleen geplande werken "
                        "aanleveren (laag werk), niet laag " + laag + ".")
    if replace_laag:
        raise Forbidden(f"Deze sleutel hoort bij {organisatie}: die mag de werken van andere "
                        "partijen niet weghalen. Gebruik 'replace' om alleen je eigen eerdere "
                        "aanlevering te vervangen.")
    gegeven = values.get("partij")
    if gegeven is not None and gegeven.strip() != organisatie:
        raise Forbidden(f"Deze sleutel hoort bij {organisatie}; werken van '{gegeven}' kan "
                        "alleen die partij zelf (of een beheerder) aanleveren.")
    bron = organisatie if not bron else f"{organisatie}: {bron}"
    return {**values, "partij": organisatie}, bron
