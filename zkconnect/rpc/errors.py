"""THE one mapping from errors to JSON-RPC error objects.

Handlers raise; nothing else builds an error dict. :func:`to_error_object` turns any exception
into ``{"code", "message"[, "data"]}``:

==========================================  ======  =============================================
exception                                    code    message / data
==========================================  ======  =============================================
:class:`RpcError` and subclasses             own     own (``ParseError`` -32700, ``InvalidRequest``
                                                     -32600, ``MethodNotFound`` -32601,
                                                     ``InvalidParams`` -32602)
:class:`~zkconnect.errors.TransactionReverted`  3    "execution reverted[: reason]", data = revert bytes
                                                     (also "0x" for a revert without data; -32000 and
                                                     the reason for a failure that is not a revert)
:class:`~zkconnect.errors.ChainIdMismatch`   -32000  its message (geth: "invalid chain id for signer")
:class:`~zkconnect.errors.InvalidTransaction` -32000 its message (nonce, fee, funds, signature)
:class:`~zkconnect.errors.UnknownSnapshot`   -32000  its message
other :class:`~zkconnect.errors.ZkConnectError` -32000 its message
anything else                                -32603  "internal error: <type>: <message>", logged
==========================================  ======  =============================================
"""

from __future__ import annotations

import logging

from zkconnect.errors import ChainIdMismatch, InvalidTransaction, TransactionReverted, ZkConnectError
from zkconnect.protocol.reverts import geth_revert_message
from zkconnect.rpc.json_types import JSON, JsonObject

__all__ = [
    "INTERNAL_ERROR",
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "METHOD_NOT_FOUND",
    "PARSE_ERROR",
    "REVERT",
    "SERVER_ERROR",
    "InvalidParams",
    "InvalidRequest",
    "MethodNotFound",
    "ParseError",
    "RpcError",
    "RpcSetupError",
    "revert_message",
    "to_error_object",
]

log = logging.getLogger("zkconnect.rpc")

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_ERROR = -32000
REVERT = 3

# A revert without data: no reason, or py-evm's Revert(b"") rendered as text by the chain layer. geth answers it
# like any revert (code 3, "execution reverted", data "0x"); other empty-data failures (out of gas...) keep their text.
_EMPTY_REVERT_REASONS = ("", "b''")


class RpcError(ZkConnectError):
    """An error with its JSON-RPC code; ``data`` is included in the error object when not None."""

    code = INTERNAL_ERROR
    #: The request id to answer with when the error concerns the envelope itself.
    rpc_id: JSON = None

    def __init__(self, message: str, data: JSON = None, *, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data
        if code is not None:
            self.code = code


class ParseError(RpcError):
    """The body is not valid JSON (-32700)."""

    code = PARSE_ERROR


class InvalidRequest(RpcError):
    """Valid JSON but not a JSON-RPC request (-32600)."""

    code = INVALID_REQUEST


class MethodNotFound(RpcError):
    """No such method on this chain (-32601)."""

    code = METHOD_NOT_FOUND


class InvalidParams(RpcError):
    """A parameter is missing, malformed or out of range (-32602); the message names it."""

    code = INVALID_PARAMS


class RpcSetupError(ZkConnectError, ValueError):
    """The RPC layer was put together wrongly (a method registered twice, a provider without a chain)."""


def revert_message(revert_data: bytes) -> str:
    """geth's message for a revert: the ``Error(string)`` or panic reason when decodable."""
    return geth_revert_message(revert_data)


def to_error_object(exc: BaseException) -> JsonObject:
    """The JSON-RPC error object for ``exc`` (see the module table)."""
    if isinstance(exc, RpcError):
        out: JsonObject = {"code": exc.code, "message": exc.message}
        if exc.data is not None:
            out["data"] = exc.data
        return out
    if isinstance(exc, TransactionReverted):
        if exc.data or exc.reason in _EMPTY_REVERT_REASONS:
            return {"code": REVERT, "message": revert_message(exc.data), "data": "0x" + exc.data.hex()}
        return {"code": SERVER_ERROR, "message": str(exc.reason)}
    if isinstance(exc, ChainIdMismatch | InvalidTransaction):
        return {"code": SERVER_ERROR, "message": str(exc)}
    if isinstance(exc, ZkConnectError):
        return {"code": SERVER_ERROR, "message": str(exc)}
    log.exception("internal error while handling a JSON-RPC request", exc_info=exc)
    return {"code": INTERNAL_ERROR, "message": f"internal error: {type(exc).__name__}: {exc}"}
