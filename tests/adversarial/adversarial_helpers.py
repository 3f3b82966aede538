"""Helpers of the adversarial catalogue tests (see ``conftest.py`` for the fixtures).

Bundles are sent through the real InteropCenter, settled through the real Gateway executors and
proven with the devnet's own proofs; the helpers only build calldata and read state.

``forge_included`` is the one shortcut: for checks that sit *behind* the proof (a call version
the InteropCenter never emits, a message from another sender), it imports a root built in
Python through the trusted bootloader path, at a Gateway block number no real block has. It
models an operator that accepted a malformed bundle, to show the handler still refuses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from eth_abi.abi import decode, encode

from zkconnect.accounts import DevAccount
from zkconnect.artifacts import load
from zkconnect.devnet import Devnet
from zkconnect.engine.chain import Chain, Receipt
from zkconnect.errors import TransactionReverted
from zkconnect.protocol.addresses import (
    BOOTLOADER,
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L1_MESSENGER,
    L2_INTEROP_ROOT_STORAGE,
)
from zkconnect.protocol.merkle import (
    DynamicIncrementalMerkle,
    FullMerkle,
    LogTree,
    batch_root,
    batch_root_leaf,
    build_gateway_interop_proof,
    chain_id_leaf,
    empty_multichain_batch_root,
    keccak,
    message_log,
)
from zkconnect.protocol.messages import (
    INTEROP_BUNDLE_ABI_TYPE,
    INTEROP_CALL_VALUE_SELECTOR,
    InteropBundle,
    L2Message,
    MessageInclusionProof,
    execute_bundle_calldata,
    format_evm_v1,
    selector,
    verify_bundle_calldata,
)
from zkconnect.protocol.reverts import describe_revert, error_name

A, B = "zk-a", "zk-b"
A_ID, B_ID, GW_ID, L1_ID = 6565, 6566, 506, 31337
TX_GAS = 8_000_000
FORGED_GATEWAY_BLOCK = 1_000_000
"""Gateway block numbers from here on are never reached by the devnet: forged roots go there."""

CALL_STARTERS = "(bytes,bytes,bytes[])[]"
SEND_BUNDLE = selector(f"sendBundle(bytes,{CALL_STARTERS},bytes[])")
BUNDLE_STATUS = selector("bundleStatus(bytes32)")
CALL_STATUS = selector("callStatus(bytes32,uint256)")
UNBUNDLE = selector("unbundleBundle(bytes,uint8[])")
ADD_INTEROP_ROOT = selector("addInteropRoot(uint256,uint256,bytes32[])")
INTEROP_ROOTS = selector("interopRoots(uint256,uint256)")
PROVE_MESSAGE = selector(f"proveL2MessageInclusionShared(uint256,uint256,uint256,{'(uint16,address,bytes)'},bytes32[])")
PROVE_LEAF = selector("proveL2LeafInclusionShared(uint256,uint256,uint256,bytes32,bytes32[])")


# ---------------------------------------------------------------------- calldata and state


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def deploy(chain: Chain, who: DevAccount, name: str, types: Sequence[str] = (), args: Sequence[Any] = ()) -> bytes:
    """Deploy a shipped artifact (``contracts/src/samples``) and return its address."""
    return chain.deploy(who.private_key, load(name).bytecode + encode(list(types), list(args)), gas=TX_GAS)


def starter(to: bytes, data: bytes = b"", attributes: Sequence[bytes] = ()) -> tuple[bytes, bytes, list[bytes]]:
    """An ``InteropCallStarter`` tuple: ``to`` is a 20-byte address on the destination."""
    return (format_evm_v1(None, to), data, list(attributes))


def interop_fee(chain: Chain) -> int:
    return int.from_bytes(chain.call(INTEROP_CENTER, selector("interopProtocolFee()")), "big")


def bundle_status(chain: Chain, bundle_hash: bytes) -> int:
    return int.from_bytes(chain.call(INTEROP_HANDLER, BUNDLE_STATUS + bundle_hash), "big")


def call_status(chain: Chain, bundle_hash: bytes, index: int) -> int:
    return int.from_bytes(chain.call(INTEROP_HANDLER, CALL_STATUS + bundle_hash + word(index)), "big")


def uint_view(chain: Chain, to: bytes, signature: str, *args: Any) -> int:
    types = signature[signature.index("(") + 1 : -1]
    data = selector(signature) + (encode(types.split(","), list(args)) if types else b"")
    return int.from_bytes(chain.call(to, data), "big")


def unbundle_calldata(encoded: bytes, statuses: Sequence[int]) -> bytes:
    return UNBUNDLE + encode(["bytes", "uint8[]"], [encoded, list(statuses)])


def reverted_with(receipt: Receipt, name: str) -> str:
    """Assert ``receipt`` reverted with custom error ``name``; returns the decoded reason."""
    assert receipt.status == 0, f"expected a revert with {name}, but the transaction succeeded"
    found = error_name(receipt.output)
    assert found == name, f"expected {name}, got {describe_revert(receipt.output)}"
    return describe_revert(receipt.output)


def call_reverts_with(chain: Chain, to: bytes, data: bytes, name: str, *, sender: bytes | None = None) -> str:
    """Assert an ``eth_call`` reverts with custom error ``name``; returns the decoded reason."""
    with pytest.raises(TransactionReverted) as info:
        chain.call(to, data, sender=sender, gas=TX_GAS)
    found = error_name(info.value.data)
    assert found == name, f"expected {name}, got {describe_revert(info.value.data)}"
    return describe_revert(info.value.data)


# ---------------------------------------------------------------------- bundles


@dataclass(frozen=True)
class Sent:
    """A bundle as the source chain's InteropCenter emitted it."""

    chain_id: int
    receipt: Receipt
    encoded: bytes
    hash: bytes

    @property
    def bundle(self) -> InteropBundle:
        return InteropBundle.decode(self.encoded)

    @property
    def tx(self) -> bytes:
        return self.receipt.tx_hash


def _call_value(attributes: Sequence[bytes]) -> int:
    for attribute in attributes:
        if attribute[:4] == INTEROP_CALL_VALUE_SELECTOR:
            return int.from_bytes(attribute[4:36], "big")
    return 0


def send_bundle(
    devnet: Devnet,
    who: DevAccount,
    starters: Sequence[tuple[bytes, bytes, list[bytes]]],
    *,
    source: str = A,
    destination: int = B_ID,
    attributes: Sequence[bytes] = (),
    value: int | None = None,
) -> Sent:
    """``InteropCenter.sendBundle`` from ``who``; ``value`` defaults to the fees plus the call values."""
    chain = devnet[source]
    if value is None:
        value = interop_fee(chain) * len(starters) + sum(_call_value(s[2]) for s in starters)
    data = SEND_BUNDLE + encode(
        ["bytes", CALL_STARTERS, "bytes[]"], [format_evm_v1(destination), list(starters), list(attributes)]
    )
    receipt = chain.transact(who.private_key, INTEROP_CENTER, data, value=value, gas=TX_GAS)
    assert receipt.ok, f"sendBundle reverted: {describe_revert(receipt.output)}"
    return sent_bundle(chain.chain_id, receipt)


def sent_bundle(chain_id: int, receipt: Receipt) -> Sent:
    """Read a bundle back the way the SDKs do: the ``InteropBundleSent`` hash and the L1Messenger payload."""
    topic = keccak(f"InteropBundleSent(bytes32,bytes32,{INTEROP_BUNDLE_ABI_TYPE})".encode())
    (event,) = [log for log in receipt.logs if log.address == INTEROP_CENTER and log.topics[:1] == (topic,)]
    _, bundle_hash, _ = decode(["bytes32", "bytes32", INTEROP_BUNDLE_ABI_TYPE], event.data)
    sent_topic = keccak(b"L1MessageSent(address,bytes32,bytes)")
    payloads = [
        bytes(decode(["bytes"], log.data)[0])
        for log in receipt.logs
        if log.address == L1_MESSENGER and log.topics[:1] == (sent_topic,) and log.topics[1][12:] == INTEROP_CENTER
    ]
    assert payloads and payloads[0][:1] == b"\x01"
    return Sent(chain_id, receipt, payloads[0][1:], bytes(bundle_hash))


def deliver(devnet: Devnet, sent: Sent, destination: int | None = None) -> MessageInclusionProof:
    """Settle the source batch and import its Gateway root on ``destination`` (default: the bundle's), without
    executing anything; returns the ``proof_based_gw`` proof."""
    devnet.relayer.settle()
    proof = devnet.proof(sent.chain_id, sent.tx)
    dest = sent.bundle.destination_chain_id if destination is None else destination
    gw_block = proof.gateway_block_number
    assert gw_block is not None
    if gw_block not in devnet.settlement.imported_roots(dest):
        devnet.settlement.queue_import(gw_block, [dest])
        devnet.settlement.import_now([dest])
    assert gw_block in devnet.settlement.imported_roots(dest)
    return proof.inclusion_proof()


def execute(chain: Chain, who: DevAccount, encoded: bytes, proof: MessageInclusionProof) -> Receipt:
    return chain.transact(who.private_key, INTEROP_HANDLER, execute_bundle_calldata(encoded, proof), gas=TX_GAS)


def verify(chain: Chain, who: DevAccount, encoded: bytes, proof: MessageInclusionProof) -> Receipt:
    return chain.transact(who.private_key, INTEROP_HANDLER, verify_bundle_calldata(encoded, proof), gas=TX_GAS)


def unbundle(chain: Chain, who: DevAccount, encoded: bytes, statuses: Sequence[int]) -> Receipt:
    return chain.transact(who.private_key, INTEROP_HANDLER, unbundle_calldata(encoded, statuses), gas=TX_GAS)


def prove_message_calldata(proof: MessageInclusionProof) -> bytes:
    """Calldata of ``L2MessageVerification.proveL2MessageInclusionShared`` for ``proof``."""
    types = ["uint256", "uint256", "uint256", "(uint16,address,bytes)", "bytes32[]"]
    values = [
        proof.chain_id,
        proof.l1_batch_number,
        proof.l2_message_index,
        proof.message.as_abi_tuple(),
        list(proof.proof),
    ]
    return PROVE_MESSAGE + encode(types, values)


def with_bundle_message(proof: MessageInclusionProof, encoded: bytes) -> MessageInclusionProof:
    """``proof`` whose message is ``0x01 ‖ encoded``, as the handler rewrites it before verifying."""
    message = L2Message(
        tx_number_in_batch=proof.message.tx_number_in_batch, sender=proof.message.sender, data=b"\x01" + encoded
    )
    return MessageInclusionProof(
        chain_id=proof.chain_id,
        l1_batch_number=proof.l1_batch_number,
        l2_message_index=proof.l2_message_index,
        message=message,
        proof=proof.proof,
    )


def interop_root(chain: Chain, gw_block: int) -> bytes:
    return chain.call(L2_INTEROP_ROOT_STORAGE, INTEROP_ROOTS + word(GW_ID) + word(gw_block))


# ---------------------------------------------------------------------- forged roots (trusted path)


_forged = [0]


def forge_included(
    devnet: Devnet,
    destination: str,
    data: bytes,
    *,
    sender: bytes = INTEROP_CENTER,
    source_chain_id: int = A_ID,
) -> MessageInclusionProof:
    """Make ``data`` (sent by ``sender`` on ``source_chain_id``) provable on ``destination``.

    The log tree and Gateway trees are built in Python and their root is imported by the
    bootloader at an unused Gateway block, exactly as the settlement pipeline imports real
    roots. Returns the proof, which verifies for real in L2MessageVerification.
    """
    _forged[0] += 1
    n = _forged[0]
    gw_block = FORGED_GATEWAY_BLOCK + n
    batch_number = 500_000 + n
    logs = [message_log(0, bytes(19) + b"\x42", b"filler"), message_log(1, sender, data)]
    tree = LogTree(logs)
    root = batch_root(tree.root(), empty_multichain_batch_root(source_chain_id))
    chain_tree = DynamicIncrementalMerkle([keccak(b"older batch")])
    batch_leaf_index = chain_tree.push(batch_root_leaf(root, batch_number))
    shared = FullMerkle([chain_id_leaf(bytes(32), GW_ID)])
    chain_index = shared.push(chain_id_leaf(chain_tree.root(), source_chain_id))
    built = build_gateway_interop_proof(
        logs=tree,
        leaf_index=1,
        chain_id=source_chain_id,
        batch_number=batch_number,
        chain_tree=chain_tree,
        batch_leaf_index=batch_leaf_index,
        shared_tree=shared,
        chain_index=chain_index,
        gateway_chain_id=GW_ID,
        gateway_block_number=gw_block,
    )
    chain = devnet[destination]
    receipt = chain.system_call(
        BOOTLOADER,
        L2_INTEROP_ROOT_STORAGE,
        ADD_INTEROP_ROOT + encode(["uint256", "uint256", "bytes32[]"], [GW_ID, gw_block, [built.target.root]]),
    )
    assert receipt.ok, describe_revert(receipt.output)
    return MessageInclusionProof(
        chain_id=source_chain_id,
        l1_batch_number=batch_number,
        l2_message_index=1,
        message=L2Message(tx_number_in_batch=1, sender="0x" + sender.hex(), data=data),
        proof=built.proof,
    )
