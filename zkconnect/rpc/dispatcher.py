"""A :class:`Dispatcher` per chain: its methods, shared by HTTP, WebSocket and the in-process provider.

The dispatcher is the per-chain state the methods work on (unlocked accounts, impersonation,
filters, block-tag resolvers, receipt and transaction hooks) and a name -> handler table. It
knows no method table: :mod:`zkconnect.rpc.registry` decides which tables a chain gets and
:mod:`zkconnect.rpc.endpoints` builds each chain's dispatcher. A method is declared once::

    from zkconnect.rpc.dispatcher import Dispatcher, rpc_method

    @rpc_method("zks_L1ChainId")
    def l1_chain_id(d: Dispatcher) -> str:
        return hex(d.devnet.l1.chain_id)

    dispatcher.register_method(l1_chain_id)          # or a raw handler:
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

from eth.abc import SignedTransactionAPI

import zkconnect.rpc.encoding as enc
import zkconnect.rpc.protocol as jsonrpc
from zkconnect.devnet import Devnet
from zkconnect.engine.chain import BlockRecord, Chain, Receipt
from zkconnect.rpc.errors import InvalidParams, MethodNotFound, RpcError, RpcSetupError
from zkconnect.rpc.filters import Filter, FilterRegistry
from zkconnect.rpc.json_types import JSON, JsonObject, Params
from zkconnect.rpc.protocol import Limits

__all__ = [
    "Dispatcher",
    "Handler",
    "Impersonation",
    "MethodSpec",
    "ReceiptHook",
    "ServedAt",
    "TransactionHook",
    "rpc_method",
]

Handler = Callable[[Params], JSON]
"""A raw method: the request's ``params`` in, the JSON result out."""
ReceiptHook = Callable[[Receipt, BlockRecord, JsonObject], None]
"""Adds fields to a receipt object in place (``l2ToL1Logs`` on ZK chains, for instance)."""
TransactionHook = Callable[[bytes, BlockRecord, int, JsonObject], None]
"""Adds fields to a mined transaction object in place: ``(tx hash, block, index in block, object)``."""
MethodFn = Callable[..., JSON]
"""A declared method's function: ``fn(dispatcher, *params)``."""


@dataclass(frozen=True)
class MethodSpec:
    """A method bound later to a dispatcher: wire name, param names (``?`` suffix = optional)."""

    name: str
    params: tuple[str, ...]
    fn: MethodFn

    def bind(self, dispatcher: Dispatcher) -> Handler:
        """The raw handler calling ``fn(dispatcher, *params)``."""
        names = [p.rstrip("?") for p in self.params]
        required = sum(1 for p in self.params if not p.endswith("?"))

        def handler(params: Params) -> JSON:
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

    def alias(self, name: str) -> MethodSpec:
        """The same method under another wire name (``hardhat_mine`` for ``anvil_mine``)."""
        return MethodSpec(name, self.params, self.fn)


def rpc_method(name: str, *params: str) -> Callable[[MethodFn], MethodSpec]:
    """Declare a JSON-RPC method: ``@rpc_method("eth_getBalance", "address", "block?")``."""

    def wrap(fn: MethodFn) -> MethodSpec:
        return MethodSpec(name, tuple(params), fn)

    return wrap


@dataclass
class Impersonation:
    """Senders ``eth_sendTransaction`` accepts without a key (``anvil_impersonateAccount``), or all (``auto``)."""

    accounts: set[bytes] = field(default_factory=set)
    auto: bool = False

    def start(self, address: bytes) -> None:
        """Accept transactions from ``address`` unsigned."""
        self.accounts.add(address)

    def stop(self, address: bytes) -> None:
        """Stop accepting ``address``'s unsigned transactions (no error when it was not impersonated)."""
        self.accounts.discard(address)

    def set_auto(self, enabled: bool) -> None:
        """Accept every sender unsigned, or only the impersonated ones."""
        self.auto = enabled

    def allows(self, address: bytes) -> bool:
        """True when an unsigned transaction from ``address`` is accepted."""
        return self.auto or address in self.accounts


class ServedAt:
    """Where a devnet's chains are served: the host and each chain's real port, once a server listens.

    One is shared by every dispatcher of a devnet (:class:`~zkconnect.rpc.endpoints.RpcEndpoints`
    owns it), so ``zkdev_getConfig`` on any chain reports the ports actually bound.
    """

    def __init__(self, host: str, ports: Mapping[str, int] | None = None) -> None:
        self._host = host
        self._ports = dict(ports or {})

    @property
    def host(self) -> str:
        """The interface the server binds."""
        return self._host

    def port(self, chain: str, default: int | None = None) -> int | None:
        """The port serving ``chain`` (``default`` before a server listens)."""
        return self._ports.get(chain, default)

    def listening(self, host: str, ports: Mapping[str, int]) -> None:
        """Record where a server really listens."""
        self._host = host
        self._ports = dict(ports)


DispatcherState = tuple[dict[str, Filter], frozenset[bytes], bool]
"""A capture of a dispatcher's rollback-able state: filters and impersonation."""


class Dispatcher:
    """Every JSON-RPC method of one chain, and the per-chain state they share.

    ``devnet`` (optional) gives dev methods the whole devnet (snapshots, the shared clock, dev
    accounts); without it, they act on the chain alone. ``unlocked`` maps addresses to private
    keys usable by ``eth_sendTransaction`` / ``eth_sign`` (default: the devnet's accounts).
    ``tag_resolvers`` maps the block tags ``safe`` and ``finalized`` to functions returning a
    block number; the default is the head (the ``zks`` table replaces them). ``receipt_hooks``
    and ``transaction_hooks`` add chain-specific fields to receipt and mined-transaction objects.
    ``served`` says where the devnet is served (``zkdev_getConfig``).

    A new dispatcher has no method; :func:`zkconnect.rpc.endpoints.build_dispatcher` gives it
    the tables a chain gets.
    """

    def __init__(
        self,
        chain: Chain,
        *,
        devnet: Devnet | None = None,
        unlocked: Mapping[bytes, bytes] | None = None,
        limits: Limits | None = None,
        served: ServedAt | None = None,
    ) -> None:
        self.chain = chain
        self.devnet = devnet
        self.limits = limits or Limits()
        self.served = served
        self.lock = threading.RLock()
        if unlocked is None and devnet is not None:
            unlocked = {a.address: a.private_key for a in devnet.accounts}
        self.unlocked: dict[bytes, bytes] = dict(unlocked or {})
        self.impersonation = Impersonation()
        self.tag_resolvers: dict[str, Callable[[], int]] = {}
        self.receipt_hooks: list[ReceiptHook] = []
        self.transaction_hooks: list[TransactionHook] = []
        self.filters = FilterRegistry(chain)
        self._methods: dict[str, Handler] = {}

    @property
    def on_devnet(self) -> bool:
        """True when the chain is one of its devnet's chains (not a lone or imported chain)."""
        return self.devnet is not None and self.devnet.chains.get(self.chain.name) is self.chain

    # ------------------------------------------------------------------ state

    def snapshot_state(self) -> DispatcherState:
        """Installed filters and impersonation, so a whole-devnet revert also rolls them back."""
        return self.filters.snapshot_state(), frozenset(self.impersonation.accounts), self.impersonation.auto

    def restore_state(self, state: DispatcherState) -> None:
        """Go back to a capture of :meth:`snapshot_state`."""
        filters, accounts, auto = state
        self.filters.restore_state(filters)
        self.impersonation = Impersonation(set(accounts), auto)

    # ------------------------------------------------------------------ registration

    def register(self, name: str, handler: Handler, *, replace: bool = False) -> None:
        """Add a raw handler under ``name``; refuses to shadow an existing one unless ``replace``."""
        if name in self._methods and not replace:
            raise RpcSetupError(f"JSON-RPC method {name!r} is already registered; pass replace=True")
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

    def call(self, method: str, params: Params | None = None) -> JSON:
        """Run one method with JSON params and return its JSON result (raises on error)."""
        handler = self._methods.get(method)
        if handler is None:
            close = difflib.get_close_matches(method, self._methods, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise MethodNotFound(f"the method {method} does not exist/is not available{hint}")
        with self.lock:
            return handler([] if params is None else params)

    def handle(self, body: bytes | str) -> jsonrpc.Response:
        """Answer a raw JSON-RPC body (single or batch); ``None`` when there is nothing to send."""
        return jsonrpc.handle(body, self.call, self.limits)

    def handle_bytes(self, body: bytes | str) -> bytes:
        """:meth:`handle`, serialized."""
        return jsonrpc.encode(self.handle(body))

    # ------------------------------------------------------------------ blocks and objects the tables share

    def tag_number(self, tag: str) -> int:
        """The block number a tag names now (``safe``/``finalized`` through :attr:`tag_resolvers`)."""
        if tag == "earliest":
            return 0
        if tag in self.tag_resolvers:
            return self.tag_resolvers[tag]()
        return self.chain.block_number

    def resolve_block(self, value: JSON, name: str, *, default: str = "latest") -> BlockRecord | None:
        """The block a param names, or None when it does not exist (tag, number, hash, EIP-1898)."""
        ref = enc.decode_block_ref(default if value is None else value, name)
        if ref.hash is not None:
            return self.chain.block_by_hash(ref.hash)
        number = self.tag_number(ref.tag) if ref.tag is not None else ref.number
        assert number is not None
        if number > self.chain.block_number:
            return None
        return self.chain.block(number)

    def state_block(self, value: JSON, name: str) -> int | None:
        """The block number whose state a param names; None = the latest state (with dev edits)."""
        ref = enc.decode_block_ref("latest" if value is None else value, name)
        if ref.tag in ("latest", "pending"):
            return None
        record = self.resolve_block(value, name)
        if record is None:
            raise RpcError("header not found", code=-32000)
        return None if record.number == self.chain.block_number else record.number

    def receipt_json(self, rec: Receipt, record: BlockRecord | None = None) -> JsonObject:
        """A receipt object with the chain's extra fields (:attr:`receipt_hooks`)."""
        record = record or self.chain.block(rec.block_number)
        out = enc.receipt(self.chain, rec, record)
        for hook in self.receipt_hooks:
            hook(rec, record, out)
        return out

    def transaction_json(self, tx: SignedTransactionAPI, record: BlockRecord | None, index: int | None) -> JsonObject:
        """A transaction object with the chain's extra fields once mined (:attr:`transaction_hooks`)."""
        out = enc.transaction(tx, record, index)
        if record is not None and index is not None:
            for hook in self.transaction_hooks:
                hook(bytes(tx.hash), record, index, out)
        return out

    def block_json(self, record: BlockRecord, full: bool) -> JsonObject:
        """A block object; with ``full``, its transaction objects carry the chain's extra fields."""
        if not full or not self.transaction_hooks:
            return enc.block(self.chain, record, full)
        out = enc.block(self.chain, record, False)
        out["transactions"] = [self.transaction_json(tx, record, i) for i, tx in enumerate(record.transactions)]
        return out

    def __repr__(self) -> str:
        return f"<Dispatcher {self.chain.name} ({len(self._methods)} methods)>"
