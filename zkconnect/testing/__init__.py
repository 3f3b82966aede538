"""Helpers for testing crosschain code against a :class:`~zkconnect.devnet.Devnet`.

The pytest plugin (:mod:`zkconnect.pytest_plugin`) hands these out as fixtures, but every helper
also works on a devnet built by hand::

    devnet = Devnet()
    zk_a, zk_b = ChainHandle(devnet, "zk-a"), ChainHandle(devnet, "zk-b")
    recipient = compile_and_deploy(zk_b, "contracts/Recipient.sol")
    sent = send_message(zk_a, zk_b, recipient.address, b"hello")
    assert_bundle_executed(sent)

- :class:`ChainHandle`: one chain, with a ``web3.Web3`` over the in-process provider and plain
  deploy / call / send / logs helpers; :class:`Contract`: a deployed contract called by function name.
- :func:`compile_solidity`, :func:`compile_and_deploy`: the user's own Solidity, on one chain or at
  the same (CREATE2) address on several chains.
- :func:`send_message`, :func:`send_bundle`, :func:`relay`, :func:`wait_for_bundle`,
  :func:`assert_bundle_executed`, :func:`assert_bundle_failed`: crosschain traffic and its outcome,
  with the decoded revert reason and the ledger stage in every failure message.
- :func:`reverts`: expect a transaction or call to revert with a given (decoded) reason.
- :func:`send_token`: an ERC-20 transfer between ZK chains through the L2AssetRouter.
- :func:`assert_supply_conserved`, :func:`assert_token_supply_conserved`,
  :func:`assert_trackers_consistent`: invariants for users' own property tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_abi.abi import decode, encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from zkconnect.accounts import DevAccount
from zkconnect.artifacts import Artifact
from zkconnect.artifacts import load as load_artifact
from zkconnect.compiler import CompiledContract, compile_sources
from zkconnect.config import ChainConfig
from zkconnect.engine.chain import Chain, Log, Receipt
from zkconnect.errors import InteropError, TransactionReverted, ZkConnectError
from zkconnect.interop.ledger import Entry, Stage
from zkconnect.interop.relayer import RelayReport
from zkconnect.interop.sealer import L1_MESSAGE_SENT_TOPIC
from zkconnect.interop.settlement import SettlementError
from zkconnect.protocol.addresses import (
    BASE_TOKEN_HOLDER,
    BASE_TOKEN_HOLDER_INITIAL_BALANCE,
    ETH_TOKEN_ADDRESS,
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L2_NATIVE_TOKEN_VAULT,
)
from zkconnect.protocol.messages import (
    FINALIZE_DEPOSIT_SELECTOR,
    INDIRECT_CALL_SELECTOR,
    INTEROP_CALL_VALUE_SELECTOR,
    BridgeMintData,
    CallStatus,
    InteropBundle,
    InteropCall,
    bundle_hash,
    decode_finalize_deposit_calldata,
    format_evm_v1,
    interop_call_value,
)
from zkconnect.protocol.reverts import describe_revert

if TYPE_CHECKING:
    from web3 import Web3

    from zkconnect.devnet import Devnet

__all__ = [
    "CREATE2_FACTORY",
    "Call",
    "ChainHandle",
    "Contract",
    "SentBundle",
    "assert_bundle_executed",
    "assert_bundle_failed",
    "assert_supply_conserved",
    "assert_token_supply_conserved",
    "assert_trackers_consistent",
    "compile_and_deploy",
    "compile_solidity",
    "describe",
    "relay",
    "reverts",
    "send_bundle",
    "send_message",
    "send_token",
    "wait_for_bundle",
]

SHOW_INTERNAL_FRAMES = False
"""When False (the default), pytest tracebacks skip this module's frames (``--zk-show-internal`` sets it)."""


def _hide_frames(excinfo: object) -> bool:
    return not SHOW_INTERNAL_FRAMES


# pytest calls this for each frame of the module: failures point at the user's own test line.
__tracebackhide__ = _hide_frames

CREATE2_FACTORY = keccak(b"zkconnect:create2-factory")[12:]
"""Where :func:`compile_and_deploy` places its CREATE2 factory (on first use, on each chain)."""

# calldata = salt (32 bytes) || init code; CREATE2 with msg.value; returns the 20-byte address or
# bubbles the constructor's revert data.
_CREATE2_FACTORY_CODE = bytes.fromhex(
    "6020360380602060003760003590600034f58015601f576000526014600cf35b3d6000803e3d6000fd"
)
_SEND_BUNDLE = keccak(b"sendBundle(bytes,(bytes,bytes,bytes[])[],bytes[])")[:4]
_SEND_MESSAGE = keccak(b"sendMessage(bytes,bytes,bytes[])")[:4]
_INTEROP_FEE = keccak(b"interopProtocolFee()")[:4]
_CALL_STATUS = keccak(b"callStatus(bytes32,uint256)")[:4]
_TOTAL_SUPPLY = keccak(b"totalSupply()")[:4]
_DONE = frozenset({Stage.EXECUTED, Stage.UNBUNDLED, Stage.FAILED, Stage.AWAITING_EXECUTOR, Stage.STALLED})

# Custom errors of contracts compiled through this module: selector -> (name, argument types).
_USER_ERRORS: dict[bytes, tuple[str, tuple[str, ...]]] = {}
_COMPILED: dict[tuple[tuple[str, str], ...], dict[str, CompiledContract]] = {}


# ---------------------------------------------------------------------------- ABI helpers


def _abi_type(param: dict[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in param.get("components", [])) + ")" + kind[len("tuple") :]
    return kind


def _signature(item: dict[str, Any]) -> str:
    return f"{item['name']}({','.join(_abi_type(p) for p in item.get('inputs', []))})"


def _register_errors(abi: Sequence[dict[str, Any]]) -> None:
    for item in abi:
        if item.get("type") == "error":
            types = tuple(_abi_type(p) for p in item.get("inputs", []))
            _USER_ERRORS.setdefault(keccak(_signature(item).encode())[:4], (str(item["name"]), types))


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return str(value)


def describe(data: bytes) -> str:
    """Revert data as ``Name(args…)``: custom errors of contracts compiled here, then zkconnect's own."""
    data = bytes(data)
    found = _USER_ERRORS.get(data[:4]) if len(data) >= 4 else None
    if found is not None:
        name, types = found
        try:
            values = decode(list(types), data[4:])
        except Exception:
            return f"{name}(<undecodable: 0x{data[4:].hex()}>)"
        return f"{name}({', '.join(_show(v) for v in values)})"
    return describe_revert(data)


def _address(value: bytes | str | Contract) -> bytes:
    if isinstance(value, Contract):
        return value.address
    if isinstance(value, str):
        return bytes.fromhex(value.removeprefix("0x"))
    return bytes(value)


def _reverted(receipt: Receipt, what: str) -> TransactionReverted:
    reason = describe(receipt.output)
    error = TransactionReverted(receipt.output, reason, tx_hash=receipt.tx_hash)
    error.args = (f"{what} reverted: {reason} (tx 0x{receipt.tx_hash.hex()})",)
    return error


# ---------------------------------------------------------------------------- chains and contracts


class ChainHandle:
    """One chain of a devnet, as a test sees it.

    ``web3`` is a ``web3.Web3`` over the in-process provider (the same dispatcher ``zkdev up``
    serves); ``chain`` is the engine itself. Transactions are sent from ``sender`` (default: the
    first dev account).
    """

    def __init__(self, devnet: Devnet, chain: str | int) -> None:
        self.devnet = devnet
        self.config = devnet.chain_config(chain)
        self.chain: Chain = devnet[self.config.name]

    @property
    def name(self) -> str:
        """The chain's name in the topology (``"zk-a"``)."""
        return self.config.name

    @property
    def chain_id(self) -> int:
        """The chain id."""
        return self.config.chain_id

    @cached_property
    def web3(self) -> Web3:
        """A ``web3.Web3`` answering from this chain in-process."""
        from web3 import Web3

        from zkconnect.rpc.provider import ZkProvider

        return Web3(ZkProvider(self.devnet, self.name))

    @property
    def default_sender(self) -> DevAccount:
        """The account transactions come from unless told otherwise."""
        return self.devnet.accounts[0]

    def balance(self, address: bytes | str | Contract) -> int:
        """The base-token balance of an address, in wei."""
        return self.chain.balance(_address(address))

    def call(
        self, to: bytes | str | Contract, data: bytes = b"", *, sender: DevAccount | None = None, value: int = 0
    ) -> bytes:
        """``eth_call``; raises :class:`TransactionReverted` with the decoded reason on revert."""
        who = (sender or self.default_sender).address
        try:
            return self.chain.call(_address(to), data, sender=who, value=value)
        except TransactionReverted as exc:
            raise TransactionReverted(exc.data, describe(exc.data)) from None

    def send(
        self,
        to: bytes | str | Contract | None,
        data: bytes = b"",
        *,
        sender: DevAccount | None = None,
        value: int = 0,
        gas: int | None = None,
        check: bool = True,
    ) -> Receipt:
        """Send and mine a transaction; with ``check`` a revert raises :class:`TransactionReverted`."""
        target = None if to is None else _address(to)
        receipt = self.chain.transact((sender or self.default_sender).private_key, target, data, value=value, gas=gas)
        if check and not receipt.ok:
            raise _reverted(receipt, f"transaction on {self.name}")
        return receipt

    def deploy(
        self,
        contract: CompiledContract | Artifact | str,
        *args: Any,
        sender: DevAccount | None = None,
        value: int = 0,
        salt: bytes | int | None = None,
    ) -> Contract:
        """Deploy a contract with constructor ``args``; with ``salt`` through CREATE2.

        ``contract`` is compiler output, an artifact, or the name of a contract zkconnect ships
        (``"RecordingRecipient"``).
        """
        if isinstance(contract, str):
            contract = load_artifact(contract)
        init = contract.bytecode + _constructor_args(contract.abi, args)
        if not contract.bytecode:
            raise ZkConnectError(f"{contract.name} has no bytecode (an interface or abstract contract?)")
        if salt is None:
            receipt = self.send(None, init, sender=sender, value=value)
            assert receipt.contract_address is not None
            address = receipt.contract_address
        else:
            address = self._create2(init, salt, sender, value)
        return Contract(self, address, list(contract.abi), contract.name)

    def _create2(self, init: bytes, salt: bytes | int, sender: DevAccount | None, value: int) -> bytes:
        salt32 = salt.to_bytes(32, "big") if isinstance(salt, int) else bytes(salt).rjust(32, b"\0")
        if self.chain.code(CREATE2_FACTORY) != _CREATE2_FACTORY_CODE:
            self.chain.place(CREATE2_FACTORY, _CREATE2_FACTORY_CODE)
        expected = keccak(b"\xff" + CREATE2_FACTORY + salt32 + keccak(init))[12:]
        if self.chain.code(expected):
            raise ZkConnectError(
                f"{self.name} already has a contract at 0x{expected.hex()} (CREATE2 salt 0x{salt32.hex()}); "
                "pass another salt"
            )
        self.send(CREATE2_FACTORY, salt32 + init, sender=sender, value=value)
        return expected

    def at(
        self, address: bytes | str, abi: Sequence[dict[str, Any]] | CompiledContract | Artifact, name: str = ""
    ) -> Contract:
        """A handle on a contract already deployed at ``address``."""
        if isinstance(abi, CompiledContract | Artifact):
            return Contract(self, _address(address), list(abi.abi), name or abi.name)
        return Contract(self, _address(address), list(abi), name)

    def logs(
        self, address: bytes | str | Contract | None = None, *topics: bytes | None, from_block: int = 0
    ) -> list[Log]:
        """Logs of this chain, by emitter and topics (``None`` matches any topic)."""
        return self.chain.logs(
            from_block=from_block, address=None if address is None else _address(address), topics=list(topics)
        )

    def __repr__(self) -> str:
        return f"<ChainHandle {self.name} id={self.chain_id}>"


def _constructor_args(abi: Sequence[dict[str, Any]], args: Sequence[Any]) -> bytes:
    ctor = next((item for item in abi if item.get("type") == "constructor"), None)
    types = [_abi_type(p) for p in ctor.get("inputs", [])] if ctor else []
    if len(types) != len(args):
        raise ZkConnectError(f"the constructor takes {len(types)} argument(s) ({', '.join(types)}), got {len(args)}")
    return encode(types, list(args)) if types else b""


@dataclass(frozen=True)
class Contract:
    """A deployed contract on one chain, called by function name (overloads resolved by arity)."""

    handle: ChainHandle
    address: bytes
    abi: list[dict[str, Any]] = field(repr=False)
    name: str = ""

    @property
    def checksum_address(self) -> str:
        """The EIP-55 form of the address."""
        return to_checksum_address(self.address)

    @property
    def web3(self) -> Any:
        """The same contract as a ``web3`` contract object."""
        return self.handle.web3.eth.contract(address=to_checksum_address(self.address), abi=self.abi)

    def _function(self, fn: str, args: Sequence[Any]) -> dict[str, Any]:
        matches = [
            item
            for item in self.abi
            if item.get("type") == "function" and item["name"] == fn and len(item.get("inputs", [])) == len(args)
        ]
        if not matches:
            names = sorted({item["name"] for item in self.abi if item.get("type") == "function"})
            raise ZkConnectError(
                f"{self.name or 'contract'} has no function {fn}() taking {len(args)} argument(s); "
                f"it has: {', '.join(names) or 'none'}"
            )
        return matches[0]

    def encode(self, fn: str, *args: Any) -> bytes:
        """The calldata of ``fn(args…)``."""
        item = self._function(fn, args)
        types = [_abi_type(p) for p in item.get("inputs", [])]
        return keccak(_signature(item).encode())[:4] + encode(types, list(args))

    def call(self, fn: str, *args: Any, sender: DevAccount | None = None, value: int = 0) -> Any:
        """Call ``fn`` without a transaction; one output is returned bare, several as a tuple."""
        item = self._function(fn, args)
        out = self.handle.call(self.address, self.encode(fn, *args), sender=sender, value=value)
        values = decode([_abi_type(p) for p in item.get("outputs", [])], out)
        if len(values) == 1:
            return values[0]
        return values if values else None

    def send(
        self,
        fn: str,
        *args: Any,
        sender: DevAccount | None = None,
        value: int = 0,
        gas: int | None = None,
        check: bool = True,
    ) -> Receipt:
        """Send ``fn(args…)`` as a mined transaction; a revert raises (with ``check``) decoded."""
        receipt = self.handle.send(
            self.address, self.encode(fn, *args), sender=sender, value=value, gas=gas, check=False
        )
        if check and not receipt.ok:
            raise _reverted(receipt, f"{self.name or 'contract'}.{fn}() on {self.handle.name}")
        return receipt

    def events(self, name: str, *, from_block: int = 0) -> list[dict[str, Any]]:
        """This contract's ``name`` events, decoded into dicts of argument name -> value."""
        item = next((i for i in self.abi if i.get("type") == "event" and i["name"] == name), None)
        if item is None:
            raise ZkConnectError(f"{self.name or 'contract'} declares no event {name}")
        topic = keccak(_signature(item).encode())
        inputs = item.get("inputs", [])
        data_types = [_abi_type(p) for p in inputs if not p.get("indexed")]
        out = []
        for log in self.handle.logs(self.address, topic, from_block=from_block):
            plain = iter(decode(data_types, log.data))
            topics = iter(log.topics[1:])
            event: dict[str, Any] = {}
            for p in inputs:
                if p.get("indexed"):
                    raw = next(topics)
                    dynamic = p["type"] in ("string", "bytes") or p["type"].endswith("]") or p["type"] == "tuple"
                    event[p["name"]] = raw if dynamic else decode([_abi_type(p)], raw)[0]
                else:
                    event[p["name"]] = next(plain)
            out.append(event)
        return out


# ---------------------------------------------------------------------------- compiling


def compile_solidity(source: str | Path, *, base_path: Path | None = None) -> dict[str, CompiledContract]:
    """Compile a ``.sol`` file (a :class:`Path`, or a string ending in ``.sol``) or source text.

    Uses py-solc-x (a native solc when installed, else the pinned npm solc through the shim).
    Results are cached per source; custom errors become decodable in failure messages.
    """
    if isinstance(source, Path) or (source.endswith(".sol") and "\n" not in source):
        path = Path(source).resolve()
        if not path.is_file():
            raise ZkConnectError(f"no Solidity file {path}; pass a path that exists or the source text itself")
        sources = {path.name: path.read_text()}
        base_path = base_path or path.parent
    else:
        sources = {"Source.sol": str(source)}
    key = (*sorted(sources.items()), (str(base_path), ""))
    if key not in _COMPILED:
        _COMPILED[key] = compile_sources(sources, base_path=base_path)
        for compiled in _COMPILED[key].values():
            _register_errors(compiled.abi)
    return _COMPILED[key]


def compile_and_deploy(
    chains: ChainHandle | Sequence[ChainHandle],
    source: str | Path,
    contract: str | None = None,
    *args: Any,
    sender: DevAccount | None = None,
    value: int = 0,
    salt: bytes | int | None = None,
) -> Any:
    """Compile ``source`` and deploy ``contract`` (default: the only deployable one) with ``args``.

    One chain: a plain deployment, or CREATE2 with ``salt``; returns a :class:`Contract`.
    Several chains: CREATE2 through :data:`CREATE2_FACTORY` with ``salt`` (default 0), so the
    contract has the same address everywhere; returns a list of :class:`Contract` in order.
    Constructors run with ``msg.sender`` = the factory under CREATE2.
    """
    compiled = compile_solidity(source)
    deployable = {name: c for name, c in compiled.items() if c.bytecode}
    if contract is None:
        if len(deployable) != 1:
            raise ZkConnectError(
                f"{len(deployable)} deployable contracts in the source ({', '.join(sorted(deployable)) or 'none'}); "
                "name the one to deploy"
            )
        (chosen,) = deployable.values()
    elif contract in deployable:
        chosen = deployable[contract]
    else:
        raise ZkConnectError(f"no deployable contract {contract!r}; found: {', '.join(sorted(deployable)) or 'none'}")
    if isinstance(chains, ChainHandle):
        return chains.deploy(chosen, *args, sender=sender, value=value, salt=salt)
    return [c.deploy(chosen, *args, sender=sender, value=value, salt=0 if salt is None else salt) for c in chains]


# ---------------------------------------------------------------------------- crosschain


@dataclass(frozen=True)
class Call:
    """One call of an interop bundle: ``to`` on the destination, with ``data``, ``value`` and call attributes."""

    to: bytes | str | Contract
    data: bytes = b""
    value: int = 0
    attributes: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class SentBundle:
    """A bundle sent by ``InteropCenter``: its hash, decoded contents and the source receipt."""

    devnet: Devnet = field(repr=False)
    receipt: Receipt = field(repr=False)
    hash: bytes
    bundle: InteropBundle = field(repr=False)

    @property
    def entry(self) -> Entry:
        """Its ledger entry now (stage, batch, destination tx, failure reason)."""
        return self.devnet.bundle(self.hash)

    @property
    def stage(self) -> Stage:
        """How far it has come."""
        return self.entry.stage


def _interop_fee(source: ChainHandle) -> int:
    return int.from_bytes(source.chain.call(INTEROP_CENTER, _INTEROP_FEE), "big")


def _chain_id(devnet: Devnet, destination: ChainHandle | str | int) -> int:
    if isinstance(destination, ChainHandle):
        return destination.chain_id
    return devnet.chain_config(destination).chain_id


def _attribute_value(attributes: Sequence[bytes], selector: bytes) -> int:
    return sum(int.from_bytes(a[4:36], "big") for a in attributes if a[:4] == selector)


def _sent_bundles(source: ChainHandle, receipt: Receipt) -> list[SentBundle]:
    out = []
    for log in receipt.logs:
        if log.topics[:1] != (L1_MESSAGE_SENT_TOPIC,) or log.topics[1][12:] != INTEROP_CENTER:
            continue
        (payload,) = decode(["bytes"], log.data)
        if payload[:1] == b"\x01":
            encoded = bytes(payload[1:])
            out.append(
                SentBundle(source.devnet, receipt, bundle_hash(source.chain_id, encoded), InteropBundle.decode(encoded))
            )
    return out


def send_bundle(
    source: ChainHandle,
    destination: ChainHandle | str | int,
    calls: Sequence[Call],
    *,
    attributes: Sequence[bytes] = (),
    sender: DevAccount | None = None,
    value: int | None = None,
) -> SentBundle:
    """Send ``calls`` from ``source`` to ``destination`` in one bundle (``InteropCenter.sendBundle``).

    Each call's ``value`` becomes its ``interopCallValue`` attribute. ``value`` (the transaction's
    ``msg.value``) defaults to the call values + ``indirectCall`` values + the protocol fee per call.
    ``attributes`` are bundle attributes (``execution_address(...)``, ``unbundler_address(...)``).
    A refused send raises :class:`TransactionReverted` with the decoded reason.
    """
    dest_id = _chain_id(source.devnet, destination)
    starters = []
    total = _interop_fee(source) * len(calls)
    for call in calls:
        attrs = list(call.attributes)
        if call.value:
            attrs.append(interop_call_value(call.value))
        total += _attribute_value(attrs, INTEROP_CALL_VALUE_SELECTOR) + _attribute_value(attrs, INDIRECT_CALL_SELECTOR)
        starters.append((format_evm_v1(None, _address(call.to)), bytes(call.data), attrs))
    data = _SEND_BUNDLE + encode(
        ["bytes", "(bytes,bytes,bytes[])[]", "bytes[]"], [format_evm_v1(dest_id), starters, list(attributes)]
    )
    receipt = source.send(INTEROP_CENTER, data, sender=sender, value=total if value is None else value, check=False)
    if not receipt.ok:
        raise _reverted(receipt, f"InteropCenter.sendBundle on {source.name}")
    (sent,) = _sent_bundles(source, receipt)
    return sent


def send_message(
    source: ChainHandle,
    destination: ChainHandle | str | int,
    recipient: bytes | str | Contract,
    payload: bytes,
    *,
    value: int = 0,
    attributes: Sequence[bytes] = (),
    sender: DevAccount | None = None,
) -> SentBundle:
    """Send one ERC-7786 message (``InteropCenter.sendMessage``): a one-call bundle to ``recipient``.

    ``value`` is delivered with the call (``interopCallValue``); the protocol fee is added.
    """
    dest_id = _chain_id(source.devnet, destination)
    attrs = [*attributes, interop_call_value(value)] if value else list(attributes)
    data = _SEND_MESSAGE + encode(
        ["bytes", "bytes", "bytes[]"], [format_evm_v1(dest_id, _address(recipient)), payload, attrs]
    )
    receipt = source.send(INTEROP_CENTER, data, sender=sender, value=value + _interop_fee(source), check=False)
    if not receipt.ok:
        raise _reverted(receipt, f"InteropCenter.sendMessage on {source.name}")
    (sent,) = _sent_bundles(source, receipt)
    return sent


def relay(devnet: Devnet) -> RelayReport:
    """Run the relayer to completion: settle, import roots, execute everything pending."""
    return devnet.relay()


def _resolve(bundle: SentBundle | bytes, devnet: Devnet | None) -> tuple[Devnet, bytes]:
    if isinstance(bundle, SentBundle):
        return bundle.devnet, bundle.hash
    if devnet is None:
        raise ZkConnectError("pass devnet= when the bundle is given by its hash")
    return devnet, bytes(bundle)


def wait_for_bundle(bundle: SentBundle | bytes, *, devnet: Devnet | None = None) -> Entry:
    """The bundle's ledger entry once it has an outcome, relaying (in any mode) until it does.

    The outcome is one of executed, unbundled, failed, awaiting_executor or stalled; a bundle
    that still has none after a full relay is returned as it stands.
    """
    net, hash_ = _resolve(bundle, devnet)
    entry = net.bundle(hash_)
    if entry.stage not in _DONE:
        with suppress(InteropError, SettlementError):  # a refused batch leaves its bundles stalled: shown to the caller
            net.relay()
        entry = net.bundle(hash_)
    return entry


def _explain(net: Devnet, entry: Entry) -> str:
    reason = entry.reason
    if entry.destination_tx is not None and entry.destination_chain_id is not None:
        receipt = net[entry.destination_chain_id].receipt(entry.destination_tx)
        if receipt is not None and not receipt.ok:
            reason = describe(receipt.output)
    names = {c.chain_id: c.name for c in net.config.all_chains}

    def chain(cid: int | None) -> str:
        return f"{names.get(cid, '?')} ({cid})" if cid is not None else "?"

    lines = [
        f"bundle 0x{entry.id.hex()} from {chain(entry.source_chain_id)} to {chain(entry.destination_chain_id)}",
        f"  stopped at stage: {entry.stage}",
    ]
    if reason:
        lines.append(f"  reason: {reason}")
    lines.append("  history: " + " -> ".join(f"{s}" + (f" ({d})" if d else "") for s, d in entry.history))
    return "\n".join(lines)


def assert_bundle_executed(bundle: SentBundle | bytes, *, devnet: Devnet | None = None) -> Entry:
    """Relay until ``bundle`` has an outcome and fail unless it executed; returns its entry.

    The failure message names the stage where the bundle stopped and the decoded revert reason.
    """
    net, _ = _resolve(bundle, devnet)
    entry = wait_for_bundle(bundle, devnet=devnet)
    if entry.stage != Stage.EXECUTED:
        raise AssertionError("expected the bundle to be executed, but it was not:\n" + _explain(net, entry))
    return entry


def assert_bundle_failed(
    bundle: SentBundle | bytes, match: str | None = None, *, devnet: Devnet | None = None
) -> Entry:
    """Relay until ``bundle`` has an outcome and fail unless it failed, with a reason matching ``match``.

    ``match`` is a regular expression searched in the decoded reason (``"MessageRejected"``).
    """
    net, _ = _resolve(bundle, devnet)
    entry = wait_for_bundle(bundle, devnet=devnet)
    if entry.stage != Stage.FAILED:
        raise AssertionError("expected the bundle to fail, but it did not:\n" + _explain(net, entry))
    explained = _explain(net, entry)
    if match is not None:
        reason = explained.split("  reason: ", 1)[1].split("\n", 1)[0] if "  reason: " in explained else ""
        if not re.search(match, reason):
            raise AssertionError(f"the bundle failed, but its reason does not match {match!r}:\n{explained}")
    return entry


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


# ---------------------------------------------------------------------------- tokens (issue 4's asset stack)


def send_token(
    source: ChainHandle,
    destination: ChainHandle | str | int,
    token: bytes | str | Contract,
    amount: int,
    *,
    sender: DevAccount | None = None,
    recipient: bytes | str | None = None,
) -> SentBundle:
    """Send ``amount`` of ``token`` (its address on ``source``) to ``recipient`` (default: the sender).

    The bundle carries one ``indirectCall`` to the L2AssetRouter, as the SDKs send it; a token
    native to ``source`` is registered and approved first. Its balance must have been migrated to
    Gateway (``zkconnect.assets.migrate_token_balance``). A refusal raises
    :class:`~zkconnect.assets.AssetError` naming the contract error.
    """
    from zkconnect.assets import transfer

    who = sender or source.default_sender
    to = who.address if recipient is None else _address(recipient)
    dest = source.devnet.chain_config(_chain_id(source.devnet, destination)).name
    sent = transfer(source.devnet, source.name, dest, _address(token), amount, who, to)
    (bundle,) = [b for b in _sent_bundles(source, sent.receipt) if b.hash == sent.bundle_hash]
    return bundle


# ---------------------------------------------------------------------------- invariants


def _undelivered(net: Devnet, entry: Entry, amount: Callable[[InteropCall], int]) -> int:
    """What ``amount`` counts in a bundle's calls that have not run on the destination."""
    if entry.stage == Stage.EXECUTED:
        return 0
    bundle = InteropBundle.decode(entry.payload[1:])
    if entry.stage != Stage.UNBUNDLED or entry.destination_chain_id is None:
        return sum(amount(call) for call in bundle.calls)
    pending = 0
    for index, call in enumerate(bundle.calls):
        out = net[entry.destination_chain_id].call(INTEROP_HANDLER, _CALL_STATUS + entry.id + index.to_bytes(32, "big"))
        if int.from_bytes(out, "big") != CallStatus.EXECUTED:
            pending += amount(call)
    return pending


def _call_value(call: InteropCall) -> int:
    return call.value


def _gateway_chains(devnet: Devnet) -> list[ChainConfig]:
    gateway = devnet.config.gateway
    if gateway is None:
        return []
    return [c for c in devnet.config.chains if c.settlement == gateway.name]


def assert_supply_conserved(devnet: Devnet) -> None:
    """Fail unless the base token (ETH) was neither created nor lost across the Gateway-settled chains.

    Each ETH-based chain (Gateway included) starts with its dev accounts' genesis ETH, which L1 holds
    for it, and the same ``BaseTokenHolder`` balance; it releases from the holder what arrives
    (deposits, interop call values) and takes back what leaves (interop values, withdrawals).
    ``L1AssetTracker.chainBalance[gateway][ETH]`` on L1 counts what L1 holds for them. So the genesis
    ETH, plus what the holders released, plus interop values still in flight, plus deposits L1
    accepted that have not run on their chain yet, plus ``L2BaseToken`` withdrawals not finalized on
    L1 yet, must equal L1's balance. Usable in property tests after every step.
    """
    from zkconnect.bridge import l1_asset_id, l1_chain_balance

    gateway = devnet.config.gateway
    if gateway is None:
        raise ZkConnectError("assert_supply_conserved needs a Gateway: it checks the Gateway-settled chains")
    chains = [c for c in (gateway, *_gateway_chains(devnet)) if c.base_token == "ETH"]
    ids = {c.chain_id for c in chains}
    released = {c.name: BASE_TOKEN_HOLDER_INITIAL_BALANCE - devnet[c.name].balance(BASE_TOKEN_HOLDER) for c in chains}
    in_flight = sum(
        _undelivered(devnet, e, _call_value) for e in devnet.ledger if e.kind == "bundle" and e.source_chain_id in ids
    )
    queue = getattr(devnet, "priority", None)
    deposits = sum(r.mint_value for r in queue.pending if r.chain_id in ids) if queue is not None else 0
    on_l1 = l1_chain_balance(devnet, gateway.name, l1_asset_id(devnet, ETH_TOKEN_ADDRESS))
    genesis = sum(amount for chain_id, _, amount in _l1_bridge(devnet).genesis_balances if chain_id in ids)
    withdrawing = _unfinalized_base_token_withdrawals(devnet, ids)
    counted = genesis + sum(released.values()) + in_flight + deposits + withdrawing
    if counted != on_l1:
        detail = ", ".join(f"{n}: {v}" for n, v in released.items())
        raise AssertionError(
            f"base token not conserved: genesis + released by the holders + in flight + pending deposits + "
            f"unfinalized withdrawals = {counted} wei, but L1 holds {on_l1} wei for Gateway's chains (off by "
            f"{counted - on_l1}; genesis {genesis}; released {detail}; interop in flight {in_flight}; deposits not "
            f"yet executed {deposits}; withdrawals not finalized {withdrawing})"
        )


def _unfinalized_base_token_withdrawals(devnet: Devnet, chain_ids: set[int]) -> int:
    """What ``L2BaseToken.withdraw`` sent to L1 from ``chain_ids`` and L1 has not paid out yet."""
    from zkconnect.protocol.addresses import L2_BASE_TOKEN

    total = 0
    for entry in devnet.ledger:
        if entry.kind != "message" or entry.sender != L2_BASE_TOKEN or entry.source_chain_id not in chain_ids:
            continue
        if not _finalized_on_l1(devnet, entry):
            total += int.from_bytes(entry.payload[24:56], "big")
    return total


def _finalized_on_l1(devnet: Devnet, entry: Entry) -> bool:
    """Whether L1's nullifier has finalized the withdrawal message ``entry`` (never before its batch is sealed)."""
    if entry.batch_number is None:
        return False
    messages = [m for m in devnet.settlement.sealers[entry.source_chain_id].logs_of(entry.source_tx) if m.message]
    leaf = messages[entry.log_index].leaf_index
    return bool(
        _uint_call(
            devnet.l1,
            _l1_bridge(devnet).nullifier,
            "isWithdrawalFinalized(uint256,uint256,uint256)",
            ["uint256"] * 3,
            [entry.source_chain_id, entry.batch_number, leaf],
        )
    )


def _mint_amount(asset: bytes, data: bytes) -> int:
    """The amount a ``finalizeDeposit(chainId, assetId, bridgeMintData)`` call carries of ``asset`` (0 for another)."""
    if data[:4] != FINALIZE_DEPOSIT_SELECTOR:
        return 0
    try:
        _, carried, mint = decode_finalize_deposit_calldata(data)
        return BridgeMintData.decode(mint).amount if carried == asset else 0
    except ZkConnectError:
        return 0


def _token_amount(asset: bytes) -> Callable[[InteropCall], int]:
    def amount(call: InteropCall) -> int:
        return _mint_amount(asset, call.data)

    return amount


@dataclass(frozen=True)
class _Withdrawal:
    """A withdrawal of the asset to L1 (an L2AssetRouter ``finalizeDeposit`` message), not finalized on L1 yet."""

    chain_id: int
    amount: int
    settled: bool  # the source batch is executed on Gateway (which debited the chain)


@dataclass(frozen=True)
class _Deposit:
    """An L1->L2 deposit of the asset that has not arrived: queued on L1, or failed on L2 and not claimed back."""

    chain_id: int
    amount: int
    relayed: bool  # its balance change ran on Gateway (InteropCenter.forwardTransactionOnGatewayWithBalanceChange)
    failure_settled: bool  # it failed, and the batch with the bootloader's failure log is executed on Gateway


@dataclass(frozen=True)
class _TokenView:
    origin: ChainConfig
    token: bytes
    asset: bytes
    locked: int
    supply: dict[str, int]
    bundles: list[tuple[Entry, int]]
    withdrawals: list[_Withdrawal]
    deposits: list[_Deposit]

    @property
    def in_flight(self) -> int:
        return (
            sum(n for _, n in self.bundles)
            + sum(w.amount for w in self.withdrawals)
            + sum(d.amount for d in self.deposits)
        )


def _uint_call(chain: Chain, to: bytes, signature: str, types: Sequence[str], args: Sequence[Any]) -> int:
    return int.from_bytes(chain.call(to, keccak(signature.encode())[:4] + encode(list(types), list(args))), "big")


def _l1_bridge(devnet: Devnet) -> Any:
    bridge = devnet.contracts.l1_bridge
    if bridge is None:
        raise ZkConnectError("the token invariants need the L1 shared bridge; this devnet was built without it")
    return bridge


def _pending_withdrawals(devnet: Devnet, asset: bytes) -> list[_Withdrawal]:
    from zkconnect.protocol.addresses import L2_ASSET_ROUTER

    out = []
    for entry in devnet.ledger:
        if entry.kind != "message" or entry.sender != L2_ASSET_ROUTER or entry.payload[:4] != FINALIZE_DEPOSIT_SELECTOR:
            continue
        if entry.payload[36:68] != asset or entry.batch_number is None:
            continue
        amount = BridgeMintData.decode(entry.payload[68:]).amount
        if not _finalized_on_l1(devnet, entry):
            out.append(_Withdrawal(entry.source_chain_id, amount, entry.gateway_block is not None))
    return out


def _pending_deposits(devnet: Devnet, asset: bytes) -> list[_Deposit]:
    from zkconnect.protocol.addresses import L2_ASSET_ROUTER

    queue = devnet.priority
    gateway = devnet.config.gateway
    gateway_id = gateway.chain_id if gateway is not None else None
    relayed_l1_txs = {e.request.l1_tx_hash for e in queue.executions() if e.request.chain_id == gateway_id}
    nullifier = _l1_bridge(devnet).nullifier
    out = []
    for request in queue.pending:
        if request.to == L2_ASSET_ROUTER and (amount := _mint_amount(asset, request.data)):
            out.append(_Deposit(request.chain_id, amount, request.l1_tx_hash in relayed_l1_txs, False))
    for execution in queue.executions():
        request = execution.request
        if execution.ok or request.to != L2_ASSET_ROUTER or not (amount := _mint_amount(asset, request.data)):
            continue
        claimable = _uint_call(
            devnet.l1,
            nullifier,
            "depositHappened(uint256,bytes32)",
            ["uint256", "bytes32"],
            [request.chain_id, request.canonical_hash],
        )
        if not claimable:
            continue  # claimed back on L1 already
        settled = False
        if execution.status_log_tx_hash is not None:
            log_receipt = devnet[request.chain_id].receipt(execution.status_log_tx_hash)
            settled = (
                log_receipt is not None
                and devnet.settlement.settled_batch(request.chain_id) >= log_receipt.block_number
            )
        out.append(_Deposit(request.chain_id, amount, request.l1_tx_hash in relayed_l1_txs, settled))
    return out


def _token_view(devnet: Devnet, origin: ChainHandle | str | int, token: bytes | str | Contract) -> _TokenView:
    from zkconnect.assets import asset_id, predict_bridged_token, token_balance

    config = devnet.chain_config(origin.chain_id if isinstance(origin, ChainHandle) else origin)
    address = _address(token)
    asset = asset_id(config.chain_id, address)
    vault = _l1_bridge(devnet).native_token_vault if config.chain_id == devnet.l1.chain_id else L2_NATIVE_TOKEN_VAULT
    supply = {}
    for chain in devnet.config.all_chains:
        if chain.name != config.name:
            bridged = predict_bridged_token(devnet, config.name, address, chain.name)
            code = devnet[chain.name].code(bridged)
            supply[chain.name] = int.from_bytes(devnet[chain.name].call(bridged, _TOTAL_SUPPLY), "big") if code else 0
    amount = _token_amount(asset)
    bundles = [(e, _undelivered(devnet, e, amount)) for e in devnet.ledger if e.kind == "bundle"]
    return _TokenView(
        config,
        address,
        asset,
        token_balance(devnet, config.name, address, vault),
        supply,
        [(e, n) for e, n in bundles if n],
        _pending_withdrawals(devnet, asset),
        _pending_deposits(devnet, asset),
    )


def assert_token_supply_conserved(
    devnet: Devnet, origin: ChainHandle | str | int, token: bytes | str | Contract
) -> None:
    """Fail unless an ERC-20 native to ``origin`` (a ZK chain or ``"l1"``) was neither minted nor burned
    out of thin air.

    Checks one equation: what ``origin``'s native token vault holds locked (the L2NativeTokenVault at ``0x…10004``,
    or the L1NativeTokenVault for an L1 token) equals

    - the total supply of the token's bridged copy on every other chain of the devnet, L1 included (the L1 copy
      the L1 vault deploys when a ZK-chain token is first withdrawn), plus
    - the amounts of interop bundles not delivered: not executed yet (in flight, failed) or, for unbundled
      bundles, calls not executed (cancelled calls included: v31 has no refund for them), plus
    - withdrawals to L1 not finalized on L1 (``L1Nullifier.isWithdrawalFinalized``), plus
    - deposits from L1 still queued, and failed deposits not claimed back on L1 (``L1Nullifier.depositHappened``).

    Holds after every transaction and relay step, in auto and manual relay mode. Not for a chain's base token.
    """
    view = _token_view(devnet, origin, token)
    copies = sum(view.supply.values())
    if view.locked != copies + view.in_flight:
        detail = ", ".join(f"{name}: {n}" for name, n in view.supply.items() if n)
        raise AssertionError(
            f"token 0x{view.token.hex()} of {view.origin.name} not conserved: {view.locked} locked on "
            f"{view.origin.name}, but bridged supply {copies} ({detail or 'none'}) + in flight {view.in_flight} "
            f"(bundles {sum(n for _, n in view.bundles)}, withdrawals {sum(w.amount for w in view.withdrawals)}, "
            f"deposits {sum(d.amount for d in view.deposits)}) = {copies + view.in_flight}"
        )


def assert_trackers_consistent(devnet: Devnet, origin: ChainHandle | str | int, token: bytes | str | Contract) -> None:
    """Fail unless the three asset trackers agree with the tokens that exist, for an ERC-20 native to ``origin``
    (a ZK chain or ``"l1"``). Checks:

    - ``origin``'s L2AssetTracker (a ZK-chain token): ``MAX - chainBalance[origin]`` equals what its vault locks.
    - Gateway's GWAssetTracker (for a ZK-chain token once its balance is migrated; always for an L1 token), for each
      chain ``c`` settling on Gateway: ``chainBalance[c] + pendingInteropBalance[c]`` equals what ``c`` holds (the
      bridged supply; ``MAX - locked`` on the origin) plus what Gateway has not seen leave yet (bundles and
      withdrawals from ``c`` whose batch is not executed on Gateway) plus what is on its way to ``c`` (settled
      bundles not executed, cancelled calls included; deposits whose balance change reached Gateway but which have
      not run on ``c``, or failed there and the failure is not settled). With nothing in flight this is
      ``chainBalance[c] == totalSupply on c``.
    - L1's L1AssetTracker, once the asset is registered there: the ``chainBalance`` of L1 and every chain sums to
      ``2^256-1`` (so none went below zero); ``chainBalance[L1]`` is the L1 copy's supply (``MAX - locked`` in the
      L1 vault for an L1 token); and ``chainBalance[Gateway]`` equals Gateway's ``chainBalance + pending`` summed
      over its chains plus deposits L1 accepted that Gateway has not credited, withdrawals Gateway settled that L1
      has not finalized, and failed deposits Gateway settled that L1 has not paid back (so the Gateway sum never
      exceeds it).

    Chains settling directly on L1 count for supply but their L1 ``chainBalance`` is not checked one by one.
    """
    from zkconnect.assets import MAX_TOKEN_BALANCE, chain_balance, pending_interop_balance, token_migrated
    from zkconnect.bridge import l1_chain_balance

    view = _token_view(devnet, origin, token)
    name = view.origin.name
    l1_id = devnet.l1.chain_id
    on_l1 = view.origin.chain_id == l1_id
    problems = []
    if not on_l1:
        l2 = chain_balance(devnet, name, view.asset, tracker="l2")
        if MAX_TOKEN_BALANCE - l2 != view.locked:
            problems.append(
                f"{name}'s L2AssetTracker says {MAX_TOKEN_BALANCE - l2} is outside, the vault locks {view.locked}"
            )
    chains = _gateway_chains(devnet)
    gw_ids = {c.chain_id for c in chains}
    gateway_total: int | None = None
    if chains and (on_l1 or name not in {c.name for c in chains} or token_migrated(devnet, name, view.asset)):
        gateway_total = 0
        for chain in chains:
            cid = chain.chain_id
            held = MAX_TOKEN_BALANCE - view.locked if chain.name == name else view.supply[chain.name]
            not_left = sum(n for e, n in view.bundles if e.source_chain_id == cid and e.gateway_block is None)
            not_left += sum(w.amount for w in view.withdrawals if w.chain_id == cid and not w.settled)
            coming = sum(n for e, n in view.bundles if e.destination_chain_id == cid and e.gateway_block is not None)
            coming += sum(d.amount for d in view.deposits if d.chain_id == cid and d.relayed and not d.failure_settled)
            balance = chain_balance(devnet, cid, view.asset)
            pending = pending_interop_balance(devnet, cid, view.asset)
            gateway_total += balance + pending
            if balance + pending != held + not_left + coming:
                problems.append(
                    f"GWAssetTracker for {chain.name}: chainBalance {balance} + pending {pending} != held {held} "
                    f"+ not yet settled out of it {not_left} + on its way to it {coming}"
                )
    l1_balances = {c.chain_id: l1_chain_balance(devnet, c.chain_id, view.asset) for c in devnet.config.all_chains}
    if any(l1_balances.values()):
        total = sum(l1_balances.values())
        if total != MAX_TOKEN_BALANCE:
            problems.append(f"L1AssetTracker chainBalance sums to {total}, not 2^256-1 ({l1_balances})")
        expected_l1 = MAX_TOKEN_BALANCE - view.locked if on_l1 else view.supply[devnet.l1.name]
        if l1_balances[l1_id] != expected_l1:
            what = "MAX - locked in the L1 vault" if on_l1 else "the L1 copy's supply"
            problems.append(f"L1AssetTracker chainBalance[L1] is {l1_balances[l1_id]}, {what} is {expected_l1}")
        gateway = devnet.config.gateway
        if gateway is not None and gateway_total is not None:
            accepted = sum(d.amount for d in view.deposits if d.chain_id in gw_ids and not d.relayed)
            unfinalized = sum(w.amount for w in view.withdrawals if w.chain_id in gw_ids and w.settled)
            unclaimed = sum(d.amount for d in view.deposits if d.chain_id in gw_ids and d.failure_settled)
            expected = gateway_total + accepted + unfinalized + unclaimed
            if l1_balances[gateway.chain_id] != expected:
                problems.append(
                    f"L1AssetTracker chainBalance[Gateway] is {l1_balances[gateway.chain_id]}, but Gateway holds "
                    f"{gateway_total} (chainBalance + pending) + deposits not yet on Gateway {accepted} + settled "
                    f"withdrawals not finalized {unfinalized} + settled failed deposits not claimed {unclaimed}"
                )
    if problems:
        raise AssertionError(f"asset trackers disagree for token 0x{view.token.hex()}:\n  " + "\n  ".join(problems))
