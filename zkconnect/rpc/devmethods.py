"""Development methods with anvil's names and their hardhat_/evm_ aliases.

Snapshots and time act on the whole devnet when the dispatcher has one: ``evm_snapshot`` on
any chain captures every chain, the shared clock and the off-chain components, and
``evm_increaseTime`` / ``evm_setNextBlockTimestamp`` move every chain together.
"""

from __future__ import annotations

import gzip
import json

import zkconnect.rpc.encoding as enc
from zkconnect.errors import UnknownSnapshot
from zkconnect.rpc.dispatcher import Dispatcher, MethodSpec, rpc_method
from zkconnect.rpc.errors import InvalidParams
from zkconnect.rpc.json_types import JSON
from zkconnect.rpc.registry import MethodTable

__all__ = ["METHODS", "TABLE"]


def _aliases(spec: MethodSpec, *names: str) -> list[MethodSpec]:
    return [spec, *(spec.alias(n) for n in names)]


def _int_param(value: JSON, name: str) -> int:
    """A count or timestamp given as hex quantity or JSON number (clients send both)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise InvalidParams(f"invalid argument {name}: negative number {value}")
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return enc.decode_quantity(value, name, bits=64)


@rpc_method("evm_snapshot")
def evm_snapshot(d: Dispatcher) -> str:
    sid = d.devnet.snapshot() if d.devnet is not None else d.chain.snapshot()
    return enc.quantity(sid)


@rpc_method("evm_revert", "id")
def evm_revert(d: Dispatcher, sid: JSON) -> bool:
    number = _int_param(sid, "0 (id)")
    try:
        if d.devnet is not None:
            d.devnet.revert(number)
        else:
            d.chain.revert(number)
    except UnknownSnapshot:
        return False
    return True


@rpc_method("evm_mine", "timestamp?")
def evm_mine(d: Dispatcher, timestamp: JSON) -> str:
    if timestamp is not None:
        d.chain.clock.set_next_block_timestamp(_int_param(timestamp, "0 (timestamp)"))
    d.chain.mine()
    return "0x0"


@rpc_method("anvil_mine", "count?", "interval?")
def anvil_mine(d: Dispatcher, count: JSON, interval: JSON) -> None:
    blocks = 1 if count is None else _int_param(count, "0 (count)")
    step = None if interval is None else _int_param(interval, "1 (interval)")
    if blocks < 1:
        return None
    if step is None:
        d.chain.mine(blocks)
        return None
    for _ in range(blocks):
        d.chain.mine()
        d.chain.clock.increase_time(step)
    return None


@rpc_method("evm_increaseTime", "seconds")
def evm_increase_time(d: Dispatcher, seconds: JSON) -> str:
    amount = _int_param(seconds, "0 (seconds)")
    d.chain.clock.increase_time(amount)
    return enc.quantity(amount)


@rpc_method("evm_setNextBlockTimestamp", "timestamp")
def evm_set_next_block_timestamp(d: Dispatcher, timestamp: JSON) -> None:
    d.chain.clock.set_next_block_timestamp(_int_param(timestamp, "0 (timestamp)"))


@rpc_method("evm_setTime", "timestamp")
def evm_set_time(d: Dispatcher, timestamp: JSON) -> str:
    return enc.quantity(d.chain.clock.set_time(_int_param(timestamp, "0 (timestamp)")))


@rpc_method("evm_setAutomine", "enabled")
def evm_set_automine(d: Dispatcher, enabled: JSON) -> bool:
    d.chain.automine = enc.decode_bool(enabled, "0 (enabled)")
    if d.chain.automine and d.chain.pending_transactions:
        d.chain.mine()
    return True


@rpc_method("anvil_getAutomine")
def anvil_get_automine(d: Dispatcher) -> bool:
    return d.chain.automine


@rpc_method("anvil_setBalance", "address", "balance")
def anvil_set_balance(d: Dispatcher, address: JSON, balance: JSON) -> bool:
    d.chain.set_balance(enc.decode_address(address, "0 (address)"), enc.decode_quantity(balance, "1 (balance)"))
    return True


@rpc_method("anvil_setCode", "address", "code")
def anvil_set_code(d: Dispatcher, address: JSON, code: JSON) -> bool:
    d.chain.set_code(enc.decode_address(address, "0 (address)"), enc.decode_data(code, "1 (code)"))
    return True


@rpc_method("anvil_setNonce", "address", "nonce")
def anvil_set_nonce(d: Dispatcher, address: JSON, nonce: JSON) -> bool:
    d.chain.set_nonce(enc.decode_address(address, "0 (address)"), enc.decode_quantity(nonce, "1 (nonce)", bits=64))
    return True


@rpc_method("anvil_setStorageAt", "address", "slot", "value")
def anvil_set_storage_at(d: Dispatcher, address: JSON, slot: JSON, value: JSON) -> bool:
    addr = enc.decode_address(address, "0 (address)")
    key = enc.decode_storage_key(slot, "1 (slot)")
    word = enc.decode_data(value, "2 (value)")
    if len(word) > 32:
        raise InvalidParams("invalid argument 2 (value): a storage word is at most 32 bytes")
    d.chain.set_storage(addr, key, int.from_bytes(word, "big"))
    return True


@rpc_method("anvil_impersonateAccount", "address")
def anvil_impersonate_account(d: Dispatcher, address: JSON) -> None:
    d.impersonation.start(enc.decode_address(address, "0 (address)"))


@rpc_method("anvil_stopImpersonatingAccount", "address")
def anvil_stop_impersonating_account(d: Dispatcher, address: JSON) -> None:
    d.impersonation.stop(enc.decode_address(address, "0 (address)"))


@rpc_method("anvil_autoImpersonateAccount", "enabled")
def anvil_auto_impersonate_account(d: Dispatcher, enabled: JSON) -> None:
    d.impersonation.set_auto(enc.decode_bool(enabled, "0 (enabled)"))


@rpc_method("anvil_dumpState")
def anvil_dump_state(d: Dispatcher) -> str:
    root, entries = d.chain.export_state()
    payload = {"stateRoot": enc.data(root), "entries": {enc.data(k): enc.data(v) for k, v in entries.items()}}
    return enc.data(gzip.compress(json.dumps(payload).encode()))


@rpc_method("anvil_loadState", "state")
def anvil_load_state(d: Dispatcher, state: JSON) -> bool:
    blob = enc.decode_data(state, "0 (state)")
    try:
        payload = json.loads(gzip.decompress(blob))
        root = enc.decode_hash(payload["stateRoot"], "0 (state.stateRoot)")
        entries = {
            enc.decode_data(k, "0 (state.entries)"): enc.decode_data(v, "0 (state.entries)")
            for k, v in payload["entries"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidParams(f"invalid argument 0 (state): not a zkdev state dump: {exc}") from None
    d.chain.import_state(root, entries)
    return True


METHODS: tuple[MethodSpec, ...] = tuple(
    [
        *_aliases(evm_snapshot, "anvil_snapshot"),
        *_aliases(evm_revert, "anvil_revert"),
        evm_mine,
        *_aliases(anvil_mine, "hardhat_mine"),
        *_aliases(evm_increase_time, "anvil_increaseTime"),
        *_aliases(evm_set_next_block_timestamp, "anvil_setNextBlockTimestamp"),
        *_aliases(evm_set_time, "anvil_setTime"),
        *_aliases(evm_set_automine, "anvil_setAutomine"),
        *_aliases(anvil_get_automine, "hardhat_getAutomine"),
        *_aliases(anvil_set_balance, "hardhat_setBalance"),
        *_aliases(anvil_set_code, "hardhat_setCode"),
        *_aliases(anvil_set_nonce, "hardhat_setNonce"),
        *_aliases(anvil_set_storage_at, "hardhat_setStorageAt"),
        *_aliases(anvil_impersonate_account, "hardhat_impersonateAccount"),
        *_aliases(anvil_stop_impersonating_account, "hardhat_stopImpersonatingAccount"),
        anvil_auto_impersonate_account,
        anvil_dump_state,
        anvil_load_state,
    ]
)
TABLE = MethodTable("dev", METHODS, dev=True)
"""anvil/hardhat/evm development methods, on every chain of a dispatcher built with dev methods."""
