"""A minimal Mapbox Vector Tile reader for the tests (layers, features, attributes, types).

The `mapbox-vector-tile` package is not a dependency; the protobuf wire format of the MVT 2.1
spec is small enough to read here: varints, length-delimited fields and fixed 32/64-bit values.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

GEOM_TYPES = {0: "UNKNOWN", 1: "POINT", 2: "LINESTRING", 3: "POLYGON"}


@dataclass
class Feature:
    """One decoded feature: geometry type, attributes, number of geometry commands."""

    type: str
    properties: dict[str, Any]
    geometry_ints: int


@dataclass
class Layer:
    """One decoded layer."""

    name: str
    extent: int
    version: int
    features: list[Feature] = field(default_factory=list)


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value) of a protobuf message."""
    out: list[tuple[int, int, Any]] = []
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"onbekend wire type {wire}")
        out.append((number, wire, value))
    return out


def _packed(buf: bytes) -> list[int]:
    values, pos = [], 0
    while pos < len(buf):
        v, pos = _varint(buf, pos)
        values.append(v)
    return values


def _value(buf: bytes) -> Any:
    for number, _, raw in _fields(buf):
        if number == 1:
            return raw.decode()
        if number == 2:
            return struct.unpack("<f", raw)[0]
        if number == 3:
            return struct.unpack("<d", raw)[0]
        if number in (4, 5):
            return raw if number == 5 or raw < 2**63 else raw - 2**64
        if number == 6:
            return (raw >> 1) ^ -(raw & 1)
        if number == 7:
            return bool(raw)
    return None


def decode(data: bytes) -> dict[str, Layer]:
    """Decode a tile into {layer name: Layer}."""
    layers: dict[str, Layer] = {}
    for number, _, raw in _fields(data):
        if number != 3:
            continue
        name, extent, version = "", 4096, 1
        keys: list[str] = []
        values: list[Any] = []
        raw_features: list[bytes] = []
        for n, _, v in _fields(raw):
            if n == 1:
                name = v.decode()
            elif n == 2:
                raw_features.append(v)
            elif n == 3:
                keys.append(v.decode())
            elif n == 4:
                values.append(_value(v))
            elif n == 5:
                extent = v
            elif n == 15:
                version = v
        layer = Layer(name=name, extent=extent, version=version)
        for rf in raw_features:
            tags: list[int] = []
            gtype, ngeom = 0, 0
            for n, _, v in _fields(rf):
                if n == 2:
                    tags = _packed(v)
                elif n == 3:
                    gtype = v
                elif n == 4:
                    ngeom = len(_packed(v))
            props = {keys[tags[i]]: values[tags[i + 1]] for i in range(0, len(tags), 2)}
            layer.features.append(Feature(GEOM_TYPES[gtype], props, ngeom))
        layers[name] = layer
    return layers
