# ruff: noqa: N802
"""The interop pipeline end to end on the integrated devnet, from one ZK chain to another.

A message or bundle sent on zk-a (6565) crosses to zk-b (6566) through sealing, settlement on
Gateway, Gateway's settlement on L1, root import and execution, with real proofs checked by the
deployed contracts. One devnet per module, reverted after each test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.artifacts import load
from zkconnect.config import ChainConfig
from zkconnect.engine.chain import Chain, Receipt
from zkconnect.errors import ChainError, ConfigError, InteropError, ProofUnavailable
from zkconnect.interop.ledger import Entry, Stage
from zkconnect.protocol.addresses import INTEROP_CENTER, INTEROP_HANDLER, L2_MESSAGE_VERIFICATION
from zkconnect.protocol.messages import (
    INTEROP_BUNDLE_ABI_TYPE,
    InteropBundle,
    execute_bundle_calldata,
    format_evm_v1,
    unbundler_address,
    verify_bundle_calldata,
)
from zkconnect.protocol.reverts import error_name

A, B = 6565, 6566
UNRECEIVED, VERIFIED, FULLY_EXECUTED, UNBUNDLED = 0, 1, 2, 3
UNPROCESSED, EXECUTED, CANCELLED = 0, 1, 2
PROVE_SHARED = "proveL2MessageInclusionShared(uint256,uint256,uint256,(uint16,address,bytes),bytes32[])"


def _types(signature: str) -> list[str]:
    inner = signature[signature.index("(") + 1 : -1]
    out, depth, current = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            out.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    return [*out, current] if current else out


def calldata(signature: str, *args: Any) -> bytes:
    return keccak(signature.encode())[:4] + encode(_types(signature), list(args))


def to(address: bytes) -> bytes:
    return format_evm_v1(None, address)


@pytest.fixture
def net(isolated_devnet: Devnet) -> Devnet:
    """The module's default devnet, rolled back after the test."""
    return isolated_devnet


def fee(net: Devnet, calls: int) -> int:
    return net.config.interop_fee_wei * calls


def send_bundle(
    net: Devnet,
    sender: DevAccount,
    calls: Sequence[tuple[bytes, bytes]],
    *,
    attributes: Sequence[bytes] = (),
    source: int = A,
    destination: int = B,
) -> tuple[Receipt, Entry]:
    """Send a bundle of (recipient, payload) calls from ``source``; returns the receipt and its ledger entry."""
    data = calldata(
        "sendBundle(bytes,(bytes,bytes,bytes[])[],bytes[])",
        format_evm_v1(destination),
        [(to(recipient), payload, []) for recipient, payload in calls],
        list(attributes),
    )
    receipt = net[source].transact(sender.private_key, INTEROP_CENTER, data, value=fee(net, len(calls)))
    assert receipt.ok, error_name(receipt.output)
    (entry,) = [e for e in net.messages(receipt.tx_hash) if e.kind == "bundle"]
    return receipt, entry


def recorded(chain: Chain, recorder: bytes) -> list[bytes]:
    n = int.from_bytes(chain.call(recorder, calldata("count()")), "big")
    out = []
    for i in range(n):
        raw = chain.call(recorder, calldata("received(uint256)", i))
        ((_, _, payload, _, _),) = decode(["(bytes32,bytes,bytes,uint256,address)"], raw)
        out.append(bytes(payload))
    return out


def bundle_status(chain: Chain, bundle_hash: bytes) -> int:
    return int.from_bytes(chain.call(INTEROP_HANDLER, calldata("bundleStatus(bytes32)", bundle_hash)), "big")


def call_status(chain: Chain, bundle_hash: bytes, index: int) -> int:
    return int.from_bytes(
        chain.call(INTEROP_HANDLER, calldata("callStatus(bytes32,uint256)", bundle_hash, index)), "big"
    )


def encoded(entry: Entry) -> bytes:
    return entry.payload[1:]


# ---------------------------------------------------------------------- messages


def test_a_message_sent_on_6565_is_provable_on_6566_and_on_L1(net: Devnet, alice: DevAccount) -> None:
    sender = net[A].deploy(alice.private_key, load("InteropMessageSender").bytecode)
    receipt = net[A].transact(alice.private_key, sender, calldata("sendMessage(bytes)", b"hello from 6565"))
    assert receipt.ok
    (entry,) = net.messages(receipt.tx_hash)
    assert entry.kind == "message" and entry.sender == sender and entry.payload == b"hello from 6565"
    assert entry.stage == Stage.ROOT_IMPORTED  # auto relay: settled on Gateway, root imported on zk-b

    proof = net.proof("zk-a", receipt.tx_hash)
    assert proof.gateway_block_number == entry.gateway_block
    assert proof.message is not None and proof.message.data == b"hello from 6565"
    args = (A, proof.batch_number, proof.id, proof.message.as_abi_tuple(), list(proof.proof))
    assert net[B].call(L2_MESSAGE_VERIFICATION, calldata(PROVE_SHARED, *args)) == (1).to_bytes(32, "big")

    tampered = (A, proof.batch_number, proof.id, (proof.message.tx_number_in_batch, sender, b"hello from 6566"))
    assert net[B].call(L2_MESSAGE_VERIFICATION, calldata(PROVE_SHARED, *tampered, list(proof.proof))) == bytes(32)

    l1_proof = net.proof("zk-a", receipt.tx_hash, mode="l1")
    assert l1_proof.message is not None
    l1_args = (A, l1_proof.batch_number, l1_proof.id, l1_proof.message.as_abi_tuple(), list(l1_proof.proof))
    message_root = net.contracts.l1.message_root
    assert net.l1.call(message_root, calldata(PROVE_SHARED, *l1_args)) == (1).to_bytes(32, "big")


def test_a_message_is_not_provable_before_its_batch_settles(net: Devnet, alice: DevAccount) -> None:
    net.relayer.set_mode("manual")
    sender = net[A].deploy(alice.private_key, load("InteropMessageSender").bytecode)
    receipt = net[A].transact(alice.private_key, sender, calldata("sendMessage(bytes)", b"wait"))
    (entry,) = net.messages(receipt.tx_hash)
    assert entry.stage == Stage.SEALED and entry.batch_number == receipt.block_number
    with pytest.raises(ProofUnavailable):
        net.proof("zk-a", receipt.tx_hash)
    net.relay()
    assert net.messages(receipt.tx_hash)[0].stage == Stage.ROOT_IMPORTED
    assert net.proof("zk-a", receipt.tx_hash).batch_number == receipt.block_number


# ---------------------------------------------------------------------- bundles


def test_a_bundle_of_several_calls_executes_atomically_on_6566_in_auto_mode(net: Devnet, alice: DevAccount) -> None:
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    receipt, entry = send_bundle(net, alice, [(recorder, b"one"), (recorder, b"two"), (recorder, b"three")])

    entry = net.bundle(entry.id)
    assert entry.stage == Stage.EXECUTED, entry.reason
    assert recorded(net[B], recorder) == [b"one", b"two", b"three"]
    assert bundle_status(net[B], entry.id) == FULLY_EXECUTED
    executed = net[B].receipt(entry.destination_tx) if entry.destination_tx else None
    assert executed is not None and executed.ok and executed.to == INTEROP_HANDLER
    assert [stage for stage, _ in entry.history] == [Stage.SENT, Stage.SEALED, Stage.SETTLED, Stage.EXECUTED]
    assert entry.batch_number == receipt.block_number and entry.gateway_block is not None


def test_a_bundle_with_one_reverting_call_fails_whole_and_is_recorded_with_its_reason(
    net: Devnet, alice: DevAccount
) -> None:
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    rejecter = net[B].deploy(alice.private_key, load("RevertingRecipient").bytecode)
    _, entry = send_bundle(net, alice, [(recorder, b"first"), (rejecter, b"second")])
    entry = net.bundle(entry.id)
    assert entry.stage == Stage.FAILED
    assert entry.reason and entry.destination_tx is not None
    assert recorded(net[B], recorder) == []  # atomic: the first call was rolled back
    assert bundle_status(net[B], entry.id) == UNRECEIVED
    # a failure does not stop the next bundle
    _, ok = send_bundle(net, alice, [(recorder, b"after")])
    assert net.bundle(ok.id).stage == Stage.EXECUTED
    assert recorded(net[B], recorder) == [b"after"]


def test_manual_mode_delivers_only_when_asked(net: Devnet, alice: DevAccount) -> None:
    net.relayer.set_mode("manual")
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    _, entry = send_bundle(net, alice, [(recorder, b"a"), (recorder, b"b")])
    for _ in range(3):
        net[A].mine()
        net[B].mine()
    assert net.bundle(entry.id).stage == Stage.SEALED
    assert recorded(net[B], recorder) == []

    report = net.relay()
    assert entry.id in report.executed and report.settled >= 1
    assert net.bundle(entry.id).stage == Stage.EXECUTED
    assert recorded(net[B], recorder) == [b"a", b"b"]
    again = net.relay()  # nothing left to deliver, nothing retried
    assert again.executed == [] and again.failed == [] and again.already_processed == []


def test_each_stage_can_be_stepped_by_hand(net: Devnet, alice: DevAccount) -> None:
    net.relayer.set_mode("manual")
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    receipt, entry = send_bundle(net, alice, [(recorder, b"step")])
    assert net.bundle(entry.id).stage == Stage.SEALED

    assert net.relayer.settle() >= 1
    settled = net.bundle(entry.id)
    assert settled.stage == Stage.SETTLED and settled.gateway_block is not None
    execution = net.settlement.execution(A, receipt.block_number)
    assert execution is not None and execution.layer_chain_id == net.gateway.chain_id
    assert net.gateway.receipt(execution.tx_hash) is not None
    assert settled.gateway_block not in net.settlement.imported_roots(B)

    assert net.relayer.import_roots() >= 1
    assert settled.gateway_block in net.settlement.imported_roots(B)
    assert recorded(net[B], recorder) == []

    report = net.relayer.execute()
    assert report.executed == [entry.id]
    assert recorded(net[B], recorder) == [b"step"]


def test_verifyBundle_then_unbundleBundle_runs_some_calls_and_cancels_others(
    net: Devnet, alice: DevAccount, bob: DevAccount
) -> None:
    net.relayer.set_mode("manual")
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    unbundler = format_evm_v1(B, alice.address)
    receipt, entry = send_bundle(
        net,
        alice,
        [(recorder, b"keep-1"), (recorder, b"drop"), (recorder, b"keep-2")],
        attributes=[unbundler_address(unbundler)],
    )
    net.relayer.settle()
    net.relayer.import_roots()
    proof = net.proof("zk-a", receipt.tx_hash, entry.log_index).inclusion_proof()

    verified = net[B].transact(bob.private_key, INTEROP_HANDLER, verify_bundle_calldata(encoded(entry), proof))
    assert verified.ok, error_name(verified.output)
    assert bundle_status(net[B], entry.id) == VERIFIED
    assert net.bundle(entry.id).stage == Stage.VERIFIED

    unbundle = "unbundleBundle(bytes,uint8[])"
    first = net[B].transact(
        alice.private_key, INTEROP_HANDLER, calldata(unbundle, encoded(entry), [EXECUTED, CANCELLED, UNPROCESSED])
    )
    assert first.ok, error_name(first.output)
    assert recorded(net[B], recorder) == [b"keep-1"]
    second = net[B].transact(
        alice.private_key, INTEROP_HANDLER, calldata(unbundle, encoded(entry), [UNPROCESSED, UNPROCESSED, EXECUTED])
    )
    assert second.ok, error_name(second.output)
    assert recorded(net[B], recorder) == [b"keep-1", b"keep-2"]
    assert [call_status(net[B], entry.id, i) for i in range(3)] == [EXECUTED, CANCELLED, EXECUTED]
    assert bundle_status(net[B], entry.id) == UNBUNDLED
    assert net.bundle(entry.id).stage == Stage.UNBUNDLED

    # the relayer sees it was processed by someone else and never executes it
    report = net.relay()
    assert entry.id not in report.executed
    assert net.bundle(entry.id).stage == Stage.UNBUNDLED

    # a cancelled call stays cancelled; only the unbundler may unbundle
    again = net[B].transact(alice.private_key, INTEROP_HANDLER, calldata(unbundle, encoded(entry), [0, EXECUTED, 0]))
    assert not again.ok
    intruder = net[B].transact(bob.private_key, INTEROP_HANDLER, calldata(unbundle, encoded(entry), [0, 0, 0]))
    assert error_name(intruder.output) == "UnbundlingNotAllowed"


def test_the_source_chain_sender_unbundles_through_a_second_bundle(net: Devnet, alice: DevAccount) -> None:
    """The default unbundler is (6565, sender): it unbundles on 6566 by sending a bundle to the InteropHandler."""
    net.relayer.set_mode("manual")
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    rejecter = net[B].deploy(alice.private_key, load("RevertingRecipient").bytecode)
    receipt, stuck = send_bundle(net, alice, [(rejecter, b"never"), (recorder, b"rescued")])
    net.relay()
    assert net.bundle(stuck.id).stage == Stage.FAILED
    assert net.bundle(stuck.id).reason

    proof = net.proof("zk-a", receipt.tx_hash, stuck.log_index).inclusion_proof()
    verified = net[B].transact(alice.private_key, INTEROP_HANDLER, verify_bundle_calldata(encoded(stuck), proof))
    assert verified.ok
    rescue_payload = calldata("unbundleBundle(bytes,uint8[])", encoded(stuck), [CANCELLED, EXECUTED])
    _, rescue = send_bundle(net, alice, [(INTEROP_HANDLER, rescue_payload)])
    net.relay()
    assert net.bundle(rescue.id).stage == Stage.EXECUTED, net.bundle(rescue.id).reason
    assert recorded(net[B], recorder) == [b"rescued"]
    assert [call_status(net[B], stuck.id, i) for i in range(2)] == [CANCELLED, EXECUTED]
    assert net.bundle(stuck.id).stage == Stage.UNBUNDLED


def test_executeBundle_by_anyone_with_the_devnet_proof_and_replay_is_refused(net: Devnet, bob: DevAccount) -> None:
    net.relayer.set_mode("manual")
    alice = net.accounts[0]
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    receipt, entry = send_bundle(net, alice, [(recorder, b"self-relayed")])
    net.relayer.settle()
    net.relayer.import_roots()
    proof = net.proof("zk-a", receipt.tx_hash, entry.log_index).inclusion_proof()
    data = execute_bundle_calldata(encoded(entry), proof)
    assert net[B].transact(bob.private_key, INTEROP_HANDLER, data).ok
    assert net.bundle(entry.id).stage == Stage.EXECUTED
    replay = net[B].transact(bob.private_key, INTEROP_HANDLER, data)
    assert error_name(replay.output) == "BundleAlreadyProcessed"
    assert recorded(net[B], recorder) == [b"self-relayed"]
    report = net.relay()
    assert entry.id not in report.executed and entry.id not in report.already_processed


def test_bundle_hash_salt_and_receive_ids_follow_the_spec_formulas(net: Devnet, alice: DevAccount) -> None:
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    nonce_before = net[A].nonce(alice.address)
    receipt, entry = send_bundle(net, alice, [(recorder, b"x"), (recorder, b"y")])
    raw = encoded(entry)
    bundle = InteropBundle.decode(raw)
    assert bundle.encode() == raw
    assert entry.id == keccak(encode(["uint256", "bytes"], [A, raw]))  # keccak(abi.encode(sourceChainId, bundle))
    assert bundle.source_chain_id == A and bundle.destination_chain_id == B
    (sent,) = [
        log
        for log in receipt.logs
        if log.address == INTEROP_CENTER
        and log.topics[0]
        == keccak(
            b"InteropBundleSent(bytes32,bytes32,(bytes1,uint256,uint256,bytes32,bytes32,"
            b"(bytes1,bool,address,address,uint256,bytes)[],(bytes,bytes,bool)))"
        )
    ]
    _, event_hash, _ = decode(["bytes32", "bytes32", INTEROP_BUNDLE_ABI_TYPE], sent.data)
    assert event_hash == entry.id
    # the InteropCenter's own nonce counts bundles per sender; the salt is keccak(sender ++ nonce)
    assert bundle.interop_bundle_salt in {
        keccak(alice.address + n.to_bytes(32, "big")) for n in range(nonce_before + 2)
    }
    receive_ids = []
    for i in range(2):
        out = net[B].call(recorder, calldata("received(uint256)", i))
        ((receive_id, sender, _, _, _),) = decode(["(bytes32,bytes,bytes,uint256,address)"], out)
        receive_ids.append(bytes(receive_id))
        assert bytes(sender) == format_evm_v1(A, alice.address)
    assert receive_ids == [keccak(entry.id + i.to_bytes(32, "big")) for i in range(2)]


# ---------------------------------------------------------------------- refusals


def test_sending_to_an_unregistered_chain_is_refused_with_the_real_error(net: Devnet, alice: DevAccount) -> None:
    data = calldata(
        "sendBundle(bytes,(bytes,bytes,bytes[])[],bytes[])", format_evm_v1(7777), [(to(alice.address), b"", [])], []
    )
    receipt = net[A].transact(alice.private_key, INTEROP_CENTER, data, value=fee(net, 1))
    assert not receipt.ok
    assert error_name(receipt.output) == "DestinationChainNotRegistered"


@pytest.fixture(scope="module")
def with_l1_chain(devnet_with: Callable[..., Devnet]) -> Devnet:
    return devnet_with(ChainConfig("zk-l1", 6567, 3053, "zk", settlement="l1"))


def test_interop_from_or_to_a_chain_settling_on_L1_is_refused(with_l1_chain: Devnet) -> None:
    net = with_l1_chain
    alice = net.accounts[0]
    recorder = net["zk-l1"].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    bundle = "sendBundle(bytes,(bytes,bytes,bytes[])[],bytes[])"
    out = net["zk-l1"].transact(
        alice.private_key,
        INTEROP_CENTER,
        calldata(bundle, format_evm_v1(A), [(to(recorder), b"", [])], []),
        value=10**9,
    )
    assert error_name(out.output) == "NotInGatewayMode"
    into = net[A].transact(
        alice.private_key,
        INTEROP_CENTER,
        calldata(bundle, format_evm_v1(6567), [(to(recorder), b"", [])], []),
        value=10**9,
    )
    assert not into.ok
    assert error_name(into.output) == "DestinationChainNotRegistered"


# ---------------------------------------------------------------------- the ledger and snapshots


def test_the_ledger_records_every_stage_with_batch_gateway_block_and_destination(
    net: Devnet, alice: DevAccount
) -> None:
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    receipt, entry = send_bundle(net, alice, [(recorder, b"tracked")])
    entry = net.bundle(entry.id)
    assert entry.history[0][0] == Stage.SENT
    assert {Stage.SEALED, Stage.SETTLED, Stage.EXECUTED} <= {stage for stage, _ in entry.history}
    doc = entry.as_json()
    assert doc["stage"] == "executed" and doc["sourceChainId"] == A and doc["destinationChainId"] == B
    assert doc["batchNumber"] == receipt.block_number
    assert net.ledger.by_source_tx(receipt.tx_hash) == [entry]
    execution = net.settlement.execution(A, receipt.block_number)
    assert execution is not None and doc["gatewayBlock"] == execution.block_number


def test_a_devnet_revert_rolls_back_chains_ledger_and_relayer_together(net: Devnet, alice: DevAccount) -> None:
    """R3: a revert after delivery puts the bundle back to sealed; relaying again delivers it exactly once."""
    net.relayer.set_mode("manual")
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    _, entry = send_bundle(net, alice, [(recorder, b"once")])
    sid = net.snapshot()
    net.relay()
    assert net.bundle(entry.id).stage == Stage.EXECUTED
    net.revert(sid)
    assert net.bundle(entry.id).stage == Stage.SEALED
    assert recorded(net[B], recorder) == []
    assert bundle_status(net[B], entry.id) == UNRECEIVED
    net.relay()
    assert net.bundle(entry.id).stage == Stage.EXECUTED
    assert recorded(net[B], recorder) == [b"once"]


def _executed_steps(entry: Entry) -> int:
    return [stage for stage, _ in entry.history].count(Stage.EXECUTED)


def test_a_bundle_is_recorded_executed_once_whichever_way_it_is_relayed(net: Devnet, alice: DevAccount) -> None:
    """The destination's BundleExecuted event and the relayer's own receipt both report an execution: the ledger
    records it once."""
    recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    _, auto = send_bundle(net, alice, [(recorder, b"auto")])
    net.relayer.set_mode("manual")
    _, relayed = send_bundle(net, alice, [(recorder, b"relayed")])
    net.relay()
    _, stepped = send_bundle(net, alice, [(recorder, b"stepped")])
    net.relayer.settle()
    net.relayer.import_roots()
    assert net.relayer.execute().executed == [stepped.id]
    for sent in (auto, relayed, stepped):
        entry = net.bundle(sent.id)
        assert entry.stage == Stage.EXECUTED and entry.attempts == 1
        assert _executed_steps(entry) == 1, entry.history


def test_a_bad_relay_mode_is_a_config_error_naming_the_valid_modes(net: Devnet) -> None:
    with pytest.raises(ConfigError, match=r"'sometimes'.*'auto', 'manual'") as info:
        net.relayer.set_mode("sometimes")  # type: ignore[arg-type]
    assert not isinstance(info.value, InteropError)
    assert net.relayer.mode == "auto"


class _Counter:
    """A minimal off-chain snapshot component."""

    def __init__(self, start: int = 0) -> None:
        self.value = start

    def snapshot_state(self) -> int:
        return self.value

    def restore_state(self, state: int) -> None:
        self.value = state


def test_a_revert_restores_components_by_identity_and_resets_those_registered_after_the_snapshot() -> None:
    net = Devnet()
    early = _Counter()
    net.register(early)
    early.value = 1
    sid = net.snapshot()
    early.value = 2
    late = _Counter(10)  # registered after the snapshot: it has no state of its own in it
    net.register(late)
    late.value = 11
    net.revert(sid)
    assert early.value == 1
    assert late.value == 10  # back to how it was when registered, not silently left as it is
    inner = net.snapshot()
    late.value = 12
    net.revert(inner)
    assert late.value == 10
    with pytest.raises(ChainError, match="already registered"):
        net.register(early)


def test_the_interop_parts_are_built_from_the_topology_not_the_devnet(net: Devnet) -> None:
    topology = net.topology
    assert topology.l1 is net.l1 and topology.gateway is net.gateway
    assert topology.by_id[A] is net[A] and topology.chain("zk-b") is net[B]
    assert topology.clock is net.clock and topology.block_interval == net.block_interval
    for part in (net.settlement, net.relayer, net.priority):
        assert part.topology is topology
        assert not any(isinstance(value, Devnet) for value in vars(part).values())


# ---------------------------------------------------------------------- realistic timing


@pytest.fixture(scope="module")
def realistic(devnet_with: Callable[..., Devnet]) -> Devnet:
    return devnet_with(timing="realistic")


def test_realistic_timing_moves_one_stage_per_block_interval(realistic: Devnet) -> None:
    net = realistic
    sid = net.snapshot()
    try:
        alice = net.accounts[0]
        recorder = net[B].deploy(alice.private_key, load("RecordingRecipient").bytecode)
        _, entry = send_bundle(net, alice, [(recorder, b"slow")])
        assert net.bundle(entry.id).stage == Stage.SEALED  # auto mode, but nothing moves between intervals
        start = net.clock.now()

        net.advance(net.block_interval)
        settled = net.bundle(entry.id)
        assert settled.stage == Stage.SETTLED and settled.gateway_block is not None
        assert net.settlement.settled_batch(net.gateway.chain_id) < settled.gateway_block  # not final on L1 yet
        assert settled.gateway_block not in net.settlement.imported_roots(B)
        assert recorded(net[B], recorder) == []

        net.advance(net.block_interval)
        done = net.bundle(entry.id)
        assert done.stage == Stage.EXECUTED
        assert net.settlement.settled_batch(net.gateway.chain_id) >= settled.gateway_block
        assert recorded(net[B], recorder) == [b"slow"]
        assert done.destination_tx is not None
        executed = net[B].receipt(done.destination_tx)
        assert executed is not None
        assert net[B].block(executed.block_number).timestamp >= start + 2 * net.block_interval
    finally:
        net.revert(sid)


def test_realistic_relay_runs_intervals_until_done_and_imports_only_L1_final_roots(realistic: Devnet) -> None:
    net = realistic
    sid = net.snapshot()
    try:
        alice = net.accounts[0]
        sender = net[A].deploy(alice.private_key, load("InteropMessageSender").bytecode)
        receipt = net[A].transact(alice.private_key, sender, calldata("sendMessage(bytes)", b"paced"))
        before = net.clock.now()
        net.relay()
        (entry,) = net.messages(receipt.tx_hash)
        assert entry.stage == Stage.ROOT_IMPORTED
        assert net.clock.now() >= before + 2 * net.block_interval
        for block in net.settlement.imported_roots(B):
            assert block <= net.settlement.settled_batch(net.gateway.chain_id)
        assert entry.root_imported_block is not None
    finally:
        net.revert(sid)
