"""A :class:`Dispatcher` per chain: the method table, shared by HTTP, WebSocket and the in-process provider.

Other modules extend it with their own methods (the interop and settlement work registers
``zks_*`` and ``zkdev_*``)::

    from zkconnect.rpc.dispatcher import Dispatcher, rpc_method

    @rpc_method("zks_L1ChainId")
    def l1_chain_id(d: Dispatcher) -> str:
        return hex(d.devnet.l1.chain_id)

    dispatcher.register_method(l1_chain_id)          # or a whole table:
    dispatcher.register("zks_L1BatchNumber", lambda params: "0x0")

A method declared with :func:`rpc_method` gets its positional params by name, missing optional
ones as ``None``; too many params, missing required ones or an object instead of an array are
-32602 errors naming the method. A plain handler registered with :meth:`Dispatcher.register`
receives the raw ``params`` (a list or a dict) and does its own checking.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zkconnect.engine.chain import BlockRecord, Chain, Receipt
from zkconnect.rpc import protocol
from zkconnect.rpc.errors import InvalidParams, MethodNotFound
from zkconnect.rpc.protocol import Limits

if TYPE_CHECKING:
    from zkconnect.devnet import Devnet

__all__ = ["Dispatcher", "Handler", "MethodSpec", "ReceiptHook", "TransactionHook", "rpc_method"]

Handler = Callable[[list[Any] | dict[str, Any]], Any]
ReceiptHook = Callable[[Receipt, BlockRecord, dict[str, Any]], None]
"""Adds fields to a receipt object in place (``l2ToL1Logs`` on ZK chains, for instance)."""
TransactionHook = Callable[[bytes, BlockRecord, int, dict[str, Any]], None]
"""Adds fields to a mined transaction object in place: ``(tx hash, block, index in block, object)``."""


@dataclass(frozen=True)
class MethodSpec:
    """A method bound later to a dispatcher: wire name, param names (``?`` suffix = optional)."""

    name: str
    params: tuple[str, ...]
    fn: Callable[..., Any]

    def bind(self, dispatcher: Dispatcher) -> Handler:
        """The raw handler calling ``fn(dispatcher, *params)``."""
        names = [p.rstrip("?") for p in self.params]
        required = sum(1 for p in self.params if not p.endswith("?"))

        def handler(params: list[Any] | dict[str, Any]) -> Any:
            if isinstance(params, dict):
                raise InvalidParams(f"{self.name}: params must be an array, got an object")
            if len(params) > len(names):
                raise InvalidParams(
                    f"{self.name}: too many arguments, want at most {len(names)} ({', '.join(names) or 'none'})"
                )
            if len(params) < required:
                raise InvalidParams(f"{self.name}: missing value for required argument {len(params)}")
            args = list(params) + [None] * (len(names) - len(params))
            return self.fn(dispatcher, *args)

        return handler


def rpc_method(name: str, *params: str) -> Callable[[Callable[..., Any]], MethodSpec]:
    """Declare a JSON-RPC method: ``@rpc_method("eth_getBalance", "address", "block?")``."""

    def wrap(fn: Callable[..., Any]) -> MethodSpec:
        return MethodSpec(name, tuple(params), fn)

    return wrap


@dataclass
class _Impersonation:
    accounts: set[bytes] = field(default_factory=set)
    auto: bool = False


class Dispatcher:
    """Every JSON-RPC method of one chain.

    ``devnet`` (optional) gives dev methods the whole devnet (snapshots, the shared clock, dev
    accounts); without it, they act on the chain alone. ``unlocked`` maps addresses to private
    keys usable by ``eth_sendTransaction`` / ``eth_sign``. ``tag_resolvers`` maps the block tags
    ``safe`` and ``finalized`` to functions returning a block number; the default is the head
    (the settlement pipeline replaces them). ``receipt_hooks`` and ``transaction_hooks`` add
    chain-specific fields to receipt and mined-transaction objects.

    With a devnet, ZK chains and Gateway also get the ``zks_*`` methods and ZKsync receipt
    fields (:mod:`zkconnect.rpc.zks`), and every chain gets the ``zkdev_*`` methods
    (:mod:`zkconnect.rpc.zkdev`).
    """

    def __init__(
        self,
        chain: Chain,
        *,
        devnet: Devnet | None = None,
        unlocked: Mapping[bytes, bytes] | None = None,
        limits: Limits | None = None,
        dev_methods: bool = True,
    ) -> None:
        from zkconnect.rpc import devmethods, methods

        self.chain = chain
        self.devnet = devnet
        self.limits = limits or Limits()
        self.lock = threading.RLock()
        if unlocked is None and devnet is not None:
            unlocked = {a.address: a.private_key for a in devnet.accounts}
        self.unlocked: dict[bytes, bytes] = dict(unlocked or {})
        self.impersonation = _Impersonation()
        self.tag_resolvers: dict[str, Callable[[], int]] = {}
        self.receipt_hooks: list[ReceiptHook] = []
        self.transaction_hooks: list[TransactionHook] = []
        self.filters = methods.FilterRegistry(chain)
        self._methods: dict[str, Handler] = {}
        self.register_methods(methods.METHODS)
        if dev_methods:
            self.register_methods(devmethods.METHODS)
        if devnet is not None and chain.name in devnet.chains and devnet.chains[chain.name] is chain:
            from zkconnect.rpc import zkdev, zks

            zks.install(self)
            if dev_methods:
                zkdev.install(self)

    # ------------------------------------------------------------------ registration

    def snapshot_state(self) -> tuple[Any, frozenset[bytes], bool]:
        """Installed filters and impersonation, so a whole-devnet revert also rolls them back."""
        return self.filters.snapshot_state(), frozenset(self.impersonation.accounts), self.impersonation.auto

    def restore_state(self, state: tuple[Any, frozenset[bytes], bool]) -> None:
        """Go back to a capture of :meth:`snapshot_state`."""
        filters, accounts, auto = state
        self.filters.restore_state(filters)
        self.impersonation.accounts = set(accounts)
        self.impersonation.auto = auto

    def register(self, name: str, handler: Handler, *, replace: bool = False) -> None:
        """Add a raw handler under ``name``; refuses to shadow an existing one unless ``replace``."""
        if name in self._methods and not replace:
            raise ValueError(f"JSON-RPC method {name!r} is already registered; pass replace=True")
        self._methods[name] = handler

    def register_method(self, spec: MethodSpec, *, replace: bool = False) -> None:
        """Add a method declared with :func:`rpc_method`."""
        self.register(spec.name, spec.bind(self), replace=replace)

    def register_methods(self, specs: Iterable[MethodSpec], *, replace: bool = False) -> None:
        """Add several declared methods (a module's table)."""
        for spec in specs:
            self.register_method(spec, replace=replace)

    def unregister(self, name: str) -> None:
        """Remove a method (no error when absent)."""
        self._methods.pop(name, None)

    @property
    def methods(self) -> list[str]:
        """Names of every registered method, sorted."""
        return sorted(self._methods)

    # ------------------------------------------------------------------ calling

    def call(self, method: str, params: list[Any] | dict[str, Any] | None = None) -> Any:
        """Run one method with JSON params and return its JSON result (raises on error)."""
        handler = self._methods.get(method)
        if handler is None:
            close = difflib.get_close_matches(method, self._methods, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise MethodNotFound(f"the method {method} does not exist/is not available{hint}")
        with self.lock:
            return handler([] if params is None else params)

    def handle(self, body: bytes | str) -> dict[str, Any] | list[Any] | None:
        """Answer a raw JSON-RPC body (single or batch); ``None`` when there is nothing to send."""
        return protocol.handle(body, self.call, self.limits)

    def handle_bytes(self, body: bytes | str) -> bytes:
        """:meth:`handle`, serialized."""
        return protocol.encode(self.handle(body))

    def __repr__(self) -> str:
        return f"<Dispatcher {self.chain.name} ({len(self._methods)} methods)>"
