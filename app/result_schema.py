"""Typed API fields of the result columns, derived from their declaration in geo/schema.py."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, create_model

from geo.schema import ResultColumn

# The Python type a declared dtype is answered as.
PYTHON_TYPES: dict[str, type] = {"str": str, "Int64": int, "float64": float, "bool": bool}


def api_field(column: ResultColumn) -> tuple[Any, Any]:
    """(type, FieldInfo) of one result column in a pydantic model."""
    description = column.api_doc or column.label
    if column.api == "regels":
        return list[str], Field(default_factory=list, description=description)
    kind: Any = PYTHON_TYPES[column.dtype]
    if column.nullable:
        kind = kind | None
    extra: dict[str, Any] = {"examples": [column.example]} if column.example else {}
    if column.default is not None:
        return kind, Field(column.default, description=description, **extra)
    return kind, Field(description=description, **extra)


def result_model(name: str, doc: str, columns: tuple[ResultColumn, ...],
                 module: str) -> type[BaseModel]:
    """A response model with one field per declared column, in declaration order."""
    fields: dict[str, Any] = {column.name: api_field(column) for column in columns}
    return create_model(name, __doc__=doc, __module__=module, **fields)
