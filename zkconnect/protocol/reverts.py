"""Readable revert reasons: custom errors of every shipped contract decoded by name and arguments.

>>> from eth_utils.crypto import keccak
>>> describe_revert(keccak(b"BundleAlreadyProcessed(bytes32)")[:4] + bytes(32))
'BundleAlreadyProcessed(0x0000000000000000000000000000000000000000000000000000000000000000)'
"""

from __future__ import annotations

from functools import cache
from typing import Any

from eth_abi.abi import decode
from eth_utils.crypto import keccak

from zkconnect.artifacts import available, load

__all__ = ["custom_errors", "describe_revert", "error_name"]


def _type_of(param: dict[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return "(" + ",".join(_type_of(c) for c in param.get("components", [])) + ")" + kind[len("tuple") :]
    return kind


@cache
def custom_errors() -> dict[bytes, tuple[str, tuple[str, ...]]]:
    """Selector -> (name, argument types) of every custom error in the shipped artifacts."""
    table: dict[bytes, tuple[str, tuple[str, ...]]] = {}
    for name in available():
        for item in load(name).abi:
            if item.get("type") != "error":
                continue
            types = tuple(_type_of(p) for p in item.get("inputs", []))
            signature = f"{item['name']}({','.join(types)})"
            table.setdefault(keccak(signature.encode())[:4], (str(item["name"]), types))
    return table


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return str(value)


def error_name(data: bytes) -> str | None:
    """The custom error's name when ``data`` starts with a known selector, else None."""
    found = custom_errors().get(bytes(data[:4]))
    return found[0] if found else None


def describe_revert(data: bytes) -> str:
    """``Name(arg, …)`` for a known custom error, the message of ``Error(string)``, a panic code,
    or the raw hex; ``"reverted without data"`` for empty data."""
    data = bytes(data)
    if not data:
        return "reverted without data"
    found = custom_errors().get(data[:4])
    if found is not None:
        name, types = found
        try:
            values = decode(list(types), data[4:])
        except Exception:
            return f"{name}(<undecodable: 0x{data[4:].hex()}>)"
        return f"{name}({', '.join(_show(v) for v in values)})"
    return decode_revert_reason(data)


def decode_revert_reason(data: bytes) -> str:
    """A human reading of revert data: ``Error(string)``, ``Panic(uint256)``, or the raw selector."""
    if data[:4] == bytes.fromhex("08c379a0") and len(data) >= 68:
        try:
            from eth_abi.abi import decode

            return str(decode(["string"], data[4:])[0])
        except Exception:
            return "0x" + data.hex()
    if data[:4] == bytes.fromhex("4e487b71") and len(data) == 36:
        return f"Panic(0x{int.from_bytes(data[4:], 'big'):02x})"
    return "0x" + data.hex() if data else ""
