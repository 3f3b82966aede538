"""The relayer and the devnet under stress (adversarial.md B.5, R1-R4 and R6)."""

from __future__ import annotations

from typing import Any

import pytest
from adversarial_helpers import (
    A_ID,
    B_ID,
    A,
    B,
    bundle_status,
    deliver,
    deploy,
    execute,
    send_bundle,
    starter,
    uint_view,
)

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.errors import InteropError, SettlementError, ZkConnectError
from zkconnect.interop import settlement
from zkconnect.interop.ledger import Entry, Stage
from zkconnect.protocol.addresses import L2_MESSAGE_ROOT
from zkconnect.protocol.messages import selector
from zkconnect.rpc.provider import ZkProvider

FULLY_EXECUTED = 2


def _count(devnet: Devnet, recipient: bytes) -> int:
    return uint_view(devnet[B], recipient, "count()")


# ---------------------------------------------------------------------- R1


def test_relaying_again_executes_nothing_twice(devnet: Devnet, alice: DevAccount) -> None:
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    sent = send_bundle(devnet, alice, [starter(recipient, b"once")])
    assert devnet.bundle(sent.hash).stage == Stage.EXECUTED
    for _ in range(3):
        report = devnet.relay()
        assert (report.executed, report.failed, report.already_processed, report.problems) == ([], [], [], [])
    entry = devnet.bundle(sent.hash)
    assert entry.stage == Stage.EXECUTED and entry.attempts == 1
    assert _count(devnet, recipient) == 1


def test_relayer_that_lost_its_state_records_already_processed_without_retrying(
    devnet: Devnet, alice: DevAccount
) -> None:
    """A restart mid-run: the bundle was executed (here by someone else) but the relayer's record says it is
    still waiting. The next round finds it processed on-chain and records that, once."""
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    sent = send_bundle(devnet, alice, [starter(recipient)])
    proof = deliver(devnet, sent)
    assert execute(devnet[B], alice, sent.encoded, proof).ok
    executed = devnet.bundle(sent.hash)
    assert executed.stage == Stage.EXECUTED  # the ledger follows BundleExecuted from anyone
    devnet.ledger.move(executed, Stage.SETTLED, "simulated restart: the executed record was lost")

    report = devnet.relay()
    assert report.already_processed == [sent.hash]
    assert report.executed == [] and report.failed == []
    entry = devnet.bundle(sent.hash)
    assert entry.stage == Stage.EXECUTED
    assert "already processed" in entry.history[-1][1]
    again = devnet.relay()
    assert (again.executed, again.failed, again.already_processed) == ([], [], [])
    assert _count(devnet, recipient) == 1


def test_restarting_the_relayer_mid_run(devnet: Devnet, alice: DevAccount) -> None:
    """Switching the relayer off (manual) with work in flight and on again (auto) delivers each bundle once."""
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    first = send_bundle(devnet, alice, [starter(recipient, b"1")])
    devnet.relayer.settle()  # part of the way
    second = send_bundle(devnet, alice, [starter(recipient, b"2")])
    devnet.relayer.set_mode("auto")  # catches up at once
    for sent in (first, second):
        assert devnet.bundle(sent.hash).stage == Stage.EXECUTED
        assert devnet.bundle(sent.hash).attempts == 1
    devnet.relayer.set_mode("manual")
    devnet.relayer.set_mode("auto")
    assert _count(devnet, recipient) == 2


# ---------------------------------------------------------------------- R2


def test_tampered_bundle_is_rejected_and_the_relayer_keeps_serving(
    devnet: Devnet, alice: DevAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    victim = send_bundle(devnet, alice, [starter(recipient, b"pay alice")])
    bystander = send_bundle(devnet, alice, [starter(recipient, b"unrelated")])
    honest = devnet.relayer.prepare

    def corrupted(entry: Entry) -> bytes:
        encoded = honest(entry)
        if entry.id == victim.hash:
            assert b"pay alice" in encoded
            return encoded.replace(b"pay alice", b"pay mallo")
        return encoded

    monkeypatch.setattr(devnet.relayer, "prepare", corrupted)
    report = devnet.relay()  # does not raise
    assert report.failed == [(victim.hash, "MessageNotIncluded()")]
    assert report.executed == [bystander.hash]
    entry = devnet.bundle(victim.hash)
    assert entry.stage == Stage.FAILED and entry.reason == "MessageNotIncluded()" and entry.attempts == 1
    assert bundle_status(b, victim.hash) == 0
    assert _count(devnet, recipient) == 1

    # no retry loop, and later bundles are still served
    later = send_bundle(devnet, alice, [starter(recipient, b"later")])
    report = devnet.relay()
    assert report.executed == [later.hash] and report.failed == []
    assert devnet.bundle(victim.hash).attempts == 1
    # the genuine bytes still execute, by anyone
    monkeypatch.setattr(devnet.relayer, "prepare", honest)
    proof = devnet.proof(A, victim.tx).inclusion_proof()
    assert execute(b, alice, victim.encoded, proof).ok
    assert devnet.bundle(victim.hash).stage == Stage.EXECUTED
    assert _count(devnet, recipient) == 3


# ---------------------------------------------------------------------- R3


def _observable(devnet: Devnet, recipient: bytes, bundle_hash: bytes) -> tuple[Any, ...]:
    s = devnet.settlement
    return (
        {name: chain.block_number for name, chain in devnet.chains.items()},
        devnet.clock.state(),
        len(devnet.ledger),
        devnet.ledger.get(bundle_hash),
        {cid: s.settled_batch(cid) for cid in (A_ID, B_ID, devnet.gateway.chain_id)},
        {cid: dict(s.imported_roots(cid)) for cid in (A_ID, B_ID)},
        {cid: s.pending_imports(cid) for cid in (A_ID, B_ID)},
        s.twin.snapshot_state() is not None,
        devnet.gateway.call(L2_MESSAGE_ROOT, selector("getAggregatedRoot()")),
        _count(devnet, recipient),
        bundle_status(devnet[B], bundle_hash),
        devnet.relayer.mode,
        devnet.relayer.paused,
    )


def test_revert_rolls_back_everything_and_the_bundle_relays_again(devnet: Devnet, alice: DevAccount) -> None:
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    sid = devnet.snapshot()
    sent = send_bundle(devnet, alice, [starter(recipient, b"again")])
    after_first = devnet.bundle(sent.hash)
    assert after_first.stage == Stage.EXECUTED
    executed_state = _observable(devnet, recipient, sent.hash)

    devnet.revert(sid)
    rolled_back = _observable(devnet, recipient, sent.hash)
    assert rolled_back[3] is None  # the ledger forgot the bundle
    assert rolled_back[9] == 0 and rolled_back[10] == 0
    assert rolled_back != executed_state

    again = send_bundle(devnet, alice, [starter(recipient, b"again")])
    assert again.hash == sent.hash and again.encoded == sent.encoded  # same nonce, same salt, same bundle
    entry = devnet.bundle(again.hash)
    assert entry.stage == Stage.EXECUTED and entry.attempts == 1
    assert entry.batch_number == after_first.batch_number
    assert entry.gateway_block == after_first.gateway_block
    replayed = _observable(devnet, recipient, sent.hash)
    assert replayed[0] == executed_state[0] and replayed[2] == executed_state[2]  # same blocks, same ledger size
    # the clock follows wall time, so the replay's blocks may be a second later; never earlier
    assert replayed[1].floor >= executed_state[1].floor
    assert _observable(devnet, recipient, sent.hash)[4:] == executed_state[4:]
    assert _count(devnet, recipient) == 1


def test_revert_in_manual_mode_drops_the_queue(devnet: Devnet, alice: DevAccount) -> None:
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    sid = devnet.snapshot()
    sent = send_bundle(devnet, alice, [starter(recipient)])
    devnet.relayer.settle()
    assert devnet.bundle(sent.hash).stage == Stage.SETTLED
    assert devnet.settlement.pending_imports(B_ID)
    devnet.revert(sid)
    assert devnet.ledger.get(sent.hash) is None
    assert devnet.settlement.pending_imports(B_ID) == ()
    report = devnet.relay()
    assert (report.executed, report.failed) == ([], [])
    assert _count(devnet, recipient) == 0


# ---------------------------------------------------------------------- R4


def test_bundles_executed_out_of_order_both_succeed(devnet: Devnet, alice: DevAccount) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    first = send_bundle(devnet, alice, [starter(recipient, b"batch N")])
    second = send_bundle(devnet, alice, [starter(recipient, b"batch N+1")])
    on_a = deploy(devnet[A], alice, "RecordingRecipient")
    third = send_bundle(devnet, alice, [starter(on_a, b"from zk-b")], source=B, destination=A_ID)
    assert devnet.bundle(second.hash).batch_number == devnet.bundle(first.hash).batch_number + 1
    deliver(devnet, first)
    proof_second = deliver(devnet, second)

    assert execute(b, alice, second.encoded, proof_second).ok  # N+1 first, by hand
    report = devnet.relay()  # the relayer does N (and the zk-b bundle) afterwards
    assert report.failed == []
    assert set(report.executed) == {first.hash, third.hash}
    for sent in (first, second, third):
        assert devnet.bundle(sent.hash).stage == Stage.EXECUTED
    assert bundle_status(b, first.hash) == bundle_status(b, second.hash) == FULLY_EXECUTED
    assert _count(devnet, recipient) == 2
    assert [e for e in devnet.ledger if e.kind == "bundle" and e.stage != Stage.EXECUTED] == []  # nothing dropped


# ---------------------------------------------------------------------- R6


def test_manual_mode_delivers_nothing_until_relay_is_called(devnet: Devnet, alice: DevAccount, bob: DevAccount) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    settled_before = devnet.settlement.settled_batch(A_ID)
    sent = send_bundle(devnet, alice, [starter(recipient)])
    for chain in (devnet[A], b, devnet.gateway, devnet.l1):  # the world moves on
        chain.transact(bob.private_key, bob.address, value=1)
        chain.mine(2)
    entry = devnet.bundle(sent.hash)
    assert entry.stage == Stage.SEALED and entry.gateway_block is None
    assert devnet.settlement.settled_batch(A_ID) == settled_before
    assert devnet.settlement.imported_roots(B_ID) == {}
    assert bundle_status(b, sent.hash) == 0 and _count(devnet, recipient) == 0

    response = ZkProvider(devnet, "zk-b").make_request("zkdev_relay", [])  # type: ignore[arg-type]
    assert "error" not in response, response
    assert devnet.bundle(sent.hash).stage == Stage.EXECUTED
    assert _count(devnet, recipient) == 1


def test_paused_auto_mode_waits_for_resume(devnet: Devnet, alice: DevAccount) -> None:
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    devnet.relayer.pause()
    sent = send_bundle(devnet, alice, [starter(recipient)])
    assert devnet.bundle(sent.hash).stage == Stage.SEALED and _count(devnet, recipient) == 0
    devnet.relayer.resume()
    assert devnet.bundle(sent.hash).stage == Stage.EXECUTED and _count(devnet, recipient) == 1


def test_settlement_error_is_an_interop_error_of_the_tree() -> None:
    assert issubclass(SettlementError, InteropError) and issubclass(SettlementError, ZkConnectError)
    assert settlement.SettlementError is SettlementError  # the old import path still works
