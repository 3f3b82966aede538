"""Property tests of the verifier (adversarial.md B.5 P5 and P10; the BNB-bridge class).

P5: every single-bit change of a real bundle's proof, message, leaf index, batch number or source
chain is rejected by the deployed L2MessageVerification and by ``executeBundle``, and the original
proof still executes afterwards.

P10: the Python verifier (:func:`zkconnect.protocol.merkle.verify_message_proof`) and the deployed
Solidity one agree on the verdict and on the root for random trees, valid and mutated proofs.
The suite runs ``ZKCONNECT_P10_CASES`` random cases (default 300) plus Hypothesis examples.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from adversarial_helpers import (
    ADD_INTEROP_ROOT,
    GW_ID,
    PROVE_LEAF,
    B,
    Sent,
    bundle_status,
    deliver,
    deploy,
    execute,
    prove_message_calldata,
    send_bundle,
    starter,
    uint_view,
    word,
)
from eth_abi.abi import encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkconnect import Devnet
from zkconnect.engine.chain import Chain, SystemCall
from zkconnect.errors import TransactionReverted
from zkconnect.protocol.addresses import BOOTLOADER, INTEROP_HANDLER, L2_INTEROP_ROOT_STORAGE, L2_MESSAGE_VERIFICATION
from zkconnect.protocol.merkle import (
    DynamicIncrementalMerkle,
    FullMerkle,
    LogTree,
    batch_root,
    batch_root_leaf,
    build_gateway_interop_proof,
    chain_id_leaf,
    empty_multichain_batch_root,
    message_log,
    verify_message_proof,
)
from zkconnect.protocol.messages import L2Message, MessageInclusionProof, execute_bundle_calldata, selector

P10_CASES = int(os.environ.get("ZKCONNECT_P10_CASES", "300"))
P10_FIRST_BLOCK = 2_000_000


@dataclass(frozen=True)
class Pending:
    sent: Sent
    proof: MessageInclusionProof
    recipient: bytes


@pytest.fixture(scope="module")
def pending(devnet_module: Devnet) -> Pending:
    """A real bundle from zk-a, settled and its root imported on zk-b, not executed (relayer paused)."""
    devnet = devnet_module
    devnet.relayer.pause()
    alice = devnet.accounts[0]
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    filler = deploy(devnet["zk-a"], alice, "InteropMessageSender")
    # a few other messages in the same source block, so the bundle is not alone in its log tree
    a = devnet["zk-a"]
    a.automine = False
    try:
        for i in range(3):
            data = selector("sendMessage(bytes)") + encode(["bytes"], [b"filler %d" % i])
            a.submit(a.sign(alice.private_key, filler, data, gas=500_000))
    finally:
        a.automine = True
    sent = send_bundle(devnet, alice, [starter(recipient, b"property")])
    proof = deliver(devnet, sent)
    assert proof.l2_message_index > 0
    return Pending(sent, proof, recipient)


@pytest.fixture
def p(pending: Pending, devnet: Devnet) -> Iterator[Pending]:
    yield pending


def _verdict(chain: Chain, proof: MessageInclusionProof) -> bool:
    try:
        return chain.call(L2_MESSAGE_VERIFICATION, prove_message_calldata(proof)) == word(1)
    except TransactionReverted:
        return False


def _flip(value: bytes, bit: int) -> bytes:
    as_int = int.from_bytes(value, "big") ^ (1 << bit)
    return as_int.to_bytes(len(value), "big")


def _mutate(proof: MessageInclusionProof, target: str, position: int, bit: int) -> MessageInclusionProof:
    chain_id, batch, index, message, words = (
        proof.chain_id,
        proof.l1_batch_number,
        proof.l2_message_index,
        proof.message,
        list(proof.proof),
    )
    if target == "proof":
        at = position % len(words)
        words[at] = _flip(words[at], bit % 256)
    elif target == "data":
        data = message.data
        at = position % len(data)
        data = data[:at] + bytes([data[at] ^ (1 << (bit % 8))]) + data[at + 1 :]
        message = L2Message(tx_number_in_batch=message.tx_number_in_batch, sender=message.sender, data=data)
    elif target == "sender":
        sender = _flip(bytes.fromhex(message.sender[2:]), bit % 160)
        message = L2Message(tx_number_in_batch=message.tx_number_in_batch, sender=sender, data=message.data)
    elif target == "tx_number":
        message = L2Message(
            tx_number_in_batch=message.tx_number_in_batch ^ (1 << (bit % 16)), sender=message.sender, data=message.data
        )
    elif target == "index":
        index ^= 1 << (bit % 256)
    elif target == "batch":
        batch ^= 1 << (bit % 256)
    elif target == "chain":
        chain_id ^= 1 << (bit % 256)
    return MessageInclusionProof(
        chain_id=chain_id, l1_batch_number=batch, l2_message_index=index, message=message, proof=tuple(words)
    )


TARGETS = ["proof", "proof", "proof", "data", "sender", "tx_number", "index", "batch", "chain"]


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(TARGETS), position=st.integers(0, 10_000), bit=st.integers(0, 255))
def test_every_single_bit_change_is_rejected(p: Pending, devnet: Devnet, target: str, position: int, bit: int) -> None:
    b = devnet[B]
    mutated = _mutate(p.proof, target, position, bit)
    assert mutated != p.proof
    assert not _verdict(b, mutated), f"{target} bit {bit} at {position} still verifies"
    encoded = p.sent.encoded
    if target == "data":
        # executeBundle overwrites the proven data with 0x01 ‖ bundle: the same change must come in the bundle
        if mutated.message.data[:1] != b"\x01":
            return
        encoded = mutated.message.data[1:]
    with pytest.raises(TransactionReverted):
        b.call(INTEROP_HANDLER, execute_bundle_calldata(encoded, mutated), gas=8_000_000)


@pytest.mark.slow
def test_every_bit_of_the_proof_words_exhaustively_on_a_sample(p: Pending, devnet: Devnet) -> None:
    """Each of the 256 bits of the metadata word and of the packed settlement-layer word: they carry
    lengths, flags and numbers rather than hashes."""
    b = devnet[B]
    packed_at = 1 + 15 + 1 + p.proof.proof[0][2]
    for at in (0, packed_at):
        for bit in range(256):
            words = list(p.proof.proof)
            words[at] = _flip(words[at], bit)
            mutated = MessageInclusionProof(
                chain_id=p.proof.chain_id,
                l1_batch_number=p.proof.l1_batch_number,
                l2_message_index=p.proof.l2_message_index,
                message=p.proof.message,
                proof=tuple(words),
            )
            assert not _verdict(b, mutated), f"word {at} bit {bit} still verifies"


@pytest.mark.slow
def test_original_proof_still_executes_after_the_mutations(p: Pending, devnet: Devnet) -> None:
    b = devnet[B]
    alice = devnet.accounts[0]
    assert _verdict(b, p.proof)
    assert bundle_status(b, p.sent.hash) == 0
    assert execute(b, alice, p.sent.encoded, p.proof).ok
    assert uint_view(b, p.recipient, "count()") == 1


# ---------------------------------------------------------------------- P10


@dataclass(frozen=True)
class Case:
    chain_id: int
    batch_number: int
    leaf_index: int
    leaf: bytes
    proof: tuple[bytes, ...]
    gw_block: int
    root: bytes


def _random_case(rng: random.Random, gw_block: int) -> Case:
    chain_id = rng.choice([6565, 6566, 271, rng.randrange(1, 2**64)])
    batch_number = rng.randrange(1, 2**32)
    logs = [
        message_log(rng.randrange(2**16), rng.randbytes(20), rng.randbytes(rng.randrange(0, 80)))
        for _ in range(rng.randrange(1, 40))
    ]
    tree = LogTree(logs)
    leaf_index = rng.randrange(len(logs))
    root = batch_root(tree.root(), empty_multichain_batch_root(chain_id))
    chain_tree = DynamicIncrementalMerkle([rng.randbytes(32) for _ in range(rng.randrange(0, 20))])
    batch_leaf_index = chain_tree.push(batch_root_leaf(root, batch_number))
    for _ in range(rng.randrange(0, 3)):
        chain_tree.push(rng.randbytes(32))
    shared = FullMerkle([chain_id_leaf(bytes(32), GW_ID)] + [rng.randbytes(32) for _ in range(rng.randrange(0, 8))])
    chain_index = shared.push(chain_id_leaf(chain_tree.root(), chain_id))
    for _ in range(rng.randrange(0, 3)):
        shared.push(rng.randbytes(32))
    built = build_gateway_interop_proof(
        logs=tree,
        leaf_index=leaf_index,
        chain_id=chain_id,
        batch_number=batch_number,
        chain_tree=chain_tree,
        batch_leaf_index=batch_leaf_index,
        shared_tree=shared,
        chain_index=chain_index,
        gateway_chain_id=GW_ID,
        gateway_block_number=gw_block,
    )
    return Case(
        chain_id, batch_number, leaf_index, logs[leaf_index].leaf_hash(), built.proof, gw_block, built.target.root
    )


def _mutated(rng: random.Random, case: Case) -> Case:
    kind = rng.randrange(7)
    words = list(case.proof)
    if kind == 0:
        at = rng.randrange(len(words))
        words[at] = _flip(words[at], rng.randrange(256))
        return Case(
            case.chain_id, case.batch_number, case.leaf_index, case.leaf, tuple(words), case.gw_block, case.root
        )
    if kind == 1:
        del words[rng.randrange(len(words))]
        return Case(
            case.chain_id, case.batch_number, case.leaf_index, case.leaf, tuple(words), case.gw_block, case.root
        )
    if kind == 2:
        words.insert(rng.randrange(len(words) + 1), rng.randbytes(32))
        return Case(
            case.chain_id, case.batch_number, case.leaf_index, case.leaf, tuple(words), case.gw_block, case.root
        )
    if kind == 3:
        return Case(
            case.chain_id,
            case.batch_number,
            case.leaf_index ^ (1 << rng.randrange(16)),
            case.leaf,
            case.proof,
            case.gw_block,
            case.root,
        )
    if kind == 4:
        return Case(
            case.chain_id,
            case.batch_number ^ (1 << rng.randrange(40)),
            case.leaf_index,
            case.leaf,
            case.proof,
            case.gw_block,
            case.root,
        )
    if kind == 5:
        return Case(
            case.chain_id,
            case.batch_number,
            case.leaf_index,
            _flip(case.leaf, rng.randrange(256)),
            case.proof,
            case.gw_block,
            case.root,
        )
    return Case(
        case.chain_id ^ (1 << rng.randrange(32)),
        case.batch_number,
        case.leaf_index,
        case.leaf,
        case.proof,
        case.gw_block,
        case.root,
    )


def _import_roots(chain: Chain, cases: list[Case]) -> None:
    for start in range(0, len(cases), 100):
        calls = [
            SystemCall(
                BOOTLOADER,
                L2_INTEROP_ROOT_STORAGE,
                ADD_INTEROP_ROOT + encode(["uint256", "uint256", "bytes32[]"], [GW_ID, c.gw_block, [c.root]]),
                gas=200_000,
            )
            for c in cases[start : start + 100]
        ]
        assert all(r.ok for r in chain.system_calls(calls))


def _solidity(chain: Chain, case: Case) -> bool:
    types = ["uint256", "uint256", "uint256", "bytes32", "bytes32[]"]
    data = PROVE_LEAF + encode(types, [case.chain_id, case.batch_number, case.leaf_index, case.leaf, list(case.proof)])
    try:
        return chain.call(L2_MESSAGE_VERIFICATION, data) == word(1)
    except TransactionReverted:
        return False


def _python(stored: dict[tuple[int, int], bytes], case: Case) -> bool:
    return verify_message_proof(
        case.chain_id, case.batch_number, case.leaf_index, case.leaf, case.proof, lambda c, n: stored.get((c, n))
    )


def _check_agreement(chain: Chain, cases: list[Case], rng: random.Random) -> tuple[int, int]:
    _import_roots(chain, cases)
    stored = {(GW_ID, c.gw_block): c.root for c in cases}
    valid = rejected = 0
    for case in cases:
        assert _python(stored, case) and _solidity(chain, case), f"valid case rejected: {case}"
        valid += 1
        bad = _mutated(rng, case)
        py, sol = _python(stored, bad), _solidity(chain, bad)
        assert py == sol, f"Python says {py}, Solidity says {sol} for {bad}"
        rejected += not py
    return valid, rejected


@pytest.mark.slow
def test_python_and_solidity_agree_on_random_trees(devnet: Devnet) -> None:
    rng = random.Random(0x5EED)
    cases = [_random_case(rng, P10_FIRST_BLOCK + i) for i in range(P10_CASES)]
    valid, rejected = _check_agreement(devnet[B], cases, rng)
    assert valid == P10_CASES
    assert rejected >= P10_CASES * 0.95  # a mutation may be a no-op only by luck (e.g. an unused high bit)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**64 - 1))
def test_python_and_solidity_agree_hypothesis(devnet_module: Devnet, seed: int) -> None:
    rng = random.Random(seed)
    block = P10_FIRST_BLOCK + 10**6 + seed % 10**12
    sid = devnet_module.snapshot()
    try:
        _check_agreement(devnet_module[B], [_random_case(rng, block)], rng)
    finally:
        devnet_module.revert(sid)
