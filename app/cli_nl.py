"""Dutch for the headings and markers that typer prints in help texts."""

from __future__ import annotations

import importlib

NL = {
    "Options": "Opties",
    "Arguments": "Argumenten",
    "Commands": "Opdrachten",
    "[required]": "[verplicht]",
    "required": "verplicht",
    "default: {default}": "standaard: {default}",
}

# typer carries its own copy of click; only its help layout goes through gettext.
_MODULES = ("typer.core",)


def _translate(message: str) -> str:
    return NL.get(message, message)


def install() -> None:
    """Make click and typer speak Dutch in this process."""
    for name in _MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = _translate  # type: ignore[attr-defined]
