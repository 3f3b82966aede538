"""Crosschain traffic in tests: send bundles, messages and tokens, relay, and assert each bundle's outcome
with the ledger stage and the decoded revert reason in every failure message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eth_abi.abi import decode, encode

from zkconnect.accounts import DevAccount
from zkconnect.assets import transfer
from zkconnect.engine.chain import Receipt
from zkconnect.errors import InteropError, ZkConnectError
from zkconnect.interop.ledger import Entry, Stage
from zkconnect.interop.relayer import RelayReport
from zkconnect.interop.sealer import L1_MESSAGE_SENT_TOPIC
from zkconnect.interop.settlement import SettlementError
from zkconnect.protocol.addresses import INTEROP_CENTER
from zkconnect.protocol.messages import (
    INDIRECT_CALL_SELECTOR,
    INTEROP_CALL_VALUE_SELECTOR,
    INTEROP_PROTOCOL_FEE_SELECTOR,
    SEND_BUNDLE_SELECTOR,
    SEND_MESSAGE_SELECTOR,
    InteropBundle,
    bundle_hash,
    format_evm_v1,
    interop_call_value,
)
from zkconnect.testing.decoding import describe, reverted
from zkconnect.testing.frames import hide_internal_frames
from zkconnect.testing.handles import ChainHandle, Contract, address_of

if TYPE_CHECKING:
    from zkconnect.devnet import Devnet

__all__ = [
    "Call",
    "SentBundle",
    "assert_bundle_executed",
    "assert_bundle_failed",
    "chain_id_of",
    "relay",
    "send_bundle",
    "send_message",
    "send_token",
    "sent_bundles",
    "wait_for_bundle",
]

__tracebackhide__ = hide_internal_frames

_DONE = frozenset({Stage.EXECUTED, Stage.UNBUNDLED, Stage.FAILED, Stage.AWAITING_EXECUTOR, Stage.STALLED})


@dataclass(frozen=True)
class Call:
    """One call of an interop bundle: ``to`` on the destination, with ``data``, ``value`` and call attributes."""

    to: bytes | str | Contract
    data: bytes = b""
    value: int = 0
    attributes: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class SentBundle:
    """A bundle sent by ``InteropCenter``: its hash, decoded contents and the source receipt."""

    devnet: Devnet = field(repr=False)
    receipt: Receipt = field(repr=False)
    hash: bytes
    bundle: InteropBundle = field(repr=False)

    @property
    def entry(self) -> Entry:
        """Its ledger entry now (stage, batch, destination tx, failure reason)."""
        return self.devnet.bundle(self.hash)

    @property
    def stage(self) -> Stage:
        """How far it has come."""
        return self.entry.stage


def _interop_fee(source: ChainHandle) -> int:
    return int.from_bytes(source.chain.call(INTEROP_CENTER, INTEROP_PROTOCOL_FEE_SELECTOR), "big")


def chain_id_of(devnet: Devnet, destination: ChainHandle | str | int) -> int:
    """The chain id of a handle, chain name or id."""
    if isinstance(destination, ChainHandle):
        return destination.chain_id
    return devnet.chain_config(destination).chain_id


def _attribute_value(attributes: Sequence[bytes], selector: bytes) -> int:
    return sum(int.from_bytes(a[4:36], "big") for a in attributes if a[:4] == selector)


def sent_bundles(source: ChainHandle, receipt: Receipt) -> list[SentBundle]:
    """The bundles ``receipt`` sent through ``InteropCenter`` on ``source``."""
    out = []
    for log in receipt.logs:
        if log.topics[:1] != (L1_MESSAGE_SENT_TOPIC,) or log.topics[1][12:] != INTEROP_CENTER:
            continue
        (payload,) = decode(["bytes"], log.data)
        if payload[:1] == b"\x01":
            encoded = bytes(payload[1:])
            out.append(
                SentBundle(source.devnet, receipt, bundle_hash(source.chain_id, encoded), InteropBundle.decode(encoded))
            )
    return out


def send_bundle(
    source: ChainHandle,
    destination: ChainHandle | str | int,
    calls: Sequence[Call],
    *,
    attributes: Sequence[bytes] = (),
    sender: DevAccount | None = None,
    value: int | None = None,
) -> SentBundle:
    """Send ``calls`` from ``source`` to ``destination`` in one bundle (``InteropCenter.sendBundle``).

    Each call's ``value`` becomes its ``interopCallValue`` attribute. ``value`` (the transaction's
    ``msg.value``) defaults to the call values + ``indirectCall`` values + the protocol fee per call.
    ``attributes`` are bundle attributes (``execution_address(...)``, ``unbundler_address(...)``).
    A refused send raises :class:`TransactionReverted` with the decoded reason.
    """
    dest_id = chain_id_of(source.devnet, destination)
    starters = []
    total = _interop_fee(source) * len(calls)
    for call in calls:
        attrs = list(call.attributes)
        if call.value:
            attrs.append(interop_call_value(call.value))
        total += _attribute_value(attrs, INTEROP_CALL_VALUE_SELECTOR) + _attribute_value(attrs, INDIRECT_CALL_SELECTOR)
        starters.append((format_evm_v1(None, address_of(call.to)), bytes(call.data), attrs))
    data = SEND_BUNDLE_SELECTOR + encode(
        ["bytes", "(bytes,bytes,bytes[])[]", "bytes[]"], [format_evm_v1(dest_id), starters, list(attributes)]
    )
    receipt = source.send(INTEROP_CENTER, data, sender=sender, value=total if value is None else value, check=False)
    if not receipt.ok:
        raise reverted(receipt, f"InteropCenter.sendBundle on {source.name}")
    (sent,) = sent_bundles(source, receipt)
    return sent


def send_message(
    source: ChainHandle,
    destination: ChainHandle | str | int,
    recipient: bytes | str | Contract,
    payload: bytes,
    *,
    value: int = 0,
    attributes: Sequence[bytes] = (),
    sender: DevAccount | None = None,
) -> SentBundle:
    """Send one ERC-7786 message (``InteropCenter.sendMessage``): a one-call bundle to ``recipient``.

    ``value`` is delivered with the call (``interopCallValue``); the protocol fee is added.
    """
    dest_id = chain_id_of(source.devnet, destination)
    attrs = [*attributes, interop_call_value(value)] if value else list(attributes)
    data = SEND_MESSAGE_SELECTOR + encode(
        ["bytes", "bytes", "bytes[]"], [format_evm_v1(dest_id, address_of(recipient)), payload, attrs]
    )
    receipt = source.send(INTEROP_CENTER, data, sender=sender, value=value + _interop_fee(source), check=False)
    if not receipt.ok:
        raise reverted(receipt, f"InteropCenter.sendMessage on {source.name}")
    (sent,) = sent_bundles(source, receipt)
    return sent


def relay(devnet: Devnet) -> RelayReport:
    """Run the relayer to completion: settle, import roots, execute everything pending."""
    return devnet.relay()


def _resolve(bundle: SentBundle | bytes, devnet: Devnet | None) -> tuple[Devnet, bytes]:
    if isinstance(bundle, SentBundle):
        return bundle.devnet, bundle.hash
    if devnet is None:
        raise ZkConnectError("pass devnet= when the bundle is given by its hash")
    return devnet, bytes(bundle)


def wait_for_bundle(bundle: SentBundle | bytes, *, devnet: Devnet | None = None) -> Entry:
    """The bundle's ledger entry once it has an outcome, relaying (in any mode) until it does.

    The outcome is one of executed, unbundled, failed, awaiting_executor or stalled; a bundle
    that still has none after a full relay is returned as it stands.
    """
    net, hash_ = _resolve(bundle, devnet)
    entry = net.bundle(hash_)
    if entry.stage not in _DONE:
        with suppress(InteropError, SettlementError):  # a refused batch leaves its bundles stalled: shown to the caller
            net.relay()
        entry = net.bundle(hash_)
    return entry


def _explain(net: Devnet, entry: Entry) -> str:
    reason = entry.reason
    if entry.destination_tx is not None and entry.destination_chain_id is not None:
        receipt = net[entry.destination_chain_id].receipt(entry.destination_tx)
        if receipt is not None and not receipt.ok:
            reason = describe(receipt.output)
    names = {c.chain_id: c.name for c in net.config.all_chains}

    def chain(cid: int | None) -> str:
        return f"{names.get(cid, '?')} ({cid})" if cid is not None else "?"

    lines = [
        f"bundle 0x{entry.id.hex()} from {chain(entry.source_chain_id)} to {chain(entry.destination_chain_id)}",
        f"  stopped at stage: {entry.stage}",
    ]
    if reason:
        lines.append(f"  reason: {reason}")
    lines.append("  history: " + " -> ".join(f"{s}" + (f" ({d})" if d else "") for s, d in entry.history))
    return "\n".join(lines)


def assert_bundle_executed(bundle: SentBundle | bytes, *, devnet: Devnet | None = None) -> Entry:
    """Relay until ``bundle`` has an outcome and fail unless it executed; returns its entry.

    The failure message names the stage where the bundle stopped and the decoded revert reason.
    """
    net, _ = _resolve(bundle, devnet)
    entry = wait_for_bundle(bundle, devnet=devnet)
    if entry.stage != Stage.EXECUTED:
        raise AssertionError("expected the bundle to be executed, but it was not:\n" + _explain(net, entry))
    return entry


def assert_bundle_failed(
    bundle: SentBundle | bytes, match: str | None = None, *, devnet: Devnet | None = None
) -> Entry:
    """Relay until ``bundle`` has an outcome and fail unless it failed, with a reason matching ``match``.

    ``match`` is a regular expression searched in the decoded reason (``"MessageRejected"``).
    """
    net, _ = _resolve(bundle, devnet)
    entry = wait_for_bundle(bundle, devnet=devnet)
    if entry.stage != Stage.FAILED:
        raise AssertionError("expected the bundle to fail, but it did not:\n" + _explain(net, entry))
    explained = _explain(net, entry)
    if match is not None:
        reason = explained.split("  reason: ", 1)[1].split("\n", 1)[0] if "  reason: " in explained else ""
        if not re.search(match, reason):
            raise AssertionError(f"the bundle failed, but its reason does not match {match!r}:\n{explained}")
    return entry


def send_token(
    source: ChainHandle,
    destination: ChainHandle | str | int,
    token: bytes | str | Contract,
    amount: int,
    *,
    sender: DevAccount | None = None,
    recipient: bytes | str | None = None,
) -> SentBundle:
    """Send ``amount`` of ``token`` (its address on ``source``) to ``recipient`` (default: the sender).

    The bundle carries one ``indirectCall`` to the L2AssetRouter, as the SDKs send it; a token
    native to ``source`` is registered and approved first. Its balance must have been migrated to
    Gateway (``zkconnect.assets.migrate_token_balance``). A refusal raises
    :class:`~zkconnect.assets.AssetError` naming the contract error.
    """
    who = sender or source.default_sender
    to = who.address if recipient is None else address_of(recipient)
    dest = source.devnet.chain_config(chain_id_of(source.devnet, destination)).name
    sent = transfer(source.devnet, source.name, dest, address_of(token), amount, who, to)
    (bundle,) = [b for b in sent_bundles(source, sent.receipt) if b.hash == sent.bundle_hash]
    return bundle
