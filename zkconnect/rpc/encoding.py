"""Wire encoders (blocks, transactions, receipts, logs exactly as geth prints them) and param decoders.

Encoders turn engine objects into JSON-ready dicts: hex quantities without leading zeros,
0x-prefixed data, camelCase keys, ``null`` for absent values. Decoders turn JSON params into
Python values and raise :class:`~zkconnect.rpc.errors.InvalidParams` naming the parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import rlp
from eth.abc import BlockHeaderAPI, SignedTransactionAPI
from eth_bloom.bloom import BloomFilter

from zkconnect.engine.chain import BlockRecord, Chain, Log, Receipt
from zkconnect.rpc.errors import InvalidParams
from zkconnect.rpc.json_types import JsonObject

__all__ = [
    "BLOCK_TAGS",
    "BlockRef",
    "CallArgs",
    "block",
    "data",
    "decode_address",
    "decode_block_ref",
    "decode_bool",
    "decode_call_args",
    "decode_data",
    "decode_hash",
    "decode_quantity",
    "decode_storage_key",
    "log",
    "quantity",
    "receipt",
    "transaction",
]

_T = TypeVar("_T")

BLOCK_TAGS = ("latest", "earliest", "pending", "safe", "finalized")
_BLOB_GAS_PER_BLOB = 2**17


# ---------------------------------------------------------------------------- primitives


def quantity(value: int) -> str:
    """A JSON-RPC quantity: ``0x`` + hex without leading zeros."""
    return hex(int(value))


def data(value: bytes) -> str:
    """JSON-RPC data: ``0x`` + every byte as two hex digits."""
    return "0x" + bytes(value).hex()


def _address(value: bytes | None) -> str | None:
    return None if value is None else data(value)


def _h32(value: int | bytes) -> str:
    if isinstance(value, int):
        return data(value.to_bytes(32, "big"))
    return data(value)


# ---------------------------------------------------------------------------- encoders


def log(entry: Log, timestamp: int | None = None) -> JsonObject:
    """One log, as in receipts and ``eth_getLogs``."""
    out: JsonObject = {
        "address": data(entry.address),
        "topics": [data(t) for t in entry.topics],
        "data": data(entry.data),
        "blockNumber": quantity(entry.block_number),
        "transactionHash": data(entry.tx_hash),
        "transactionIndex": quantity(entry.tx_index),
        "blockHash": data(entry.block_hash),
    }
    if timestamp is not None:
        out["blockTimestamp"] = quantity(timestamp)
    out["logIndex"] = quantity(entry.log_index)
    out["removed"] = False
    return out


def logs_bloom(entries: Sequence[Log]) -> bytes:
    """The 256-byte bloom filter of some logs."""
    bloom = BloomFilter()
    for entry in entries:
        bloom.add(entry.address)
        for topic in entry.topics:
            bloom.add(topic)
    return int(bloom).to_bytes(256, "big")


def transaction(tx: SignedTransactionAPI, record: BlockRecord | None = None, index: int | None = None) -> JsonObject:
    """A transaction object; ``record`` is its block (None while pending)."""
    tx_type = int(getattr(tx, "type_id", None) or 0)
    to = bytes(tx.to)
    out: JsonObject = {
        "blockHash": data(record.hash) if record else None,
        "blockNumber": quantity(record.number) if record else None,
    }
    out["blockTimestamp"] = quantity(record.timestamp) if record else None  # geth: null while pending
    out["from"] = data(tx.sender)
    out["gas"] = quantity(tx.gas)
    if tx_type >= 2:
        max_fee = int(tx.max_fee_per_gas)
        base_fee = getattr(record.header, "base_fee_per_gas", None) if record else None
        tip = int(tx.max_priority_fee_per_gas)
        out["gasPrice"] = quantity(max_fee if base_fee is None else min(max_fee, int(base_fee) + tip))
        out["maxFeePerGas"] = quantity(max_fee)
        out["maxPriorityFeePerGas"] = quantity(tip)
        if tx_type == 3:
            out["maxFeePerBlobGas"] = quantity(tx.max_fee_per_blob_gas)
    else:
        out["gasPrice"] = quantity(tx.gas_price)
    out["hash"] = data(tx.hash)
    out["input"] = data(tx.data)
    out["nonce"] = quantity(tx.nonce)
    out["to"] = None if to == b"" else data(to)
    out["transactionIndex"] = quantity(index) if record is not None and index is not None else None
    out["value"] = quantity(tx.value)
    out["type"] = quantity(tx_type)
    if tx_type >= 1:
        out["accessList"] = [
            {"address": data(entry[0]), "storageKeys": [_h32(k) for k in entry[1]]} for entry in tx.access_list
        ]
    chain_id = tx.chain_id
    if chain_id is not None:
        out["chainId"] = quantity(chain_id)
    if tx_type == 3:
        out["blobVersionedHashes"] = [data(h) for h in tx.blob_versioned_hashes]
    if tx_type == 4:
        out["authorizationList"] = [
            {
                "chainId": quantity(auth.chain_id),
                "address": data(auth.address),
                "nonce": quantity(auth.nonce),
                "yParity": quantity(auth.y_parity),
                "r": quantity(auth.r),
                "s": quantity(auth.s),
            }
            for auth in tx.authorization_list
        ]
    if tx_type == 0:
        out["v"] = quantity(tx.v)  # type: ignore[attr-defined]
    else:
        out["v"] = quantity(tx.y_parity)
    out["r"] = quantity(tx.r)
    out["s"] = quantity(tx.s)
    if tx_type != 0:
        out["yParity"] = quantity(tx.y_parity)
    return out


def receipt(chain: Chain, rec: Receipt, record: BlockRecord | None = None) -> JsonObject:
    """A transaction receipt as geth returns it."""
    record = record or chain.block(rec.block_number)
    tx = record.transactions[rec.tx_index]
    out: JsonObject = {}
    if rec.tx_type == 3:
        out["blobGasPrice"] = quantity(chain.blob_base_fee(rec.block_number))
        out["blobGasUsed"] = quantity(len(tx.blob_versioned_hashes) * _BLOB_GAS_PER_BLOB)
    out.update(
        {
            "blockHash": data(rec.block_hash),
            "blockNumber": quantity(rec.block_number),
            "contractAddress": _address(rec.contract_address),
            "cumulativeGasUsed": quantity(rec.cumulative_gas_used),
            "effectiveGasPrice": quantity(rec.effective_gas_price),
            "from": data(rec.sender),
            "gasUsed": quantity(rec.gas_used),
            "logs": [log(e, record.timestamp) for e in rec.logs],
            "logsBloom": data(logs_bloom(rec.logs)),
        }
    )
    if rec.post_state_root is not None:
        out["root"] = data(rec.post_state_root)
    else:
        out["status"] = quantity(rec.status)
    out["to"] = _address(rec.to)
    out["transactionHash"] = data(rec.tx_hash)
    out["transactionIndex"] = quantity(rec.tx_index)
    out["type"] = quantity(rec.tx_type)
    return out


def header_fields(header: BlockHeaderAPI) -> JsonObject:
    """The header part of a block object (fork-dependent fields only when the fork has them)."""
    out: JsonObject = {}
    base_fee = getattr(header, "base_fee_per_gas", None)
    if base_fee is not None:
        out["baseFeePerGas"] = quantity(base_fee)
    blob_gas_used = getattr(header, "blob_gas_used", None)
    if blob_gas_used is not None:
        out["blobGasUsed"] = quantity(blob_gas_used)
    out["difficulty"] = quantity(header.difficulty)
    excess = getattr(header, "excess_blob_gas", None)
    if excess is not None:
        out["excessBlobGas"] = quantity(excess)
    out.update(
        {
            "extraData": data(header.extra_data),
            "gasLimit": quantity(header.gas_limit),
            "gasUsed": quantity(header.gas_used),
            "hash": data(header.hash),
            "logsBloom": data(int(header.bloom).to_bytes(256, "big")),
            "miner": data(header.coinbase),
            "mixHash": data(header.mix_hash),
            "nonce": data(header.nonce),
            "number": quantity(header.block_number),
        }
    )
    beacon_root = getattr(header, "parent_beacon_block_root", None)
    if beacon_root is not None:
        out["parentBeaconBlockRoot"] = data(beacon_root)
    out["parentHash"] = data(header.parent_hash)
    out["receiptsRoot"] = data(header.receipt_root)
    requests_hash = getattr(header, "requests_hash", None)
    if requests_hash is not None:
        out["requestsHash"] = data(requests_hash)
    out["sha3Uncles"] = data(header.uncles_hash)
    out["stateRoot"] = data(header.state_root)
    out["timestamp"] = quantity(header.timestamp)
    out["transactionsRoot"] = data(header.transaction_root)
    withdrawals_root = getattr(header, "withdrawals_root", None)
    if withdrawals_root is not None:
        out["withdrawalsRoot"] = data(withdrawals_root)
    return out


def block(chain: Chain, record: BlockRecord, full: bool) -> JsonObject:
    """A block object; ``full`` puts transaction objects instead of hashes."""
    full_block = chain.py_evm_block(record.number)
    out = header_fields(record.header)
    out["size"] = quantity(len(rlp.encode(full_block)))
    if full:
        out["transactions"] = [transaction(tx, record, i) for i, tx in enumerate(record.transactions)]
    else:
        out["transactions"] = [data(tx.hash) for tx in record.transactions]
    out["uncles"] = [data(u.hash) for u in full_block.uncles]
    withdrawals = getattr(full_block, "withdrawals", None)
    if getattr(record.header, "withdrawals_root", None) is not None:
        out["withdrawals"] = [
            {
                "index": quantity(w.index),
                "validatorIndex": quantity(w.validator_index),
                "address": data(w.address),
                "amount": quantity(w.amount),
            }
            for w in (withdrawals or ())
        ]
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------- decoders


def _hex_digits(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidParams(f"invalid argument {name}: expected a 0x-prefixed hex string, got {value!r}")
    if not value.startswith(("0x", "0X")):
        raise InvalidParams(f"invalid argument {name}: hex string without 0x prefix: {value!r}")
    digits = value[2:]
    if any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise InvalidParams(f"invalid argument {name}: invalid hex string {_short(value)!r}")
    return digits


def _short(value: str) -> str:
    return value if len(value) <= 80 else value[:77] + "..."


def decode_quantity(value: object, name: str, *, bits: int = 256) -> int:
    """A hex quantity (``"0x1a"``) below ``2**bits``."""
    if isinstance(value, bool):
        raise InvalidParams(f"invalid argument {name}: expected a hex quantity, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise InvalidParams(f"invalid argument {name}: negative number {value}")
        number = value
    else:
        digits = _hex_digits(value, name)
        if not digits:
            raise InvalidParams(f'invalid argument {name}: hex string "0x" is not a number')
        if len(digits) > bits // 4:
            raise InvalidParams(f"invalid argument {name}: hex number larger than {bits} bits")
        number = int(digits, 16)
    if number >= 2**bits:
        raise InvalidParams(f"invalid argument {name}: number larger than {bits} bits")
    return number


def decode_data(value: object, name: str) -> bytes:
    """Hex data with an even number of digits."""
    digits = _hex_digits(value, name)
    if len(digits) % 2:
        raise InvalidParams(f"invalid argument {name}: hex string has odd length")
    return bytes.fromhex(digits)


def decode_address(value: object, name: str) -> bytes:
    """A 20-byte address."""
    raw = decode_data(value, name)
    if len(raw) != 20:
        raise InvalidParams(f"invalid argument {name}: an address is 20 bytes, got {len(raw)}")
    return raw


def decode_hash(value: object, name: str) -> bytes:
    """A 32-byte hash."""
    raw = decode_data(value, name)
    if len(raw) != 32:
        raise InvalidParams(f"invalid argument {name}: a hash is 32 bytes, got {len(raw)}")
    return raw


def decode_bool(value: object, name: str) -> bool:
    """A JSON boolean."""
    if not isinstance(value, bool):
        raise InvalidParams(f"invalid argument {name}: expected true or false, got {value!r}")
    return value


def decode_storage_key(value: object, name: str) -> int:
    """A storage slot given as hex of at most 32 bytes (leading zeros allowed, odd length allowed)."""
    if not isinstance(value, str) or not value.startswith(("0x", "0X")):
        raise InvalidParams(f"invalid argument {name}: invalid hex in storage key: {value!r}")
    digits = value[2:]
    if any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise InvalidParams(f'invalid hex in storage key: "{_short(value)}"')
    if len(digits) > 64:
        raise InvalidParams(f'storage key too long (want at most 32 bytes): "{_short(value)}"')
    return int(digits or "0", 16)


@dataclass(frozen=True)
class BlockRef:
    """A block named by tag, number or hash (EIP-1898)."""

    tag: str | None = None
    number: int | None = None
    hash: bytes | None = None


def decode_block_ref(value: object, name: str, *, allow_hash: bool = True) -> BlockRef:
    """A block tag (``latest``...), a hex number, a 32-byte hash, or an EIP-1898 object."""
    if isinstance(value, str):
        if value in BLOCK_TAGS:
            return BlockRef(tag=value)
        if allow_hash and len(value) == 66:
            return BlockRef(hash=decode_hash(value, name))
        if value.startswith(("0x", "0X")):
            return BlockRef(number=decode_quantity(value, name, bits=64))
        raise InvalidParams(
            f"invalid argument {name}: {_short(value)!r} is not a block tag ({', '.join(BLOCK_TAGS)}), "
            "a hex block number or a block hash"
        )
    if isinstance(value, dict) and allow_hash:
        if "blockHash" in value and "blockNumber" not in value:
            return BlockRef(hash=decode_hash(value["blockHash"], f"{name}.blockHash"))
        if "blockNumber" in value and "blockHash" not in value:
            return decode_block_ref(value["blockNumber"], f"{name}.blockNumber", allow_hash=False)
    raise InvalidParams(f"invalid argument {name}: expected a block number, tag or hash, got {value!r}")


@dataclass(frozen=True)
class CallArgs:
    """The transaction object of ``eth_call`` / ``eth_estimateGas`` / ``eth_sendTransaction``."""

    sender: bytes | None = None
    to: bytes | None = None
    gas: int | None = None
    gas_price: int | None = None
    max_fee_per_gas: int | None = None
    max_priority_fee_per_gas: int | None = None
    value: int = 0
    data: bytes = b""
    nonce: int | None = None
    chain_id: int | None = None
    access_list: tuple[tuple[bytes, tuple[int, ...]], ...] | None = None


def decode_access_list(value: object, name: str) -> tuple[tuple[bytes, tuple[int, ...]], ...]:
    """An EIP-2930 access list: ``[{"address", "storageKeys": [32-byte hashes]}]``."""
    if not isinstance(value, list):
        raise InvalidParams(f"invalid argument {name}: expected an array of {{address, storageKeys}}")
    out = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise InvalidParams(f"invalid argument {name}[{i}]: expected an object with address and storageKeys")
        keys = entry.get("storageKeys") or []
        if not isinstance(keys, list):
            raise InvalidParams(f"invalid argument {name}[{i}].storageKeys: expected an array")
        address = decode_address(entry.get("address"), f"{name}[{i}].address")
        slots = tuple(
            int.from_bytes(decode_hash(k, f"{name}[{i}].storageKeys[{j}]"), "big") for j, k in enumerate(keys)
        )
        out.append((address, slots))
    return tuple(out)


def decode_call_args(value: object, name: str) -> CallArgs:
    """Decode a transaction-call object; unknown keys are ignored as geth does."""
    if not isinstance(value, dict):
        raise InvalidParams(f"invalid argument {name}: expected a transaction object, got {value!r}")

    def opt(key: str, decode: Callable[[object, str], _T]) -> _T | None:
        raw = value.get(key)
        return None if raw is None else decode(raw, f"{name}.{key}")

    payload = opt("input", decode_data)
    alt = opt("data", decode_data)
    if payload is not None and alt is not None and payload != alt:
        raise InvalidParams(f'invalid argument {name}: both "data" and "input" are set and not equal')
    return CallArgs(
        sender=opt("from", decode_address),
        to=opt("to", decode_address),
        gas=opt("gas", lambda v, n: decode_quantity(v, n, bits=64)),
        gas_price=opt("gasPrice", decode_quantity),
        max_fee_per_gas=opt("maxFeePerGas", decode_quantity),
        max_priority_fee_per_gas=opt("maxPriorityFeePerGas", decode_quantity),
        value=opt("value", decode_quantity) or 0,
        data=payload if payload is not None else (alt or b""),
        nonce=opt("nonce", lambda v, n: decode_quantity(v, n, bits=64)),
        chain_id=opt("chainId", decode_quantity),
        access_list=opt("accessList", decode_access_list),
    )
