"""The ``zkdev_*`` devnet methods, answered identically on every chain of a devnet.

=============================  =================================================================
method                         result
=============================  =================================================================
``zkdev_getConfig``            chains (name, id, role, settlement layer, base token, port, URLs),
                               system contract addresses, funded accounts, relay mode, timing
``zkdev_status``               every chain's head, finalized block and settled batch, stalled
                               chains, message counts per stage, the pending ones, relay state
``zkdev_getMessages``          ledger entries, optionally ``{"stage": ..., "chainId": ...,
                               "pending": true}`` (pending: a message not yet imported
                               everywhere, a bundle not yet executed, unbundled or failed)
``zkdev_getBundle``            one bundle's entry by bundle hash (null if unknown)
``zkdev_getMessagesByTx``      every message and bundle a source transaction sent
``zkdev_trace``                entries whose bundle hash, message hash, source tx or destination
                               tx is the given hash (what ``zkdev trace`` prints)
``zkdev_relay``                relay now; what happened (settled, roots imported, executed, failed)
``zkdev_pauseRelay``           stop automatic relaying; ``zkdev_resumeRelay`` catches up
``zkdev_setRelayMode``         ``"auto"`` or ``"manual"``
``zkdev_snapshot``             one id for every chain, the clock and all off-chain state
``zkdev_revert``               back to such an id (it and later ids are consumed)
=============================  =================================================================

Ledger entries are :meth:`zkconnect.interop.ledger.Entry.as_json` objects: ``stage``, ``batchNumber``,
``gatewayBlock``, ``destinationTx``, ``reason``, ``history``...
"""

from __future__ import annotations

from collections import Counter

import zkconnect.rpc.encoding as enc
from zkconnect.config import RelayMode
from zkconnect.devnet import Devnet
from zkconnect.errors import UnknownSnapshot
from zkconnect.interop.ledger import Entry, Stage
from zkconnect.interop.relayer import RelayReport
from zkconnect.protocol.addresses import L2_SYSTEM_CONTRACTS
from zkconnect.rpc.dispatcher import Dispatcher, MethodSpec, ServedAt, rpc_method
from zkconnect.rpc.errors import InvalidParams
from zkconnect.rpc.json_types import JSON, JsonObject
from zkconnect.rpc.registry import MethodTable

__all__ = ["METHODS", "TABLE", "describe", "on_devnet"]


_RELAY_MODES: dict[str, RelayMode] = {"auto": "auto", "manual": "manual"}


def on_devnet(d: Dispatcher) -> bool:
    """The rule of the ``zkdev`` table: every chain of a devnet."""
    return d.on_devnet


def _hex(value: bytes) -> str:
    return enc.data(value)


def describe(devnet: Devnet, served: ServedAt | None = None) -> JsonObject:
    """A JSON-ready description of a devnet: what ``zkdev up`` prints and ``--config-out`` writes.

    ``served`` gives the ports a server really listens on (default: the configured ones).
    """
    config = devnet.config
    host = config.host if served is None else served.host
    chains: list[JSON] = []
    for c in config.all_chains:
        port = c.port if served is None else served.port(c.name, c.port)
        layer = c.settlement
        if layer is not None:  # where it settles now: a chain may have moved back to L1 (migrate_chain_to_l1)
            layer = config.chain(devnet.settlement.layer_of(c.chain_id)).name
        chains.append(
            {
                "name": c.name,
                "chainId": c.chain_id,
                "role": c.role,
                "settlementLayer": layer,
                "baseToken": c.base_token,
                "port": port,
                "rpcUrl": f"http://{host}:{port}" if port else None,
                "wsUrl": f"ws://{host}:{port}" if port else None,
            }
        )
    contracts = devnet.contracts
    l1: JsonObject = {
        "bridgehub": _hex(contracts.l1.bridgehub),
        "messageRoot": _hex(contracts.l1.message_root),
        "chainTypeManager": _hex(contracts.l1.chain_type_manager),
        "chainContracts": {str(cid): _hex(address) for cid, address in contracts.l1.settlements},
    }
    if contracts.l1_bridge is not None:
        l1["assetRouter"] = _hex(contracts.l1_bridge.asset_router)
        l1["nullifier"] = _hex(contracts.l1_bridge.nullifier)
        l1["nativeTokenVault"] = _hex(contracts.l1_bridge.native_token_vault)
        l1["assetTracker"] = _hex(contracts.l1_bridge.asset_tracker)
    system: JsonObject = {
        "l1": l1,
        "l2": {name: _hex(address) for address, name in L2_SYSTEM_CONTRACTS.items()},
    }
    if contracts.gateway is not None:
        system["gateway"] = {"chainExecutors": {str(cid): _hex(a) for cid, a in contracts.gateway.executors}}
    return {
        "chains": chains,
        "systemContracts": system,
        "accounts": [{"address": a.checksum_address, "privateKey": a.key_hex} for a in devnet.accounts],
        "accountBalanceEth": config.account_balance_eth,
        "relayer": _hex(contracts.relayer.address),
        "relay": devnet.relayer.mode,
        "relayPaused": devnet.relayer.paused,
        "timing": config.timing,
        "interopFeeWei": config.interop_fee_wei,
    }


def _devnet(d: Dispatcher) -> Devnet:
    assert d.devnet is not None, "zkdev methods are installed only on devnet chains"
    return d.devnet


def _pending(entry: Entry) -> bool:
    return entry.pending


def _relay_state(devnet: Devnet) -> JsonObject:
    return {"mode": devnet.relayer.mode, "paused": devnet.relayer.paused}


def _report(report: RelayReport) -> JsonObject:
    return {
        "settled": report.settled,
        "gatewayBatchesOnL1": report.gateway_batches_on_l1,
        "rootsImported": report.roots_imported,
        "executed": [_hex(h) for h in report.executed],
        "failed": [{"id": _hex(h), "reason": reason} for h, reason in report.failed],
        "alreadyProcessed": [_hex(h) for h in report.already_processed],
        "problems": list(report.problems),
    }


@rpc_method("zkdev_getConfig")
def zkdev_get_config(d: Dispatcher) -> JsonObject:
    """The devnet's configuration: chains, ports, system addresses, accounts, relay mode."""
    return describe(_devnet(d), d.served)


@rpc_method("zkdev_status")
def zkdev_status(d: Dispatcher) -> JsonObject:
    """Heads, finality and settlement of every chain; message counts; pending messages; relay state."""
    devnet = _devnet(d)
    settlement = devnet.settlement
    stalled = settlement.stalled()
    chains = []
    for c in devnet.config.all_chains:
        chain = devnet.chains[c.name]
        row: JsonObject = {
            "name": c.name,
            "chainId": c.chain_id,
            "head": chain.block_number,
            "finalized": min(settlement.finalized_block(c.chain_id), chain.block_number),
            "settledBatch": settlement.settled_batch(c.chain_id) if c.is_l2 else None,
            "stalled": stalled.get(c.chain_id),
        }
        chains.append(row)
    entries = list(devnet.ledger)
    return {
        "chains": chains,
        "messages": dict(Counter(str(e.stage) for e in entries)),
        "pending": [e.as_json() for e in entries if _pending(e)],
        "relay": _relay_state(devnet),
        "problems": list(devnet.relayer.problems),
    }


@rpc_method("zkdev_getMessages", "filter?")
def zkdev_get_messages(d: Dispatcher, flt: JSON) -> list[JsonObject]:
    """Every ledger entry, or those matching ``{"stage", "chainId" (source or destination), "pending"}``."""
    entries: list[Entry] = list(_devnet(d).ledger)
    if flt is None:
        return [e.as_json() for e in entries]
    if not isinstance(flt, dict):
        raise InvalidParams(f"invalid argument 0 (filter): expected an object, got {flt!r}")
    unknown = set(flt) - {"stage", "chainId", "pending"}
    if unknown:
        raise InvalidParams(
            f"invalid argument 0 (filter): unknown key(s) {sorted(unknown)}; use stage, chainId, pending"
        )
    if flt.get("stage") is not None:
        stages = {str(s) for s in Stage}
        if flt["stage"] not in stages:
            raise InvalidParams(f"invalid argument 0 (filter).stage: {flt['stage']!r} is not one of {sorted(stages)}")
        entries = [e for e in entries if str(e.stage) == flt["stage"]]
    if flt.get("chainId") is not None:
        cid = enc.decode_quantity(flt["chainId"], "0 (filter).chainId", bits=64)
        entries = [e for e in entries if cid in (e.source_chain_id, e.destination_chain_id)]
    if flt.get("pending") is not None:
        pending = enc.decode_bool(flt["pending"], "0 (filter).pending")
        entries = [e for e in entries if _pending(e) == pending]
    return [e.as_json() for e in entries]


@rpc_method("zkdev_getBundle", "bundleHash")
def zkdev_get_bundle(d: Dispatcher, bundle_hash: JSON) -> JsonObject | None:
    """One bundle's ledger entry (stage, batch, Gateway block, destination tx, reason), or null."""
    found = _devnet(d).ledger.get(enc.decode_hash(bundle_hash, "0 (bundleHash)"))
    return None if found is None or found.kind != "bundle" else found.as_json()


@rpc_method("zkdev_getMessagesByTx", "txHash")
def zkdev_get_messages_by_tx(d: Dispatcher, tx_hash: JSON) -> list[JsonObject]:
    """Every message and bundle a source transaction sent, in order."""
    return [e.as_json() for e in _devnet(d).ledger.by_source_tx(enc.decode_hash(tx_hash, "0 (txHash)"))]


@rpc_method("zkdev_trace", "hash")
def zkdev_trace(d: Dispatcher, value: JSON) -> list[JsonObject]:
    """Entries whose bundle/message hash, source tx or destination tx is ``hash``."""
    wanted = enc.decode_hash(value, "0 (hash)")
    return [e.as_json() for e in _devnet(d).ledger if wanted in (e.id, e.source_tx, e.destination_tx)]


@rpc_method("zkdev_relay")
def zkdev_relay(d: Dispatcher) -> JsonObject:
    """Relay every pending message and bundle as far as it can go, now (works in manual mode too)."""
    return _report(_devnet(d).relay())


@rpc_method("zkdev_pauseRelay")
def zkdev_pause_relay(d: Dispatcher) -> JsonObject:
    """Stop automatic relaying (``zkdev_relay`` still works)."""
    devnet = _devnet(d)
    devnet.relayer.pause()
    return _relay_state(devnet)


@rpc_method("zkdev_resumeRelay")
def zkdev_resume_relay(d: Dispatcher) -> JsonObject:
    """Resume automatic relaying; in auto mode, what was waiting is relayed at once."""
    devnet = _devnet(d)
    devnet.relayer.resume()
    return _relay_state(devnet)


@rpc_method("zkdev_setRelayMode", "mode")
def zkdev_set_relay_mode(d: Dispatcher, mode: JSON) -> JsonObject:
    """Switch the relayer to ``"auto"`` or ``"manual"``."""
    chosen = _RELAY_MODES.get(mode) if isinstance(mode, str) else None
    if chosen is None:
        raise InvalidParams(f'invalid argument 0 (mode): expected "auto" or "manual", got {mode!r}')
    devnet = _devnet(d)
    devnet.relayer.set_mode(chosen)
    return _relay_state(devnet)


@rpc_method("zkdev_snapshot")
def zkdev_snapshot(d: Dispatcher) -> str:
    """Snapshot every chain, the clock and the off-chain state (ledger, settlement, relayer) as one id."""
    return enc.quantity(_devnet(d).snapshot())


@rpc_method("zkdev_revert", "id")
def zkdev_revert(d: Dispatcher, sid: JSON) -> bool:
    """Return the whole devnet to a ``zkdev_snapshot`` id; false if the id is unknown or consumed."""
    number = enc.decode_quantity(sid, "0 (id)", bits=64)
    try:
        _devnet(d).revert(number)
    except UnknownSnapshot:
        return False
    return True


METHODS: tuple[MethodSpec, ...] = (
    zkdev_get_config,
    zkdev_status,
    zkdev_get_messages,
    zkdev_get_bundle,
    zkdev_get_messages_by_tx,
    zkdev_trace,
    zkdev_relay,
    zkdev_pause_relay,
    zkdev_resume_relay,
    zkdev_set_relay_mode,
    zkdev_snapshot,
    zkdev_revert,
)
TABLE = MethodTable("zkdev", METHODS, applies=on_devnet, dev=True)
"""The devnet methods, on every chain of a devnet (dispatchers built with dev methods)."""
