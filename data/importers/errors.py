"""The one error an import raises: a refusal the user can act on."""

from __future__ import annotations


class ImportRefused(Exception):
    """The file cannot be imported as it is; `message` says why and how to fix it (Dutch)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
