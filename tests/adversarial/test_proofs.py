"""Proofs and roots (adversarial.md B.5, P1-P4 and P6-P9; Nomad, BNB and Wormhole classes) on the integrated devnet.

P5 (single-bit mutations) and P10 (Python/Solidity differential) are property tests in
``test_proof_properties.py``.
"""

from __future__ import annotations

import pytest
from adversarial_helpers import (
    A_ID,
    ADD_INTEROP_ROOT,
    B_ID,
    GW_ID,
    PROVE_LEAF,
    A,
    B,
    Sent,
    bundle_status,
    call_reverts_with,
    deliver,
    deploy,
    execute,
    interop_root,
    prove_message_calldata,
    reverted_with,
    send_bundle,
    starter,
    uint_view,
    verify,
    word,
)
from eth_abi.abi import encode

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.engine.chain import Chain
from zkconnect.errors import InteropError
from zkconnect.genesis.build import VALIDATOR
from zkconnect.protocol.addresses import (
    BOOTLOADER,
    GW_ASSET_TRACKER,
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L2_INTEROP_ROOT_STORAGE,
    L2_MESSAGE_ROOT,
    L2_MESSAGE_VERIFICATION,
)
from zkconnect.protocol.merkle import encode_proof_metadata, hash_pair, message_log
from zkconnect.protocol.messages import (
    InteropBundle,
    InteropCall,
    L2Message,
    MessageInclusionProof,
    selector,
)

ADD_SINGLE = selector("addSingleInteropRoot((uint256,uint256,bytes32[]))")
ADD_BATCH = selector("addInteropRootsInBatch((uint256,uint256,bytes32[])[])")


def _root_writes(gw_block: int, root: bytes) -> list[bytes]:
    """The three ways to write a root, as calldata."""
    return [
        ADD_INTEROP_ROOT + encode(["uint256", "uint256", "bytes32[]"], [GW_ID, gw_block, [root]]),
        ADD_SINGLE + encode(["(uint256,uint256,bytes32[])"], [(GW_ID, gw_block, [root])]),
        ADD_BATCH + encode(["(uint256,uint256,bytes32[])[]"], [[(GW_ID, gw_block, [root])]]),
    ]


def _pending(devnet: Devnet, alice: DevAccount) -> tuple[bytes, Sent, MessageInclusionProof]:
    """A bundle to zk-b, settled and its root imported on zk-b, not executed (relayer in manual mode)."""
    devnet.relayer.set_mode("manual")
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    sent = send_bundle(devnet, alice, [starter(recipient, b"x")])
    return recipient, sent, deliver(devnet, sent)


def _proves(chain: Chain, proof: MessageInclusionProof) -> bool:
    return chain.call(L2_MESSAGE_VERIFICATION, prove_message_calldata(proof)) == word(1)


def _with(original: MessageInclusionProof, /, **changes: object) -> MessageInclusionProof:
    values: dict[str, object] = {
        "chain_id": original.chain_id,
        "l1_batch_number": original.l1_batch_number,
        "l2_message_index": original.l2_message_index,
        "message": original.message,
        "proof": original.proof,
    }
    values.update(changes)
    return MessageInclusionProof(**values)  # type: ignore[arg-type]


def _unchanged(devnet: Devnet, sent: Sent, recipient: bytes) -> None:
    b = devnet[B]
    assert bundle_status(b, sent.hash) == 0
    assert uint_view(b, recipient, "count()") == 0
    assert b.balance(recipient) == 0


# ---------------------------------------------------------------------- P1


def test_zero_root_is_never_stored(devnet: Devnet) -> None:
    b = devnet[B]
    for data in _root_writes(777, bytes(32)):
        receipt = b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, data)
        reverted_with(receipt, "MessageRootIsZero")
    assert interop_root(b, 777) == bytes(32)
    # Gateway's MessageRoot refuses a zero batch root even from its only writer, the asset tracker
    gw = devnet.gateway
    next_batch = devnet.settlement.settled_batch(A_ID) + 1
    data = selector("addChainBatchRoot(uint256,uint256,bytes32)") + encode(
        ["uint256", "uint256", "bytes32"], [A_ID, next_batch, bytes(32)]
    )
    call_reverts_with(gw, L2_MESSAGE_ROOT, data, "ChainBatchRootZero", sender=GW_ASSET_TRACKER)
    # the pipeline never queues a zero root either
    with pytest.raises(InteropError, match="stored no interop root"):
        devnet.settlement.queue_import(gw.block_number + 100)


def test_unproven_bundle_against_a_block_without_root_is_not_included(devnet: Devnet, alice: DevAccount) -> None:
    """Nomad: a message nobody proved must not map to an acceptable (zero) root."""
    recipient, sent, proof = _pending(devnet, alice)
    packed_index = 1 + 15 + 1 + proof.proof[0][2]
    packed = int.from_bytes(proof.proof[packed_index], "big")
    empty_block = 900_000
    rerouted = list(proof.proof)
    rerouted[packed_index] = ((empty_block << 128) | (packed & (2**128 - 1))).to_bytes(32, "big")
    forged = _with(proof, proof=tuple(rerouted))
    b = devnet[B]
    assert interop_root(b, empty_block) == bytes(32)
    assert not _proves(b, forged)
    reverted_with(execute(b, alice, sent.encoded, forged), "MessageNotIncluded")
    _unchanged(devnet, sent, recipient)


# ---------------------------------------------------------------------- P2


def test_empty_proof_or_proof_of_another_leaf_is_not_included(devnet: Devnet, alice: DevAccount) -> None:
    recipient, sent, proof = _pending(devnet, alice)
    other = send_bundle(devnet, alice, [starter(recipient, b"another")])
    other_proof = deliver(devnet, other)
    b = devnet[B]

    cases = {
        "empty": _with(proof, proof=()),
        "another bundle's proof": other_proof,
        "another leaf index": _with(proof, l2_message_index=proof.l2_message_index + 1),
        "another batch": other_proof if other_proof.l1_batch_number != proof.l1_batch_number else None,
    }
    for name, bad in cases.items():
        if bad is None:
            continue
        receipt = execute(b, alice, sent.encoded, bad)
        assert reverted_with(receipt, "MessageNotIncluded") == "MessageNotIncluded()", name
        reverted_with(verify(b, alice, sent.encoded, bad), "MessageNotIncluded")
    _unchanged(devnet, sent, recipient)
    assert execute(b, alice, sent.encoded, proof).ok


def test_valid_proof_on_a_chain_without_the_root_is_not_included(devnet: Devnet, alice: DevAccount) -> None:
    devnet.relayer.set_mode("manual")
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    sent = send_bundle(devnet, alice, [starter(recipient)])
    devnet.settlement.settle()  # executed on Gateway; nobody queued its root for zk-b
    proof = devnet.proof(A, sent.tx)
    assert proof.gateway_block_number is not None
    b = devnet[B]
    for _ in range(2):
        receipt = execute(b, alice, sent.encoded, proof.inclusion_proof())
        reverted_with(receipt, "MessageNotIncluded")
    assert interop_root(b, proof.gateway_block_number) == bytes(32)
    assert proof.gateway_block_number not in devnet.settlement.imported_roots(B_ID)
    _unchanged(devnet, sent, recipient)
    devnet.relay()
    assert devnet.bundle(sent.hash).stage.value == "executed"


# ---------------------------------------------------------------------- P3


def test_second_root_for_the_same_block_is_refused(devnet: Devnet, alice: DevAccount) -> None:
    _, sent, proof = _pending(devnet, alice)
    gw_block = int.from_bytes(proof.proof[1 + 15 + 1 + proof.proof[0][2]], "big") >> 128
    b = devnet[B]
    first = interop_root(b, gw_block)
    assert first != bytes(32) and first == devnet.settlement.historical_root(gw_block)
    for root in (bytes.fromhex("11" * 32), first):
        for data in _root_writes(gw_block, root):
            receipt = b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, data)
            reverted_with(receipt, "InteropRootAlreadyExists")
    assert interop_root(b, gw_block) == first
    assert execute(b, alice, sent.encoded, proof).ok


# ---------------------------------------------------------------------- P4


def test_root_written_by_anyone_but_the_bootloader_is_refused(devnet: Devnet, alice: DevAccount) -> None:
    b = devnet[B]
    relayer = devnet.contracts.relayer
    root = bytes.fromhex("22" * 32)
    for data in _root_writes(4242, root):
        for account in (alice, relayer):
            receipt = b.transact(account.private_key, L2_INTEROP_ROOT_STORAGE, data, gas=1_000_000)
            assert reverted_with(receipt, "Unauthorized") == f"Unauthorized(0x{account.address.hex()})"
        for impostor in (VALIDATOR, INTEROP_HANDLER, GW_ASSET_TRACKER):
            receipt = b.system_call(impostor, L2_INTEROP_ROOT_STORAGE, data)
            assert reverted_with(receipt, "Unauthorized") == f"Unauthorized(0x{impostor.hex()})"
    assert interop_root(b, 4242) == bytes(32)
    # on Gateway, the relayer can neither append batch roots nor execute batches
    gw = devnet.gateway
    data = selector("addChainBatchRoot(uint256,uint256,bytes32)") + encode(
        ["uint256", "uint256", "bytes32"], [A_ID, devnet.settlement.settled_batch(A_ID) + 1, root]
    )
    receipt = gw.transact(relayer.private_key, L2_MESSAGE_ROOT, data, gas=1_000_000)
    reverted_with(receipt, "OnlyAssetTracker")


# ---------------------------------------------------------------------- P6


def test_log_path_one_word_short_or_long_reverts(devnet: Devnet, alice: DevAccount) -> None:
    recipient, sent, proof = _pending(devnet, alice)
    b = devnet[B]
    words = list(proof.proof)
    meta = words[0]
    short = [encode_proof_metadata(14, meta[2], False), *words[1:15], *words[16:]]
    long = [encode_proof_metadata(16, meta[2], False), *words[1:16], bytes(32), *words[16:]]
    for bad, length in ((short, 14), (long, 16)):
        forged = _with(proof, proof=tuple(bad))
        reason = call_reverts_with(
            b, L2_MESSAGE_VERIFICATION, prove_message_calldata(forged), "MerklePathLengthMismatch"
        )
        assert reason == f"MerklePathLengthMismatch({length}, 15)"
        reverted_with(execute(b, alice, sent.encoded, forged), "MessageNotIncluded")
    # a word after the final node, or one missing from the last path
    for bad_words, name in (
        ([*words, bytes(32)], "InvalidProofFormat"),
        (words[:-1], "MerklePathOutOfBounds"),
    ):
        forged = _with(proof, proof=tuple(bad_words))
        call_reverts_with(b, L2_MESSAGE_VERIFICATION, prove_message_calldata(forged), name)
        reverted_with(execute(b, alice, sent.encoded, forged), "MessageNotIncluded")
    _unchanged(devnet, sent, recipient)
    assert execute(b, alice, sent.encoded, proof).ok


def test_index_beyond_the_tree_height_reverts(devnet: Devnet, alice: DevAccount) -> None:
    recipient, sent, proof = _pending(devnet, alice)
    b = devnet[B]
    batch_proof_len = proof.proof[0][2]
    mask_at = 1 + 15
    packed_at = mask_at + 1 + batch_proof_len
    level1_len = proof.proof[packed_at + 2][1]
    packed = int.from_bytes(proof.proof[packed_at], "big")

    def replaced(index: int, value: int) -> tuple[bytes, ...]:
        words = list(proof.proof)
        words[index] = value.to_bytes(32, "big")
        return tuple(words)

    cases = [
        _with(proof, l2_message_index=proof.l2_message_index + 2**14),  # log tree: 2^14 leaves
        _with(proof, l2_message_index=2**256 - 1),
        _with(proof, proof=replaced(mask_at, 2**batch_proof_len)),  # chain tree
        _with(proof, proof=replaced(packed_at, (packed >> 128 << 128) | 2**level1_len)),  # shared tree
    ]
    for forged in cases:
        call_reverts_with(b, L2_MESSAGE_VERIFICATION, prove_message_calldata(forged), "MerkleIndexOutOfBounds")
        reverted_with(execute(b, alice, sent.encoded, forged), "MessageNotIncluded")
    _unchanged(devnet, sent, recipient)


# ---------------------------------------------------------------------- P7


def test_inner_node_submitted_as_a_leaf_is_rejected(devnet: Devnet, alice: DevAccount) -> None:
    recipient, sent, proof = _pending(devnet, alice)
    b = devnet[B]
    leaf = proof.message.leaf_hash()
    index = proof.l2_message_index
    log_path = list(proof.proof[1:16])
    rest = list(proof.proof[16:])
    inner = hash_pair(leaf, log_path[0]) if index % 2 == 0 else hash_pair(log_path[0], leaf)
    meta = proof.proof[0]

    def prove_leaf(node: bytes, mask: int, words: list[bytes]) -> bytes:
        types = ["uint256", "uint256", "uint256", "bytes32", "bytes32[]"]
        return PROVE_LEAF + encode(types, [A_ID, proof.l1_batch_number, mask, node, words])

    # the real leaf verifies through the leaf entry point: the harness is sound
    assert b.call(L2_MESSAGE_VERIFICATION, prove_leaf(leaf, index, list(proof.proof))) == word(1)
    # the level-1 node with the 14 remaining words is refused for its path length
    short = [encode_proof_metadata(14, meta[2], False), *log_path[1:], *rest]
    call_reverts_with(b, L2_MESSAGE_VERIFICATION, prove_leaf(inner, index >> 1, short), "MerklePathLengthMismatch")
    # ...and padded to 15 words it climbs one level too high
    for pad in (bytes(32), log_path[-1]):
        padded = [meta, *log_path[1:], pad, *rest]
        assert b.call(L2_MESSAGE_VERIFICATION, prove_leaf(inner, index >> 1, padded)) == word(0)
    # the 64-byte node as a message's data is hashed as an 88-byte log leaf, never as a node
    node_message = L2Message(
        tx_number_in_batch=proof.message.tx_number_in_batch, sender=proof.message.sender, data=leaf + log_path[0]
    )
    assert message_log(node_message.tx_number_in_batch, node_message.sender, node_message.data).leaf_hash() != inner
    for mask, words in ((index, list(proof.proof)), (index >> 1, [meta, *log_path[1:], bytes(32), *rest])):
        forged = _with(proof, message=node_message, l2_message_index=mask, proof=tuple(words))
        assert not _proves(b, forged)
    _unchanged(devnet, sent, recipient)


# ---------------------------------------------------------------------- P8


def test_proof_of_chain_a_attached_to_a_bundle_claiming_chain_b_reverts(devnet: Devnet, alice: DevAccount) -> None:
    recipient, sent, proof = _pending(devnet, alice)
    b = devnet[B]
    bundle = sent.bundle
    claimed = InteropBundle(
        source_chain_id=B_ID,
        destination_chain_id=bundle.destination_chain_id,
        destination_base_token_asset_id=bundle.destination_base_token_asset_id,
        interop_bundle_salt=bundle.interop_bundle_salt,
        calls=bundle.calls,
        bundle_attributes=bundle.bundle_attributes,
    )
    receipt = execute(b, alice, claimed.encode(), proof)
    assert reverted_with(receipt, "WrongSourceChainId") == (
        f"WrongSourceChainId(0x{claimed.hash().hex()}, {B_ID}, {A_ID})"
    )
    reverted_with(verify(b, alice, claimed.encode(), proof), "WrongSourceChainId")
    # making the proof claim chain B too only moves the failure to the proof itself
    as_b = _with(proof, chain_id=B_ID)
    reverted_with(execute(b, alice, claimed.encode(), as_b), "MessageNotIncluded")
    # and the genuine bundle with a proof claiming chain B is refused before the proof is read
    reverted_with(execute(b, alice, sent.encoded, as_b), "WrongSourceChainId")
    assert bundle_status(b, claimed.hash()) == 0
    _unchanged(devnet, sent, recipient)


# ---------------------------------------------------------------------- P9


def test_included_message_from_another_sender_is_refused(devnet: Devnet, alice: DevAccount) -> None:
    a, b = devnet[A], devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    emitter = deploy(a, alice, "InteropMessageSender")
    bundle = InteropBundle(
        source_chain_id=A_ID,
        destination_chain_id=B_ID,
        destination_base_token_asset_id=devnet.contracts.base_token_asset_id(B_ID),
        interop_bundle_salt=bytes.fromhex("5a" * 32),
        calls=(InteropCall(to="0x" + recipient.hex(), from_="0x" + alice.address.hex(), value=10**18, data=b"free"),),
    )
    encoded = bundle.encode()
    data = selector("sendMessage(bytes)") + encode(["bytes"], [b"\x01" + encoded])
    receipt = a.transact(alice.private_key, emitter, data, gas=2_000_000)
    assert receipt.ok
    # the relayer settles it as a plain message, and never tries to execute it
    (entry,) = devnet.messages(receipt.tx_hash)
    assert entry.kind == "message" and entry.sender == emitter
    proof = devnet.proof(A, receipt.tx_hash).inclusion_proof()
    assert proof.message.sender.lower() == "0x" + emitter.hex()
    assert _proves(b, proof), "the message really is included on zk-b"

    reverted = execute(b, alice, encoded, proof)
    assert reverted_with(reverted, "UnauthorizedMessageSender") == (
        f"UnauthorizedMessageSender(0x{INTEROP_CENTER.hex()}, 0x{emitter.hex()})"
    )
    reverted_with(verify(b, alice, encoded, proof), "UnauthorizedMessageSender")
    # claiming the InteropCenter as sender breaks the inclusion proof instead
    as_center = _with(
        proof,
        message=L2Message(
            tx_number_in_batch=proof.message.tx_number_in_batch, sender=INTEROP_CENTER, data=proof.message.data
        ),
    )
    reverted_with(execute(b, alice, encoded, as_center), "MessageNotIncluded")
    assert bundle_status(b, bundle.hash()) == 0
    assert uint_view(b, recipient, "count()") == 0 and b.balance(recipient) == 0


def test_settlement_layer_metadata_word_deleted_is_rejected(devnet: Devnet, alice: DevAccount) -> None:
    """Found by P10: with the level-1 metadata word deleted, the rest parsed as a legacy path and still verified."""
    recipient, sent, proof = _pending(devnet, alice)
    b = devnet[B]
    level1_at = 1 + 15 + 1 + proof.proof[0][2] + 2
    assert proof.proof[level1_at][:4] == bytes([1, len(proof.proof) - level1_at - 1, 0, 1])
    words = list(proof.proof)
    del words[level1_at]
    forged = _with(proof, proof=tuple(words))
    call_reverts_with(b, L2_MESSAGE_VERIFICATION, prove_message_calldata(forged), "InvalidProofFormat")
    reverted_with(execute(b, alice, sent.encoded, forged), "MessageNotIncluded")
    _unchanged(devnet, sent, recipient)
