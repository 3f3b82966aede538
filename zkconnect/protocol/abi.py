"""ABI helpers shared by the protocol encodings: selectors, address normalisation, checked
``eth_abi`` encode/decode that raise :class:`~zkconnect.errors.EncodingError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_abi.abi import decode as _abi_decode
from eth_abi.abi import encode as _abi_encode
from eth_abi.exceptions import DecodingError as _AbiDecodingError
from eth_abi.exceptions import EncodingError as _AbiEncodingError
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from zkconnect.errors import EncodingError

__all__ = ["check_bytes32", "check_uint", "decode_abi", "encode_abi", "selector", "to_address"]


def selector(signature: str) -> bytes:
    """The 4-byte function selector of a canonical signature such as ``"useFixedFee(bool)"``."""
    return keccak(signature.encode("ascii"))[:4]


def to_address(value: str | bytes) -> str:
    """Normalise a hex string or 20 raw bytes to a checksummed address string."""
    if isinstance(value, bytes):
        if len(value) != 20:
            raise EncodingError(f"an address is 20 bytes, got {len(value)}")
        return to_checksum_address(value)
    text = value[2:] if value[:2] in ("0x", "0X") else value
    if len(text) != 40:
        raise EncodingError(f"an address is 20 bytes, got {value!r}")
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise EncodingError(f"not a hex address: {value!r}") from None
    return to_checksum_address(raw)


def check_bytes32(value: bytes, what: str) -> bytes:
    """``value`` when it is 32 raw bytes, else :class:`EncodingError` naming ``what``."""
    if not isinstance(value, bytes) or len(value) != 32:
        raise EncodingError(f"{what} must be 32 bytes, got {value!r}")
    return value


def check_uint(value: int, bits: int, what: str) -> int:
    """``value`` when it fits a ``uint<bits>`` (bools refused), else :class:`EncodingError`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < (1 << bits):
        raise EncodingError(f"{what} must be a uint{bits}, got {value!r}")
    return value


def encode_abi(types: Sequence[str], values: Sequence[object]) -> bytes:
    """``abi.encode(values…)``; :class:`EncodingError` when the values do not fit the types."""
    try:
        return _abi_encode(types, values)
    except (_AbiEncodingError, TypeError, ValueError) as exc:
        raise EncodingError(f"cannot ABI-encode {values!r} as {list(types)}: {exc}") from exc


# Any: decoded values are as heterogeneous as the types asked for; callers unpack them at once.
def decode_abi(types: Sequence[str], data: bytes, what: str) -> tuple[Any, ...]:
    """``abi.decode(data, types)``; :class:`EncodingError` naming ``what`` when it does not decode."""
    try:
        return tuple(_abi_decode(types, data))
    except (_AbiDecodingError, TypeError, ValueError) as exc:
        raise EncodingError(f"{what} does not decode as {list(types)}: {exc}") from exc
