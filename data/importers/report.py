"""What an import did, for the CLI, the API and the provenance rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from geo.schema import CRS


@dataclass
class ImportReport:
    """Counts, CRS, mapping and normalisations of one file read into one canonical layer."""

    laag: str
    bestand: str
    sha256: str
    preset: str = "generic"
    gelezen: int = 0
    geladen: int = 0
    hersteld: int = 0
    overgeslagen: dict[str, int] = field(default_factory=dict)
    crs_bron: str | None = None
    crs_gebruikt: str = CRS
    crs_afgeleid: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    genormaliseerd: dict[str, int] = field(default_factory=dict)
    meldingen: list[str] = field(default_factory=list)
    bron: str | None = None  # where the features came from (--bron, default the file name)
    verwijderd: dict[str, int] = field(default_factory=dict)  # replaced: bron -> features removed

    def skip(self, reden: str, aantal: int = 1) -> None:
        """Count `aantal` features skipped for `reden`."""
        if aantal:
            self.overgeslagen[reden] = self.overgeslagen.get(reden, 0) + int(aantal)

    def normalised(self, counts: Counter[str] | dict[str, int]) -> None:
        """Add counts of normalised values."""
        for key, n in counts.items():
            if n:
                self.genormaliseerd[key] = self.genormaliseerd.get(key, 0) + int(n)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict, JSON-serialisable."""
        return asdict(self)

    def to_text(self) -> str:
        """Dutch multi-line report for the command line."""
        lines = [
            f"Import laag '{self.laag}' uit {self.bestand} (herkend als: {self.preset})"
            + (f", bron '{self.bron}'" if self.bron and self.bron != self.bestand else ""),
            f"  sha256: {self.sha256}",
            f"  gelezen: {self.gelezen}, geladen: {self.geladen}, hersteld: {self.hersteld}",
        ]
        if self.verwijderd:
            lines.append(f"  verwijderd vóór het laden: {sum(self.verwijderd.values())}")
            lines += [f"    uit bron {naam!r}: {n}" for naam, n in self.verwijderd.items()]
        if self.overgeslagen:
            lines.append("  overgeslagen:")
            lines += [f"    {reden}: {n}" for reden, n in self.overgeslagen.items()]
        bron = self.crs_bron or "geen"
        afgeleid = " (afgeleid uit de coördinaten)" if self.crs_afgeleid else ""
        lines.append(f"  CRS: bron {bron}, gebruikt {self.crs_gebruikt}{afgeleid}")
        if self.mapping:
            lines.append("  koppeling van kolommen:")
            for canon, bron_kolom in self.mapping.items():
                if bron_kolom.startswith("="):
                    lines.append(f"    {canon} = {bron_kolom[1:]!r} (vaste waarde)")
                else:
                    lines.append(f"    {canon} ← {bron_kolom}")
        if self.genormaliseerd:
            lines.append("  genormaliseerd:")
            lines += [f"    {wat}: {n}" for wat, n in self.genormaliseerd.items()]
        if self.meldingen:
            lines.append("  meldingen:")
            lines += [f"    - {m}" for m in self.meldingen]
        return "\n".join(lines)
