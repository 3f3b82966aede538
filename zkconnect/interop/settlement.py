"""Settlement: batches executed on their settlement layer, interop roots imported, proofs built.

The flow, for the default topology::

    zk-a, zk-b ──batches──▶ Gateway (GatewayChainExecutor.executeBatch ─▶ L2MessageRoot)
                               │ its own batches
                               ▼
                              L1 (L1ChainSettlement.executeBatch ─▶ L1MessageRoot)
    Gateway's interop roots (historicalRoot[g]) ──▶ addInteropRoot on zk-a, zk-b (bootloader)

Every step is a real transaction sent by a keyless operator (the validator) or by the
bootloader: the contracts rebuild each batch from its logs and messages and refuse a batch that
does not match its root. Batches are executed strictly in order; many batches (of several
chains) go into one settlement-layer block. A Python twin of Gateway's message root
(:class:`~zkconnect.protocol.roots.MessageRootTwin`) is checked against ``historicalRoot`` after every
Gateway block, and is what proofs are built from.

Interop roots are imported by the bootloader at the start of a destination block (a block
prelude), as ZKsync's bootloader does; :meth:`Settlement.import_now` mines that block at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from eth_abi.abi import decode, encode

from zkconnect.engine.chain import BlockRecord, Chain, SystemCall
from zkconnect.errors import InteropError, ProofUnavailable, SettlementError
from zkconnect.interop.sealer import Sealer, SealerState
from zkconnect.interop.topology import Topology
from zkconnect.protocol.addresses import BOOTLOADER, L2_INTEROP_ROOT_STORAGE, L2_MESSAGE_ROOT
from zkconnect.protocol.batches import L2_LOG_ABI_TYPE, Batch, SealedLog
from zkconnect.protocol.merkle import (
    GatewayBatchPath,
    MessageProof,
    build_direct_l1_proof,
    build_gateway_interop_proof,
    build_gateway_l1_proof,
    empty_multichain_batch_root,
)
from zkconnect.protocol.messages import L2Message, MessageInclusionProof, selector
from zkconnect.protocol.reverts import describe_revert
from zkconnect.protocol.roots import MessageRootTwin

__all__ = [
    "BatchExecution",
    "LogProof",
    "ProofMode",
    "Settlement",
    "SettlementError",
]

ProofMode = Literal["proof_based_gw", "messageRoot", "l1BatchRoot", "l1"]
"""``proof_based_gw`` / ``messageRoot``: the interop proof against a Gateway block's root.
``l1BatchRoot`` / ``l1``: the proof L1 verifies (through Gateway's batch when the chain settles there)."""

_L2_LOG = L2_LOG_ABI_TYPE
_INTEROP_ROOT = "(uint256,uint256,bytes32[])"
_GW_EXECUTE = selector(f"executeBatch(uint256,bytes32,{_L2_LOG}[],bytes[],bytes32,{_INTEROP_ROOT}[])")
_L1_EXECUTE = selector(f"executeBatch(uint256,bytes32,{_L2_LOG}[],bytes[],bytes32)")
_ADD_INTEROP_ROOT = selector("addInteropRoot(uint256,uint256,bytes32[])")
_HISTORICAL_ROOT = selector("historicalRoot(uint256)")
_EXECUTE_BASE_GAS = 3_000_000
_EXECUTE_GAS_PER_LOG = 250_000
_EXECUTE_GAS_PER_BYTE = 200
"""Batch executions per settlement-layer block (each is given 8M gas; the block holds 60M)."""


@dataclass(frozen=True)
class BatchExecution:
    """A batch executed on its settlement layer: where, in which block and by which transaction."""

    chain_id: int
    batch_number: int
    batch_root: bytes
    layer_chain_id: int
    block_number: int
    tx_hash: bytes
    timestamp: int


@dataclass(frozen=True)
class LogProof:
    """An L2->L1 log's inclusion proof, shaped like ``zks_getL2ToL1LogProof``'s answer.

    ``id`` is the leaf index in the batch's log tree; ``root`` the root the proof ends at (the
    Gateway block's interop root, or the L1 batch root); ``gateway_block_number`` is set for the
    interop variant. ``message`` is the proven message when the log came from the L1Messenger.
    """

    chain_id: int
    batch_number: int
    id: int
    proof: tuple[bytes, ...]
    root: bytes
    gateway_block_number: int | None
    mode: str
    message: L2Message | None

    def inclusion_proof(self) -> MessageInclusionProof:
        """The ``MessageInclusionProof`` struct ``executeBundle`` and ``verifyBundle`` take."""
        if self.message is None:
            raise InteropError("this log is not an L1Messenger message; it has no MessageInclusionProof")
        return MessageInclusionProof(
            chain_id=self.chain_id,
            l1_batch_number=self.batch_number,
            l2_message_index=self.id,
            message=self.message,
            proof=self.proof,
        )


@dataclass
class _State:
    settled: dict[int, int] = field(default_factory=dict)
    executions: dict[tuple[int, int], BatchExecution] = field(default_factory=dict)
    pending_imports: dict[int, dict[int, bytes]] = field(default_factory=dict)
    imported: dict[int, dict[int, int]] = field(default_factory=dict)
    stalled: dict[int, str] = field(default_factory=dict)
    layer: dict[int, int] = field(default_factory=dict)

    def copy(self) -> _State:
        return _State(
            dict(self.settled),
            dict(self.executions),
            {k: dict(v) for k, v in self.pending_imports.items()},
            {k: dict(v) for k, v in self.imported.items()},
            dict(self.stalled),
            dict(self.layer),
        )


SettlementState = tuple[_State, tuple[dict[int, int], int, frozenset[int]], dict[int, SealerState]]
"""A capture of :meth:`Settlement.snapshot_state`."""


class Settlement:
    """Seals, settles and imports for one topology. Registered as a devnet snapshot component."""

    def __init__(self, topology: Topology) -> None:
        self.topology = topology
        config = topology.config
        contracts = topology.contracts
        self._l1 = topology.l1
        self._gateway = topology.gateway
        self.sealers: dict[int, Sealer] = {}
        layers: dict[int, int] = {}
        for cfg in config.all_chains:
            if cfg.role == "l1":
                continue
            chain = topology.chains[cfg.name]
            self.sealers[cfg.chain_id] = Sealer(chain)
            layer = config.chain(cfg.settlement or config.l1.name)
            layers[cfg.chain_id] = layer.chain_id
        self._state = _State(settled={cid: 0 for cid in layers}, layer=layers)
        gw_id = self._gateway.chain_id if self._gateway else 0
        self.twin = MessageRootTwin(gw_id)
        for cid in self.gateway_settled:
            self.twin.add_chain(cid)
        self._gw_executors = (
            {cid: contracts.gateway.executor(cid) for cid in self.gateway_settled} if contracts.gateway else {}
        )
        self._l1_settlements = {cid: contracts.l1.settlement(cid) for cid in layers}
        for cid in self.gateway_settled:
            chain = topology.by_id[cid]
            chain.block_preludes.append(self._prelude_for(cid))
            chain.block_listeners.append(self._listener_for(cid))

    def _is_gateway(self, chain_id: int) -> bool:
        return self.topology.is_gateway(chain_id)

    # ------------------------------------------------------------------ queries

    @property
    def gateway_settled(self) -> tuple[int, ...]:
        """The ZK chains that settle on Gateway now."""
        return tuple(cid for cid, layer in self._state.layer.items() if self._is_gateway(layer))

    @property
    def l1_settled(self) -> tuple[int, ...]:
        """The L2s that settle on L1 now (Gateway, L1-settled chains and chains migrated back to L1)."""
        return tuple(cid for cid, layer in self._state.layer.items() if layer == self._l1.chain_id)

    def layer_of(self, chain_id: int) -> int:
        """The chain id of the layer ``chain_id`` settles on now."""
        try:
            return self._state.layer[chain_id]
        except KeyError:
            raise InteropError(f"chain {chain_id} is not an L2 of this devnet") from None

    def move_to_l1(self, chain_id: int) -> None:
        """Settle ``chain_id``'s later batches on L1 (after its migration back; see ``Devnet.migrate_chain_to_l1``).

        Its batches already executed on Gateway stay there: their proofs keep going through Gateway.
        """
        if not self._is_gateway(self.layer_of(chain_id)):
            raise InteropError(f"chain {chain_id} does not settle on Gateway")
        self._state.layer[chain_id] = self._l1.chain_id
        self._state.pending_imports.pop(chain_id, None)

    def settled_batch(self, chain_id: int) -> int:
        """The newest batch of ``chain_id`` executed on its settlement layer (0 = genesis)."""
        self.layer_of(chain_id)
        return self._state.settled[chain_id]

    def execution(self, chain_id: int, batch_number: int) -> BatchExecution | None:
        """Where and when a batch was executed, or None if it is not yet."""
        if batch_number == 0 and chain_id in self._state.layer:
            return None
        return self._state.executions.get((chain_id, batch_number))

    def stalled(self) -> Mapping[int, str]:
        """Chains whose next batch was refused by their settlement layer, with the reason."""
        return dict(self._state.stalled)

    def finalized_block(self, chain_id: int) -> int:
        """Newest block of ``chain_id`` whose batch is executed on its settlement layer (one block = one batch)."""
        if chain_id == self._l1.chain_id:
            return self._l1.block_number
        return self.settled_batch(chain_id)

    def l1_finalized_block(self, chain_id: int) -> int:
        """Newest block of ``chain_id`` whose batch is final on L1 (through Gateway's batch if it settles there)."""
        if chain_id == self._l1.chain_id:
            return self._l1.block_number
        settled = self.settled_batch(chain_id)
        gw_final = self._state.settled[self._gateway.chain_id] if self._gateway is not None else 0
        for number in range(settled, 0, -1):
            found = self._state.executions.get((chain_id, number))
            if found is None:
                continue
            if not self._is_gateway(found.layer_chain_id) or found.block_number <= gw_final:
                return number
        return 0

    def imported_roots(self, chain_id: int) -> Mapping[int, int]:
        """Gateway blocks whose interop root was imported on ``chain_id``, and the block that imported each."""
        return dict(self._state.imported.get(chain_id, {}))

    def pending_imports(self, chain_id: int) -> tuple[int, ...]:
        """Gateway blocks whose roots wait for the next block of ``chain_id``."""
        return tuple(self._state.pending_imports.get(chain_id, {}))

    # ------------------------------------------------------------------ settling

    def unsettled(self, chain_id: int) -> range:
        """Batch numbers sealed but not yet executed on the settlement layer."""
        return range(self.settled_batch(chain_id) + 1, self.sealers[chain_id].latest + 1)

    def settle(self, through: Mapping[int, int] | None = None) -> list[BatchExecution]:
        """Execute every sealed batch of the Gateway-settled chains on Gateway, in order.

        ``through`` limits chains to a batch number (default: each chain's newest batch). Batches
        of a stalled chain are not retried. Raises :class:`SettlementError` (after executing every
        other chain's batches) if a batch was refused.
        """
        if self._gateway is None:
            return []
        work: list[tuple[int, Batch]] = []
        for cid in self.gateway_settled:
            if cid in self._state.stalled:
                continue
            last = self.sealers[cid].latest if through is None or cid not in through else through[cid]
            for number in range(self._state.settled[cid] + 1, min(last, self.sealers[cid].latest) + 1):
                work.append((cid, self.sealers[cid].batch(number)))
        return self._execute(self._gateway, work)

    def settle_on_l1(self, through: Mapping[int, int] | None = None) -> list[BatchExecution]:
        """Execute Gateway's batches and those of chains settling on L1 on L1, in order."""
        work: list[tuple[int, Batch]] = []
        for cid in self.l1_settled:
            if cid in self._state.stalled:
                continue
            last = self.sealers[cid].latest if through is None or cid not in through else through[cid]
            for number in range(self._state.settled[cid] + 1, min(last, self.sealers[cid].latest) + 1):
                work.append((cid, self.sealers[cid].batch(number)))
        return self._execute(self._l1, work)

    def _execute(self, layer: Chain, work: list[tuple[int, Batch]]) -> list[BatchExecution]:
        done: list[BatchExecution] = []
        failures: list[str] = []
        for group in self._blocks_of(layer, work):
            chunk = [(cid, b) for cid, b in group if cid not in self._state.stalled]
            if not chunk:
                continue
            calls = [
                SystemCall(
                    self.topology.contracts.validator,
                    self._executor(layer, cid),
                    self._calldata(layer, cid, b),
                    gas=self._gas_for(layer, b),
                )
                for cid, b in chunk
            ]
            receipts = layer.system_calls(calls)
            for (cid, batch), receipt in zip(chunk, receipts, strict=True):
                if cid in self._state.stalled:
                    continue
                if not receipt.ok:
                    reason = describe_revert(receipt.output)
                    self._state.stalled[cid] = f"batch {batch.number}: {reason}"
                    failures.append(
                        f"chain {cid} batch {batch.number} was refused by {layer.name} "
                        f"(tx 0x{receipt.tx_hash.hex()}): {reason}"
                    )
                    continue
                root = self._batch_root(cid, batch)
                if self._is_gateway(layer.chain_id):
                    self.twin.add_batch(cid, batch.number, root, receipt.block_number)
                execution = BatchExecution(
                    cid, batch.number, root, layer.chain_id, receipt.block_number, receipt.tx_hash, layer.head.timestamp
                )
                self._state.executions[(cid, batch.number)] = execution
                self._state.settled[cid] = batch.number
                done.append(execution)
            if self._is_gateway(layer.chain_id):
                self._check_twin(layer, receipts[0].block_number)
        if failures:
            raise SettlementError(
                "; ".join(failures) + ". The chain is stalled; other chains keep settling. Revert to a snapshot "
                "taken before the offending transaction to recover."
            )
        return done

    @staticmethod
    def _gas_for(layer: Chain, batch: Batch) -> int:
        """A generous gas limit for executing ``batch``: it grows with its logs and messages (the tracker reads
        every message), capped at the layer's block gas limit."""
        wanted = (
            _EXECUTE_BASE_GAS
            + _EXECUTE_GAS_PER_LOG * len(batch.logs)
            + _EXECUTE_GAS_PER_BYTE * sum(len(m) for m in batch.messages)
        )
        return min(wanted, int(layer.head.header.gas_limit))

    def _blocks_of(self, layer: Chain, work: list[tuple[int, Batch]]) -> list[list[tuple[int, Batch]]]:
        """Executions grouped into blocks whose summed gas limits fit the layer's block gas limit, in order."""
        limit = int(layer.head.header.gas_limit)
        groups: list[list[tuple[int, Batch]]] = []
        used = limit
        for cid, batch in work:
            gas = self._gas_for(layer, batch)
            if used + gas > limit:
                groups.append([])
                used = 0
            groups[-1].append((cid, batch))
            used += gas
        return groups

    def _executor(self, layer: Chain, chain_id: int) -> bytes:
        return self._gw_executors[chain_id] if self._is_gateway(layer.chain_id) else self._l1_settlements[chain_id]

    def _aggregated_root(self, chain_id: int, batch: Batch) -> bytes:
        if self._gateway is not None and chain_id == self._gateway.chain_id:
            return self.twin.root_at(batch.number)
        return empty_multichain_batch_root(chain_id)

    def _batch_root(self, chain_id: int, batch: Batch) -> bytes:
        return batch.root(self._aggregated_root(chain_id, batch))

    def _calldata(self, layer: Chain, chain_id: int, batch: Batch) -> bytes:
        logs = [
            (e.log.l2_shard_id, e.log.is_service, e.log.tx_number_in_batch, e.log.sender, e.log.key, e.log.value)
            for e in batch.logs
        ]
        aggregated = self._aggregated_root(chain_id, batch)
        root = batch.root(aggregated)
        if self._is_gateway(layer.chain_id):
            args = encode(
                ["uint256", "bytes32", f"{_L2_LOG}[]", "bytes[]", "bytes32", f"{_INTEROP_ROOT}[]"],
                [batch.number, root, logs, list(batch.messages), aggregated, []],
            )
            return _GW_EXECUTE + args
        args = encode(
            ["uint256", "bytes32", f"{_L2_LOG}[]", "bytes[]", "bytes32"],
            [batch.number, root, logs, list(batch.messages), aggregated],
        )
        return _L1_EXECUTE + args

    def _check_twin(self, gateway: Chain, block: int) -> None:
        onchain = gateway.call(L2_MESSAGE_ROOT, _HISTORICAL_ROOT + block.to_bytes(32, "big"))
        expected = self.twin.root_at(block)
        if onchain != expected:
            raise InteropError(
                f"Gateway's historicalRoot({block}) is 0x{onchain.hex()} but the devnet's twin computed "
                f"0x{expected.hex()}; proofs would not verify. This is a zkconnect bug: please report it."
            )

    def historical_root(self, gateway_block: int) -> bytes:
        """Gateway's stored interop root of one of its blocks (zero if that block changed nothing)."""
        if self._gateway is None:
            raise InteropError("this devnet has no Gateway")
        return self._gateway.call(L2_MESSAGE_ROOT, _HISTORICAL_ROOT + gateway_block.to_bytes(32, "big"))

    # ------------------------------------------------------------------ interop roots

    def queue_import(self, gateway_block: int, chains: Iterable[int] | None = None) -> None:
        """Import Gateway block ``gateway_block``'s interop root on ``chains`` (default: every Gateway-settled chain)
        at the start of their next block."""
        root = self.historical_root(gateway_block)
        if root == bytes(32):
            raise InteropError(f"Gateway block {gateway_block} stored no interop root; nothing to import")
        for cid in self.gateway_settled if chains is None else chains:
            if gateway_block in self._state.imported.get(cid, {}):
                continue
            self._state.pending_imports.setdefault(cid, {})[gateway_block] = root

    def import_now(self, chains: Iterable[int] | None = None) -> list[BlockRecord]:
        """Mine a block on every chain (default: all) that has roots waiting, so they are imported now."""
        records = []
        for cid in self.gateway_settled if chains is None else chains:
            if self._state.pending_imports.get(cid):
                records.extend(self.topology.by_id[cid].mine())
        return records

    def _prelude_for(self, chain_id: int) -> Callable[[], list[SystemCall]]:
        gw_id = self._gateway.chain_id if self._gateway else 0

        def prelude() -> list[SystemCall]:
            pending = self._state.pending_imports.get(chain_id, {})
            return [
                SystemCall(
                    BOOTLOADER,
                    L2_INTEROP_ROOT_STORAGE,
                    _ADD_INTEROP_ROOT + encode(["uint256", "uint256", "bytes32[]"], [gw_id, block, [root]]),
                    gas=1_000_000,
                )
                for block, root in sorted(pending.items())
            ]

        return prelude

    def _listener_for(self, chain_id: int) -> Callable[[BlockRecord], None]:
        def listener(record: BlockRecord) -> None:
            pending = self._state.pending_imports.get(chain_id)
            if not pending:
                return
            for tx, receipt in zip(record.transactions, record.receipts, strict=True):
                if (
                    not receipt.system
                    or receipt.to != L2_INTEROP_ROOT_STORAGE
                    or bytes(tx.data[:4]) != _ADD_INTEROP_ROOT
                ):
                    continue
                _, block, _ = decode(["uint256", "uint256", "bytes32[]"], bytes(tx.data[4:]))
                pending.pop(block, None)
                if receipt.ok:
                    self._state.imported.setdefault(chain_id, {})[block] = record.number

        return listener

    # ------------------------------------------------------------------ proofs

    def proof(self, chain_id: int, tx_hash: bytes, index: int = 0, mode: str = "l1") -> LogProof:
        """The proof of the ``index``-th L2->L1 log sent by transaction ``tx_hash`` on ``chain_id``.

        ``mode`` is ``"proof_based_gw"`` (alias ``"messageRoot"``: the interop proof against the
        root of the Gateway block that executed the batch) or ``"l1"`` (alias ``"l1BatchRoot"``:
        the proof L1 checks). Raises :class:`ProofUnavailable` until the batch is settled far enough.
        """
        sealer = self.sealers.get(chain_id)
        if sealer is None:
            raise InteropError(f"chain {chain_id} is not an L2 of this devnet; L2->L1 logs exist only on L2s")
        batch, entry = sealer.locate(tx_hash, index)
        message = None
        if entry.message is not None:
            message = L2Message(
                tx_number_in_batch=entry.log.tx_number_in_batch,
                sender="0x" + entry.log.key[12:].hex(),
                data=entry.message,
            )
        execution = self.execution(chain_id, batch.number)
        if execution is None:
            raise ProofUnavailable(
                f"batch {batch.number} of chain {chain_id} is not executed on its settlement layer yet; "
                "settle it (relay) first"
            )
        layer = execution.layer_chain_id
        if mode in ("proof_based_gw", "messageRoot"):
            if not self._is_gateway(layer):
                raise InteropError(
                    f"batch {batch.number} of chain {chain_id} settled on L1, not on Gateway: interop proofs exist "
                    "only for batches settled on Gateway"
                )
            path = self._gateway_path(batch, entry, layer, execution.block_number)
            built = build_gateway_interop_proof(gateway_block_number=execution.block_number, **path)
            gateway_block: int | None = execution.block_number
        elif mode in ("l1", "l1BatchRoot"):
            built = self._l1_proof(batch, entry, layer, execution.block_number)
            gateway_block = None
        else:
            raise InteropError(f"unknown proof mode {mode!r}; use 'proof_based_gw', 'messageRoot' or 'l1BatchRoot'")
        return LogProof(
            chain_id, batch.number, entry.leaf_index, built.proof, built.target.root, gateway_block, mode, message
        )

    def _gateway_path(self, batch: Batch, entry: SealedLog, gateway_id: int, gateway_block: int) -> GatewayBatchPath:
        """Where ``entry`` sits, up to Gateway's trees as they stood at the end of ``gateway_block``."""
        trees = self.twin.trees_at(batch.chain_id, gateway_block)
        placement = self.twin.placement(batch.chain_id, batch.number)
        if placement is None:  # pragma: no cover - an executed batch is always placed in the twin
            raise InteropError(f"batch {batch.number} of chain {batch.chain_id} is not in Gateway's message root")
        return GatewayBatchPath(
            logs=batch.tree,
            leaf_index=entry.leaf_index,
            chain_id=batch.chain_id,
            batch_number=batch.number,
            chain_tree=trees.chain_tree,
            batch_leaf_index=placement[1],
            shared_tree=trees.shared_tree,
            chain_index=trees.chain_index,
            gateway_chain_id=gateway_id,
        )

    def _l1_proof(self, batch: Batch, entry: SealedLog, layer: int, layer_block: int) -> MessageProof:
        """The proof L1 checks: through Gateway's batch when ``batch`` settled there, else direct."""
        if not self._is_gateway(layer):
            return build_direct_l1_proof(
                logs=batch.tree,
                leaf_index=entry.leaf_index,
                aggregated_root=self._aggregated_root(batch.chain_id, batch),
                chain_id=batch.chain_id,
                batch_number=batch.number,
            )
        if self._state.settled[layer] < layer_block:
            raise ProofUnavailable(
                f"Gateway batch {layer_block}, which executed batch {batch.number} of chain {batch.chain_id}, is not "
                "executed on L1 yet; settle Gateway on L1 first"
            )
        return build_gateway_l1_proof(
            gateway_batch_number=layer_block,
            gateway_local_logs_root=self.sealers[layer].batch(layer_block).local_root,
            **self._gateway_path(batch, entry, layer, layer_block),
        )

    # ------------------------------------------------------------------ snapshots

    def snapshot_state(self) -> SettlementState:
        """Cursors, executions, imports and the twin, together."""
        return (
            self._state.copy(),
            self.twin.snapshot_state(),
            {cid: s.snapshot_state() for cid, s in self.sealers.items()},
        )

    def restore_state(self, state: SettlementState) -> None:
        """Restore a capture from :meth:`snapshot_state`."""
        ours, twin, sealers = state
        self._state = ours.copy()
        self.twin.restore_state(twin)
        for cid, sealer_state in sealers.items():
            self.sealers[cid].restore_state(sealer_state)
