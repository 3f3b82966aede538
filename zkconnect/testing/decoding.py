"""Readable reverts in tests: the user's own custom errors (from contracts compiled through
:func:`~zkconnect.testing.compile_solidity`) decoded first, then zkconnect's, by the one decoder in
:mod:`zkconnect.protocol.reverts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from zkconnect.engine.chain import Receipt
from zkconnect.errors import TransactionReverted
from zkconnect.protocol.reverts import AbiEntry, abi_type, describe_revert, error_table
from zkconnect.testing.frames import hide_internal_frames

__all__ = ["describe", "register_errors", "reverted", "reverts", "signature"]

__tracebackhide__ = hide_internal_frames

# Custom errors of contracts compiled through zkconnect.testing: selector -> (name, argument types).
_USER_ERRORS: dict[bytes, tuple[str, tuple[str, ...]]] = {}


def signature(item: AbiEntry) -> str:
    """The canonical signature of an ABI function, event or error (``transfer(address,uint256)``)."""
    return f"{item['name']}({','.join(abi_type(p) for p in item.get('inputs', []))})"


def register_errors(abi: Iterable[AbiEntry]) -> None:
    """Make the custom errors of ``abi`` decodable in :func:`describe` (the first declaration of a selector wins)."""
    for selector, found in error_table(abi).items():
        _USER_ERRORS.setdefault(selector, found)


def describe(data: bytes) -> str:
    """Revert data as ``Name(args…)``: custom errors of contracts compiled here, then zkconnect's own."""
    return describe_revert(data, _USER_ERRORS)


def reverted(receipt: Receipt, what: str) -> TransactionReverted:
    """The :class:`TransactionReverted` for a failed ``receipt``, its message naming ``what`` reverted and why."""
    reason = describe(receipt.output)
    error = TransactionReverted(receipt.output, reason, tx_hash=receipt.tx_hash)
    error.args = (f"{what} reverted: {reason} (tx 0x{receipt.tx_hash.hex()})",)
    return error


@contextmanager
def reverts(match: str | None = None) -> Iterator[None]:
    """Expect the block to raise :class:`TransactionReverted` whose decoded reason matches ``match``."""
    try:
        yield
    except TransactionReverted as exc:
        reason = describe(exc.data)
        if match is not None and not re.search(match, reason):
            raise AssertionError(f"reverted with {reason}, which does not match {match!r}") from None
        return
    raise AssertionError(f"expected a revert{f' matching {match!r}' if match else ''}, but nothing reverted")
