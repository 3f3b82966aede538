"""Message inclusion proofs and the ``InteropHandler`` / ``L2MessageVerification`` calldata of ZKsync
Connect v31 (spec 3.1), byte for byte; conventions as in :mod:`zkconnect.protocol.messages`.
"""

from __future__ import annotations

from dataclasses import dataclass

from zkconnect.protocol.abi import check_bytes32 as _bytes32
from zkconnect.protocol.abi import check_uint as _uint
from zkconnect.protocol.abi import decode_abi as _decode
from zkconnect.protocol.abi import encode_abi as _encode
from zkconnect.protocol.abi import selector, to_address
from zkconnect.protocol.merkle import L2ToL1Log, message_log

__all__ = [
    "EXECUTE_BUNDLE_SELECTOR",
    "MESSAGE_INCLUSION_PROOF_ABI_TYPE",
    "PROVE_SHARED_SELECTOR",
    "VERIFY_BUNDLE_SELECTOR",
    "L2Message",
    "MessageInclusionProof",
    "execute_bundle_calldata",
    "prove_message_calldata",
    "verify_bundle_calldata",
]

MESSAGE_INCLUSION_PROOF_ABI_TYPE = "(uint256,uint256,uint256,(uint16,address,bytes),bytes32[])"
EXECUTE_BUNDLE_SELECTOR = selector(f"executeBundle(bytes,{MESSAGE_INCLUSION_PROOF_ABI_TYPE})")
VERIFY_BUNDLE_SELECTOR = selector(f"verifyBundle(bytes,{MESSAGE_INCLUSION_PROOF_ABI_TYPE})")
PROVE_SHARED_SELECTOR = selector(
    "proveL2MessageInclusionShared(uint256,uint256,uint256,(uint16,address,bytes),bytes32[])"
)


@dataclass(frozen=True, kw_only=True)
class L2Message:
    """Solidity ``L2Message``: a message sent through L1Messenger by ``sender``."""

    tx_number_in_batch: int
    sender: str
    data: bytes

    def __post_init__(self) -> None:
        _uint(self.tx_number_in_batch, 16, "tx_number_in_batch")
        object.__setattr__(self, "sender", to_address(self.sender))

    def to_log(self) -> L2ToL1Log:
        """The log L1Messenger recorded for this message (``MessageHashing._l2MessageToLog``)."""
        return message_log(self.tx_number_in_batch, self.sender, self.data)

    def leaf_hash(self) -> bytes:
        """The message's leaf in its batch's log tree."""
        return self.to_log().leaf_hash()

    def as_abi_tuple(self) -> tuple[int, str, bytes]:
        """Values in ABI order: ``(txNumberInBatch, sender, data)``."""
        return (self.tx_number_in_batch, self.sender, self.data)


@dataclass(frozen=True, kw_only=True)
class MessageInclusionProof:
    """Solidity ``MessageInclusionProof``, the second argument of ``executeBundle``.

    ``chain_id`` is the source chain, ``l1_batch_number`` the source chain's batch number and
    ``l2_message_index`` the message's leaf index in that batch's log tree.
    """

    chain_id: int
    l1_batch_number: int
    l2_message_index: int
    message: L2Message
    proof: tuple[bytes, ...]

    def __post_init__(self) -> None:
        for word in self.proof:
            _bytes32(word, "proof word")
        object.__setattr__(self, "proof", tuple(self.proof))

    def as_abi_tuple(self) -> tuple[int, int, int, tuple[int, str, bytes], list[bytes]]:
        """Values in ABI order (:data:`MESSAGE_INCLUSION_PROOF_ABI_TYPE`)."""
        return (
            self.chain_id,
            self.l1_batch_number,
            self.l2_message_index,
            self.message.as_abi_tuple(),
            list(self.proof),
        )

    def encode(self) -> bytes:
        """``abi.encode(MessageInclusionProof)``."""
        return _encode([MESSAGE_INCLUSION_PROOF_ABI_TYPE], [self.as_abi_tuple()])

    @classmethod
    def decode(cls, data: bytes) -> MessageInclusionProof:
        """Inverse of :meth:`encode`."""
        ((chain_id, batch, index, (tx_number, sender, payload), proof),) = _decode(
            [MESSAGE_INCLUSION_PROOF_ABI_TYPE], data, "MessageInclusionProof"
        )
        message = L2Message(tx_number_in_batch=tx_number, sender=sender, data=payload)
        return cls(
            chain_id=chain_id,
            l1_batch_number=batch,
            l2_message_index=index,
            message=message,
            proof=tuple(proof),
        )


def execute_bundle_calldata(encoded_bundle: bytes, proof: MessageInclusionProof) -> bytes:
    """Calldata of ``InteropHandler.executeBundle(bytes, MessageInclusionProof)``."""
    types = ["bytes", MESSAGE_INCLUSION_PROOF_ABI_TYPE]
    return EXECUTE_BUNDLE_SELECTOR + _encode(types, [encoded_bundle, proof.as_abi_tuple()])


def verify_bundle_calldata(encoded_bundle: bytes, proof: MessageInclusionProof) -> bytes:
    """Calldata of ``InteropHandler.verifyBundle(bytes, MessageInclusionProof)``."""
    types = ["bytes", MESSAGE_INCLUSION_PROOF_ABI_TYPE]
    return VERIFY_BUNDLE_SELECTOR + _encode(types, [encoded_bundle, proof.as_abi_tuple()])


def prove_message_calldata(proof: MessageInclusionProof) -> bytes:
    """Calldata of ``L2MessageVerification.proveL2MessageInclusionShared(chainId, batch, index, message, proof)``."""
    return PROVE_SHARED_SELECTOR + _encode(
        ["uint256", "uint256", "uint256", "(uint16,address,bytes)", "bytes32[]"],
        [
            proof.chain_id,
            proof.l1_batch_number,
            proof.l2_message_index,
            proof.message.as_abi_tuple(),
            list(proof.proof),
        ],
    )
