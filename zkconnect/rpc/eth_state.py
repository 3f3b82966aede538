"""Chain identity, fees and account state: ``web3_*``, ``net_*``, ``eth_chainId``, the fee methods
(``eth_feeHistory`` included), balances, nonces, code, storage, ``eth_getProof``, ``eth_config`` and
``eth_capabilities``.

``pending`` means latest. ``safe`` and ``finalized`` resolve through
:attr:`Dispatcher.tag_resolvers <zkconnect.rpc.dispatcher.Dispatcher.tag_resolvers>` (the head
until the settlement pipeline says otherwise).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from eth_utils.crypto import keccak

import zkconnect.rpc.encoding as enc
from zkconnect.engine.chain import BlockRecord
from zkconnect.rpc.dispatcher import Dispatcher, MethodSpec, rpc_method
from zkconnect.rpc.errors import InvalidParams
from zkconnect.rpc.json_types import JSON, JsonObject
from zkconnect.rpc.registry import MethodTable

__all__ = ["CLIENT_VERSION", "STATE_METHODS", "SUGGESTED_TIP", "TABLE"]

CLIENT_VERSION = "zkconnect/0.1.0/python"
_MAX_FEE_HISTORY = 1024
#: The priority fee suggested by ``eth_maxPriorityFeePerGas`` (anvil's value).
SUGGESTED_TIP = 1_000_000_000


@rpc_method("web3_clientVersion")
def web3_client_version(d: Dispatcher) -> str:
    return CLIENT_VERSION


@rpc_method("web3_sha3", "data")
def web3_sha3(d: Dispatcher, payload: JSON) -> str:
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
    return enc.quantity(d.chain.next_base_fee + SUGGESTED_TIP)


@rpc_method("eth_maxPriorityFeePerGas")
def eth_max_priority_fee(d: Dispatcher) -> str:
    return enc.quantity(SUGGESTED_TIP)


@rpc_method("eth_baseFee")
def eth_base_fee(d: Dispatcher) -> str:
    return enc.quantity(d.chain.next_base_fee)


@rpc_method("eth_blobBaseFee")
def eth_blob_base_fee(d: Dispatcher) -> str:
    return enc.quantity(d.chain.blob_base_fee())


@rpc_method("eth_getBalance", "address", "block?")
def eth_get_balance(d: Dispatcher, address: JSON, block: JSON) -> str:
    addr = enc.decode_address(address, "0 (address)")
    return enc.quantity(d.chain.balance(addr, d.state_block(block, "1 (block)")))


@rpc_method("eth_getTransactionCount", "address", "block?")
def eth_get_transaction_count(d: Dispatcher, address: JSON, block: JSON) -> str:
    addr = enc.decode_address(address, "0 (address)")
    nonce = d.chain.nonce(addr, d.state_block(block, "1 (block)"))
    if block == "pending":
        nonce += sum(1 for tx in d.chain.pending_transactions if tx.sender == addr)
    return enc.quantity(nonce)


@rpc_method("eth_getCode", "address", "block?")
def eth_get_code(d: Dispatcher, address: JSON, block: JSON) -> str:
    addr = enc.decode_address(address, "0 (address)")
    return enc.data(d.chain.code(addr, d.state_block(block, "1 (block)")))


@rpc_method("eth_getStorageAt", "address", "slot", "block?")
def eth_get_storage_at(d: Dispatcher, address: JSON, slot: JSON, block: JSON) -> str:
    addr = enc.decode_address(address, "0 (address)")
    key = enc.decode_storage_key(slot, "1 (slot)")
    value = d.chain.storage(addr, key, d.state_block(block, "2 (block)"))
    return enc.data(value.to_bytes(32, "big"))


@rpc_method("eth_getStorageValues", "requests", "block?")
def eth_get_storage_values(d: Dispatcher, requests: JSON, block: JSON) -> dict[str, list[str]]:
    if not isinstance(requests, dict):
        raise InvalidParams("invalid argument 0 (requests): expected an object of address -> slots")
    if not requests:
        raise InvalidParams("empty request")
    number = d.state_block(block, "1 (block)")
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


@rpc_method("eth_config")
def eth_config(d: Dispatcher) -> JsonObject:
    chain = d.chain
    genesis = chain.block(0)
    return chain.fork_schedule.eth_config(chain.chain_id, genesis.hash, genesis.timestamp, chain.head.timestamp)


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
def eth_fee_history(d: Dispatcher, count: JSON, newest: JSON, percentiles: JSON) -> JsonObject:
    n = enc.decode_quantity(count, "0 (blockCount)", bits=64) if not isinstance(count, int) else count
    if n < 1:
        raise InvalidParams("invalid argument 0 (blockCount): must be at least 1")
    n = min(n, _MAX_FEE_HISTORY)
    last = d.resolve_block(newest, "1 (newestBlock)")
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
    out: JsonObject = {
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
def eth_get_proof(d: Dispatcher, address: JSON, keys: JSON, block: JSON) -> JsonObject:
    addr = enc.decode_address(address, "0 (address)")
    if not isinstance(keys, list):
        raise InvalidParams("invalid argument 1 (storageKeys): expected an array")
    slots = [enc.decode_storage_key(k, f"1 (storageKeys[{i}])") for i, k in enumerate(keys)]
    number = d.state_block(block, "2 (block)")
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


@rpc_method("eth_capabilities")
def eth_capabilities(d: Dispatcher) -> JsonObject:
    head = d.chain.head
    full: JsonObject = {"disabled": False, "oldestBlock": "0x0"}
    return {
        "head": {"number": enc.quantity(head.number), "hash": enc.data(head.hash)},
        "state": full,
        "tx": full,
        "logs": full,
        "receipts": full,
        "blocks": full,
        "stateproofs": full,
    }


STATE_METHODS: tuple[MethodSpec, ...] = tuple(
    v for v in list(globals().values()) if isinstance(v, MethodSpec) and v.fn.__module__ == __name__
)
TABLE = MethodTable("eth_state", STATE_METHODS)
"""Identity, fees and account state, on every chain."""
