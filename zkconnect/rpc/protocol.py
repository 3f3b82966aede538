"""JSON-RPC 2.0 protocol, pure: request bytes in, response object out. No I/O.

:func:`handle` parses a body, validates envelopes, runs single requests and batches through a
``call(method, params)`` function, and returns the response (a dict, a list for batches, or
``None`` when nothing must be sent back: notifications). The policy for malformed input is the
one of ``adversarial.md`` B.4 (S1-S9):

* not JSON -> -32700 with id null; nested deeper than :attr:`Limits.max_depth` -> -32700 too,
  detected before parsing so no ``RecursionError`` can happen;
* JSON but not a request -> -32600, echoing the id when it has a valid type;
* ``[]`` -> one -32600 object; a batch above :attr:`Limits.max_batch` -> one -32600 object;
* items of a batch are answered in order, notifications left out; an all-notification batch
  gets no body at all.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from zkconnect.rpc.errors import InvalidRequest, ParseError, to_error_object
from zkconnect.rpc.json_types import JSON, JsonObject, Params

__all__ = ["Call", "Limits", "Request", "Response", "encode", "handle", "handle_bytes", "parse_request"]

Call = Callable[[str, Params], JSON]
"""Runs one method: ``call(method, params) -> result``; raises to answer with an error."""
Response = JsonObject | list[JsonObject] | None
"""What :func:`handle` answers: one response object, a batch's list, or nothing (notifications)."""


class _Missing(enum.Enum):
    NO_ID = enum.auto()


_NO_ID = _Missing.NO_ID


@dataclass(frozen=True)
class Limits:
    """Input limits: body bytes (enforced by the transport), batch items, JSON nesting depth."""

    max_body: int = 5 * 1024 * 1024
    max_batch: int = 1000
    max_depth: int = 128


@dataclass(frozen=True)
class Request:
    """One validated request; ``id`` is absent (``is_notification``) for notifications."""

    method: str
    params: Params
    id: JSON | _Missing = _NO_ID

    @property
    def is_notification(self) -> bool:
        """True when the request has no id (no response must be sent)."""
        return self.id is _NO_ID


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")


def _json_depth(body: bytes) -> int:
    """Maximum nesting of ``[``/``{`` outside strings, computed without recursion."""
    if b"[" not in body and b"{" not in body:
        return 0
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    return max(accumulate(1 if c in b"[{" else -1 for c in brackets))


def _valid_id(value: object) -> bool:
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


def _invalid(message: str, rid: JSON) -> InvalidRequest:
    exc = InvalidRequest(f"invalid request: {message}")
    exc.rpc_id = rid
    return exc


def parse_request(item: JSON) -> Request:
    """Validate one envelope; raises :class:`InvalidRequest` (carrying the id when usable)."""
    if not isinstance(item, dict):
        raise _invalid("expected a JSON object", None)
    rid: JSON | _Missing = item.get("id", _NO_ID)
    echo = rid if not isinstance(rid, _Missing) and _valid_id(rid) else None
    if item.get("jsonrpc") != "2.0":
        raise _invalid('"jsonrpc" must be "2.0"', echo)
    if not isinstance(rid, _Missing) and not _valid_id(rid):
        raise _invalid("id must be a string, a number or null", None)
    method = item.get("method")
    if not isinstance(method, str) or not method:
        raise _invalid('"method" must be a non-empty string', echo)
    params = item.get("params", [])
    if params is None:
        params = []
    if not isinstance(params, list | dict):
        raise _invalid('"params" must be an array or an object', echo)
    return Request(method, params, rid)


def _error(rid: JSON, exc: BaseException) -> JsonObject:
    return {"jsonrpc": "2.0", "id": rid, "error": to_error_object(exc)}


def _run_one(item: JSON, call: Call) -> JsonObject | None:
    try:
        request = parse_request(item)
    except InvalidRequest as exc:
        return _error(exc.rpc_id, exc)
    rid = request.id
    try:
        result = call(request.method, request.params)
    except Exception as exc:
        return None if isinstance(rid, _Missing) else _error(rid, exc)
    if isinstance(rid, _Missing):
        return None
    return {"jsonrpc": "2.0", "id": rid, "result": result}


def handle(body: bytes | str, call: Call, limits: Limits | None = None) -> Response:
    """Answer a JSON-RPC body. ``None`` means no response body (notifications only)."""
    limits = limits or Limits()
    raw = body.encode() if isinstance(body, str) else body
    if _json_depth(raw) > limits.max_depth:
        return _error(None, ParseError(f"parse error: JSON nested deeper than {limits.max_depth} levels"))
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return _error(None, ParseError(f"parse error: {exc}"))
    if isinstance(message, list):
        if not message:
            return _error(None, InvalidRequest("invalid request: empty batch"))
        if len(message) > limits.max_batch:
            first = message[0].get("id") if isinstance(message[0], dict) else None
            return _error(
                first if _valid_id(first) else None,
                InvalidRequest(f"batch too large: {len(message)} requests, at most {limits.max_batch}"),
            )
        responses = [r for r in (_run_one(item, call) for item in message) if r is not None]
        return responses or None
    return _run_one(message, call)


def encode(response: Response) -> bytes:
    """Serialize a response object (compact JSON, UTF-8); ``b""`` for ``None``."""
    if response is None:
        return b""
    return json.dumps(response, separators=(",", ":")).encode()


def handle_bytes(body: bytes | str, call: Call, limits: Limits | None = None) -> bytes:
    """:func:`handle` then :func:`encode`."""
    return encode(handle(body, call, limits))
