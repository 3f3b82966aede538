"""Blocks, transactions, receipts and logs: ``eth_getBlockBy*``, ``eth_getTransactionBy*``, receipts,
``eth_getLogs`` and the installed filters (``eth_newFilter`` & co.), and ``debug_getRaw*``.
"""

from __future__ import annotations

from collections.abc import Sequence

import rlp
from eth.abc import SignedTransactionAPI

import zkconnect.rpc.encoding as enc
from zkconnect.engine.chain import BlockRecord
from zkconnect.rpc.dispatcher import Dispatcher, MethodSpec, rpc_method
from zkconnect.rpc.errors import RpcError
from zkconnect.rpc.filters import decode_log_filter, query_logs
from zkconnect.rpc.json_types import JSON, JsonObject
from zkconnect.rpc.registry import MethodTable

__all__ = ["HISTORY_METHODS", "TABLE"]


@rpc_method("eth_getBlockByNumber", "block", "full")
def eth_get_block_by_number(d: Dispatcher, block: JSON, full: JSON) -> JsonObject | None:
    flag = enc.decode_bool(full, "1 (full)")
    enc.decode_block_ref(block, "0 (block)", allow_hash=False)
    record = d.resolve_block(block, "0 (block)")
    return None if record is None else d.block_json(record, flag)


@rpc_method("eth_getBlockByHash", "hash", "full")
def eth_get_block_by_hash(d: Dispatcher, block_hash: JSON, full: JSON) -> JsonObject | None:
    flag = enc.decode_bool(full, "1 (full)")
    record = d.chain.block_by_hash(enc.decode_hash(block_hash, "0 (hash)"))
    return None if record is None else d.block_json(record, flag)


@rpc_method("eth_getBlockTransactionCountByNumber", "block")
def eth_get_block_tx_count_by_number(d: Dispatcher, block: JSON) -> str | None:
    record = d.resolve_block(block, "0 (block)")
    return None if record is None else enc.quantity(len(record.transactions))


@rpc_method("eth_getBlockTransactionCountByHash", "hash")
def eth_get_block_tx_count_by_hash(d: Dispatcher, block_hash: JSON) -> str | None:
    record = d.chain.block_by_hash(enc.decode_hash(block_hash, "0 (hash)"))
    return None if record is None else enc.quantity(len(record.transactions))


@rpc_method("eth_getUncleCountByBlockNumber", "block")
def eth_get_uncle_count_by_number(d: Dispatcher, block: JSON) -> str | None:
    record = d.resolve_block(block, "0 (block)")
    return None if record is None else enc.quantity(len(d.chain.py_evm_block(record.number).uncles))


@rpc_method("eth_getUncleCountByBlockHash", "hash")
def eth_get_uncle_count_by_hash(d: Dispatcher, block_hash: JSON) -> str | None:
    record = d.chain.block_by_hash(enc.decode_hash(block_hash, "0 (hash)"))
    return None if record is None else enc.quantity(len(d.chain.py_evm_block(record.number).uncles))


def _tx_in_block(d: Dispatcher, record: BlockRecord | None, index: JSON) -> JsonObject | None:
    i = enc.decode_quantity(index, "1 (index)", bits=64)
    if record is None or i >= len(record.transactions):
        return None
    return d.transaction_json(record.transactions[i], record, i)


@rpc_method("eth_getTransactionByBlockNumberAndIndex", "block", "index")
def eth_get_tx_by_number_and_index(d: Dispatcher, block: JSON, index: JSON) -> JsonObject | None:
    return _tx_in_block(d, d.resolve_block(block, "0 (block)"), index)


@rpc_method("eth_getTransactionByBlockHashAndIndex", "hash", "index")
def eth_get_tx_by_hash_and_index(d: Dispatcher, block_hash: JSON, index: JSON) -> JsonObject | None:
    return _tx_in_block(d, d.chain.block_by_hash(enc.decode_hash(block_hash, "0 (hash)")), index)


@rpc_method("eth_getTransactionByHash", "hash")
def eth_get_transaction_by_hash(d: Dispatcher, tx_hash: JSON) -> JsonObject | None:
    found = d.chain.transaction(enc.decode_hash(tx_hash, "0 (hash)"))
    if found is None:
        return None
    tx, record, index = found
    return d.transaction_json(tx, record, index if record is not None else None)


@rpc_method("eth_getTransactionReceipt", "hash")
def eth_get_transaction_receipt(d: Dispatcher, tx_hash: JSON) -> JsonObject | None:
    rec = d.chain.receipt(enc.decode_hash(tx_hash, "0 (hash)"))
    return None if rec is None else d.receipt_json(rec)


@rpc_method("eth_getBlockReceipts", "block")
def eth_get_block_receipts(d: Dispatcher, block: JSON) -> list[JsonObject] | None:
    record = d.resolve_block(block, "0 (block)")
    if record is None:
        return None
    return [d.receipt_json(r, record) for r in record.receipts]


@rpc_method("eth_getLogs", "filter")
def eth_get_logs(d: Dispatcher, flt: JSON) -> list[JsonObject]:
    return query_logs(d.chain, decode_log_filter(flt, "0", d.tag_number))


@rpc_method("eth_newFilter", "filter")
def eth_new_filter(d: Dispatcher, flt: JSON) -> str:
    return d.filters.install("logs", decode_log_filter(flt, "0", d.tag_number))


@rpc_method("eth_newBlockFilter")
def eth_new_block_filter(d: Dispatcher) -> str:
    return d.filters.install("blocks")


@rpc_method("eth_newPendingTransactionFilter", "full?")
def eth_new_pending_tx_filter(d: Dispatcher, full: JSON) -> str:
    return d.filters.install("pending")


@rpc_method("eth_getFilterChanges", "id")
def eth_get_filter_changes(d: Dispatcher, fid: JSON) -> Sequence[JSON]:
    f = d.filters.get(fid)
    chain = d.chain
    head = chain.block_number
    start = f.advance(head)
    if f.kind == "blocks":
        return [enc.data(chain.block(n).hash) for n in range(start, head + 1)]
    if f.kind == "pending":
        new = [tx for tx in chain.pending_transactions if bytes(tx.hash) not in f.pending_seen]
        mined = [tx for n in range(start, head + 1) for tx in chain.block(n).transactions]
        out = [bytes(tx.hash) for tx in mined + new if bytes(tx.hash) not in f.pending_seen]
        f.pending_seen.update(out)
        return [enc.data(h) for h in out]
    assert f.criteria is not None
    return query_logs(d.chain, f.criteria, since=start)


@rpc_method("eth_getFilterLogs", "id")
def eth_get_filter_logs(d: Dispatcher, fid: JSON) -> list[JsonObject]:
    f = d.filters.get(fid)
    if f.criteria is None:
        raise RpcError("filter not found", code=-32000)
    return query_logs(d.chain, f.criteria, since=f.criteria.from_block or 0)


@rpc_method("eth_uninstallFilter", "id")
def eth_uninstall_filter(d: Dispatcher, fid: JSON) -> bool:
    return d.filters.uninstall(fid)


def _raw_tx(tx: SignedTransactionAPI) -> bytes:
    encode = getattr(tx, "encode", None)
    raw = encode() if callable(encode) else rlp.encode(tx)
    return bytes(raw)


@rpc_method("debug_getRawBlock", "block")
def debug_get_raw_block(d: Dispatcher, block: JSON) -> str:
    record = d.resolve_block(block, "0 (block)")
    if record is None:
        raise RpcError("block not found", code=-32000)
    return enc.data(rlp.encode(d.chain.py_evm_block(record.number)))


@rpc_method("debug_getRawHeader", "block")
def debug_get_raw_header(d: Dispatcher, block: JSON) -> str:
    record = d.resolve_block(block, "0 (block)")
    if record is None:
        raise RpcError("header not found", code=-32000)
    return enc.data(rlp.encode(record.header))


@rpc_method("debug_getRawTransaction", "hash")
def debug_get_raw_transaction(d: Dispatcher, tx_hash: JSON) -> str:
    found = d.chain.transaction(enc.decode_hash(tx_hash, "0 (hash)"))
    return "0x" if found is None else enc.data(_raw_tx(found[0]))


@rpc_method("debug_getRawReceipts", "block")
def debug_get_raw_receipts(d: Dispatcher, block: JSON) -> list[str]:
    record = d.resolve_block(block, "0 (block)")
    if record is None:
        raise RpcError("block not found", code=-32000)
    return [enc.data(r) for r in d.chain.raw_receipts(record.number)]


HISTORY_METHODS: tuple[MethodSpec, ...] = tuple(
    v for v in list(globals().values()) if isinstance(v, MethodSpec) and v.fn.__module__ == __name__
)
TABLE = MethodTable("eth_history", HISTORY_METHODS)
"""Blocks, transactions, receipts, logs and filters, on every chain."""
