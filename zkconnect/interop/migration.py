"""Moving a ZK chain from Gateway back to L1 (v31's migration back, migration number 2).

:func:`migrate_chain_to_l1` is a devnet operation, done the way v31 records it on each layer:

* **Gateway**: ``L2ChainAssetHandler.recordMigrationToL1(chainId)`` (a service transaction) sets the chain's
  migration number there to 2; from then on ``GWAssetTracker.initiateGatewayToL1MigrationOnGateway`` may send
  the chain's balances back to L1 (see :func:`zkconnect.assets.migrate_token_balance_to_l1`).
* **L1**: ``L1Bridgehub.migrateChainToL1(chainId, lastBatch)`` (by the devnet's operator) closes the chain's
  Gateway interval (its batches up to ``lastBatch``, and Gateway's batches on L1 so far), sets its settlement
  layer to L1 and its migration number to 2. Proofs of the earlier batches keep going through Gateway
  (``isValidSettlementLayer``); the later batches are executed by the chain's ``L1ChainSettlement`` and proven
  directly.
* **The chain**: the bootloader sets ``SystemContext.setSettlementLayerChainId(L1)`` at the start of a new
  batch, which bumps ``L2ChainAssetHandler.migrationNumber`` to 2. Interop is refused from then on
  (``NotInGatewayMode`` when sending, ``CannotClaimInteropOnL1Settlement`` when executing).

v31 lets a chain leave only once it is drained; so does this: the migration is refused while the chain has
unsettled batches, batches not yet final on L1, bundles in flight from or to it, or pending L1->L2 transactions
(in ``auto`` relay mode the devnet relays first, as it would anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zkconnect.engine.chain import Receipt
from zkconnect.errors import InteropError
from zkconnect.genesis.installer import calldata as _calldata
from zkconnect.protocol.addresses import (
    BOOTLOADER,
    DEVNET_DEPLOYER,
    L2_CHAIN_ASSET_HANDLER,
    SERVICE_TRANSACTION_SENDER,
    SYSTEM_CONTEXT,
)
from zkconnect.protocol.reverts import describe_revert

if TYPE_CHECKING:
    from zkconnect.devnet import Devnet

__all__ = ["ChainMigration", "ChainMigrationError", "chain_migration_number", "migrate_chain_to_l1"]

MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1 = 2


class ChainMigrationError(InteropError):
    """A chain cannot change its settlement layer now; the message says what to do first."""


@dataclass(frozen=True)
class ChainMigration:
    """A chain moved from Gateway back to L1.

    ``last_gateway_batch`` is its last batch executed on Gateway (the first batch settled on L1 is the next one,
    ``first_l1_batch``, the block whose bootloader switched the settlement layer); ``gateway_tx``, ``l1_tx`` and
    ``chain_tx`` are the transactions that recorded the move on each layer.
    """

    chain_id: int
    gateway_chain_id: int
    last_gateway_batch: int
    first_l1_batch: int
    gateway_tx: bytes
    l1_tx: bytes
    chain_tx: bytes


def chain_migration_number(devnet: Devnet, chain: str | int, *, on: str | int | None = None) -> int:
    """``L2ChainAssetHandler.migrationNumber(chain)`` as chain ``on`` (default: the chain itself) records it:
    0 always on L1, 1 on Gateway, 2 back on L1. ``on="l1"`` reads the L1 Bridgehub's record."""
    chain_id = devnet[chain].chain_id
    where = devnet[on] if on is not None else devnet[chain]
    data = _calldata("migrationNumber(uint256)", chain_id)
    if where.chain_id == devnet.l1.chain_id:
        return int.from_bytes(where.call(devnet.contracts.l1.bridgehub, data), "big")
    return int.from_bytes(where.call(L2_CHAIN_ASSET_HANDLER, data), "big")


def _pending_work(devnet: Devnet, chain_id: int) -> list[str]:
    settlement = devnet.settlement
    problems: list[str] = []
    if chain_id in settlement.stalled():
        problems.append(f"it is stalled ({settlement.stalled()[chain_id]}); revert to a snapshot before the bad batch")
    chain = devnet[chain_id]
    if chain.pending_transactions:
        problems.append(f"{len(chain.pending_transactions)} transaction(s) wait in its mempool; mine them")
    unsettled = settlement.unsettled(chain_id)
    if len(unsettled):
        problems.append(f"batches {unsettled.start}..{unsettled.stop - 1} are not executed on Gateway")
    elif settlement.l1_finalized_block(chain_id) < settlement.settled_batch(chain_id):
        problems.append("its last batches are executed on Gateway but Gateway's batch is not final on L1")
    in_flight = [
        e
        for e in devnet.ledger
        if e.kind == "bundle" and e.pending and chain_id in (e.source_chain_id, e.destination_chain_id)
    ]
    if in_flight:
        problems.append(
            f"{len(in_flight)} bundle(s) from or to it are not executed yet (first: 0x{in_flight[0].id.hex()}); "
            "execute or unbundle them"
        )
    queued = [r for r in devnet.priority.pending if r.chain_id == chain_id]
    if queued:
        problems.append(f"{len(queued)} L1->L2 transaction(s) to it are not executed yet")
    return problems


def _checked(receipt: Receipt, what: str) -> Receipt:
    if not receipt.ok:
        raise ChainMigrationError(f"{what} reverted: {describe_revert(receipt.output)}")
    return receipt


def migrate_chain_to_l1(devnet: Devnet, chain: str | int) -> ChainMigration:
    """Move ``chain`` from Gateway back to L1 (see the module docstring for what each layer records).

    In ``auto`` relay mode everything pending is relayed first. Raises :class:`ChainMigrationError` if the chain
    does not settle on Gateway, or is not drained (``manual`` mode: relay first, ``devnet.relay()``, so every batch
    is final on L1 and every bundle from or to it is executed).
    """
    config = devnet.chain_config(chain)
    if config.role != "zk":
        raise ChainMigrationError(f"{config.name} is not a ZK chain; only ZK chains migrate between layers")
    chain_id = config.chain_id
    settlement = devnet.settlement
    gateway = devnet.gateway if devnet.config.gateway is not None else None
    if gateway is None or settlement.layer_of(chain_id) != gateway.chain_id:
        raise ChainMigrationError(f"{config.name} does not settle on Gateway; there is nothing to migrate back")
    relayer = devnet.relayer
    if relayer.mode == "auto" and not relayer.paused and not relayer.realistic:
        devnet.relay()  # auto mode: settle what is sealed (even batches without messages) before checking
    problems = _pending_work(devnet, chain_id)
    if problems:
        raise ChainMigrationError(
            f"{config.name} cannot leave Gateway yet: " + "; ".join(problems) + ". v31 requires a chain to be "
            "drained before it migrates: call devnet.relay() (and wait for bundles to land), then try again"
        )
    last = settlement.settled_batch(chain_id)
    gateway_tx = _checked(
        gateway.system_call(
            SERVICE_TRANSACTION_SENDER,
            L2_CHAIN_ASSET_HANDLER,
            _calldata("recordMigrationToL1(uint256)", chain_id),
        ),
        "Gateway's L2ChainAssetHandler.recordMigrationToL1",
    ).tx_hash
    l1_tx = _checked(
        devnet.l1.system_call(
            DEVNET_DEPLOYER,
            devnet.contracts.l1.bridgehub,
            _calldata("migrateChainToL1(uint256,uint256)", chain_id, last),
        ),
        "L1Bridgehub.migrateChainToL1",
    ).tx_hash
    settlement.move_to_l1(chain_id)
    receipt = _checked(
        devnet[chain_id].system_call(
            BOOTLOADER, SYSTEM_CONTEXT, _calldata("setSettlementLayerChainId(uint256)", devnet.l1.chain_id)
        ),
        f"{config.name}'s SystemContext.setSettlementLayerChainId",
    )
    number = chain_migration_number(devnet, chain_id)
    if number != MIGRATION_NUMBER_SETTLEMENT_LAYER_TO_L1:
        raise ChainMigrationError(
            f"{config.name}'s migration number is {number} after the move, not 2; this is a zkconnect bug"
        )
    return ChainMigration(chain_id, gateway.chain_id, last, receipt.block_number, gateway_tx, l1_tx, receipt.tx_hash)
