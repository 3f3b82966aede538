"""The relayer: drives messages and bundles through settlement to execution on their destination.

It watches every Gateway-settled ZK chain. For each ``InteropBundleSent`` it records a ledger
entry; a relay round then

1. settles every sealed batch on Gateway (:meth:`Settlement.settle`) and Gateway's batches on L1;
2. queues the interop root of each Gateway block that executed batches with messages, for import
   on the Gateway-settled chains (at the start of their next block, by the bootloader);
3. builds each pending bundle's ``proof_based_gw`` proof and sends ``InteropHandler.executeBundle``
   from the relayer account, many bundles per destination block;
4. records the outcome: executed, failed with the decoded revert reason, already processed (by
   someone else), or awaiting the bundle's own ``executionAddress``.

In ``auto`` mode a round runs right after any block that sent a message; in ``manual`` mode
nothing moves until :meth:`Relayer.relay` (or one of the step methods) is called.

With ``realistic`` timing nothing happens right after a block: the pipeline moves one step per
block interval of the shared clock (:meth:`Relayer.tick`, called by :meth:`Devnet.tick
<zkconnect.devnet.Devnet.tick>`). A tick settles on Gateway the batches sealed before it,
settles Gateway's earlier batches on L1, and only then imports the roots of Gateway blocks whose
batch is final on L1 and executes the bundles they prove, so a message needs two intervals to
cross, as on a real deployment where interop waits for Gateway's finality on L1. A bundle is
never retried on its own after a failure; anyone may still execute or unbundle it, and the
ledger follows the destination's ``BundleExecuted`` / ``BundleUnbundled`` events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, get_args

from eth_abi.abi import decode
from eth_utils.crypto import keccak

from zkconnect.engine.chain import BlockRecord, Chain, Receipt
from zkconnect.errors import ConfigError, SettlementError, ZkConnectError
from zkconnect.interop.ledger import FINAL_STAGES, Entry, Ledger, Stage
from zkconnect.interop.settlement import BatchExecution, Settlement
from zkconnect.interop.topology import Topology
from zkconnect.protocol.addresses import INTEROP_CENTER, INTEROP_HANDLER, L1_MESSENGER
from zkconnect.protocol.batches import L1_MESSAGE_SENT_TOPIC
from zkconnect.protocol.messages import (
    BundleStatus,
    InteropBundle,
    bundle_hash,
    execute_bundle_calldata,
    parse_evm_v1,
    selector,
)
from zkconnect.protocol.reverts import describe_revert

__all__ = ["RelayMode", "RelayReport", "Relayer"]

RelayMode = Literal["auto", "manual"]
"""``auto``: relay right after any block that sent something; ``manual``: only when asked."""
_RELAY_MODES: tuple[str, ...] = get_args(RelayMode)

_BUNDLE_EXECUTED = keccak(b"BundleExecuted(bytes32)")
_BUNDLE_UNBUNDLED = keccak(b"BundleUnbundled(bytes32)")
_BUNDLE_VERIFIED = keccak(b"BundleVerified(bytes32)")
_BUNDLE_STATUS = selector("bundleStatus(bytes32)")
_EXECUTE_GAS = 8_000_000
_MAX_ROUNDS = 64
_PENDING = (Stage.SENT, Stage.SEALED, Stage.SETTLED, Stage.ROOT_IMPORTED, Stage.STALLED)


@dataclass
class RelayReport:
    """What one relay round did."""

    settled: int = 0
    gateway_batches_on_l1: int = 0
    roots_imported: int = 0
    executed: list[bytes] = field(default_factory=list)
    failed: list[tuple[bytes, str]] = field(default_factory=list)
    already_processed: list[bytes] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def merge(self, other: RelayReport) -> None:
        """Add another round's counts and lists to this report."""
        self.settled += other.settled
        self.gateway_batches_on_l1 += other.gateway_batches_on_l1
        self.roots_imported += other.roots_imported
        self.executed += other.executed
        self.failed += other.failed
        self.already_processed += other.already_processed
        self.problems += other.problems

    @property
    def idle(self) -> bool:
        """True when the round found nothing to do."""
        return not (self.settled or self.roots_imported or self.executed or self.failed or self.already_processed)


class Relayer:
    """Relays a devnet's interop traffic. See the module docstring."""

    def __init__(self, topology: Topology, settlement: Settlement, ledger: Ledger, mode: RelayMode = "auto") -> None:
        self.topology = topology
        self.settlement = settlement
        self.ledger = ledger
        self.mode: RelayMode = _checked_mode(mode)
        self.timing = topology.config.timing
        self.account = topology.contracts.relayer
        self.problems: list[str] = []
        self._dirty = False
        self._busy = False
        self._paused = False
        self._watched = set(settlement.gateway_settled) | set(settlement.l1_settled) - {self._gateway_id()}
        for cid in self._watched:
            chain = topology.by_id[cid]
            chain.block_listeners.append(self._listener_for(chain))
            chain.after_mine.append(self._after_mine)

    def _gateway_id(self) -> int:
        gateway = self.topology.gateway_chain_id
        return -1 if gateway is None else gateway

    # ------------------------------------------------------------------ control

    @property
    def automatic(self) -> bool:
        """True when the relayer acts on its own now: ``auto`` mode and not paused."""
        return self.mode == "auto" and not self._paused

    @property
    def paused(self) -> bool:
        """True while automatic relaying is paused (``zkdev_pauseRelay``)."""
        return self._paused

    def pause(self) -> None:
        """Stop automatic relaying until :meth:`resume` (manual calls still work)."""
        self._paused = True

    def resume(self) -> None:
        """Resume automatic relaying, catching up at once in auto mode."""
        self._paused = False
        if self.mode == "auto" and not self.realistic:
            self._drain()

    def set_mode(self, mode: RelayMode) -> None:
        """Switch between ``auto`` and ``manual`` (:class:`~zkconnect.errors.ConfigError` for anything else)."""
        self.mode = _checked_mode(mode)
        if mode == "auto" and not self.realistic:
            self._drain()

    def snapshot_state(self) -> tuple[int, bool, str, bool]:
        """Problems seen, the paused flag and the mode."""
        return len(self.problems), self._paused, self.mode, self._dirty

    def restore_state(self, state: tuple[int, bool, str, bool]) -> None:
        """Go back to a capture of :meth:`snapshot_state`."""
        count, self._paused, mode, self._dirty = state
        self.mode = "manual" if mode == "manual" else "auto"
        del self.problems[count:]

    # ------------------------------------------------------------------ watching

    def _listener_for(self, chain: Chain) -> Callable[[BlockRecord], None]:
        def listener(record: BlockRecord) -> None:
            for receipt in record.receipts:
                if receipt.ok:
                    self._scan(chain, record, receipt)

        return listener

    def _scan(self, chain: Chain, record: BlockRecord, receipt: Receipt) -> None:
        messages = [
            log for log in receipt.logs if log.address == L1_MESSENGER and log.topics[:1] == (L1_MESSAGE_SENT_TOPIC,)
        ]
        interop = chain.chain_id in self.settlement.gateway_settled
        for index, log in enumerate(messages):
            sender = log.topics[1][12:]
            (payload,) = decode(["bytes"], log.data)
            payload = bytes(payload)
            if interop and sender == INTEROP_CENTER and payload[:1] == b"\x01":
                try:
                    bundle = InteropBundle.decode(payload[1:])
                except ZkConnectError as exc:  # pragma: no cover - the InteropCenter only emits valid bundles
                    self.problems.append(f"undecodable bundle in tx 0x{receipt.tx_hash.hex()}: {exc}")
                    continue
                entry = Entry(
                    kind="bundle",
                    id=bundle_hash(chain.chain_id, payload[1:]),
                    source_chain_id=chain.chain_id,
                    source_tx=receipt.tx_hash,
                    log_index=index,
                    sender=sender,
                    payload=payload,
                    destination_chain_id=bundle.destination_chain_id,
                )
            else:
                entry = Entry(
                    kind="message",
                    id=keccak(payload),
                    source_chain_id=chain.chain_id,
                    source_tx=receipt.tx_hash,
                    log_index=index,
                    sender=sender,
                    payload=payload,
                )
            added = self.ledger.add(entry)
            self.ledger.move(
                added, Stage.SEALED, f"batch {record.number} of chain {chain.chain_id}", batch_number=record.number
            )
            self._dirty = True
        if chain.chain_id in self.settlement.gateway_settled:
            executed_here = {log.topics[1] for log in receipt.logs if log.topics[:1] == (_BUNDLE_EXECUTED,)}
            for log in receipt.logs:
                if log.address != INTEROP_HANDLER or len(log.topics) < 2:
                    continue
                found = self.ledger.get(log.topics[1])
                if found is None or found.kind != "bundle":
                    continue
                if log.topics[0] == _BUNDLE_EXECUTED:
                    self._record_executed(found, receipt.tx_hash)
                elif log.topics[0] == _BUNDLE_UNBUNDLED:
                    self.ledger.move(
                        found, Stage.UNBUNDLED, f"tx 0x{receipt.tx_hash.hex()}", destination_tx=receipt.tx_hash
                    )
                elif (
                    log.topics[0] == _BUNDLE_VERIFIED
                    and found.stage not in FINAL_STAGES
                    and log.topics[1] not in executed_here
                ):
                    self.ledger.move(found, Stage.VERIFIED, f"tx 0x{receipt.tx_hash.hex()}")

    @property
    def realistic(self) -> bool:
        """True when the pipeline moves on block intervals (``timing = "realistic"``)."""
        return self.timing == "realistic"

    def _after_mine(self, chain: Chain) -> None:
        if self.realistic:
            return
        if self.mode == "auto" and not self._paused and self._dirty and not self._busy:
            self._drain()

    def _drain(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            rounds = 0
            while self._dirty or rounds == 0:
                self._dirty = False
                rounds += 1
                if rounds > _MAX_ROUNDS:
                    self.problems.append(
                        f"stopped after {_MAX_ROUNDS} relay rounds in a row: contracts keep sending bundles in reply "
                        "to bundles; call relay() to continue"
                    )
                    break
                try:
                    report = self._round()
                except ZkConnectError as exc:
                    self.problems.append(str(exc))
                    break
                self.problems.extend(report.problems)
        finally:
            self._busy = False

    # ------------------------------------------------------------------ relaying

    def relay(self) -> RelayReport:
        """Run relay rounds until nothing is left to do; returns what happened (merged).

        Raises :class:`~zkconnect.interop.settlement.SettlementError` if a batch was refused.
        """
        total = RelayReport()
        self._busy = True
        try:
            for _ in range(_MAX_ROUNDS):
                self._dirty = False
                if self.realistic:
                    self.topology.clock.increase_time(self.topology.block_interval)
                    report = self._tick(raise_on_stall=True)
                else:
                    report = self._round(raise_on_stall=True)
                total.merge(report)
                if (report.idle and not report.gateway_batches_on_l1) if self.realistic else not self._dirty:
                    break
        finally:
            self._busy = False
        return total

    def tick(self) -> RelayReport:
        """One block interval of realistic timing (see the module docstring); problems are kept, not raised."""
        if self._busy:
            return RelayReport()
        self._busy = True
        try:
            report = self._tick(raise_on_stall=False)
        finally:
            self._busy = False
        self.problems.extend(report.problems)
        return report

    def _tick(self, *, raise_on_stall: bool) -> RelayReport:
        report = RelayReport()
        self._settle(report, raise_on_stall=raise_on_stall, queue_imports=False)
        final = self.settlement.settled_batch(self._gateway_id()) if self._gateway_id() > 0 else 0
        self._import_final(final)
        self._execute_pending(report, final_gateway_block=final)
        report.roots_imported = self._import_now()
        self._update_messages()
        return report

    def _import_final(self, final_gateway_block: int | None) -> None:
        """Queue the roots of Gateway blocks (final on L1, if a bound is given) that settled messages or bundles
        still need: a bundle's on its destination, a message's on every other chain (none for the service
        messages of system contracts, which only Gateway and L1 consume)."""
        gw_chains = self.settlement.gateway_settled
        for entry in self.ledger.by_stage(Stage.SETTLED, Stage.ROOT_IMPORTED):
            block = entry.gateway_block
            if block is None or (final_gateway_block is not None and block > final_gateway_block):
                continue
            if entry.kind == "message" and entry.service:
                continue
            if entry.kind == "bundle":
                targets = [entry.destination_chain_id] if entry.destination_chain_id in gw_chains else []
            else:
                targets = [c for c in gw_chains if c != entry.source_chain_id]
            missing = [
                c
                for c in targets
                if c is not None
                and block not in self.settlement.imported_roots(c)
                and block not in self.settlement.pending_imports(c)
            ]
            if missing:
                self.settlement.queue_import(block, missing)

    def settle(self) -> int:
        """Step: execute every sealed batch on Gateway (and Gateway's batches and L1-settled chains' on L1)."""
        return len(self._settle(RelayReport(), raise_on_stall=True))

    def import_roots(self) -> int:
        """Step: import every interop root the settled messages need, now."""
        return self._import_now()

    def _import_now(self) -> int:
        """Import the queued roots now; returns how many (chain, Gateway block) roots that added."""

        def count() -> int:
            return sum(len(self.settlement.imported_roots(c)) for c in self.settlement.gateway_settled)

        before = count()
        self.settlement.import_now()
        return count() - before

    def execute(self) -> RelayReport:
        """Step: execute every bundle whose root is available (importing pending roots in the same block)."""
        report = RelayReport()
        self._execute_pending(report)
        return report

    def _settle(self, report: RelayReport, *, raise_on_stall: bool, queue_imports: bool = True) -> list[BatchExecution]:
        done: list[BatchExecution] = []
        # Batches sealed before this step only: in realistic timing, what settles on Gateway now reaches L1 next tick.
        through = {cid: s.latest for cid, s in self.settlement.sealers.items()} if self.realistic else None
        try:
            done += self.settlement.settle(through)
        except SettlementError as exc:
            self._mark_stalled()
            if raise_on_stall:
                raise
            report.problems.append(str(exc))
        try:
            on_l1 = self.settlement.settle_on_l1(through)
        except SettlementError as exc:
            if raise_on_stall:
                raise
            report.problems.append(str(exc))
            on_l1 = []
        report.settled += len(done)
        report.gateway_batches_on_l1 += len(on_l1)
        for entry in self.ledger.by_stage(Stage.SEALED, Stage.STALLED):
            if entry.batch_number is None:
                continue
            execution = self.settlement.execution(entry.source_chain_id, entry.batch_number)
            if execution is not None:
                self.ledger.move(
                    entry,
                    Stage.SETTLED,
                    f"executed on chain {execution.layer_chain_id} in block {execution.block_number}",
                    gateway_block=execution.block_number if execution.layer_chain_id == self._gateway_id() else None,
                    reason=None,
                )
        if queue_imports:
            self._import_final(None)
        return done

    def _mark_stalled(self) -> None:
        stalled = self.settlement.stalled()
        for entry in self.ledger.by_stage(Stage.SEALED):
            if entry.source_chain_id in stalled:
                self.ledger.move(
                    entry, Stage.STALLED, stalled[entry.source_chain_id], reason=stalled[entry.source_chain_id]
                )

    def _round(self, *, raise_on_stall: bool = False) -> RelayReport:
        report = RelayReport()
        self._settle(report, raise_on_stall=raise_on_stall)
        self._execute_pending(report)
        report.roots_imported = self._import_now()
        self._update_messages()
        return report

    def _update_messages(self) -> None:
        gw_chains = self.settlement.gateway_settled
        for entry in self.ledger.by_stage(Stage.SETTLED):
            if entry.kind != "message" or entry.gateway_block is None or entry.service:
                continue
            others = [c for c in gw_chains if c != entry.source_chain_id]
            blocks = [self.settlement.imported_roots(c).get(entry.gateway_block) for c in others]
            if all(b is not None for b in blocks):
                self.ledger.move(
                    entry,
                    Stage.ROOT_IMPORTED,
                    f"root of Gateway block {entry.gateway_block} imported on {', '.join(map(str, others))}",
                    root_imported_block=max((b for b in blocks if b is not None), default=None),
                )

    def prepare(self, entry: Entry) -> bytes:
        """The encoded bundle the relayer submits for ``entry`` (the L1Messenger payload after ``0x01``)."""
        return entry.payload[1:]

    def _execute_pending(self, report: RelayReport, final_gateway_block: int | None = None) -> None:
        by_destination: dict[int, list[tuple[Entry, bytes]]] = {}
        for entry in self.ledger.by_stage(Stage.SETTLED, Stage.ROOT_IMPORTED, Stage.VERIFIED):
            if entry.kind != "bundle" or entry.gateway_block is None or entry.destination_chain_id is None:
                continue
            if final_gateway_block is not None and entry.gateway_block > final_gateway_block:
                continue
            if entry.stage == Stage.VERIFIED and entry.attempts:
                continue  # verified by someone after our attempt failed: theirs to unbundle, never retried
            destination = entry.destination_chain_id
            if destination not in self.settlement.gateway_settled and destination not in self.topology.by_id:
                reason = f"destination chain {destination} is not part of this devnet"
                self.ledger.move(entry, Stage.FAILED, reason, reason=reason)
                report.failed.append((entry.id, reason))
                continue
            encoded = self.prepare(entry)
            bundle = InteropBundle.decode(entry.payload[1:])
            execution = bundle.bundle_attributes.execution_address
            if execution:
                chain_id, address = parse_evm_v1(execution)
                local = chain_id in (0, destination)
                if not local or bytes.fromhex(address[2:]) != self.account.address:
                    self._ensure_root(entry, destination)
                    how = (
                        f"only {address} may execute it on chain {destination}"
                        if local
                        else f"only {address} on chain {chain_id} may execute it, with a bundle from chain {chain_id} "
                        f"whose call asks the InteropHandler on {destination} to executeBundle"
                    )
                    if entry.stage != Stage.AWAITING_EXECUTOR:
                        self.ledger.move(entry, Stage.AWAITING_EXECUTOR, how, reason=None)
                    continue
            status = self._bundle_status(destination, entry.id)
            if status not in (BundleStatus.UNRECEIVED, BundleStatus.VERIFIED):
                self.ledger.move(
                    entry,
                    Stage.EXECUTED if status == BundleStatus.FULLY_EXECUTED else Stage.UNBUNDLED,
                    f"already processed on chain {destination} (status {status.name})",
                )
                report.already_processed.append(entry.id)
                continue
            proof = self.settlement.proof(entry.source_chain_id, entry.source_tx, entry.log_index, "proof_based_gw")
            self._ensure_root(entry, destination)
            data = execute_bundle_calldata(encoded, proof.inclusion_proof())
            by_destination.setdefault(destination, []).append((entry, data))
        for destination, work in by_destination.items():
            chain = self.topology.by_id[destination]
            hashes = self._submit_block(chain, [data for _, data in work])
            for (entry, _), tx_hash in zip(work, hashes, strict=True):
                receipt = chain.receipt(tx_hash)
                assert receipt is not None
                current = self.ledger.bundle(entry.id)
                if receipt.ok:
                    current = self._record_executed(current, tx_hash)  # already done by the block's event scan
                    self.ledger.replace(current, attempts=current.attempts + 1)
                    report.executed.append(entry.id)
                elif current.stage not in FINAL_STAGES:
                    reason = describe_revert(receipt.output)
                    self.ledger.move(
                        current,
                        Stage.FAILED,
                        f"tx 0x{tx_hash.hex()} reverted: {reason}",
                        destination_tx=tx_hash,
                        reason=reason,
                        attempts=current.attempts + 1,
                    )
                    report.failed.append((entry.id, reason))

    def _record_executed(self, entry: Entry, tx_hash: bytes) -> Entry:
        """Move a bundle to EXECUTED by ``tx_hash``, once: its event and our receipt may both report it."""
        current = self.ledger.bundle(entry.id)
        if current.stage == Stage.EXECUTED:
            return current
        return self.ledger.move(current, Stage.EXECUTED, f"tx 0x{tx_hash.hex()}", destination_tx=tx_hash, reason=None)

    def _ensure_root(self, entry: Entry, destination: int) -> None:
        assert entry.gateway_block is not None
        if destination not in self.settlement.gateway_settled:
            return  # a chain settling on L1 imports no Gateway roots (and refuses the bundle)
        imported = self.settlement.imported_roots(destination)
        if entry.gateway_block not in imported and entry.gateway_block not in self.settlement.pending_imports(
            destination
        ):
            self.settlement.queue_import(entry.gateway_block, [destination])

    def _bundle_status(self, chain_id: int, bundle_hash_: bytes) -> BundleStatus:
        out = self.topology.by_id[chain_id].call(INTEROP_HANDLER, _BUNDLE_STATUS + bundle_hash_)
        return BundleStatus(int.from_bytes(out, "big"))

    def _submit_block(self, chain: Chain, payloads: list[bytes]) -> list[bytes]:
        with chain.batch():  # mined on exit, in as many blocks as the block gas limit needs
            hashes = [
                chain.submit(chain.sign(self.account.private_key, INTEROP_HANDLER, data, gas=_EXECUTE_GAS))
                for data in payloads
            ]
        return hashes


def _checked_mode(mode: str) -> RelayMode:
    if mode == "auto":
        return "auto"
    if mode == "manual":
        return "manual"
    raise ConfigError(f"relay mode {mode!r} is not one of {', '.join(map(repr, _RELAY_MODES))}; pick one of those")
