"""Chains and contracts as a test sees them: :class:`ChainHandle`, :class:`Contract`, and compiling and
deploying the user's own Solidity (:func:`compile_solidity`, :func:`compile_and_deploy`).
"""

from __future__ import annotations

from collections.abc import Sequence
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
from zkconnect.engine.chain import Chain, Log, Receipt
from zkconnect.errors import TransactionReverted, ZkConnectError
from zkconnect.protocol.reverts import AbiEntry, abi_type
from zkconnect.testing.decoding import describe, register_errors, reverted, signature
from zkconnect.testing.frames import hide_internal_frames

if TYPE_CHECKING:
    from web3 import Web3

    from zkconnect.devnet import Devnet

__all__ = ["CREATE2_FACTORY", "ChainHandle", "Contract", "address_of", "compile_and_deploy", "compile_solidity"]

__tracebackhide__ = hide_internal_frames

CREATE2_FACTORY = keccak(b"zkconnect:create2-factory")[12:]
"""Where :func:`compile_and_deploy` places its CREATE2 factory (on first use, on each chain)."""

# calldata = salt (32 bytes) || init code; CREATE2 with msg.value; returns the 20-byte address or
# bubbles the constructor's revert data.
_CREATE2_FACTORY_CODE = bytes.fromhex(
    "6020360380602060003760003590600034f58015601f576000526014600cf35b3d6000803e3d6000fd"
)


_COMPILED: dict[tuple[tuple[str, str], ...], dict[str, CompiledContract]] = {}


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
        return self.chain.balance(address_of(address))

    def call(
        self, to: bytes | str | Contract, data: bytes = b"", *, sender: DevAccount | None = None, value: int = 0
    ) -> bytes:
        """``eth_call``; raises :class:`TransactionReverted` with the decoded reason on revert."""
        who = (sender or self.default_sender).address
        try:
            return self.chain.call(address_of(to), data, sender=who, value=value)
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
        target = None if to is None else address_of(to)
        receipt = self.chain.transact((sender or self.default_sender).private_key, target, data, value=value, gas=gas)
        if check and not receipt.ok:
            raise reverted(receipt, f"transaction on {self.name}")
        return receipt

    def deploy(
        self,
        contract: CompiledContract | Artifact | str,
        *args: object,
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
        self, address: bytes | str, abi: Sequence[AbiEntry] | CompiledContract | Artifact, name: str = ""
    ) -> Contract:
        """A handle on a contract already deployed at ``address``."""
        if isinstance(abi, CompiledContract | Artifact):
            return Contract(self, address_of(address), list(abi.abi), name or abi.name)
        return Contract(self, address_of(address), list(abi), name)

    def logs(
        self, address: bytes | str | Contract | None = None, *topics: bytes | None, from_block: int = 0
    ) -> list[Log]:
        """Logs of this chain, by emitter and topics (``None`` matches any topic)."""
        return self.chain.logs(
            from_block=from_block, address=None if address is None else address_of(address), topics=list(topics)
        )

    def __repr__(self) -> str:
        return f"<ChainHandle {self.name} id={self.chain_id}>"


def _constructor_args(abi: Sequence[AbiEntry], args: Sequence[object]) -> bytes:
    ctor = next((item for item in abi if item.get("type") == "constructor"), None)
    types = [abi_type(p) for p in ctor.get("inputs", [])] if ctor else []
    if len(types) != len(args):
        raise ZkConnectError(f"the constructor takes {len(types)} argument(s) ({', '.join(types)}), got {len(args)}")
    return encode(types, list(args)) if types else b""


@dataclass(frozen=True)
class Contract:
    """A deployed contract on one chain, called by function name (overloads resolved by arity)."""

    handle: ChainHandle
    address: bytes
    abi: list[AbiEntry] = field(repr=False)
    name: str = ""

    @property
    def checksum_address(self) -> str:
        """The EIP-55 form of the address."""
        return to_checksum_address(self.address)

    @property
    def web3(self) -> Any:
        """The same contract as a ``web3`` contract object."""
        return self.handle.web3.eth.contract(address=to_checksum_address(self.address), abi=self.abi)

    def _function(self, fn: str, args: Sequence[object]) -> AbiEntry:
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

    def encode(self, fn: str, *args: object) -> bytes:
        """The calldata of ``fn(args…)``."""
        item = self._function(fn, args)
        types = [abi_type(p) for p in item.get("inputs", [])]
        return keccak(signature(item).encode())[:4] + encode(types, list(args))

    def call(self, fn: str, *args: object, sender: DevAccount | None = None, value: int = 0) -> Any:
        """Call ``fn`` without a transaction; one output is returned bare, several as a tuple."""
        item = self._function(fn, args)
        out = self.handle.call(self.address, self.encode(fn, *args), sender=sender, value=value)
        values = decode([abi_type(p) for p in item.get("outputs", [])], out)
        if len(values) == 1:
            return values[0]
        return values if values else None

    def send(
        self,
        fn: str,
        *args: object,
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
            raise reverted(receipt, f"{self.name or 'contract'}.{fn}() on {self.handle.name}")
        return receipt

    def events(self, name: str, *, from_block: int = 0) -> list[dict[str, Any]]:
        """This contract's ``name`` events, decoded into dicts of argument name -> value."""
        item = next((i for i in self.abi if i.get("type") == "event" and i["name"] == name), None)
        if item is None:
            raise ZkConnectError(f"{self.name or 'contract'} declares no event {name}")
        topic = keccak(signature(item).encode())
        inputs = item.get("inputs", [])
        data_types = [abi_type(p) for p in inputs if not p.get("indexed")]
        out = []
        for log in self.handle.logs(self.address, topic, from_block=from_block):
            plain = iter(decode(data_types, log.data))
            topics = iter(log.topics[1:])
            event: dict[str, Any] = {}
            for p in inputs:
                if p.get("indexed"):
                    raw = next(topics)
                    dynamic = p["type"] in ("string", "bytes") or p["type"].endswith("]") or p["type"] == "tuple"
                    event[p["name"]] = raw if dynamic else decode([abi_type(p)], raw)[0]
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
            register_errors(compiled.abi)
    return _COMPILED[key]


def compile_and_deploy(
    chains: ChainHandle | Sequence[ChainHandle],
    source: str | Path,
    contract: str | None = None,
    *args: object,
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


def address_of(value: bytes | str | Contract) -> bytes:
    """20 raw bytes of an address given as bytes, hex or a :class:`Contract`."""
    if isinstance(value, Contract):
        return value.address
    if isinstance(value, str):
        return bytes.fromhex(value.removeprefix("0x"))
    return bytes(value)
