"""Rule parameters of RULES.md with their defaults, and reading them from a TOML rules file."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from geo.schema import WERK_STATUSES

DEFAULT_LEVENSDUUR: dict[str, int] = {
    "beton": 60,
    "gewapend beton": 60,
    "gres": 80,
    "pvc": 60,
    "pe": 60,
    "gietijzer": 80,
    "metselwerk": 100,
}
DEFAULT_LEVENSDUUR_OVERIG = 60

# m_r5 counts only when a werk layer is loaded (RULES.md §9); without one §5 is unchanged.
DEFAULT_WEIGHTS: dict[str, float] = {"m_r1": 0.4, "m_r2": 0.2, "m_r3": 0.25, "m_r4": 0.15,
                                     "m_r5": 0.2}
DEFAULT_WERK_STATUS = ("gepland", "in_uitvoering")


class RulesFileError(ValueError):
    """A rules file that cannot be used; the message is Dutch and names the problem."""


@dataclass(frozen=True)
class RuleParams:
    """Every tunable number of RULES.md; the defaults are the documented ones."""

    sectie_m: float = 100.0
    afstand_m: float = 10.0
    marge_jaar: int = 5
    min_lengte_m: float = 10.0
    groen_buffer_m: float = 25.0
    groen_drempel: float = 0.15
    boom_afstand_m: float = 5.0
    klasse_max: int = 4
    laag_aandeel_min: float = 0.5
    horizon_jaar: int = 10
    signaal_jaren: int = 2
    # RULES.md §7 streets
    straat_afstand_m: float = 15.0
    straten_aandeel: float = 0.2
    # RULES.md §9 works of every party
    min_oppervlak_m2: float = 100.0
    graafrust_jaar: int = 10
    werk_status: tuple[str, ...] = DEFAULT_WERK_STATUS
    levensduur: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_LEVENSDUUR))
    levensduur_overig: int = DEFAULT_LEVENSDUUR_OVERIG
    gewichten: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def to_dict(self) -> dict[str, Any]:
        """All parameters as plain JSON-able values, for the analysis run record."""
        return asdict(self)

    def lifetime(self, materiaal: str | None) -> int:
        """Lifetime in years of a pipe of this (normalised) material."""
        if materiaal is None:
            return self.levensduur_overig
        return self.levensduur.get(materiaal, self.levensduur_overig)


def load_params(path: Path | None = None, **overrides: Any) -> RuleParams:
    """Read a TOML rules file (flat keys, plus [levensduur] and [gewichten] tables) over the defaults."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            values = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise RulesFileError(f"Regelbestand '{path}' bestaat niet.") from exc
        except tomllib.TOMLDecodeError as exc:
            raise RulesFileError(f"Regelbestand '{path}' is geen geldige TOML: {exc}") from exc
    values.update({k: v for k, v in overrides.items() if v is not None})
    return params_from_dict(values)


def params_from_dict(values: dict[str, Any]) -> RuleParams:
    """Build RuleParams from a dict, refusing unknown keys and wrong values with a Dutch message."""
    base = RuleParams()
    known = {f.name for f in fields(RuleParams)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise RulesFileError(
            f"Onbekende parameter(s) {', '.join(unknown)}. Bekend zijn: {', '.join(sorted(known))}."
        )
    clean: dict[str, Any] = {}
    for key, value in values.items():
        default = getattr(base, key)
        if isinstance(default, dict):
            clean[key] = _table(key, value, default)
        elif key == "werk_status":
            clean[key] = _werk_status(value)
        else:
            clean[key] = _number(key, value, whole=isinstance(default, int),
                                 positive=key in _POSITIVE)
    if sum(clean.get("gewichten", base.gewichten).values()) <= 0:
        raise RulesFileError("De gewichten moeten samen meer dan 0 zijn.")
    return replace(base, **clean)


# Parameters for which 0 makes no sense (a section of 0 m, a lifetime of 0 years).
# min_oppervlak_m2 = 0 would let two polygons that only touch meet, with an empty overlap.
_POSITIVE = {"sectie_m", "groen_buffer_m", "min_oppervlak_m2"}


def _werk_status(value: Any) -> tuple[str, ...]:
    """The statuses of works that take part (RULES.md §9): a list of WERK_STATUSES."""
    voorbeeld = ", ".join(f'"{s}"' for s in DEFAULT_WERK_STATUS)
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise RulesFileError(
            f"Parameter 'werk_status' moet een lijst zijn, bijvoorbeeld [{voorbeeld}].")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise RulesFileError(
                f"Parameter 'werk_status' moet een lijst van woorden zijn, niet '{item}'.")
        status = item.strip().lower()
        if status not in WERK_STATUSES:
            raise RulesFileError(
                f"Onbekende status '{item}' in werk_status; kies uit {', '.join(WERK_STATUSES)}.")
        if status not in out:
            out.append(status)
    return tuple(out)


def _number(name: str, value: Any, *, whole: bool, positive: bool = False) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RulesFileError(f"Parameter '{name}' moet een getal zijn, niet '{value}'.")
    if value < 0 or (positive and value == 0):
        limit = "groter dan 0" if positive else "0 of meer"
        raise RulesFileError(f"Parameter '{name}' moet {limit} zijn, niet {value}.")
    if whole and value != int(value):
        raise RulesFileError(f"Parameter '{name}' moet een geheel getal zijn, niet {value}.")
    return int(value) if whole else float(value)


def _table(name: str, value: Any, default: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RulesFileError(f"Parameter '{name}' moet een tabel zijn, bijvoorbeeld [{name}].")
    entries = {str(k).lower(): v for k, v in value.items()}
    if name == "gewichten":
        unknown = sorted(set(entries) - set(default))
        if unknown:
            raise RulesFileError(
                f"Onbekende gewicht(en) {', '.join(unknown)}; gebruik m_r1, m_r2, m_r3, m_r4, m_r5."
            )
        return {**default, **{k: _number(f"gewichten.{k}", v, whole=False)
                              for k, v in entries.items()}}
    return {**default, **{k: _number(f"{name}.{k}", v, whole=True, positive=True)
                          for k, v in entries.items()}}
