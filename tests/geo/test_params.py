"""Rules files: defaults, overrides, and refusals with a Dutch message."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.params import RuleParams, RulesFileError, load_params


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regels.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_file_overrides_defaults(tmp_path: Path) -> None:
    params = load_params(_write(tmp_path, "afstand_m = 15\nmarge_jaar = 3\n[levensduur]\nPVC = 70\n"
                                          "[gewichten]\nm_r1 = 0.5\n"))
    assert params.afstand_m == 15.0 and params.marge_jaar == 3
    assert params.lifetime("pvc") == 70 and params.lifetime("beton") == 60
    assert params.gewichten == {**RuleParams().gewichten, "m_r1": 0.5}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("afstand = 12\n", "Onbekende parameter"),
        ("sectie_m = 0\n", "groter dan 0"),
        ("afstand_m = -1\n", "0 of meer"),
        ("marge_jaar = 2.7\n", "geheel getal"),
        ("afstand_m = 'tien'\n", "getal"),
        ("[levensduur]\npvc = 'zeventig'\n", "levensduur.pvc"),
        ("[levensduur]\npvc = 0\n", "groter dan 0"),
        ("[gewichten]\nm_r1 = 'veel'\n", "gewichten.m_r1"),
        ("[gewichten]\nm_r9 = 1\n", "Onbekende gewicht"),
        ("[gewichten]\nm_r1 = 0\nm_r2 = 0\nm_r3 = 0\nm_r4 = 0\nm_r5 = 0\n", "samen meer dan 0"),
        ("afstand_m = \n", "geen geldige TOML"),
        ("min_oppervlak_m2 = 0\n", "groter dan 0"),
        ("graafrust_jaar = 2.5\n", "geheel getal"),
        ("werk_status = 'gepland'\n", "moet een lijst zijn"),
        ("werk_status = ['gepland', 3]\n", "lijst van woorden"),
        ("werk_status = ['gepland', 'bezig']\n", "Onbekende status 'bezig' in werk_status"),
    ],
)
def test_bad_rules_files_are_refused(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(RulesFileError, match=fragment):
        load_params(_write(tmp_path, text))


def test_missing_rules_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RulesFileError, match="bestaat niet"):
        load_params(tmp_path / "weg.toml")


def test_werk_status_and_works_parameters(tmp_path: Path) -> None:
    assert RuleParams().werk_status == ("gepland", "in_uitvoering")
    params = load_params(_write(tmp_path, "werk_status = ['Idee', 'gepland', 'idee']\n"
                                          "min_oppervlak_m2 = 50\ngraafrust_jaar = 8\n"))
    assert params.werk_status == ("idee", "gepland")
    assert (params.min_oppervlak_m2, params.graafrust_jaar) == (50.0, 8)
    # An empty list is allowed: then no werk takes part.
    assert load_params(_write(tmp_path, "werk_status = []\n")).werk_status == ()
    # The run record (to_dict) reads back as the same parameters.
    assert load_params(**params.to_dict()) == params
