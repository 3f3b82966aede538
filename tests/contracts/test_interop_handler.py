# ruff: noqa: N802
"""InteropHandler (0x1000e): verification, the status machine, permissions and delivery (E1-E9, A1-A3, P2, P8, P9).

Bundles sent by the real InteropCenter go through Gateway settlement and root import; bundles the
InteropCenter could never produce are proven with synthetic Gateway trees (``SyntheticGateway``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from conftest import (
    A_ID,
    ALICE,
    B_ID,
    BOB,
    ETH,
    GW_ID,
    INTEROP_FEE,
    OTHER_BASE_ASSET,
    Net,
    SentBundle,
    SyntheticGateway,
    assert_reverted,
    calldata,
    encode_bundle,
    error,
    execute_data,
    logs_with,
    make_bundle,
    reverts,
    unbundle_data,
    verify_data,
)
from eth_abi.abi import decode

from zkconnect.protocol.addresses import BASE_TOKEN_HOLDER, INTEROP_CENTER, INTEROP_HANDLER, L1_MESSENGER
from zkconnect.protocol.merkle import keccak
from zkconnect.protocol.messages import (
    InteropCall,
    MessageInclusionProof,
    execution_address,
    format_evm_v1,
    interop_call_value,
    send_id,
    unbundler_address,
)

UNRECEIVED, VERIFIED, FULLY_EXECUTED, UNBUNDLED = 0, 1, 2, 3
UNPROCESSED, EXECUTED, CANCELLED = 0, 1, 2
RECEIVED = "(bytes32,bytes,bytes,uint256,address)"


def received(net: Net, recipient: bytes, index: int) -> tuple[bytes, bytes, bytes, int, str]:
    out = net.b.call(recipient, calldata("received(uint256)", index))
    ((receive_id, sender, payload, value, caller),) = decode([RECEIVED], out)
    return receive_id, sender, payload, value, caller


def count(net: Net, recipient: bytes) -> int:
    return int.from_bytes(net.b.call(recipient, calldata("count()")), "big")


def to(address: bytes) -> bytes:
    return format_evm_v1(None, address)


class Env:
    """A RecordingRecipient, a RevertingRecipient and friends on B."""

    def __init__(self, net: Net) -> None:
        self.net = net
        self.recorder = net.deploy(net.b, "RecordingRecipient")
        self.rejecter = net.deploy(net.b, "RevertingRecipient")
        self.wrong = net.deploy(net.b, "WrongSelectorRecipient")
        self.reentrant = net.deploy(net.b, "ReentrantRecipient")

    def send(
        self,
        starters: Sequence[tuple[bytes, bytes, Sequence[bytes]]],
        attrs: Sequence[bytes] = (),
        value: int | None = None,
        who: object = ALICE,
    ) -> tuple[SentBundle, MessageInclusionProof]:
        fee = INTEROP_FEE * len(starters)
        sent = self.net.send_bundle(self.net.a, who, B_ID, starters, attrs, fee if value is None else value)  # type: ignore[arg-type]
        return sent, self.net.deliver(sent, self.net.b)


@pytest.fixture
def env(net: Net) -> Env:
    return Env(net)


# ---------------------------------------------------------------------- execution


def test_executeBundle_delivers_every_call_and_marks_the_bundle_executed(net: Net, env: Env) -> None:
    sent, proof = env.send(
        [(to(env.recorder), b"first", []), (to(env.recorder), b"second", [interop_call_value(9)])],
        value=9 + 2 * INTEROP_FEE,
    )
    holder_before = net.b.balance(BASE_TOKEN_HOLDER)
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof))
    assert receipt.ok, receipt.output.hex()
    assert net.bundle_status(net.b, sent.bundle_hash) == FULLY_EXECUTED
    assert [net.call_status(net.b, sent.bundle_hash, i) for i in range(2)] == [EXECUTED, EXECUTED]
    assert count(net, env.recorder) == 2
    for i, (payload, value) in enumerate(((b"first", 0), (b"second", 9))):
        receive_id, sender, got, got_value, caller = received(net, env.recorder, i)
        assert receive_id == send_id(sent.bundle_hash, i)
        assert sender == format_evm_v1(A_ID, ALICE.address)
        assert (got, got_value, caller.lower()) == (payload, value, "0x" + INTEROP_HANDLER.hex())
    assert net.b.balance(env.recorder) == 9
    assert net.b.balance(BASE_TOKEN_HOLDER) == holder_before - 9
    topics = [log.topics[0] for log in receipt.logs if log.address == INTEROP_HANDLER]
    assert topics == [keccak(b"BundleVerified(bytes32)"), keccak(b"BundleExecuted(bytes32)")]
    assert all(log.topics[1] == sent.bundle_hash for log in receipt.logs if log.address == INTEROP_HANDLER)
    # one receiveInteropCallExecuted message per call, sent by the handler
    executed = [
        log
        for log in logs_with(receipt, L1_MESSENGER, "L1MessageSent(address,bytes32,bytes)")
        if log.topics[1][12:] == INTEROP_HANDLER
    ]
    assert len(executed) == 2
    (message,) = decode(["bytes"], executed[1].data)
    assert message[:4].hex() == "70353c28"
    ((base_asset, call),) = decode(["(bytes32,(bytes1,bool,address,address,uint256,bytes))"], message[4:])
    assert base_asset == ETH and call[4] == 9 and call[5] == b"second"


def test_executeBundle_reverts_when_the_bundle_was_already_executed(net: Net, env: Env) -> None:
    sent, proof = env.send([(to(env.recorder), b"once", [])])
    assert net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof)).ok
    again = net.transact(net.b, ALICE, INTEROP_HANDLER, execute_data(sent.encoded, proof))
    assert_reverted(again, error("BundleAlreadyProcessed(bytes32)", sent.bundle_hash))
    assert count(net, env.recorder) == 1


def test_executeBundle_executes_two_identical_sends_once_each(net: Net, env: Env) -> None:
    first, proof1 = env.send([(to(env.recorder), b"same", [])])
    second, proof2 = env.send([(to(env.recorder), b"same", [])])
    assert first.bundle_hash != second.bundle_hash
    assert net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(first.encoded, proof1)).ok
    assert net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(second.encoded, proof2)).ok
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(second.encoded, proof2)),
        error("BundleAlreadyProcessed(bytes32)", second.bundle_hash),
    )
    assert count(net, env.recorder) == 2


def test_executeBundle_reverts_when_the_proof_is_empty_or_the_root_is_missing(net: Net, env: Env) -> None:
    sent = net.send_bundle(net.a, ALICE, B_ID, [(to(env.recorder), b"x", [])])
    net.settle(A_ID, sent.receipt.block_number)
    proof, _ = net.proof_for(A_ID, sent.receipt.tx_hash)
    # root not imported on B yet
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof)), error("MessageNotIncluded()")
    )
    empty = MessageInclusionProof(
        chain_id=proof.chain_id,
        l1_batch_number=proof.l1_batch_number,
        l2_message_index=proof.l2_message_index,
        message=proof.message,
        proof=(),
    )
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, empty)), error("MessageNotIncluded()")
    )
    other_leaf = MessageInclusionProof(
        chain_id=proof.chain_id,
        l1_batch_number=proof.l1_batch_number,
        l2_message_index=proof.l2_message_index + 1,
        message=proof.message,
        proof=proof.proof,
    )
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, other_leaf)), error("MessageNotIncluded()")
    )
    assert net.bundle_status(net.b, sent.bundle_hash) == UNRECEIVED
    assert count(net, env.recorder) == 0


def test_executeBundle_reverts_when_run_on_a_chain_other_than_the_destination(net: Net, env: Env) -> None:
    sent, proof = env.send([(to(env.recorder), b"x", [])])
    net.import_root(net.a, proof_gw_block(proof))
    receipt = net.transact(net.a, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof))
    assert_reverted(receipt, error("WrongDestinationChainId(bytes32,uint256,uint256)", sent.bundle_hash, B_ID, A_ID))


def proof_gw_block(proof: MessageInclusionProof) -> int:
    batch_path = proof.proof[0][2]
    packed = int.from_bytes(proof.proof[1 + 15 + 1 + batch_path], "big")
    return packed >> 128


def test_executeBundle_reverts_when_the_proof_is_for_another_source_chain(net: Net, env: Env) -> None:
    sent, proof = env.send([(to(env.recorder), b"x", [])])
    forged = MessageInclusionProof(
        chain_id=GW_ID,
        l1_batch_number=proof.l1_batch_number,
        l2_message_index=proof.l2_message_index,
        message=proof.message,
        proof=proof.proof,
    )
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, forged))
    assert_reverted(receipt, error("WrongSourceChainId(bytes32,uint256,uint256)", sent.bundle_hash, A_ID, GW_ID))


def test_executeBundle_reverts_when_the_message_was_not_sent_by_the_InteropCenter(net: Net, env: Env) -> None:
    """P9: any contract can send `0x01 ‖ bundle`; a proof of that message is not a bundle proof."""
    bundle = make_bundle([InteropCall(to="0x" + env.recorder.hex(), from_="0x" + ALICE.address.hex(), data=b"fake")])
    encoded = encode_bundle(bundle)
    sender = net.deploy(net.a, "InteropMessageSender")
    receipt = net.transact(net.a, ALICE, sender, calldata("sendMessage(bytes)", b"\x01" + encoded))
    assert receipt.ok
    net.settle(A_ID, receipt.block_number)
    proof, gw_block = net.proof_for(A_ID, receipt.tx_hash)
    net.import_root(net.b, gw_block)
    assert proof.message.sender.lower() == "0x" + sender.hex()
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(encoded, proof)),
        error("UnauthorizedMessageSender(address,address)", INTEROP_CENTER, sender),
    )
    as_center = MessageInclusionProof(
        chain_id=proof.chain_id,
        l1_batch_number=proof.l1_batch_number,
        l2_message_index=proof.l2_message_index,
        message=type(proof.message)(
            tx_number_in_batch=proof.message.tx_number_in_batch,
            sender="0x" + INTEROP_CENTER.hex(),
            data=proof.message.data,
        ),
        proof=proof.proof,
    )
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(encoded, as_center)), error("MessageNotIncluded()")
    )


def test_executeBundle_reverts_when_a_call_reverts_and_leaves_everything_unchanged(net: Net, env: Env) -> None:
    """E5: the whole bundle reverts; later, unbundling runs calls 1 and 3 and cancels call 2."""
    starters = [
        (to(env.recorder), b"one", [interop_call_value(1)]),
        (to(env.rejecter), b"two", []),
        (to(env.recorder), b"three", []),
    ]
    sent, proof = env.send(starters, [unbundler_address(format_evm_v1(B_ID, ALICE.address))], value=1 + 3 * INTEROP_FEE)
    holder = net.b.balance(BASE_TOKEN_HOLDER)
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof))
    rejected = error(
        "MessageRejected(bytes32,bytes,bytes)", send_id(sent.bundle_hash, 1), format_evm_v1(A_ID, ALICE.address), b"two"
    )
    assert_reverted(receipt, rejected)
    assert net.bundle_status(net.b, sent.bundle_hash) == UNRECEIVED
    assert count(net, env.recorder) == 0 and net.b.balance(BASE_TOKEN_HOLDER) == holder

    assert net.transact(net.b, BOB, INTEROP_HANDLER, verify_data(sent.encoded, proof)).ok
    assert net.bundle_status(net.b, sent.bundle_hash) == VERIFIED
    unbundle = net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [EXECUTED, CANCELLED, EXECUTED]))
    assert unbundle.ok, unbundle.output.hex()
    assert net.bundle_status(net.b, sent.bundle_hash) == UNBUNDLED
    assert [net.call_status(net.b, sent.bundle_hash, i) for i in range(3)] == [EXECUTED, CANCELLED, EXECUTED]
    assert [received(net, env.recorder, i)[2] for i in range(count(net, env.recorder))] == [b"one", b"three"]
    processed = logs_with(unbundle, INTEROP_HANDLER, "CallProcessed(bytes32,uint256,uint8)")
    assert [(int.from_bytes(log.topics[2], "big"), int.from_bytes(log.data, "big")) for log in processed] == [
        (0, EXECUTED),
        (1, CANCELLED),
        (2, EXECUTED),
    ]
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof)),
        error("BundleAlreadyProcessed(bytes32)", sent.bundle_hash),
    )


def test_executeBundle_blocks_reentry_from_a_recipient(net: Net, env: Env) -> None:
    """E6: the recipient re-enters executeBundle / unbundleBundle for the same bundle; both are refused."""
    sent, proof = env.send([(to(env.reentrant), b"x", []), (to(env.recorder), b"y", [])])
    reentry = execute_data(sent.encoded, proof)
    assert net.transact(net.b, ALICE, env.reentrant, calldata("setReentry(bytes,bool)", reentry, False)).ok
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof))
    assert receipt.ok
    assert net.b.call(env.reentrant, calldata("lastReentrySucceeded()")) == bytes(32)
    (result,) = decode(["bytes"], net.b.call(env.reentrant, calldata("lastReentryResult()")))
    assert result == error("BundleAlreadyProcessed(bytes32)", sent.bundle_hash)
    assert count(net, env.recorder) == 1

    sent2, proof2 = env.send([(to(env.reentrant), b"x", [])], [unbundler_address(format_evm_v1(B_ID, ALICE.address))])
    assert net.transact(net.b, BOB, INTEROP_HANDLER, verify_data(sent2.encoded, proof2)).ok
    reentry = unbundle_data(sent2.encoded, [EXECUTED])
    assert net.transact(net.b, ALICE, env.reentrant, calldata("setReentry(bytes,bool)", reentry, True)).ok
    receipt = net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent2.encoded, [EXECUTED]))
    expected = error(
        "UnbundlingNotAllowed(bytes32,bytes,bytes)",
        sent2.bundle_hash,
        format_evm_v1(B_ID, env.reentrant),
        format_evm_v1(B_ID, ALICE.address),
    )
    assert_reverted(receipt, expected)
    assert net.call_status(net.b, sent2.bundle_hash, 0) == UNPROCESSED


def test_executeBundle_reverts_when_the_recipient_does_not_return_its_selector(net: Net, env: Env) -> None:
    """E7: a wrong selector, an account without code, or an EOA."""
    for target, returned in (
        (env.wrong, bytes.fromhex("deadbeef")),
        (bytes.fromhex("00" * 19 + "77"), bytes(4)),
        (BOB.address, bytes(4)),
    ):
        sent, proof = env.send([(to(target), b"x", [])])
        receipt = net.transact(net.b, ALICE, INTEROP_HANDLER, execute_data(sent.encoded, proof))
        assert_reverted(receipt, error("InvalidSelector(bytes4)", returned))
        assert net.bundle_status(net.b, sent.bundle_hash) == UNRECEIVED


# ---------------------------------------------------------------------- synthetic bundles


_SYNTHETIC_BLOCKS = itertools.count(20_000, 100)


def synthetic(net: Net, bundle_bytes: bytes, *, source: int = A_ID) -> MessageInclusionProof:
    gateway = SyntheticGateway(source, gateway_block=next(_SYNTHETIC_BLOCKS))
    root, gw_block, proof = gateway.prove(b"\x01" + bundle_bytes)
    net.import_root(net.b, gw_block, root)
    return proof


def test_executeBundle_reverts_when_bundle_or_call_version_is_unknown(net: Net, env: Env) -> None:
    call = InteropCall(to="0x" + env.recorder.hex(), from_="0x" + ALICE.address.hex(), data=b"v")
    bad_bundle = encode_bundle(make_bundle([call], version=b"\x02"))
    proof = synthetic(net, bad_bundle)
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(bad_bundle, proof)),
        error("InvalidInteropBundleVersion()"),
    )
    bad_call = InteropCall(to="0x" + env.recorder.hex(), from_="0x" + ALICE.address.hex(), data=b"v", version=b"\x00")
    encoded = encode_bundle(make_bundle([call, bad_call]))
    proof = synthetic(net, encoded)
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(encoded, proof)), error("InvalidInteropCallVersion()")
    )
    assert count(net, env.recorder) == 0


def test_executeBundle_reverts_when_the_destination_base_token_differs(net: Net, env: Env) -> None:
    call = InteropCall(to="0x" + env.recorder.hex(), from_="0x" + ALICE.address.hex(), data=b"v")
    bundle = make_bundle([call], base_asset=OTHER_BASE_ASSET)
    encoded = encode_bundle(bundle)
    proof = synthetic(net, encoded)
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(encoded, proof))
    assert_reverted(
        receipt,
        error("WrongDestinationBaseTokenAssetId(bytes32,bytes32,bytes32)", bundle.hash(), ETH, OTHER_BASE_ASSET),
    )


def test_executeBundle_works_for_a_synthetic_bundle_and_checks_the_exact_bytes(net: Net, env: Env) -> None:
    call = InteropCall(to="0x" + env.recorder.hex(), from_="0x" + ALICE.address.hex(), data=b"v")
    encoded = encode_bundle(make_bundle([call]))
    proof = synthetic(net, encoded)
    non_canonical = encoded + bytes(32)  # decodes to the same bundle, but is not what was sent
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(non_canonical, proof)), error("MessageNotIncluded()")
    )
    assert net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(encoded, proof)).ok
    assert count(net, env.recorder) == 1


# ---------------------------------------------------------------------- permissions


def test_executeBundle_reverts_when_the_caller_is_not_the_execution_address(net: Net, env: Env) -> None:
    """A1."""
    for who, executor, ok in (
        (ALICE, format_evm_v1(B_ID, BOB.address), False),
        (BOB, format_evm_v1(A_ID, BOB.address), False),
        (BOB, format_evm_v1(B_ID, BOB.address), True),
        (BOB, format_evm_v1(0, BOB.address), True),
    ):
        sent, proof = env.send([(to(env.recorder), b"x", [])], [execution_address(executor)])
        receipt = net.transact(net.b, who, INTEROP_HANDLER, execute_data(sent.encoded, proof))
        if ok:
            assert receipt.ok, receipt.output.hex()
        else:
            assert_reverted(
                receipt,
                error(
                    "ExecutingNotAllowed(bytes32,bytes,bytes)",
                    sent.bundle_hash,
                    format_evm_v1(B_ID, who.address),
                    executor,
                ),
            )
    # verification stays permissionless
    sent, proof = env.send([(to(env.recorder), b"x", [])], [execution_address(format_evm_v1(B_ID, BOB.address))])
    assert net.transact(net.b, ALICE, INTEROP_HANDLER, verify_data(sent.encoded, proof)).ok


def test_verifyBundle_reverts_when_already_verified_or_executed(net: Net, env: Env) -> None:
    """E4."""
    sent, proof = env.send([(to(env.recorder), b"x", [])])
    assert net.transact(net.b, BOB, INTEROP_HANDLER, verify_data(sent.encoded, proof)).ok
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, verify_data(sent.encoded, proof)),
        error("BundleAlreadyProcessed(bytes32)", sent.bundle_hash),
    )
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof))
    assert receipt.ok
    assert [log.topics[0] for log in receipt.logs if log.address == INTEROP_HANDLER] == [
        keccak(b"BundleExecuted(bytes32)")
    ]
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, verify_data(sent.encoded, proof)),
        error("BundleAlreadyProcessed(bytes32)", sent.bundle_hash),
    )


def test_unbundleBundle_reverts_for_every_A2_case(net: Net, env: Env) -> None:
    unbundler = format_evm_v1(B_ID, ALICE.address)
    sent, proof = env.send([(to(env.recorder), b"a", []), (to(env.recorder), b"b", [])], [unbundler_address(unbundler)])
    h = sent.bundle_hash
    # before verification
    assert_reverted(
        net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [EXECUTED, UNPROCESSED])),
        error("CanNotUnbundle(bytes32)", h),
    )
    assert net.transact(net.b, BOB, INTEROP_HANDLER, verify_data(sent.encoded, proof)).ok
    # not the unbundler
    assert_reverted(
        net.transact(net.b, BOB, INTEROP_HANDLER, unbundle_data(sent.encoded, [EXECUTED, UNPROCESSED])),
        error("UnbundlingNotAllowed(bytes32,bytes,bytes)", h, format_evm_v1(B_ID, BOB.address), unbundler),
    )
    # wrong length
    assert_reverted(
        net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [EXECUTED])),
        error("WrongCallStatusLength(uint256,uint256)", 2, 1),
    )
    assert net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [EXECUTED, UNPROCESSED])).ok
    # re-executing an executed call, cancelling an executed call
    assert_reverted(
        net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [EXECUTED, UNPROCESSED])),
        error("CallNotExecutable(bytes32,uint256)", h, 0),
    )
    assert_reverted(
        net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [CANCELLED, UNPROCESSED])),
        error("CallAlreadyExecuted(bytes32,uint256)", h, 0),
    )
    # cancel the second, then it cannot run any more; cancelling twice is a no-op
    assert net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [UNPROCESSED, CANCELLED])).ok
    assert net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [UNPROCESSED, CANCELLED])).ok
    assert_reverted(
        net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [UNPROCESSED, EXECUTED])),
        error("CallNotExecutable(bytes32,uint256)", h, 1),
    )
    assert [received(net, env.recorder, i)[2] for i in range(count(net, env.recorder))] == [b"a"]


def test_unbundleBundle_reverts_when_the_default_unbundler_calls_directly_from_the_destination(
    net: Net, env: Env
) -> None:
    """The default unbundler is (source chain, sender): on the destination it is not msg.sender's chain."""
    sent, proof = env.send([(to(env.recorder), b"a", [])])
    assert net.transact(net.b, BOB, INTEROP_HANDLER, verify_data(sent.encoded, proof)).ok
    receipt = net.transact(net.b, ALICE, INTEROP_HANDLER, unbundle_data(sent.encoded, [EXECUTED]))
    assert_reverted(
        receipt,
        error(
            "UnbundlingNotAllowed(bytes32,bytes,bytes)",
            sent.bundle_hash,
            format_evm_v1(B_ID, ALICE.address),
            format_evm_v1(A_ID, ALICE.address),
        ),
    )


def test_receiveMessage_lets_the_source_chain_sender_unbundle_through_a_second_bundle(net: Net, env: Env) -> None:
    """Rescue path: ALICE on A sends a bundle whose call asks B's handler to unbundle her first bundle."""
    first, proof = env.send([(to(env.rejecter), b"never", []), (to(env.recorder), b"later", [])])
    assert net.transact(net.b, BOB, INTEROP_HANDLER, verify_data(first.encoded, proof)).ok
    rescue, rescue_proof = env.send([(to(INTEROP_HANDLER), unbundle_data(first.encoded, [CANCELLED, EXECUTED]), [])])
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(rescue.encoded, rescue_proof))
    assert receipt.ok, receipt.output.hex()
    assert net.bundle_status(net.b, first.bundle_hash) == UNBUNDLED
    assert [net.call_status(net.b, first.bundle_hash, i) for i in range(2)] == [CANCELLED, EXECUTED]
    assert received(net, env.recorder, 0)[2] == b"later"

    # BOB on A is not the unbundler of ALICE's bundle
    other, _ = env.send([(to(env.recorder), b"x", [])])
    sneaky, sneaky_proof = env.send([(to(INTEROP_HANDLER), unbundle_data(other.encoded, [EXECUTED]), [])], who=BOB)
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sneaky.encoded, sneaky_proof))
    assert_reverted(
        receipt,
        error(
            "UnbundlingNotAllowed(bytes32,bytes,bytes)",
            other.bundle_hash,
            format_evm_v1(A_ID, BOB.address),
            format_evm_v1(A_ID, ALICE.address),
        ),
    )


def test_receiveMessage_checks_execution_rights_against_the_bundle_sender(net: Net, env: Env) -> None:
    """A3: a bundle calling the handler gains no rights: executeBundle of a bundle restricted to someone else."""
    restricted, restricted_proof = env.send(
        [(to(env.recorder), b"r", [])], [execution_address(format_evm_v1(B_ID, BOB.address))]
    )
    payload = execute_data(restricted.encoded, restricted_proof)
    outer, outer_proof = env.send([(to(INTEROP_HANDLER), payload, [])])
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(outer.encoded, outer_proof))
    assert_reverted(
        receipt,
        error(
            "ExecutingNotAllowed(bytes32,bytes,bytes)",
            restricted.bundle_hash,
            format_evm_v1(A_ID, ALICE.address),
            format_evm_v1(B_ID, BOB.address),
        ),
    )
    # verifying through the handler is permissionless
    verify_outer, verify_proof = env.send(
        [(to(INTEROP_HANDLER), verify_data(restricted.encoded, restricted_proof), [])]
    )
    assert net.transact(net.b, ALICE, INTEROP_HANDLER, execute_data(verify_outer.encoded, verify_proof)).ok
    assert net.bundle_status(net.b, restricted.bundle_hash) == VERIFIED


def test_bundle_calls_to_privileged_contracts_gain_nothing(net: Net, env: Env) -> None:
    """A3: calls into the root storage or with an unknown handler payload revert the whole bundle."""
    from zkconnect.protocol.addresses import L2_INTEROP_ROOT_STORAGE

    add_root = calldata("addInteropRoot(uint256,uint256,bytes32[])", GW_ID, 1, [keccak(b"evil")])
    for target, payload in ((L2_INTEROP_ROOT_STORAGE, add_root), (INTEROP_HANDLER, add_root), (INTEROP_HANDLER, b"")):
        sent, proof = env.send([(to(target), payload, [])])
        receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof))
        assert receipt.status == 0
        assert net.bundle_status(net.b, sent.bundle_hash) == UNRECEIVED
    sent, proof = env.send([(to(INTEROP_HANDLER), add_root, [])])
    receipt = net.transact(net.b, BOB, INTEROP_HANDLER, execute_data(sent.encoded, proof))
    assert_reverted(receipt, error("InvalidSelector(bytes4)", add_root[:4]))


def test_receiveMessage_reverts_when_called_from_outside_and_receive_only_takes_holder_funds(net: Net) -> None:
    data = calldata("receiveMessage(bytes32,bytes,bytes)", bytes(32), format_evm_v1(A_ID, ALICE.address), b"")
    assert reverts(net.b, INTEROP_HANDLER, data, sender=ALICE.address) == error("Unauthorized(address)", ALICE.address)
    receipt = net.transact(net.b, ALICE, INTEROP_HANDLER, b"", 1)
    assert_reverted(receipt, error("Unauthorized(address)", ALICE.address))


def test_executeBundle_and_unbundleBundle_revert_when_the_chain_settles_on_l1(net: Net, env: Env) -> None:
    sent, proof = env.send([(to(env.recorder), b"x", [])])
    for data in (execute_data(sent.encoded, proof), unbundle_data(sent.encoded, [EXECUTED])):
        receipt = net.transact(net.c, BOB, INTEROP_HANDLER, data)
        assert_reverted(receipt, error("CannotClaimInteropOnL1Settlement()"))
    # verification does not look at the settlement layer: it fails on the destination check instead
    receipt = net.transact(net.c, BOB, INTEROP_HANDLER, verify_data(sent.encoded, proof))
    assert_reverted(
        receipt, error("WrongDestinationChainId(bytes32,uint256,uint256)", sent.bundle_hash, B_ID, net.c.chain_id)
    )
