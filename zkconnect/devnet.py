"""The devnet: every chain of a topology in one process, on one clock, snapshotted as one.

Every chain starts from a genesis that already holds the interop contracts at their canonical
addresses (:mod:`zkconnect.genesis.build`). The devnet composes them into a
:class:`~zkconnect.interop.topology.Topology` and builds the settlement pipeline
(:mod:`zkconnect.interop.settlement`), the relayer (:mod:`zkconnect.interop.relayer`), the priority queue
(:mod:`zkconnect.interop.priority`) and the message ledger (:mod:`zkconnect.interop.ledger`) from it and from
each other, never from the devnet; they are registered here and roll back with the chains.

>>> from zkconnect import Devnet
>>> devnet = Devnet()                      # the default topology of devnet.toml
>>> [c.chain_id for c in devnet.chains.values()]
[31337, 506, 6565, 6566]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, TypeVar

from zkconnect.accounts import DevAccount, dev_accounts
from zkconnect.config import ChainConfig, DevnetConfig, default_config
from zkconnect.engine.chain import Chain
from zkconnect.engine.clock import Clock, ClockState
from zkconnect.errors import (
    ChainError,
    ConfigError,
    InteropError,
    ProofUnavailable,
    TransactionReverted,
    UnknownSnapshot,
)
from zkconnect.genesis.build import DevnetContracts, devnet_genesis
from zkconnect.genesis.system_contracts import install_tx_number_hook
from zkconnect.interop.ledger import Entry, Ledger
from zkconnect.interop.migration import ChainMigration, migrate_chain_to_l1
from zkconnect.interop.priority import PriorityQueue
from zkconnect.interop.relayer import Relayer, RelayReport
from zkconnect.interop.settlement import LogProof, Settlement
from zkconnect.interop.topology import Topology
from zkconnect.protocol.addresses import INTEROP_CENTER, L1_MESSENGER, L2_MESSAGE_VERIFICATION
from zkconnect.protocol.messages import (
    INTEROP_CALL_VALUE_SELECTOR,
    INTEROP_PROTOCOL_FEE_SELECTOR,
    InteropCallStarter,
    format_evm_v1,
    prove_message_calldata,
    send_bundle_calldata,
    send_to_l1_calldata,
)
from zkconnect.protocol.reverts import describe_revert

__all__ = ["Devnet", "Stateful"]

S = TypeVar("S")
_C = TypeVar("_C")


class Stateful(Protocol[S]):
    """Off-chain state that must roll back with the chains (relayer queues, cursors, ledgers)."""

    def snapshot_state(self) -> S:
        """Return an immutable capture of the current state."""
        ...

    def restore_state(self, state: S) -> None:
        """Restore a capture returned by :meth:`snapshot_state`."""
        ...


Restore = Callable[[], None]
"""A component's captured state, bound to the component: calling it puts the component back."""


def _capture(component: Stateful[S]) -> Restore:
    state = component.snapshot_state()

    def restore() -> None:
        component.restore_state(state)

    return restore


@dataclass(frozen=True)
class _Registered:
    component: object
    capture: Callable[[], Restore]
    at_registration: Restore


@dataclass(frozen=True)
class _DevnetSnapshot:
    chains: dict[str, int]
    clock: ClockState
    components: dict[int, Restore]
    """Each registered component's capture, by the component's identity (``id``; it stays registered)."""


class Devnet:
    """All chains of a :class:`~zkconnect.config.DevnetConfig`, built in-process.

    Chains are reached by name or chain id (``devnet["zk-a"]``, ``devnet[6565]``). Every dev
    account is funded on every chain. :meth:`snapshot` / :meth:`revert` cover all chains, the
    shared clock and every registered off-chain component together.
    """

    def __init__(self, config: DevnetConfig | None = None, *, clock: Clock | None = None) -> None:
        self.config = config or default_config()
        self.clock = clock or Clock()
        self.accounts: tuple[DevAccount, ...] = dev_accounts(self.config.mnemonic, self.config.accounts)
        genesis = devnet_genesis(self.config)
        self.contracts: DevnetContracts = genesis.contracts
        self.chains: dict[str, Chain] = {}
        for cfg in self.config.all_chains:
            chain = Chain(cfg.chain_id, self.clock, name=cfg.name, genesis_state=genesis.states[cfg.name])
            if cfg.is_l2:
                install_tx_number_hook(chain)
            self.chains[cfg.name] = chain
        self.topology = Topology.of(self.config, self.chains, self.contracts, self.clock)
        """What the interop parts are built from (they never see the devnet itself)."""
        self._components: list[_Registered] = []
        self._snapshots: dict[int, _DevnetSnapshot] = {}
        self._next_snapshot = 1
        self.ledger = Ledger()
        self.settlement = Settlement(self.topology)
        self.relayer = Relayer(self.topology, self.settlement, self.ledger, self.config.relay)
        self.register(self.ledger)
        self.register(self.settlement)
        self.register(self.relayer)
        self.priority = PriorityQueue(self.topology, self.relayer)
        self.register(self.priority)

    # ------------------------------------------------------------------ lookup

    def __getitem__(self, name_or_id: str | int) -> Chain:
        return self.chains[self.config.chain(name_or_id).name]

    def chain_config(self, name_or_id: str | int) -> ChainConfig:
        """The configuration of one chain, by name or chain id."""
        return self.config.chain(name_or_id)

    @property
    def l1(self) -> Chain:
        """The L1 chain."""
        return self.topology.l1

    @property
    def gateway(self) -> Chain:
        """The Gateway chain; :class:`ConfigError` if this topology has none."""
        if self.topology.gateway is None:
            raise ConfigError("this devnet has no Gateway; add a [gateway] section to the configuration")
        return self.topology.gateway

    @property
    def zk_chains(self) -> tuple[Chain, ...]:
        """The ZK chains (neither L1 nor Gateway), in configuration order."""
        return tuple(self.chains[c.name] for c in self.config.chains)

    # ------------------------------------------------------------------ interop

    def relay(self) -> RelayReport:
        """Drive every pending message and bundle as far as it can go (settle, import, execute).

        With realistic timing this runs block intervals (moving the shared clock) until nothing is left to do.
        """
        self.priority.process()
        return self.relayer.relay()

    @property
    def block_interval(self) -> int:
        """Seconds of the shared clock per block interval (``block_time``, at least one second)."""
        return self.topology.block_interval

    def tick(self) -> RelayReport | None:
        """One block interval: (with realistic timing and the relayer in auto mode) move the interop pipeline one
        step, then mine the waiting transactions of every chain whose automine is off.

        ``zkdev up --timing realistic`` calls this every ``block_time`` seconds; in-process code calls
        :meth:`advance`. Returns the relayer's report, or None if it did not run.
        """
        report = None
        if self.relayer.realistic and self.relayer.automatic:
            report = self.relayer.tick()  # before mining: what is mined now settles from the next interval on
        for chain in self.chains.values():
            if not chain.automine and chain.pending_transactions:
                chain.mine()
        return report

    def advance(self, seconds: int) -> None:
        """Move the shared clock ``seconds`` forward, one :meth:`tick` per whole block interval."""
        if seconds < 0:
            raise ChainError(
                f"cannot advance the devnet by {seconds} s; time only moves forward (revert a snapshot to go back)"
            )
        step = self.block_interval
        remaining = seconds
        while remaining >= step:
            self.clock.increase_time(step)
            self.tick()
            remaining -= step
        if remaining:
            self.clock.increase_time(remaining)

    def proof(self, chain: str | int, tx_hash: bytes, index: int = 0, mode: str = "proof_based_gw") -> LogProof:
        """The proof of the ``index``-th L2->L1 message of ``tx_hash`` on ``chain``.

        ``mode``: ``"proof_based_gw"`` (interop, verified on another ZK chain) or ``"l1"`` (verified
        on L1). Raises :class:`~zkconnect.errors.ProofUnavailable` until the batch is settled.
        """
        return self.settlement.proof(self[chain].chain_id, bytes(tx_hash), index, mode)

    def send_bundle(
        self,
        source: str | int,
        sender: DevAccount,
        destination: str | int,
        calls: Sequence[tuple[bytes, bytes] | InteropCallStarter],
        *,
        attributes: Sequence[bytes] = (),
        value: int | None = None,
    ) -> Entry:
        """Send ``InteropCenter.sendBundle`` from ``sender`` on ``source``; returns the bundle's ledger entry.

        ``calls`` are ``(recipient address, payload)`` pairs or full :class:`InteropCallStarter` values (with
        call attributes). ``value`` defaults to the source chain's interop fee per call plus every call's
        ``interopCallValue``. In auto relay mode the entry returned is already executed (or failed, with its
        reason). Raises :class:`TransactionReverted` with the decoded custom error if the source refuses it.
        """
        chain = self[source]
        starters = [
            c if isinstance(c, InteropCallStarter) else InteropCallStarter(to=format_evm_v1(None, c[0]), data=c[1])
            for c in calls
        ]
        if value is None:
            value = self.interop_fee(source) * len(starters) + sum(
                int.from_bytes(a[4:36], "big")
                for s in starters
                for a in s.call_attributes
                if a[:4] == INTEROP_CALL_VALUE_SELECTOR
            )
        data = send_bundle_calldata(self.chain_config(destination).chain_id, starters, attributes)
        receipt = chain.transact(sender.private_key, INTEROP_CENTER, data, value=value)
        if not receipt.ok:
            raise TransactionReverted(receipt.output, describe_revert(receipt.output), tx_hash=receipt.tx_hash)
        sent = [e for e in self.ledger.by_source_tx(receipt.tx_hash) if e.kind == "bundle"]
        if not sent:
            raise InteropError(
                f"tx 0x{receipt.tx_hash.hex()} on {chain.name} sent no bundle; is {chain.name} settling on Gateway?"
            )
        return self.ledger.bundle(sent[-1].id)

    def send_message(self, source: str | int, sender: DevAccount, payload: bytes) -> Entry:
        """Send ``payload`` with ``L1Messenger.sendToL1`` from ``sender`` on ``source``; returns its ledger entry.

        Once settled (at once in auto mode) it is provable on L1 and on every other Gateway-settled chain:
        see :meth:`proof` and :meth:`verify_message`.
        """
        chain = self[source]
        receipt = chain.transact(sender.private_key, L1_MESSENGER, send_to_l1_calldata(payload))
        if not receipt.ok:
            raise TransactionReverted(receipt.output, describe_revert(receipt.output), tx_hash=receipt.tx_hash)
        return [e for e in self.ledger.by_source_tx(receipt.tx_hash) if e.kind == "message"][-1]

    def verify_message(self, on: str | int, message: Entry) -> bool:
        """Ask ``L2MessageVerification.proveL2MessageInclusionShared`` on chain ``on`` whether ``message`` (a
        ledger entry) is proven, with the devnet's ``proof_based_gw`` proof; False until its root is imported."""
        try:
            proof = self.proof(message.source_chain_id, message.source_tx, message.log_index).inclusion_proof()
        except ProofUnavailable:
            return False
        out = self[on].call(L2_MESSAGE_VERIFICATION, prove_message_calldata(proof))
        return int.from_bytes(out[:32], "big") == 1

    def interop_fee(self, chain: str | int) -> int:
        """The per-call interop protocol fee ``InteropCenter.interopProtocolFee()`` on ``chain``, in its base token."""
        return int.from_bytes(self[chain].call(INTEROP_CENTER, INTEROP_PROTOCOL_FEE_SELECTOR), "big")

    def bundle(self, bundle_hash: bytes) -> Entry:
        """The ledger entry of a bundle: its stage, batch, Gateway block, destination tx or failure."""
        return self.ledger.bundle(bundle_hash)

    def messages(self, tx_hash: bytes) -> list[Entry]:
        """Every message and bundle a source transaction sent, with its stage."""
        return self.ledger.by_source_tx(tx_hash)

    def migrate_chain_to_l1(self, chain: str | int) -> ChainMigration:
        """Move ``chain`` from Gateway back to L1 (v31 migration number 2): Gateway, L1 and the chain record it, and
        its later batches settle on L1. Refused (:class:`~zkconnect.errors.ChainMigrationError`) until the
        chain is drained: relay first. See :mod:`zkconnect.interop.migration`."""
        return migrate_chain_to_l1(
            self.topology,
            chain,
            settlement=self.settlement,
            relayer=self.relayer,
            ledger=self.ledger,
            priority=self.priority,
        )

    # ------------------------------------------------------------------ snapshots

    def register(self, component: Stateful[S]) -> None:
        """Include an off-chain component in every later devnet snapshot.

        Reverting to a snapshot taken before the component was registered puts it back as it was when registered
        (the earliest state the devnet knows of it). Registering the same component twice is an error.
        """
        if any(r.component is component for r in self._components):
            raise ChainError(f"{component!r} is already registered with this devnet")
        self._components.append(_Registered(component, lambda: _capture(component), _capture(component)))

    def component(self, kind: type[_C]) -> _C | None:
        """The registered component of type ``kind`` (the first), or None: how a layer above finds its own."""
        return next((r.component for r in self._components if isinstance(r.component, kind)), None)

    def snapshot(self) -> int:
        """Capture every chain, the clock and all registered components; returns an id."""
        sid = self._next_snapshot
        self._next_snapshot += 1
        self._snapshots[sid] = _DevnetSnapshot(
            chains={name: chain.snapshot() for name, chain in self.chains.items()},
            clock=self.clock.state(),
            components={id(r.component): r.capture() for r in self._components},
        )
        return sid

    def revert(self, snapshot_id: int) -> None:
        """Return the whole devnet to a snapshot; it and every later snapshot are consumed."""
        snap = self._snapshots.get(snapshot_id)
        if snap is None:
            raise UnknownSnapshot(f"devnet has no snapshot {snapshot_id} (already reverted, or never taken)")
        for sid in [s for s in self._snapshots if s >= snapshot_id]:
            del self._snapshots[sid]
        for name, chain_sid in snap.chains.items():
            self.chains[name].revert(chain_sid)
        self.clock.restore(snap.clock)
        for registered in self._components:
            restore = snap.components.get(id(registered.component), registered.at_registration)
            restore()

    @contextmanager
    def anchor(self) -> Iterator[Devnet]:
        """Run a block of code, then put the whole devnet back as it was."""
        sid = self.snapshot()
        try:
            yield self
        finally:
            self.revert(sid)

    def __repr__(self) -> str:
        chains = ", ".join(f"{c.name}={c.chain_id}" for c in self.config.all_chains)
        return f"<Devnet {chains}>"
