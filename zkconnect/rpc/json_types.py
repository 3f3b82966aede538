"""The types of JSON values as the RPC layer sees them: what ``json.loads`` gives and ``json.dumps`` takes.

``JSON`` uses the read-only ``Mapping``/``Sequence`` so a handler returning ``dict[str, list[str]]``
is a JSON result without copies or casts; :data:`JsonObject` is the mutable object the encoders
build and the receipt/transaction hooks extend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

__all__ = ["JSON", "JsonObject", "Params"]

JSON: TypeAlias = "Mapping[str, JSON] | Sequence[JSON] | str | int | float | bool | None"
"""Any JSON value."""
JsonObject: TypeAlias = dict[str, "JSON"]
"""A JSON object under construction."""
Params: TypeAlias = list["JSON"] | dict[str, "JSON"]
"""The ``params`` of a request: positional (an array) or by name (an object)."""
