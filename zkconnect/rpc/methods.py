"""The standard ``eth_*``, ``net_*``, ``web3_*``, ``txpool_*`` and ``debug_getRaw*`` methods of one chain.

``pending`` means latest. ``safe`` and ``finalized`` resolve through
:attr:`Dispatcher.tag_resolvers <zkconnect.rpc.dispatcher.Dispatcher.tag_resolvers>` (the head
until the settlement pipeline says otherwise).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import rlp
from eth.abc import SignedTransactionAPI
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from zkconnect.engine.chain import BlockRecord, Chain, Log, Receipt
from zkconnect.errors import InvalidTransaction
from zkconnect.rpc import encoding as enc
from zkconnect.rpc.dispatcher import MethodSpec, rpc_method
from zkconnect.rpc.errors import InvalidParams, RpcError

if TYPE_CHECKING:
    from zkconnect.rpc.dispatcher import Dispatcher

__all__ = ["METHODS", "FilterRegistry", "LogFilter", "receipt_json", "resolve_block", "state_block", "transaction_json"]

CLIENT_VERSION = "zkconnect/0.1.0/python"
_MAX_FEE_HISTORY = 1024
#: The priority fee suggested by ``eth_maxPriorityFeePerGas`` (anvil's value).
SUGGESTED_TIP = 1_000_000_000


# ---------------------------------------------------------------------------- block resolution


def _tag_number(d: Dispatcher, tag: str) -> int:
    if tag == "earliest":
        return 0
    if tag in d.tag_resolvers:
        return d.tag_resolvers[tag]()
    return d.chain.block_number


def resolve_block(d: Dispatcher, value: Any, name: str, *, default: str = "latest") -> BlockRecord | None:
    """The block a param names, or None when it does not exist (tag, number, hash, EIP-1898)."""
    ref = enc.decode_block_ref(default if value is None else value, name)
    if ref.hash is not None:
        return d.chain.block_by_hash(ref.hash)
    number = _tag_number(d, ref.tag) if ref.tag is not None else ref.number
    assert number is not None
    if number > d.chain.block_number:
        return None
    return d.chain.block(number)


def state_block(d: Dispatcher, value: Any, name: str) -> int | None:
    """The block number whose state a param names; None = the latest state (with dev edits)."""
    ref = enc.decode_block_ref("latest" if value is None else value, name)
    if ref.tag in ("latest", "pending"):
        return None
    record = resolve_block(d, value, name)
    if record is None:
        raise RpcError("header not found", code=-32000)
    return None if record.number == d.chain.block_number else record.number


# ---------------------------------------------------------------------------- filters


@dataclass
class LogFilter:
    """Criteria of ``eth_getLogs`` / ``eth_newFilter``."""

    from_block: int | None = None
    to_block: int | None = None
    block_hash: bytes | None = None
    addresses: tuple[bytes, ...] | None = None
    topics: tuple[tuple[bytes, ...] | None, ...] = ()

    def matches(self, entry: Log) -> bool:
        """True when ``entry`` satisfies the address and topic criteria."""
        if self.addresses is not None and entry.address not in self.addresses:
            return False
        if len(self.topics) > len(entry.topics):
            return False
        return all(t is None or entry.topics[i] in t for i, t in enumerate(self.topics))


def decode_log_filter(d: Dispatcher, value: Any, name: str) -> LogFilter:
    """Decode a filter object; block tags resolve to numbers now (``latest`` stays open-ended)."""
    if not isinstance(value, dict):
        raise InvalidParams(f"invalid argument {name}: expected a filter object, got {value!r}")
    block_hash = None
    if value.get("blockHash") is not None:
        if value.get("fromBlock") is not None or value.get("toBlock") is not None:
            raise InvalidParams(
                f"invalid argument {name}: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other"
            )
        block_hash = enc.decode_hash(value["blockHash"], f"{name}.blockHash")
    address = value.get("address")
    addresses: tuple[bytes, ...] | None = None
    if isinstance(address, list):
        addresses = tuple(enc.decode_address(a, f"{name}.address[{i}]") for i, a in enumerate(address)) or None
    elif address is not None:
        addresses = (enc.decode_address(address, f"{name}.address"),)
    raw_topics = value.get("topics") or []
    if not isinstance(raw_topics, list):
        raise InvalidParams(f"invalid argument {name}.topics: expected an array")
    if len(raw_topics) > 4:
        raise InvalidParams(f"invalid argument {name}.topics: at most 4 topic positions")
    topics: list[tuple[bytes, ...] | None] = []
    for i, t in enumerate(raw_topics):
        if t is None or t == []:
            topics.append(None)
        elif isinstance(t, list):
            topics.append(tuple(enc.decode_hash(x, f"{name}.topics[{i}]") for x in t))
        else:
            topics.append((enc.decode_hash(t, f"{name}.topics[{i}]"),))

    def bound(key: str) -> int | None:
        raw = value.get(key)
        if raw is None:
            return None
        ref = enc.decode_block_ref(raw, f"{name}.{key}", allow_hash=False)
        if ref.tag in ("latest", "pending"):
            return None
        return _tag_number(d, ref.tag) if ref.tag is not None else ref.number

    return LogFilter(bound("fromBlock"), bound("toBlock"), block_hash, addresses, tuple(topics))


def query_logs(d: Dispatcher, flt: LogFilter, *, since: int | None = None) -> list[dict[str, Any]]:
    """Run a log filter against the chain; ``since`` overrides the lower bound (filter polling)."""
    chain = d.chain
    head = chain.block_number
    if flt.block_hash is not None:
        record = chain.block_by_hash(flt.block_hash)
        if record is None:
            raise RpcError("unknown block", code=-32000)
        first = last = record.number
    else:
        first = flt.from_block if flt.from_block is not None else head
        last = flt.to_block if flt.to_block is not None else head
        if since is not None:
            first = max(first, since)
        elif flt.from_block is not None and flt.to_block is not None and flt.from_block > flt.to_block:
            raise InvalidParams("invalid block range params")
        if since is None and (last > head or first > head):
            raise InvalidParams("block range extends beyond current head block")
    out: list[dict[str, Any]] = []
    for number in range(first, min(last, head) + 1):
        record = chain.block(number)
        for rec in record.receipts:
            out.extend(enc.log(e, record.timestamp) for e in rec.logs if flt.matches(e))
    return out


@dataclass
class _Filter:
    kind: str
    cursor: int
    criteria: LogFilter | None = None
    pending_seen: set[bytes] = field(default_factory=set)


class FilterRegistry:
    """Installed filters of one chain (``eth_newFilter`` & co.)."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self._filters: dict[str, _Filter] = {}
        self._ids = itertools.count(1)

    def install(self, kind: str, criteria: LogFilter | None = None) -> str:
        """Install a filter; returns its id (a hex quantity)."""
        fid = hex(next(self._ids))
        self._filters[fid] = _Filter(kind, self.chain.block_number + 1, criteria)
        return fid

    def get(self, fid: Any) -> _Filter:
        """The filter with id ``fid``; -32000 "filter not found" otherwise."""
        f = self._filters.get(fid) if isinstance(fid, str) else None
        if f is None:
            raise RpcError("filter not found", code=-32000)
        return f

    def uninstall(self, fid: Any) -> bool:
        """Remove a filter; False when unknown."""
        return self._filters.pop(fid, None) is not None if isinstance(fid, str) else False

    def snapshot_state(self) -> dict[str, _Filter]:
        """A copy of every installed filter (ids are never reused, so the id counter is not part of it)."""
        return {fid: replace(f, pending_seen=set(f.pending_seen)) for fid, f in self._filters.items()}

    def restore_state(self, state: dict[str, _Filter]) -> None:
        """Put the filters back as :meth:`snapshot_state` captured them."""
        self._filters = {fid: replace(f, pending_seen=set(f.pending_seen)) for fid, f in state.items()}


# ---------------------------------------------------------------------------- methods


@rpc_method("web3_clientVersion")
def web3_client_version(d: Dispatcher) -> str:
    return CLIENT_VERSION


@rpc_method("web3_sha3", "data")
def web3_sha3(d: Dispatcher, payload: Any) -> str:
    return enc.data(keccak(enc.decode_data(payload, "0 (data)")))


@rpc_method("net_version")
def net_version(d: Dispatcher) -> str:
    return str(d.chain.chain_id)


@rpc_method("net_listening")
def net_listening(d: Dispatcher) -> bool:
    return True


@rpc_method("net_peerCount")
def net_peer_count(d: Dispatcher) -> str:
    return "0x0"


@rpc_method("eth_chainId")
def eth_chain_id(d: Dispatcher) -> str:
    return enc.quantity(d.chain.chain_id)


@rpc_method("eth_blockNumber")
def eth_block_number(d: Dispatcher) -> str:
    return enc.quantity(d.chain.block_number)


@rpc_method("eth_syncing")
def eth_syncing(d: Dispatcher) -> bool:
    return False


@rpc_method("eth_mining")
def eth_mining(d: Dispatcher) -> bool:
    return False


@rpc_method("eth_accounts")
def eth_accounts(d: Dispatcher) -> list[str]:
    return [enc.data(a) for a in d.unlocked]


@rpc_method("eth_gasPrice")
def eth_gas_price(d: Dispatcher) -> str:
    return enc.quantity(d.chain.next_base_fee + _suggested_tip(d))


@rpc_method("eth_maxPriorityFeePerGas")
def eth_max_priority_fee(d: Dispatcher) -> str:
    return enc.quantity(_suggested_tip(d))


def _suggested_tip(d: Dispatcher) -> int:
    return SUGGESTED_TIP


@rpc_method("eth_baseFee")
def eth_base_fee(d: Dispatcher) -> str:
    return enc.quantity(d.chain.next_base_fee)


@rpc_method("eth_blobBaseFee")
def eth_blob_base_fee(d: Dispatcher) -> str:
    return enc.quantity(d.chain.blob_base_fee())


@rpc_method("eth_getBalance", "address", "block?")
def eth_get_balance(d: Dispatcher, address: Any, block: Any) -> str:
    addr = enc.decode_address(address, "0 (address)")
    return enc.quantity(d.chain.balance(addr, state_block(d, block, "1 (block)")))


@rpc_method("eth_getTransactionCount", "address", "block?")
def eth_get_transaction_count(d: Dispatcher, address: Any, block: Any) -> str:
    addr = enc.decode_address(address, "0 (address)")
    nonce = d.chain.nonce(addr, state_block(d, block, "1 (block)"))
    if block == "pending":
        nonce += sum(1 for tx in d.chain.pending_transactions if tx.sender == addr)
    return enc.quantity(nonce)


@rpc_method("eth_getCode", "address", "block?")
def eth_get_code(d: Dispatcher, address: Any, block: Any) -> str:
    addr = enc.decode_address(address, "0 (address)")
    return enc.data(d.chain.code(addr, state_block(d, block, "1 (block)")))


@rpc_method("eth_getStorageAt", "address", "slot", "block?")
def eth_get_storage_at(d: Dispatcher, address: Any, slot: Any, block: Any) -> str:
    addr = enc.decode_address(address, "0 (address)")
    key = enc.decode_storage_key(slot, "1 (slot)")
    value = d.chain.storage(addr, key, state_block(d, block, "2 (block)"))
    return enc.data(value.to_bytes(32, "big"))


@rpc_method("eth_getStorageValues", "requests", "block?")
def eth_get_storage_values(d: Dispatcher, requests: Any, block: Any) -> dict[str, list[str]]:
    if not isinstance(requests, dict):
        raise InvalidParams("invalid argument 0 (requests): expected an object of address -> slots")
    if not requests:
        raise InvalidParams("empty request")
    number = state_block(d, block, "1 (block)")
    out: dict[str, list[str]] = {}
    for address, slots in requests.items():
        addr = enc.decode_address(address, f"0 (requests.{address})")
        if not isinstance(slots, list):
            raise InvalidParams(f"invalid argument 0 (requests.{address}): expected an array of slots")
        out[address] = [
            enc.data(d.chain.storage(addr, enc.decode_storage_key(s, "0 (slot)"), number).to_bytes(32, "big"))
            for s in slots
        ]
    return out


def _call_price(d: Dispatcher, args: enc.CallArgs, block: int | None) -> int | None:
    if args.gas_price is not None:
        return args.gas_price
    if args.max_fee_per_gas is None and args.max_priority_fee_per_gas is None:
        return None
    header = d.chain.head.header if block is None else d.chain.block(block).header
    base = int(getattr(header, "base_fee_per_gas", 0) or 0)
    tip = args.max_priority_fee_per_gas or 0
    return min(args.max_fee_per_gas, base + tip) if args.max_fee_per_gas is not None else base + tip


@rpc_method("eth_call", "transaction", "block?", "stateOverrides?", "blockOverrides?")
def eth_call(d: Dispatcher, tx: Any, block: Any, state_overrides: Any, block_overrides: Any) -> str:
    args = enc.decode_call_args(tx, "0 (transaction)")
    number = state_block(d, block, "1 (block)")
    out = d.chain.call(
        args.to,
        args.data,
        sender=args.sender,
        value=args.value,
        gas=args.gas,
        block=number,
        gas_price=_call_price(d, args, number),
    )
    return enc.data(out)


@rpc_method("eth_estimateGas", "transaction", "block?", "stateOverrides?")
def eth_estimate_gas(d: Dispatcher, tx: Any, block: Any, state_overrides: Any) -> str:
    args = enc.decode_call_args(tx, "0 (transaction)")
    number = state_block(d, block, "1 (block)")
    gas = d.chain.estimate_gas(args.to, args.data, sender=args.sender, value=args.value, block=number, gas_cap=args.gas)
    return enc.quantity(gas)


@rpc_method("eth_createAccessList", "transaction", "block?", "stateOverrides?")
def eth_create_access_list(d: Dispatcher, tx: Any, block: Any, state_overrides: Any) -> dict[str, Any]:
    args = enc.decode_call_args(tx, "0 (transaction)")
    number = state_block(d, block, "1 (block)")
    result = d.chain.create_access_list(
        args.to,
        args.data,
        sender=args.sender,
        value=args.value,
        gas=args.gas,
        block=number,
        gas_price=_call_price(d, args, number),
        nonce=args.nonce,
        access_list=args.access_list or (),
    )
    out: dict[str, Any] = {
        "accessList": [
            {"address": enc.data(address), "storageKeys": [enc.data(k.to_bytes(32, "big")) for k in keys]}
            for address, keys in result.access_list
        ]
    }
    if result.error is not None:
        out["error"] = result.error
    out["gasUsed"] = enc.quantity(result.gas_used)
    return out


@rpc_method("eth_config")
def eth_config(d: Dispatcher) -> dict[str, Any]:
    chain = d.chain
    genesis = chain.block(0)
    return chain.fork_schedule.eth_config(chain.chain_id, genesis.hash, genesis.timestamp, chain.head.timestamp)


def _unwrap_blob_network_form(raw: bytes) -> bytes:
    """A type-3 transaction in its network form (tx, blobs, commitments, proofs) -> the bare tx."""
    if raw[:1] != b"\x03":
        return raw
    try:
        items = rlp.decode(raw[1:])
    except Exception:
        return raw
    if isinstance(items, list) and len(items) == 4 and isinstance(items[0], list):
        return b"\x03" + bytes(rlp.encode(items[0]))
    return raw


@rpc_method("eth_sendRawTransaction", "data")
def eth_send_raw_transaction(d: Dispatcher, payload: Any) -> str:
    raw = enc.decode_data(payload, "0 (data)")
    if not raw:
        raise InvalidParams("invalid argument 0 (data): empty transaction")
    tx = d.chain.decode_raw_transaction(_unwrap_blob_network_form(raw))
    return enc.data(d.chain.submit(tx))


@rpc_method("eth_sendTransaction", "transaction")
def eth_send_transaction(d: Dispatcher, tx: Any) -> str:
    args = enc.decode_call_args(tx, "0 (transaction)")
    if args.sender is None:
        raise InvalidParams('invalid argument 0 (transaction): "from" is required')
    if args.chain_id is not None and args.chain_id != d.chain.chain_id:
        raise InvalidTransaction(
            f"transaction names chain {args.chain_id} but was sent to chain {d.chain.name} ({d.chain.chain_id})"
        )
    chain = d.chain
    gas = args.gas
    if gas is None:
        gas = chain.estimate_gas(args.to, args.data, sender=args.sender, value=args.value)
    key = d.unlocked.get(args.sender)
    if key is not None:
        tip = args.max_priority_fee_per_gas
        if tip is None:
            tip = 0 if args.gas_price is not None else _suggested_tip(d)
        max_fee = args.max_fee_per_gas or args.gas_price or (2 * chain.next_base_fee + tip)
        signed = chain.sign(
            key,
            args.to,
            args.data,
            value=args.value,
            gas=gas,
            nonce=args.nonce,
            max_fee_per_gas=max_fee,
            max_priority_fee_per_gas=min(tip, max_fee),
        )
    elif args.sender in d.impersonation.accounts or d.impersonation.auto:
        price = args.gas_price or args.max_fee_per_gas or chain.next_base_fee
        signed = chain.impersonated_transaction(
            args.sender, args.to, args.data, value=args.value, gas=gas, nonce=args.nonce, gas_price=price
        )
    else:
        raise RpcError(
            f"no such account: {enc.data(args.sender)} is neither unlocked nor impersonated "
            "(use anvil_impersonateAccount, or sign it yourself and use eth_sendRawTransaction)",
            code=-32000,
        )
    return enc.data(chain.submit(signed))


def _signing_key(d: Dispatcher, address: Any, name: str) -> bytes:
    addr = enc.decode_address(address, name)
    key = d.unlocked.get(addr)
    if key is None:
        raise RpcError(f"no such account: {enc.data(addr)} is not an unlocked dev account", code=-32000)
    return key


@rpc_method("eth_sign", "address", "message")
def eth_sign(d: Dispatcher, address: Any, message: Any) -> str:
    from eth_account.account import Account
    from eth_account.messages import encode_defunct

    key = _signing_key(d, address, "0 (address)")
    signed = Account.sign_message(encode_defunct(primitive=enc.decode_data(message, "1 (message)")), key)
    return enc.data(bytes(signed.signature))


@rpc_method("personal_sign", "message", "address")
def personal_sign(d: Dispatcher, message: Any, address: Any) -> str:
    return str(eth_sign.fn(d, address, message))


@rpc_method("eth_signTypedData_v4", "address", "typedData")
def eth_sign_typed_data_v4(d: Dispatcher, address: Any, typed: Any) -> str:
    import json

    from eth_account.account import Account
    from eth_account.messages import encode_typed_data

    key = _signing_key(d, address, "0 (address)")
    if isinstance(typed, str):
        try:
            typed = json.loads(typed)
        except ValueError as exc:
            raise InvalidParams(f"invalid argument 1 (typedData): not JSON: {exc}") from None
    if not isinstance(typed, dict):
        raise InvalidParams("invalid argument 1 (typedData): expected an EIP-712 object")
    try:
        message = encode_typed_data(full_message=typed)
    except Exception as exc:
        raise InvalidParams(f"invalid argument 1 (typedData): {exc}") from None
    return enc.data(bytes(Account.sign_message(message, key).signature))


@rpc_method("eth_getBlockByNumber", "block", "full")
def eth_get_block_by_number(d: Dispatcher, block: Any, full: Any) -> dict[str, Any] | None:
    flag = enc.decode_bool(full, "1 (full)")
    enc.decode_block_ref(block, "0 (block)", allow_hash=False)
    record = resolve_block(d, block, "0 (block)")
    return None if record is None else _block_json(d, record, flag)


@rpc_method("eth_getBlockByHash", "hash", "full")
def eth_get_block_by_hash(d: Dispatcher, block_hash: Any, full: Any) -> dict[str, Any] | None:
    flag = enc.decode_bool(full, "1 (full)")
    record = d.chain.block_by_hash(enc.decode_hash(block_hash, "0 (hash)"))
    return None if record is None else _block_json(d, record, flag)


def _block_json(d: Dispatcher, record: BlockRecord, full: bool) -> dict[str, Any]:
    out = enc.block(d.chain, record, full)
    if full and d.transaction_hooks:
        for index, (tx, obj) in enumerate(zip(record.transactions, out["transactions"], strict=True)):
            for hook in d.transaction_hooks:
                hook(bytes(tx.hash), record, index, obj)
    return out


@rpc_method("eth_getBlockTransactionCountByNumber", "block")
def eth_get_block_tx_count_by_number(d: Dispatcher, block: Any) -> str | None:
    record = resolve_block(d, block, "0 (block)")
    return None if record is None else enc.quantity(len(record.transactions))


@rpc_method("eth_getBlockTransactionCountByHash", "hash")
def eth_get_block_tx_count_by_hash(d: Dispatcher, block_hash: Any) -> str | None:
    record = d.chain.block_by_hash(enc.decode_hash(block_hash, "0 (hash)"))
    return None if record is None else enc.quantity(len(record.transactions))


@rpc_method("eth_getUncleCountByBlockNumber", "block")
def eth_get_uncle_count_by_number(d: Dispatcher, block: Any) -> str | None:
    record = resolve_block(d, block, "0 (block)")
    return None if record is None else enc.quantity(len(d.chain.py_evm_block(record.number).uncles))


@rpc_method("eth_getUncleCountByBlockHash", "hash")
def eth_get_uncle_count_by_hash(d: Dispatcher, block_hash: Any) -> str | None:
    record = d.chain.block_by_hash(enc.decode_hash(block_hash, "0 (hash)"))
    return None if record is None else enc.quantity(len(d.chain.py_evm_block(record.number).uncles))


def receipt_json(d: Dispatcher, rec: Receipt, record: BlockRecord | None = None) -> dict[str, Any]:
    """A receipt object with the chain's extra fields (:attr:`Dispatcher.receipt_hooks`)."""
    record = record or d.chain.block(rec.block_number)
    out = enc.receipt(d.chain, rec, record)
    for hook in d.receipt_hooks:
        hook(rec, record, out)
    return out


def transaction_json(
    d: Dispatcher, tx: SignedTransactionAPI, record: BlockRecord | None, index: int | None
) -> dict[str, Any]:
    """A transaction object with the chain's extra fields once mined (:attr:`Dispatcher.transaction_hooks`)."""
    out = enc.transaction(tx, record, index)
    if record is not None and index is not None:
        for hook in d.transaction_hooks:
            hook(bytes(tx.hash), record, index, out)
    return out


def _tx_in_block(d: Dispatcher, record: BlockRecord | None, index: Any) -> dict[str, Any] | None:
    i = enc.decode_quantity(index, "1 (index)", bits=64)
    if record is None or i >= len(record.transactions):
        return None
    return transaction_json(d, record.transactions[i], record, i)


@rpc_method("eth_getTransactionByBlockNumberAndIndex", "block", "index")
def eth_get_tx_by_number_and_index(d: Dispatcher, block: Any, index: Any) -> dict[str, Any] | None:
    return _tx_in_block(d, resolve_block(d, block, "0 (block)"), index)


@rpc_method("eth_getTransactionByBlockHashAndIndex", "hash", "index")
def eth_get_tx_by_hash_and_index(d: Dispatcher, block_hash: Any, index: Any) -> dict[str, Any] | None:
    return _tx_in_block(d, d.chain.block_by_hash(enc.decode_hash(block_hash, "0 (hash)")), index)


@rpc_method("eth_getTransactionByHash", "hash")
def eth_get_transaction_by_hash(d: Dispatcher, tx_hash: Any) -> dict[str, Any] | None:
    found = d.chain.transaction(enc.decode_hash(tx_hash, "0 (hash)"))
    if found is None:
        return None
    tx, record, index = found
    return transaction_json(d, tx, record, index if record is not None else None)


@rpc_method("eth_getTransactionReceipt", "hash")
def eth_get_transaction_receipt(d: Dispatcher, tx_hash: Any) -> dict[str, Any] | None:
    rec = d.chain.receipt(enc.decode_hash(tx_hash, "0 (hash)"))
    return None if rec is None else receipt_json(d, rec)


@rpc_method("eth_getBlockReceipts", "block")
def eth_get_block_receipts(d: Dispatcher, block: Any) -> list[dict[str, Any]] | None:
    record = resolve_block(d, block, "0 (block)")
    if record is None:
        return None
    return [receipt_json(d, r, record) for r in record.receipts]


@rpc_method("eth_getLogs", "filter")
def eth_get_logs(d: Dispatcher, flt: Any) -> list[dict[str, Any]]:
    return query_logs(d, decode_log_filter(d, flt, "0"))


@rpc_method("eth_newFilter", "filter")
def eth_new_filter(d: Dispatcher, flt: Any) -> str:
    return d.filters.install("logs", decode_log_filter(d, flt, "0"))


@rpc_method("eth_newBlockFilter")
def eth_new_block_filter(d: Dispatcher) -> str:
    return d.filters.install("blocks")


@rpc_method("eth_newPendingTransactionFilter", "full?")
def eth_new_pending_tx_filter(d: Dispatcher, full: Any) -> str:
    return d.filters.install("pending")


@rpc_method("eth_getFilterChanges", "id")
def eth_get_filter_changes(d: Dispatcher, fid: Any) -> list[Any]:
    f = d.filters.get(fid)
    chain = d.chain
    head = chain.block_number
    start = min(f.cursor, head + 1)
    f.cursor = head + 1
    if f.kind == "blocks":
        return [enc.data(chain.block(n).hash) for n in range(start, head + 1)]
    if f.kind == "pending":
        new = [tx for tx in chain.pending_transactions if bytes(tx.hash) not in f.pending_seen]
        mined = [tx for n in range(start, head + 1) for tx in chain.block(n).transactions]
        out = [bytes(tx.hash) for tx in mined + new if bytes(tx.hash) not in f.pending_seen]
        f.pending_seen.update(out)
        return [enc.data(h) for h in out]
    assert f.criteria is not None
    return query_logs(d, f.criteria, since=start)


@rpc_method("eth_getFilterLogs", "id")
def eth_get_filter_logs(d: Dispatcher, fid: Any) -> list[dict[str, Any]]:
    f = d.filters.get(fid)
    if f.criteria is None:
        raise RpcError("filter not found", code=-32000)
    return query_logs(d, f.criteria, since=f.criteria.from_block or 0)


@rpc_method("eth_uninstallFilter", "id")
def eth_uninstall_filter(d: Dispatcher, fid: Any) -> bool:
    return d.filters.uninstall(fid)


def _rewards(record: BlockRecord, percentiles: Sequence[float]) -> list[str]:
    base = int(getattr(record.header, "base_fee_per_gas", 0) or 0)
    if not record.receipts:
        return ["0x0" for _ in percentiles]
    tips = sorted((r.effective_gas_price - base, r.gas_used) for r in record.receipts)
    total = sum(g for _, g in tips)
    out = []
    for p in percentiles:
        threshold = total * p / 100
        acc = 0
        chosen = tips[-1][0]
        for tip, used in tips:
            acc += used
            if acc >= threshold:
                chosen = tip
                break
        out.append(enc.quantity(max(chosen, 0)))
    return out


@rpc_method("eth_feeHistory", "blockCount", "newestBlock", "rewardPercentiles?")
def eth_fee_history(d: Dispatcher, count: Any, newest: Any, percentiles: Any) -> dict[str, Any]:
    n = enc.decode_quantity(count, "0 (blockCount)", bits=64) if not isinstance(count, int) else count
    if n < 1:
        raise InvalidParams("invalid argument 0 (blockCount): must be at least 1")
    n = min(n, _MAX_FEE_HISTORY)
    last = resolve_block(d, newest, "1 (newestBlock)")
    if last is None:
        raise InvalidParams("invalid argument 1 (newestBlock): block not found")
    wanted: list[float] = []
    if percentiles is not None:
        if not isinstance(percentiles, list) or not all(
            isinstance(p, int | float) and not isinstance(p, bool) and 0 <= p <= 100 for p in percentiles
        ):
            raise InvalidParams("invalid argument 2 (rewardPercentiles): expected numbers between 0 and 100")
        if any(b < a for a, b in itertools.pairwise(percentiles)):
            raise InvalidParams("invalid argument 2 (rewardPercentiles): must be ascending")
        wanted = [float(p) for p in percentiles]
    first = max(0, last.number - n + 1)
    records = [d.chain.block(i) for i in range(first, last.number + 1)]
    base_fees = [int(getattr(r.header, "base_fee_per_gas", 0) or 0) for r in records]
    if last.number == d.chain.block_number:
        base_fees.append(d.chain.next_base_fee)
    else:
        base_fees.append(int(getattr(d.chain.block(last.number + 1).header, "base_fee_per_gas", 0) or 0))
    blob_fees = [d.chain.blob_base_fee(r.number) for r in records]
    blob_fees.append(d.chain.blob_base_fee() if last.number == d.chain.block_number else blob_fees[-1])
    out: dict[str, Any] = {
        "oldestBlock": enc.quantity(first),
        "baseFeePerGas": [enc.quantity(b) for b in base_fees],
        "gasUsedRatio": [int(r.header.gas_used) / int(r.header.gas_limit) for r in records],
        "baseFeePerBlobGas": [enc.quantity(b) for b in blob_fees],
        "blobGasUsedRatio": [(int(getattr(r.header, "blob_gas_used", 0) or 0) / 1_179_648) for r in records],
    }
    if percentiles is not None:
        out["reward"] = [_rewards(r, wanted) for r in records]
    return out


@rpc_method("eth_getProof", "address", "storageKeys", "block?")
def eth_get_proof(d: Dispatcher, address: Any, keys: Any, block: Any) -> dict[str, Any]:
    addr = enc.decode_address(address, "0 (address)")
    if not isinstance(keys, list):
        raise InvalidParams("invalid argument 1 (storageKeys): expected an array")
    slots = [enc.decode_storage_key(k, f"1 (storageKeys[{i}])") for i, k in enumerate(keys)]
    number = state_block(d, block, "2 (block)")
    account, storage = d.chain.account_proof(addr, slots, number)
    return {
        "address": enc.data(addr),
        "accountProof": [enc.data(n) for n in account.proof],
        "balance": enc.quantity(account.balance),
        "codeHash": enc.data(account.code_hash),
        "nonce": enc.quantity(account.nonce),
        "storageHash": enc.data(account.storage_hash),
        "storageProof": [
            {"key": enc.quantity(s.key), "value": enc.quantity(s.value), "proof": [enc.data(n) for n in s.proof]}
            for i, s in enumerate(storage)
        ],
    }


def _raw_tx(tx: Any) -> bytes:
    encode = getattr(tx, "encode", None)
    raw = encode() if callable(encode) else rlp.encode(tx)
    return bytes(raw)


@rpc_method("debug_getRawBlock", "block")
def debug_get_raw_block(d: Dispatcher, block: Any) -> str:
    record = resolve_block(d, block, "0 (block)")
    if record is None:
        raise RpcError("block not found", code=-32000)
    return enc.data(rlp.encode(d.chain.py_evm_block(record.number)))


@rpc_method("debug_getRawHeader", "block")
def debug_get_raw_header(d: Dispatcher, block: Any) -> str:
    record = resolve_block(d, block, "0 (block)")
    if record is None:
        raise RpcError("header not found", code=-32000)
    return enc.data(rlp.encode(record.header))


@rpc_method("debug_getRawTransaction", "hash")
def debug_get_raw_transaction(d: Dispatcher, tx_hash: Any) -> str:
    found = d.chain.transaction(enc.decode_hash(tx_hash, "0 (hash)"))
    return "0x" if found is None else enc.data(_raw_tx(found[0]))


@rpc_method("debug_getRawReceipts", "block")
def debug_get_raw_receipts(d: Dispatcher, block: Any) -> list[str]:
    record = resolve_block(d, block, "0 (block)")
    if record is None:
        raise RpcError("block not found", code=-32000)
    return [enc.data(r) for r in d.chain.raw_receipts(record.number)]


@rpc_method("eth_capabilities")
def eth_capabilities(d: Dispatcher) -> dict[str, Any]:
    head = d.chain.head
    full = {"disabled": False, "oldestBlock": "0x0"}
    return {
        "head": {"number": enc.quantity(head.number), "hash": enc.data(head.hash)},
        "state": full,
        "tx": full,
        "logs": full,
        "receipts": full,
        "blocks": full,
        "stateproofs": full,
    }


@rpc_method("txpool_status")
def txpool_status(d: Dispatcher) -> dict[str, str]:
    return {
        "pending": enc.quantity(len(d.chain.pending_transactions)),
        "queued": enc.quantity(len(d.chain.queued_transactions)),
    }


def _by_sender(txs: Sequence[SignedTransactionAPI], only: bytes | None = None) -> dict[str, dict[str, Any]]:
    """geth's txpool layout: checksummed sender -> decimal nonce -> transaction."""
    out: dict[str, dict[str, Any]] = {}
    for tx in txs:
        if only is not None and bytes(tx.sender) != only:
            continue
        out.setdefault(to_checksum_address(tx.sender), {})[str(tx.nonce)] = enc.transaction(tx)
    return out


@rpc_method("txpool_content")
def txpool_content(d: Dispatcher) -> dict[str, Any]:
    return {"pending": _by_sender(d.chain.pending_transactions), "queued": _by_sender(d.chain.queued_transactions)}


@rpc_method("txpool_contentFrom", "address")
def txpool_content_from(d: Dispatcher, address: Any) -> dict[str, Any]:
    addr = enc.decode_address(address, "0 (address)")
    key = to_checksum_address(addr)
    return {
        "pending": _by_sender(d.chain.pending_transactions, addr).get(key, {}),
        "queued": _by_sender(d.chain.queued_transactions, addr).get(key, {}),
    }


def _summaries(txs: Sequence[SignedTransactionAPI]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for tx in txs:
        to = to_checksum_address(tx.to) if tx.to else "contract creation"
        out.setdefault(to_checksum_address(tx.sender), {})[str(tx.nonce)] = (
            f"{to}: {tx.value} wei + {tx.gas} gas \u00d7 {getattr(tx, 'max_fee_per_gas', None) or tx.gas_price} wei"
        )
    return out


@rpc_method("txpool_inspect")
def txpool_inspect(d: Dispatcher) -> dict[str, Any]:
    return {"pending": _summaries(d.chain.pending_transactions), "queued": _summaries(d.chain.queued_transactions)}


METHODS: tuple[MethodSpec, ...] = tuple(v for v in list(globals().values()) if isinstance(v, MethodSpec))
