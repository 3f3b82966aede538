"""Execution and replay (adversarial.md B.5, E1-E9) on the integrated devnet.

Every bundle here is sent by the real InteropCenter on zk-a and settled through Gateway; the
relayer delivers it in ``auto`` mode unless the test switches it to ``manual``.
"""

from __future__ import annotations

import pytest
from adversarial_helpers import (
    B_ID,
    A,
    B,
    Sent,
    bundle_status,
    call_reverts_with,
    call_status,
    deliver,
    deploy,
    execute,
    forge_included,
    reverted_with,
    send_bundle,
    starter,
    uint_view,
    unbundle,
    unbundle_calldata,
    verify,
)
from eth_abi.abi import decode, encode

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.interop.ledger import Stage
from zkconnect.protocol.addresses import BASE_TOKEN_HOLDER, INTEROP_CENTER, INTEROP_HANDLER
from zkconnect.protocol.messages import (
    BundleAttributes,
    InteropBundle,
    InteropCall,
    MessageInclusionProof,
    bundle_salt,
    execute_bundle_calldata,
    format_evm_v1,
    interop_call_value,
    selector,
    unbundler_address,
)
from zkconnect.protocol.reverts import error_name

UNRECEIVED, VERIFIED, FULLY_EXECUTED, UNBUNDLED = range(4)
UNPROCESSED, EXECUTED, CANCELLED = range(3)


def _count(devnet: Devnet, recipient: bytes) -> int:
    return uint_view(devnet[B], recipient, "count()")


# ---------------------------------------------------------------------- E1


def test_execute_same_bundle_twice_reverts_and_pays_once(devnet: Devnet, alice: DevAccount) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    holder_before = b.balance(BASE_TOKEN_HOLDER)
    sent = send_bundle(devnet, alice, [starter(recipient, b"pay", [interop_call_value(1_000)])])

    entry = devnet.bundle(sent.hash)
    assert entry.stage == Stage.EXECUTED
    assert bundle_status(b, sent.hash) == FULLY_EXECUTED
    assert b.balance(recipient) == 1_000
    assert b.balance(BASE_TOKEN_HOLDER) == holder_before - 1_000

    proof = devnet.proof(A, sent.tx).inclusion_proof()
    for who in (alice, devnet.contracts.relayer):
        receipt = execute(b, who, sent.encoded, proof)
        assert reverted_with(receipt, "BundleAlreadyProcessed") == f"BundleAlreadyProcessed(0x{sent.hash.hex()})"
    assert _count(devnet, recipient) == 1
    assert b.balance(recipient) == 1_000
    assert b.balance(BASE_TOKEN_HOLDER) == holder_before - 1_000
    report = devnet.relay()
    assert (report.executed, report.failed, report.already_processed) == ([], [], [])
    assert devnet.bundle(sent.hash).attempts == 1


# ---------------------------------------------------------------------- E2


def test_execute_on_a_chain_that_is_not_the_destination_reverts(devnet: Devnet, alice: DevAccount) -> None:
    devnet.relayer.set_mode("manual")
    a = devnet[A]
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    sent = send_bundle(devnet, alice, [starter(recipient)])
    proof = deliver(devnet, sent, destination=6565)  # the root is imported on zk-a: the proof is valid there

    receipt = execute(a, alice, sent.encoded, proof)
    assert reverted_with(receipt, "WrongDestinationChainId") == (
        f"WrongDestinationChainId(0x{sent.hash.hex()}, {B_ID}, 6565)"
    )
    assert bundle_status(a, sent.hash) == UNRECEIVED
    reverted_with(verify(a, alice, sent.encoded, proof), "WrongDestinationChainId")
    # on Gateway (which settles on L1) the handler refuses interop altogether
    call_reverts_with(
        devnet.gateway,
        INTEROP_HANDLER,
        execute_bundle_calldata(sent.encoded, proof),
        "CannotClaimInteropOnL1Settlement",
    )
    # the real destination still takes it
    assert execute(devnet[B], alice, sent.encoded, proof).ok
    assert _count(devnet, recipient) == 1


# ---------------------------------------------------------------------- E3


def test_identical_bundles_get_distinct_hashes_and_execute_once_each(devnet: Devnet, alice: DevAccount) -> None:
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    nonce = uint_view(devnet[A], INTEROP_CENTER, "interopBundleNonce(address)", alice.address)
    first = send_bundle(devnet, alice, [starter(recipient, b"same")])
    second = send_bundle(devnet, alice, [starter(recipient, b"same")])

    assert first.hash != second.hash
    assert first.bundle.calls == second.bundle.calls
    assert first.bundle.interop_bundle_salt == bundle_salt(alice.address, nonce)
    assert second.bundle.interop_bundle_salt == bundle_salt(alice.address, nonce + 1)
    for sent in (first, second):
        assert devnet.bundle(sent.hash).stage == Stage.EXECUTED
        assert devnet.bundle(sent.hash).attempts == 1
        assert bundle_status(devnet[B], sent.hash) == FULLY_EXECUTED
    assert _count(devnet, recipient) == 2
    report = devnet.relay()
    assert (report.executed, report.failed, report.already_processed) == ([], [], [])
    assert _count(devnet, recipient) == 2


# ---------------------------------------------------------------------- E4


def test_verify_twice_or_after_execution_reverts(devnet: Devnet, alice: DevAccount, bob: DevAccount) -> None:
    devnet.relayer.set_mode("manual")
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    sent = send_bundle(devnet, alice, [starter(recipient)])
    proof = deliver(devnet, sent)

    assert verify(b, bob, sent.encoded, proof).ok
    assert bundle_status(b, sent.hash) == VERIFIED
    reverted_with(verify(b, alice, sent.encoded, proof), "BundleAlreadyProcessed")
    assert bundle_status(b, sent.hash) == VERIFIED

    assert execute(b, bob, sent.encoded, proof).ok  # a verified bundle executes without a second proof check
    assert bundle_status(b, sent.hash) == FULLY_EXECUTED
    reverted_with(verify(b, alice, sent.encoded, proof), "BundleAlreadyProcessed")
    assert bundle_status(b, sent.hash) == FULLY_EXECUTED
    assert _count(devnet, recipient) == 1


# ---------------------------------------------------------------------- E5


def test_failing_call_reverts_the_whole_bundle_then_unbundle_runs_the_others(devnet: Devnet, alice: DevAccount) -> None:
    b = devnet[B]
    first = deploy(b, alice, "RecordingRecipient")
    failing = deploy(b, alice, "RevertingRecipient")
    third = deploy(b, alice, "RecordingRecipient")
    holder_before = b.balance(BASE_TOKEN_HOLDER)
    sent = send_bundle(
        devnet,
        alice,
        [
            starter(first, b"one", [interop_call_value(7)]),
            starter(failing, b"two"),
            starter(third, b"three", [interop_call_value(11)]),
        ],
        attributes=[unbundler_address(format_evm_v1(B_ID, alice.address))],
    )

    entry = devnet.bundle(sent.hash)
    assert entry.stage == Stage.FAILED
    assert entry.reason is not None and entry.reason.startswith("MessageRejected(")
    assert bundle_status(b, sent.hash) == UNRECEIVED
    assert [call_status(b, sent.hash, i) for i in range(3)] == [UNPROCESSED] * 3
    assert _count(devnet, first) == _count(devnet, third) == 0
    assert b.balance(first) == b.balance(third) == 0
    assert b.balance(BASE_TOKEN_HOLDER) == holder_before

    proof = devnet.proof(A, sent.tx).inclusion_proof()
    reverted_with(execute(b, alice, sent.encoded, proof), "MessageRejected")
    assert verify(b, alice, sent.encoded, proof).ok
    receipt = unbundle(b, alice, sent.encoded, [EXECUTED, CANCELLED, EXECUTED])
    assert receipt.ok, receipt.output.hex()
    assert bundle_status(b, sent.hash) == UNBUNDLED
    assert [call_status(b, sent.hash, i) for i in range(3)] == [EXECUTED, CANCELLED, EXECUTED]
    assert _count(devnet, first) == _count(devnet, third) == 1
    assert (b.balance(first), b.balance(third)) == (7, 11)
    assert b.balance(BASE_TOKEN_HOLDER) == holder_before - 18
    assert devnet.bundle(sent.hash).stage == Stage.UNBUNDLED
    # the cancelled call can never run, and nothing runs twice
    reverted_with(unbundle(b, alice, sent.encoded, [UNPROCESSED, EXECUTED, UNPROCESSED]), "CallNotExecutable")
    reverted_with(execute(b, alice, sent.encoded, proof), "BundleAlreadyProcessed")


def _reentrant_setup(
    devnet: Devnet, alice: DevAccount, *, unbundler_on_b: bytes
) -> tuple[bytes, Sent, MessageInclusionProof]:
    devnet.relayer.set_mode("manual")
    recipient = deploy(devnet[B], alice, "ReentrantRecipient")
    sent = send_bundle(
        devnet,
        alice,
        [starter(recipient, b"hello")],
        attributes=[unbundler_address(format_evm_v1(B_ID, unbundler_on_b))],
    )
    proof = deliver(devnet, sent)
    return recipient, sent, proof


def _set_reentry(devnet: Devnet, alice: DevAccount, recipient: bytes, data: bytes, bubble: bool) -> None:
    call = selector("setReentry(bytes,bool)") + encode(["bytes", "bool"], [data, bubble])
    assert devnet[B].transact(alice.private_key, recipient, call, gas=2_000_000).ok


def _last_reentry(devnet: Devnet, recipient: bytes) -> tuple[bool, bytes]:
    b = devnet[B]
    ok = bool(uint_view(b, recipient, "lastReentrySucceeded()"))
    (result,) = decode(["bytes"], b.call(recipient, selector("lastReentryResult()")))
    return ok, bytes(result)


# ---------------------------------------------------------------------- E6


def test_reentering_execute_from_a_recipient_is_blocked_by_the_status(devnet: Devnet, alice: DevAccount) -> None:
    recipient, sent, proof = _reentrant_setup(devnet, alice, unbundler_on_b=alice.address)
    encoded, bundle_hash = sent.encoded, sent.hash
    _set_reentry(devnet, alice, recipient, execute_bundle_calldata(encoded, proof), bubble=False)

    report = devnet.relay()
    assert report.executed == [bundle_hash]
    ok, result = _last_reentry(devnet, recipient)
    assert not ok and error_name(result) == "BundleAlreadyProcessed"
    assert uint_view(devnet[B], recipient, "receivedCount()") == 1
    assert bundle_status(devnet[B], bundle_hash) == FULLY_EXECUTED


def test_bubbled_reentry_reverts_everything(devnet: Devnet, alice: DevAccount) -> None:
    recipient, sent, proof = _reentrant_setup(devnet, alice, unbundler_on_b=alice.address)
    encoded, bundle_hash = sent.encoded, sent.hash
    _set_reentry(devnet, alice, recipient, execute_bundle_calldata(encoded, proof), bubble=True)

    report = devnet.relay()
    assert report.failed and report.failed[0][0] == bundle_hash
    entry = devnet.bundle(bundle_hash)
    assert entry.stage == Stage.FAILED and entry.reason == f"BundleAlreadyProcessed(0x{bundle_hash.hex()})"
    assert bundle_status(devnet[B], bundle_hash) == UNRECEIVED
    assert uint_view(devnet[B], recipient, "receivedCount()") == 0


def test_reentering_unbundle_during_execution_is_refused(devnet: Devnet, alice: DevAccount) -> None:
    b = devnet[B]
    # the recipient itself is the unbundler, so only the status can stop it
    recipient = deploy(b, alice, "ReentrantRecipient")
    devnet.relayer.set_mode("manual")
    sent = send_bundle(
        devnet, alice, [starter(recipient)], attributes=[unbundler_address(format_evm_v1(B_ID, recipient))]
    )
    deliver(devnet, sent)
    _set_reentry(devnet, alice, recipient, unbundle_calldata(sent.encoded, [EXECUTED]), bubble=False)
    assert devnet.relay().executed == [sent.hash]
    ok, result = _last_reentry(devnet, recipient)
    assert not ok and error_name(result) == "CanNotUnbundle"
    assert uint_view(b, recipient, "receivedCount()") == 1
    assert call_status(b, sent.hash, 0) == EXECUTED


def test_reentering_during_unbundle_runs_each_call_at_most_once(devnet: Devnet, alice: DevAccount) -> None:
    recipient, sent, proof = _reentrant_setup(devnet, alice, unbundler_on_b=alice.address)
    encoded, bundle_hash = sent.encoded, sent.hash
    b = devnet[B]
    assert verify(b, alice, encoded, proof).ok
    _set_reentry(devnet, alice, recipient, execute_bundle_calldata(encoded, proof), bubble=False)
    assert unbundle(b, alice, encoded, [EXECUTED]).ok
    ok, result = _last_reentry(devnet, recipient)
    assert not ok and error_name(result) == "BundleAlreadyProcessed"
    assert uint_view(b, recipient, "receivedCount()") == 1
    assert bundle_status(b, bundle_hash) == UNBUNDLED and call_status(b, bundle_hash, 0) == EXECUTED


# ---------------------------------------------------------------------- E7


@pytest.mark.parametrize("kind", ["wrong_selector", "no_code", "eoa"])
def test_recipient_that_does_not_opt_in_is_refused(
    devnet: Devnet, alice: DevAccount, bob: DevAccount, kind: str
) -> None:
    b = devnet[B]
    if kind == "wrong_selector":
        target, returned = deploy(b, alice, "WrongSelectorRecipient"), "0xdeadbeef"
    elif kind == "no_code":
        target, returned = bytes.fromhex("00000000000000000000000000000000c0de0000"), "0x00000000"
    else:
        target, returned = bob.address, "0x00000000"
    assert b.code(target) == b"" or kind == "wrong_selector"
    target_before, holder_before = b.balance(target), b.balance(BASE_TOKEN_HOLDER)

    sent = send_bundle(devnet, alice, [starter(target, b"take this", [interop_call_value(5_000)])])

    entry = devnet.bundle(sent.hash)
    assert entry.stage == Stage.FAILED
    assert entry.reason == f"InvalidSelector({returned})"
    assert bundle_status(b, sent.hash) == UNRECEIVED
    assert call_status(b, sent.hash, 0) == UNPROCESSED
    assert b.balance(target) == target_before
    assert b.balance(BASE_TOKEN_HOLDER) == holder_before
    # nobody else can push it through either
    proof = devnet.proof(A, sent.tx).inclusion_proof()
    reverted_with(execute(b, alice, sent.encoded, proof), "InvalidSelector")


# ---------------------------------------------------------------------- E8


def test_bundle_version_other_than_one_reverts(devnet: Devnet, alice: DevAccount) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    sent = send_bundle(devnet, alice, [starter(recipient)])
    proof = deliver(devnet, sent)
    bundle = sent.bundle
    for version in (b"\x00", b"\x02", b"\xff"):
        forged = InteropBundle(
            version=version,
            source_chain_id=bundle.source_chain_id,
            destination_chain_id=bundle.destination_chain_id,
            destination_base_token_asset_id=bundle.destination_base_token_asset_id,
            interop_bundle_salt=bundle.interop_bundle_salt,
            calls=bundle.calls,
            bundle_attributes=bundle.bundle_attributes,
        ).encode()
        reverted_with(execute(b, alice, forged, proof), "InvalidInteropBundleVersion")
        reverted_with(verify(b, alice, forged, proof), "InvalidInteropBundleVersion")
        reverted_with(unbundle(b, alice, forged, [EXECUTED]), "InvalidInteropBundleVersion")
    assert bundle_status(b, sent.hash) == UNRECEIVED
    assert execute(b, alice, sent.encoded, proof).ok


def test_call_version_other_than_one_reverts_even_when_included(devnet: Devnet, alice: DevAccount) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    base = devnet.contracts.base_token_asset_id(B_ID)
    bundle = InteropBundle(
        source_chain_id=6565,
        destination_chain_id=B_ID,
        destination_base_token_asset_id=base,
        interop_bundle_salt=bundle_salt(alice.address, 10**6),
        calls=(
            InteropCall(to="0x" + recipient.hex(), from_="0x" + alice.address.hex(), data=b"ok"),
            InteropCall(to="0x" + recipient.hex(), from_="0x" + alice.address.hex(), data=b"v2", version=b"\x02"),
        ),
        bundle_attributes=BundleAttributes(unbundler_address=format_evm_v1(B_ID, alice.address)),
    )
    encoded = bundle.encode()
    proof = forge_included(devnet, B, b"\x01" + encoded)

    reverted_with(execute(b, alice, encoded, proof), "InvalidInteropCallVersion")
    assert bundle_status(b, bundle.hash()) == UNRECEIVED
    assert _count(devnet, recipient) == 0
    # the version-1 call alone can still be unbundled; the other never runs
    assert verify(b, alice, encoded, proof).ok
    assert unbundle(b, alice, encoded, [EXECUTED, CANCELLED]).ok
    assert _count(devnet, recipient) == 1
    reverted_with(unbundle(b, alice, encoded, [UNPROCESSED, EXECUTED]), "CallNotExecutable")


# ---------------------------------------------------------------------- E9


def test_wrong_destination_base_token_asset_id_reverts(devnet: Devnet, alice: DevAccount) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    sent = send_bundle(devnet, alice, [starter(recipient)])
    proof = deliver(devnet, sent)
    bundle = sent.bundle
    local = devnet.contracts.base_token_asset_id(B_ID)
    assert bundle.destination_base_token_asset_id == local
    other = bytes.fromhex("ab" * 32)
    tampered = InteropBundle(
        source_chain_id=bundle.source_chain_id,
        destination_chain_id=bundle.destination_chain_id,
        destination_base_token_asset_id=other,
        interop_bundle_salt=bundle.interop_bundle_salt,
        calls=bundle.calls,
        bundle_attributes=bundle.bundle_attributes,
    )
    receipt = execute(b, alice, tampered.encode(), proof)
    assert reverted_with(receipt, "WrongDestinationBaseTokenAssetId") == (
        f"WrongDestinationBaseTokenAssetId(0x{tampered.hash().hex()}, 0x{local.hex()}, 0x{other.hex()})"
    )

    # even a bundle that *is* included (trusted-path root) is refused for the wrong base token
    included = InteropBundle(
        source_chain_id=6565,
        destination_chain_id=B_ID,
        destination_base_token_asset_id=other,
        interop_bundle_salt=bundle_salt(alice.address, 10**6 + 1),
        calls=bundle.calls,
        bundle_attributes=bundle.bundle_attributes,
    )
    forged_proof = forge_included(devnet, B, b"\x01" + included.encode())
    reverted_with(execute(b, alice, included.encode(), forged_proof), "WrongDestinationBaseTokenAssetId")
    reverted_with(verify(b, alice, included.encode(), forged_proof), "WrongDestinationBaseTokenAssetId")
    assert bundle_status(b, included.hash()) == UNRECEIVED
    assert _count(devnet, recipient) == 0
    assert execute(b, alice, sent.encoded, proof).ok
