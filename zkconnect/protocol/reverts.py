"""ALL revert decoding: one classifier (:func:`decode_revert`) and the readings its callers need.

- :func:`describe_revert`: ``Name(arg, …)`` for custom errors (the shipped contracts', plus any table the
  caller adds, e.g. the user's own contracts in :mod:`zkconnect.testing`), else :func:`decode_revert_reason`;
- :func:`decode_revert_reason`: the engine's reading (``Error(string)`` text, ``Panic(0x..)``, or hex);
- :func:`geth_revert_message`: geth's JSON-RPC message (``execution reverted[: reason]``).

>>> from eth_utils.crypto import keccak
>>> describe_revert(keccak(b"BundleAlreadyProcessed(bytes32)")[:4] + bytes(32))
'BundleAlreadyProcessed(0x0000000000000000000000000000000000000000000000000000000000000000)'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from eth_abi.abi import decode
from eth_utils.crypto import keccak

from zkconnect.artifacts import available, load

__all__ = [
    "AbiEntry",
    "ErrorTable",
    "Revert",
    "abi_type",
    "custom_errors",
    "decode_revert",
    "decode_revert_reason",
    "describe_revert",
    "error_name",
    "error_table",
    "geth_revert_message",
]

# Any: an ABI entry is parsed JSON, nested as deep as the types it describes.
AbiEntry = Mapping[str, Any]
"""One entry (or parameter) of a contract ABI, as parsed from JSON."""

ErrorTable = Mapping[bytes, tuple[str, tuple[str, ...]]]
"""Custom-error selector -> (error name, argument ABI types)."""

_ERROR_STRING = bytes.fromhex("08c379a0")
_PANIC = bytes.fromhex("4e487b71")

# geth's wording for the Solidity panic codes (core/vm/errors.go / accounts/abi).
_GETH_PANICS = {
    0x00: "generic panic",
    0x01: "assert(false)",
    0x11: "arithmetic underflow or overflow",
    0x12: "division or modulo by zero",
    0x21: "enum overflow",
    0x22: "invalid encoded storage byte array accessed",
    0x31: "out-of-bounds array access; popping on an empty array",
    0x32: "out-of-bounds access of an array or bytesN",
    0x41: "out of memory",
    0x51: "uninitialized function",
}


def abi_type(param: AbiEntry) -> str:
    """The canonical type of an ABI parameter, tuples spelled out (``(uint256,address)[]``)."""
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return "(" + ",".join(abi_type(c) for c in param.get("components", [])) + ")" + kind[len("tuple") :]
    return kind


def error_table(abi: Iterable[AbiEntry]) -> dict[bytes, tuple[str, tuple[str, ...]]]:
    """The custom errors an ABI declares, as an :data:`ErrorTable` (first declaration wins)."""
    table: dict[bytes, tuple[str, tuple[str, ...]]] = {}
    for item in abi:
        if item.get("type") != "error":
            continue
        types = tuple(abi_type(p) for p in item.get("inputs", []))
        signature = f"{item['name']}({','.join(types)})"
        table.setdefault(keccak(signature.encode())[:4], (str(item["name"]), types))
    return table


@cache
def custom_errors() -> dict[bytes, tuple[str, tuple[str, ...]]]:
    """Selector -> (name, argument types) of every custom error in the shipped artifacts."""
    table: dict[bytes, tuple[str, tuple[str, ...]]] = {}
    for name in available():
        for selector, found in error_table(load(name).abi).items():
            table.setdefault(selector, found)
    return table


@dataclass(frozen=True)
class Revert:
    """Revert data classified.

    ``kind`` is ``"custom"`` (``name``, and ``args`` unless the arguments do not decode), ``"error"``
    (``Error(string)``: ``message``), ``"panic"`` (``Panic(uint256)``: ``panic``) or ``"raw"`` (anything
    else, including empty data and an ``Error(string)`` that does not decode).
    """

    data: bytes
    kind: Literal["custom", "error", "panic", "raw"]
    name: str | None = None
    args: tuple[object, ...] | None = None
    message: str | None = None
    panic: int | None = None


def decode_revert(data: bytes, tables: Sequence[ErrorTable] = ()) -> Revert:
    """Classify revert ``data``; custom errors are looked up in ``tables``, in order."""
    data = bytes(data)
    for table in tables:
        found = table.get(data[:4]) if len(data) >= 4 else None
        if found is not None:
            name, types = found
            try:
                args = tuple(decode(list(types), data[4:]))
            except Exception:
                return Revert(data, "custom", name=name)
            return Revert(data, "custom", name=name, args=args)
    if data[:4] == _ERROR_STRING and len(data) >= 68:
        try:
            return Revert(data, "error", message=str(decode(["string"], data[4:])[0]))
        except Exception:
            return Revert(data, "raw")
    if data[:4] == _PANIC and len(data) == 36:
        return Revert(data, "panic", panic=int.from_bytes(data[4:], "big"))
    return Revert(data, "raw")


def _show(value: object) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return str(value)


def _reason(revert: Revert) -> str:
    if revert.kind == "error":
        return str(revert.message)
    if revert.kind == "panic":
        return f"Panic(0x{revert.panic:02x})"
    return "0x" + revert.data.hex() if revert.data else ""


def error_name(data: bytes) -> str | None:
    """The custom error's name when ``data`` starts with a known selector, else None."""
    return decode_revert(data, (custom_errors(),)).name


def describe_revert(data: bytes, extra_errors: ErrorTable | None = None) -> str:
    """``Name(arg, …)`` for a known custom error (``extra_errors`` first, then the shipped contracts'),
    the message of ``Error(string)``, a panic code, or the raw hex; ``"reverted without data"`` for empty data."""
    if not data:
        return "reverted without data"
    tables = (custom_errors(),) if extra_errors is None else (extra_errors, custom_errors())
    revert = decode_revert(data, tables)
    if revert.kind != "custom":
        return _reason(revert)
    if revert.args is None:
        return f"{revert.name}(<undecodable: 0x{revert.data[4:].hex()}>)"
    return f"{revert.name}({', '.join(_show(v) for v in revert.args)})"


def decode_revert_reason(data: bytes) -> str:
    """A human reading of revert data: ``Error(string)``, ``Panic(uint256)``, or the raw selector."""
    return _reason(decode_revert(data))


def geth_revert_message(data: bytes) -> str:
    """geth's message for a revert: the ``Error(string)`` or panic reason when decodable."""
    revert = decode_revert(data)
    if revert.kind == "error":
        return f"execution reverted: {revert.message}"
    if revert.kind == "panic" and revert.panic is not None:
        return f"execution reverted: {_GETH_PANICS.get(revert.panic, f'unknown panic code: {revert.panic:#x}')}"
    return "execution reverted"
