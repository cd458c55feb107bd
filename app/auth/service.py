"""API keys: created and revoked with the CLI, stored as SHA-256 hashes, checked per request."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import DomainError, NotFound

Rol = Literal["viewer", "editor"]
ROLES: tuple[str, ...] = ("viewer", "editor")
KEY_PREFIX = "kk_"


class Unauthorized(DomainError):
    """No valid key given where one is needed."""

    status_code = 401


class Forbidden(DomainError):
    """A valid key whose role does not allow this."""

    status_code = 403


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, *, naam: str, rol: str,
               organisatie: str | None = None) -> tuple[int, str]:
    """Create a key; the plain key is returned once and never stored.

    A key with an `organisatie` delivers that party's planned works only (layer werk, with
    partij fixed to it, RULES.md §9).
    """
    if rol not in ROLES:
        raise DomainError(f"Onbekende rol '{rol}'. Kies 'viewer' (lezen) of 'editor' (schrijven).")
    organisatie = (organisatie or "").strip() or None
    if organisatie is not None and len(organisatie) > 200:
        raise DomainError("De naam van de organisatie is te lang (meer dan 200 tekens).")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = session.execute(
        text("INSERT INTO api_key (naam, rol, prefix, key_hash, organisatie) VALUES (:naam, "
             ":rol, :prefix, :hash, :organisatie) RETURNING id"),
        {"naam": naam, "rol": rol, "prefix": key[:10], "hash": hash_key(key),
         "organisatie": organisatie},
    ).scalar_one()
    session.commit()
    return key_id, key


def revoke_key(session: Session, *, key_id: int) -> None:
    """Revoke a key by its number; it stops working at once."""
    revoked = session.execute(
        text("UPDATE api_key SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL "
             "RETURNING id"),
        {"id": key_id},
    ).first()
    if revoked is None:
        raise NotFound(f"Er is geen geldige sleutel met nummer {key_id}.")
    session.commit()


def list_keys(session: Session) -> list[dict[str, Any]]:
    """All keys without their secret: number, name, role, prefix, dates."""
    rows = session.execute(
        text("SELECT id, naam, rol, organisatie, prefix, created_at, revoked_at FROM api_key "
             "ORDER BY id")
    ).mappings()
    return [dict(r) for r in rows]


def role_of(session: Session, key: str | None) -> str | None:
    """The role of a presented key, or None when it is missing, unknown or revoked."""
    if not key:
        return None
    return session.execute(
        text("SELECT rol FROM api_key WHERE key_hash = :hash AND revoked_at IS NULL"),
        {"hash": hash_key(key)},
    ).scalar_one_or_none()


def organisatie_of(session: Session, key: str | None) -> str | None:
    """The organisation of a valid presented key, or None (no key, or a key for any layer)."""
    if not key:
        return None
    return session.execute(
        text("SELECT organisatie FROM api_key WHERE key_hash = :hash AND revoked_at IS NULL"),
        {"hash": hash_key(key)},
    ).scalar_one_or_none()


def check_role(session: Session, key: str | None, *, needed: Rol) -> None:
    """Raise Unauthorized/Forbidden unless key has the needed role (editor may also read)."""
    what = "schrijven (importeren, besluiten vastleggen)" if needed == "editor" else "lezen"
    ask = (f"Vraag een beheerder om een sleutel met rol '{needed}' "
           f"(koppelkansen sleutel maak NAAM --rol {needed}).")
    if not key:
        where = "de header 'X-API-Key'" + (
            "" if needed == "editor" else " (of als wachtwoord bij Basic-authenticatie)")
        raise Unauthorized(f"Voor {what} is een API-sleutel nodig in {where}. {ask}")
    rol = role_of(session, key)
    if rol is None:
        raise Unauthorized(f"Deze API-sleutel is onbekend of ingetrokken. {ask}")
    if needed == "editor" and rol != "editor":
        raise Forbidden(f"Deze sleutel mag alleen lezen; voor {what} is rol 'editor' nodig.")
