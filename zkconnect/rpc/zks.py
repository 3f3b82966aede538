"""The ``zks_*`` methods of ZK chains and Gateway, answered as ZKsync nodes answer them.

:data:`TABLE` goes to a chain's :class:`~zkconnect.rpc.dispatcher.Dispatcher` when it serves a
devnet chain other than L1 (on L1 every ``zks_*`` method is -32601, as on a real L1 node). Besides
the methods, its setup (:func:`install`) makes the chain ZKsync-shaped where the official SDKs look:

* receipts carry ``l2ToL1Logs`` (each entry in both spellings the SDKs parse: Era's camelCase
  ``shardId, isService, txIndexInL1Batch, logIndex...`` and ZKsync OS's snake_case
  ``l2_shard_id, is_service, tx_number_in_block``), ``l1BatchNumber`` and ``l1BatchTxIndex``;
  mined transactions carry ``l1BatchNumber`` and ``l1BatchTxIndex``. Every block is one batch,
  so ``l1BatchNumber`` is the block number and ``l1BatchTxIndex`` the ``transactionIndex``;
* the ``safe`` and ``finalized`` block tags name the newest block whose batch is executed on
  the chain's settlement layer (Gateway, or L1 for Gateway itself and L1-settled chains).

A batch is committed, proven and executed by one settlement-layer transaction on the devnet, so
``ethCommitTxHash``, ``ethProveTxHash`` and ``ethExecuteTxHash`` (and ``commitTxHash``... in batch
details) are that same, real transaction, whose receipt the settlement layer's RPC returns.
"""

from __future__ import annotations

from datetime import UTC, datetime

import zkconnect.rpc.encoding as enc
from zkconnect.devnet import Devnet
from zkconnect.engine.chain import BlockRecord, Receipt
from zkconnect.errors import InteropError, ProofUnavailable
from zkconnect.genesis.build import base_token_address
from zkconnect.interop.sealer import SealedLog
from zkconnect.interop.settlement import BatchExecution
from zkconnect.protocol.addresses import L2_ASSET_ROUTER
from zkconnect.rpc.dispatcher import Dispatcher, MethodSpec, ReceiptHook, rpc_method
from zkconnect.rpc.errors import InvalidParams
from zkconnect.rpc.json_types import JSON, JsonObject
from zkconnect.rpc.registry import MethodTable

__all__ = ["METHODS", "PROOF_MODES", "TABLE", "install", "serves_l2"]

PROTOCOL_VERSION = "Version31"
PROOF_MODES = {
    None: "l1",
    "l1BatchRoot": "l1",
    "proof_based_gw": "proof_based_gw",
    "messageRoot": "proof_based_gw",
}
"""Third argument of ``zks_getL2ToL1LogProof`` -> proof variant (absent = the L1 proof, as on Era)."""
_ZERO32 = "0x" + "00" * 32


def serves_l2(d: Dispatcher) -> bool:
    """The rule of the ``zks`` table: a devnet's chain other than L1 (ZK chains and Gateway)."""
    return d.on_devnet and d.devnet is not None and d.devnet.chain_config(d.chain.chain_id).is_l2


def install(d: Dispatcher) -> None:
    """The ``zks`` table's setup: receipt/transaction fields and finality tags on an L2's dispatcher."""
    devnet = _devnet(d)
    cid = d.chain.chain_id
    settlement = devnet.settlement
    d.tag_resolvers["finalized"] = lambda: min(settlement.finalized_block(cid), d.chain.block_number)
    d.tag_resolvers["safe"] = d.tag_resolvers["finalized"]
    d.receipt_hooks.append(_receipt_fields(devnet, cid))
    d.transaction_hooks.append(_transaction_fields)


# ---------------------------------------------------------------------------- receipts and transactions


def l2_to_l1_log_json(entry: SealedLog, record: BlockRecord, tx_index: int) -> JsonObject:
    """One ``l2ToL1Logs`` entry, carrying Era's camelCase and ZKsync OS's snake_case fields."""
    log = entry.log
    return {
        "blockHash": enc.data(record.hash),
        "blockNumber": enc.quantity(record.number),
        "l1BatchNumber": enc.quantity(record.number),
        "transactionIndex": enc.quantity(tx_index),
        "transactionHash": enc.data(entry.tx_hash),
        "transactionLogIndex": enc.quantity(entry.index_in_tx),
        "txIndexInL1Batch": enc.quantity(log.tx_number_in_batch),
        "logIndex": enc.quantity(entry.leaf_index),
        "shardId": enc.quantity(log.l2_shard_id),
        "isService": bool(log.is_service),
        "sender": str(log.sender).lower(),
        "key": enc.data(log.key),
        "value": enc.data(log.value),
        "l2_shard_id": int(log.l2_shard_id),
        "is_service": bool(log.is_service),
        "tx_number_in_block": int(log.tx_number_in_batch),
    }


def _receipt_fields(devnet: Devnet, chain_id: int) -> ReceiptHook:
    sealer = devnet.settlement.sealers[chain_id]

    def hook(rec: Receipt, record: BlockRecord, out: JsonObject) -> None:
        out["l1BatchNumber"] = enc.quantity(record.number)
        out["l1BatchTxIndex"] = enc.quantity(rec.tx_index)
        out["l2ToL1Logs"] = [l2_to_l1_log_json(e, record, rec.tx_index) for e in sealer.logs_of(rec.tx_hash)]

    return hook


def _transaction_fields(tx_hash: bytes, record: BlockRecord, index: int, out: JsonObject) -> None:
    out["l1BatchNumber"] = enc.quantity(record.number)
    out["l1BatchTxIndex"] = enc.quantity(index)


# ---------------------------------------------------------------------------- helpers


def _devnet(d: Dispatcher) -> Devnet:
    assert d.devnet is not None, "zks methods are installed only on devnet chains"
    return d.devnet


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value: JSON, name: str) -> int:
    """A JSON number or a hex quantity (the SDKs send both)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidParams(f"invalid argument {name}: expected a number or a hex quantity, got {value!r}")
    return enc.decode_quantity(value, name, bits=64)


def _execution(d: Dispatcher, number: int) -> BatchExecution | None:
    return _devnet(d).settlement.execution(d.chain.chain_id, number)


def _settlement_fields(execution: BatchExecution | None) -> JsonObject:
    tx = None if execution is None else enc.data(execution.tx_hash)
    at = None if execution is None else _iso(execution.timestamp)
    return {
        "commitTxHash": tx,
        "committedAt": at,
        "proveTxHash": tx,
        "provenAt": at,
        "executeTxHash": tx,
        "executedAt": at,
        "commitChainId": None if execution is None else execution.layer_chain_id,
        "proveChainId": None if execution is None else execution.layer_chain_id,
        "executeChainId": None if execution is None else execution.layer_chain_id,
    }


def _batch_common(d: Dispatcher, record: BlockRecord) -> JsonObject:
    execution = _execution(d, record.number)
    base_fee = int(getattr(record.header, "base_fee_per_gas", 0) or 0)
    user = [r for r in record.receipts if not r.system]
    return {
        "number": record.number,
        "timestamp": record.timestamp,
        "l1TxCount": 0,
        "l2TxCount": len(user),
        "status": "verified" if execution is not None else "sealed",
        **_settlement_fields(execution),
        "l1GasPrice": base_fee,
        "l2FairGasPrice": base_fee,
        "fairPubdataPrice": 0,
        "baseSystemContractsHashes": {"bootloader": _ZERO32, "default_aa": _ZERO32, "evm_emulator": None},
    }


# ---------------------------------------------------------------------------- methods


@rpc_method("zks_L1ChainId")
def zks_l1_chain_id(d: Dispatcher) -> str:
    """The L1's chain id."""
    return enc.quantity(_devnet(d).l1.chain_id)


@rpc_method("zks_getBridgehubContract")
def zks_get_bridgehub_contract(d: Dispatcher) -> str:
    """The L1 Bridgehub address."""
    return enc.data(_devnet(d).contracts.l1.bridgehub)


@rpc_method("zks_getMainContract")
def zks_get_main_contract(d: Dispatcher) -> str:
    """This chain's contract on L1 (what ``Bridgehub.getZKChain(chainId)`` returns)."""
    return enc.data(_devnet(d).contracts.l1.settlement(d.chain.chain_id))


@rpc_method("zks_getBridgeContracts")
def zks_get_bridge_contracts(d: Dispatcher) -> dict[str, str | None]:
    """The default bridges in Era's shape: L1AssetRouter (null without an L1 bridge) and L2AssetRouter (0x10003)."""
    bridge = _devnet(d).contracts.l1_bridge
    l1 = None if bridge is None else enc.data(bridge.asset_router)
    l2 = enc.data(L2_ASSET_ROUTER)
    return {
        "l1Erc20DefaultBridge": l1,
        "l2Erc20DefaultBridge": l2,
        "l1WethBridge": None,
        "l2WethBridge": None,
        "l1SharedDefaultBridge": l1,
        "l2SharedDefaultBridge": l2,
        "l2LegacySharedBridge": None,
    }


@rpc_method("zks_getBaseTokenL1Address")
def zks_get_base_token_l1_address(d: Dispatcher) -> str:
    """The L1 address of this chain's base token (``0x…01`` for ETH)."""
    devnet = _devnet(d)
    return enc.data(base_token_address(devnet.config, devnet.chain_config(d.chain.chain_id)))


@rpc_method("zks_L1BatchNumber")
def zks_l1_batch_number(d: Dispatcher) -> str:
    """The newest sealed batch (every block is one batch)."""
    return enc.quantity(_devnet(d).settlement.sealers[d.chain.chain_id].latest)


@rpc_method("zks_getL2ToL1LogProof", "txHash", "index?", "mode?")
def zks_get_l2_to_l1_log_proof(d: Dispatcher, tx_hash: JSON, index: JSON, mode: JSON) -> JsonObject | None:
    """The proof of a transaction's ``index``-th L2->L1 log, or null until its batch is settled far enough.

    ``mode``: absent or ``"l1BatchRoot"`` (the proof L1 verifies), ``"proof_based_gw"`` or
    ``"messageRoot"`` (the interop proof against the Gateway block that executed the batch; the
    answer then carries ``gatewayBlockNumber``).
    """
    tx = enc.decode_hash(tx_hash, "0 (txHash)")
    i = 0 if index is None else _number(index, "1 (index)")
    if mode is not None and not isinstance(mode, str):
        raise InvalidParams(f"invalid argument 2 (mode): expected a string, got {mode!r}")
    if mode not in PROOF_MODES:
        choices = ", ".join(repr(m) for m in PROOF_MODES if m is not None)
        raise InvalidParams(f"invalid argument 2 (mode): unknown proof target {mode!r}; use one of {choices}")
    variant = PROOF_MODES[mode]
    devnet = _devnet(d)
    sealer = devnet.settlement.sealers[d.chain.chain_id]
    if d.chain.receipt(tx) is None:
        return None
    count = len(sealer.logs_of(tx))
    if i >= count:
        raise InvalidParams(
            f"invalid argument 1 (index): transaction 0x{tx.hex()} sent {count} L2->L1 log(s); "
            f"index {i} is out of range"
        )
    try:
        proof = devnet.settlement.proof(d.chain.chain_id, tx, i, variant)
    except ProofUnavailable:
        return None
    except InteropError as exc:
        raise InvalidParams(f"invalid argument 2 (mode): {exc}") from exc
    out: JsonObject = {
        "batchNumber": proof.batch_number,
        "id": proof.id,
        "proof": [enc.data(p) for p in proof.proof],
        "root": enc.data(proof.root),
    }
    if proof.gateway_block_number is not None:
        out["gatewayBlockNumber"] = proof.gateway_block_number
    return out


@rpc_method("zks_getTransactionDetails", "txHash")
def zks_get_transaction_details(d: Dispatcher, tx_hash: JSON) -> JsonObject | None:
    """Era's transaction details: status (pending/included/verified/failed) and settlement tx hashes."""
    found = d.chain.transaction(enc.decode_hash(tx_hash, "0 (txHash)"))
    if found is None:
        return None
    tx, record, _ = found
    if record is None:
        return {
            "isL1Originated": False,
            "status": "pending",
            "fee": "0x0",
            "gasPerPubdata": "0x0",
            "initiatorAddress": enc.data(tx.sender),
            "receivedAt": _iso(d.chain.head.timestamp),
            "ethCommitTxHash": None,
            "ethProveTxHash": None,
            "ethExecuteTxHash": None,
        }
    rec = d.chain.receipt(bytes(tx.hash))
    assert rec is not None
    execution = _execution(d, record.number)
    settled = None if execution is None else enc.data(execution.tx_hash)
    status = "failed" if not rec.ok else "verified" if execution is not None else "included"
    return {
        "isL1Originated": False,
        "status": status,
        "fee": enc.quantity(rec.gas_used * rec.effective_gas_price),
        "gasPerPubdata": "0x0",
        "initiatorAddress": enc.data(rec.sender),
        "receivedAt": _iso(record.timestamp),
        "ethCommitTxHash": settled,
        "ethProveTxHash": settled,
        "ethExecuteTxHash": settled,
    }


@rpc_method("zks_getL1BatchDetails", "batchNumber")
def zks_get_l1_batch_details(d: Dispatcher, number: JSON) -> JsonObject | None:
    """A batch (= one block) with its real settlement transaction once executed; null if not sealed."""
    n = _number(number, "0 (batchNumber)")
    if n > d.chain.block_number:
        return None
    record = d.chain.block(n)
    return {**_batch_common(d, record), "rootHash": enc.data(record.header.state_root)}


@rpc_method("zks_getBlockDetails", "blockNumber")
def zks_get_block_details(d: Dispatcher, number: JSON) -> JsonObject | None:
    """A block with its batch and settlement status; null if not mined."""
    n = _number(number, "0 (blockNumber)")
    if n > d.chain.block_number:
        return None
    record = d.chain.block(n)
    return {
        **_batch_common(d, record),
        "l1BatchNumber": record.number,
        "rootHash": enc.data(record.hash),
        "operatorAddress": enc.data(record.header.coinbase),
        "protocolVersion": PROTOCOL_VERSION,
    }


METHODS: tuple[MethodSpec, ...] = (
    zks_l1_chain_id,
    zks_get_bridgehub_contract,
    zks_get_main_contract,
    zks_get_bridge_contracts,
    zks_get_base_token_l1_address,
    zks_l1_batch_number,
    zks_get_l2_to_l1_log_proof,
    zks_get_transaction_details,
    zks_get_l1_batch_details,
    zks_get_block_details,
)
TABLE = MethodTable("zks", METHODS, applies=serves_l2, setup=install)
"""The ZKsync methods and receipt fields, on a devnet's ZK chains and Gateway."""
