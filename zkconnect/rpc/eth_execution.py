"""Running and sending transactions: ``eth_call``, ``eth_estimateGas``, ``eth_createAccessList``,
``eth_sendRawTransaction``, ``eth_sendTransaction`` (unlocked or impersonated senders), the signing
methods and the ``txpool_*`` view of the pool.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import rlp
from eth.abc import SignedTransactionAPI
from eth_account.account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from eth_utils.address import to_checksum_address

import zkconnect.rpc.encoding as enc
from zkconnect.errors import InvalidTransaction
from zkconnect.rpc.dispatcher import Dispatcher, MethodSpec, rpc_method
from zkconnect.rpc.errors import InvalidParams, RpcError
from zkconnect.rpc.eth_state import SUGGESTED_TIP
from zkconnect.rpc.json_types import JSON, JsonObject
from zkconnect.rpc.registry import MethodTable

__all__ = ["EXECUTION_METHODS", "TABLE"]


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
def eth_call(d: Dispatcher, tx: JSON, block: JSON, state_overrides: JSON, block_overrides: JSON) -> str:
    args = enc.decode_call_args(tx, "0 (transaction)")
    number = d.state_block(block, "1 (block)")
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
def eth_estimate_gas(d: Dispatcher, tx: JSON, block: JSON, state_overrides: JSON) -> str:
    args = enc.decode_call_args(tx, "0 (transaction)")
    number = d.state_block(block, "1 (block)")
    gas = d.chain.estimate_gas(args.to, args.data, sender=args.sender, value=args.value, block=number, gas_cap=args.gas)
    return enc.quantity(gas)


@rpc_method("eth_createAccessList", "transaction", "block?", "stateOverrides?")
def eth_create_access_list(d: Dispatcher, tx: JSON, block: JSON, state_overrides: JSON) -> JsonObject:
    args = enc.decode_call_args(tx, "0 (transaction)")
    number = d.state_block(block, "1 (block)")
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
    out: JsonObject = {
        "accessList": [
            {"address": enc.data(address), "storageKeys": [enc.data(k.to_bytes(32, "big")) for k in keys]}
            for address, keys in result.access_list
        ]
    }
    if result.error is not None:
        out["error"] = result.error
    out["gasUsed"] = enc.quantity(result.gas_used)
    return out


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
def eth_send_raw_transaction(d: Dispatcher, payload: JSON) -> str:
    raw = enc.decode_data(payload, "0 (data)")
    if not raw:
        raise InvalidParams("invalid argument 0 (data): empty transaction")
    tx = d.chain.decode_raw_transaction(_unwrap_blob_network_form(raw))
    return enc.data(d.chain.submit(tx))


@rpc_method("eth_sendTransaction", "transaction")
def eth_send_transaction(d: Dispatcher, tx: JSON) -> str:
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
            tip = 0 if args.gas_price is not None else SUGGESTED_TIP
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
    elif d.impersonation.allows(args.sender):
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


def _signing_key(d: Dispatcher, address: JSON, name: str) -> bytes:
    addr = enc.decode_address(address, name)
    key = d.unlocked.get(addr)
    if key is None:
        raise RpcError(f"no such account: {enc.data(addr)} is not an unlocked dev account", code=-32000)
    return key


@rpc_method("eth_sign", "address", "message")
def eth_sign(d: Dispatcher, address: JSON, message: JSON) -> str:
    key = _signing_key(d, address, "0 (address)")
    signed = Account.sign_message(encode_defunct(primitive=enc.decode_data(message, "1 (message)")), key)
    return enc.data(bytes(signed.signature))


@rpc_method("personal_sign", "message", "address")
def personal_sign(d: Dispatcher, message: JSON, address: JSON) -> str:
    return str(eth_sign.fn(d, address, message))


@rpc_method("eth_signTypedData_v4", "address", "typedData")
def eth_sign_typed_data_v4(d: Dispatcher, address: JSON, typed: JSON) -> str:
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


@rpc_method("txpool_status")
def txpool_status(d: Dispatcher) -> dict[str, str]:
    return {
        "pending": enc.quantity(len(d.chain.pending_transactions)),
        "queued": enc.quantity(len(d.chain.queued_transactions)),
    }


def _by_sender(txs: Sequence[SignedTransactionAPI], only: bytes | None = None) -> dict[str, JsonObject]:
    """geth's txpool layout: checksummed sender -> decimal nonce -> transaction."""
    out: dict[str, JsonObject] = {}
    for tx in txs:
        if only is not None and bytes(tx.sender) != only:
            continue
        out.setdefault(to_checksum_address(tx.sender), {})[str(tx.nonce)] = enc.transaction(tx)
    return out


@rpc_method("txpool_content")
def txpool_content(d: Dispatcher) -> JsonObject:
    return {"pending": _by_sender(d.chain.pending_transactions), "queued": _by_sender(d.chain.queued_transactions)}


@rpc_method("txpool_contentFrom", "address")
def txpool_content_from(d: Dispatcher, address: JSON) -> JsonObject:
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
def txpool_inspect(d: Dispatcher) -> JsonObject:
    return {"pending": _summaries(d.chain.pending_transactions), "queued": _summaries(d.chain.queued_transactions)}


EXECUTION_METHODS: tuple[MethodSpec, ...] = tuple(
    v for v in list(globals().values()) if isinstance(v, MethodSpec) and v.fn.__module__ == __name__
)
TABLE = MethodTable("eth_execution", EXECUTION_METHODS)
"""Calls, sending, signing and the pool, on every chain."""
