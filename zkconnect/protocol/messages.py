"""The ZKsync Connect v31 message formats, byte for byte.

Covers spec ``interop-v31.md`` sections 2.2-2.5 (bundle structs, ERC-7786 attributes, ERC-7930
addresses, bundle hash, salt and send id). It also re-exports 3.1 (``MessageInclusionProof`` and the
``InteropHandler`` calldata, :mod:`zkconnect.protocol.message_proofs`) and 5.1 (asset ids and the asset
router / native token vault encodings, :mod:`zkconnect.protocol.assets`), so one import path serves all.

Conventions: addresses come out as checksummed ``str``; functions also accept 20 raw
``bytes``, and dataclass address fields (typed ``str``) are normalised to the checksummed
form on construction. ``bytes32`` / ``bytes1`` values and ERC-7930 addresses are raw
``bytes``. Decoders and encoders raise :class:`~zkconnect.errors.EncodingError` for input that
does not fit the format. ABI encoding goes through ``eth_abi``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from zkconnect.errors import EncodingError
from zkconnect.protocol.abi import check_bytes32 as _bytes32
from zkconnect.protocol.abi import check_uint as _uint
from zkconnect.protocol.abi import decode_abi as _decode
from zkconnect.protocol.abi import encode_abi as _encode
from zkconnect.protocol.abi import selector, to_address
from zkconnect.protocol.assets import (
    ETH_TOKEN_ADDRESS,
    FINALIZE_DEPOSIT_SELECTOR,
    L2_NATIVE_TOKEN_VAULT_ADDRESS,
    NEW_ENCODING_VERSION,
    ZERO_ADDRESS,
    BridgeMintData,
    NtvBurnData,
    TokenMetadata,
    decode_finalize_deposit_calldata,
    decode_l1_withdrawal_message,
    decode_second_bridge_data,
    encode_asset_id,
    finalize_deposit_calldata,
    l1_withdrawal_message,
    ntv_asset_id,
    second_bridge_data,
)
from zkconnect.protocol.message_proofs import (
    EXECUTE_BUNDLE_SELECTOR,
    MESSAGE_INCLUSION_PROOF_ABI_TYPE,
    VERIFY_BUNDLE_SELECTOR,
    L2Message,
    MessageInclusionProof,
    execute_bundle_calldata,
    verify_bundle_calldata,
)
from zkconnect.protocol.message_proofs import (
    PROVE_SHARED_SELECTOR as PROVE_SHARED_SELECTOR,
)
from zkconnect.protocol.message_proofs import (
    prove_message_calldata as prove_message_calldata,
)

__all__ = [
    "BUNDLE_IDENTIFIER",
    "ETH_TOKEN_ADDRESS",
    "EXECUTE_BUNDLE_SELECTOR",
    "EXECUTION_ADDRESS_SELECTOR",
    "FINALIZE_DEPOSIT_SELECTOR",
    "INDIRECT_CALL_SELECTOR",
    "INTEROP_BUNDLE_ABI_TYPE",
    "INTEROP_BUNDLE_VERSION",
    "INTEROP_CALL_STARTER_ABI_TYPE",
    "INTEROP_CALL_VALUE_SELECTOR",
    "INTEROP_CALL_VERSION",
    "L2_NATIVE_TOKEN_VAULT_ADDRESS",
    "MESSAGE_INCLUSION_PROOF_ABI_TYPE",
    "NEW_ENCODING_VERSION",
    "UNBUNDLER_ADDRESS_SELECTOR",
    "USE_FIXED_FEE_SELECTOR",
    "VERIFY_BUNDLE_SELECTOR",
    "ZERO_ADDRESS",
    "Attribute",
    "AttributeParsingRestriction",
    "BridgeMintData",
    "BundleAttributes",
    "BundleStatus",
    "CallAttributes",
    "CallStatus",
    "InteropBundle",
    "InteropCall",
    "InteropCallStarter",
    "L2Message",
    "MessageInclusionProof",
    "NtvBurnData",
    "TokenMetadata",
    "bundle_hash",
    "bundle_salt",
    "decode_attribute",
    "decode_finalize_deposit_calldata",
    "decode_l1_withdrawal_message",
    "decode_second_bridge_data",
    "encode_asset_id",
    "execute_bundle_calldata",
    "execution_address",
    "finalize_deposit_calldata",
    "format_evm_v1",
    "indirect_call",
    "interop_call_value",
    "l1_withdrawal_message",
    "ntv_asset_id",
    "parse_attributes",
    "parse_evm_v1",
    "second_bridge_data",
    "selector",
    "send_id",
    "to_address",
    "unbundler_address",
    "use_fixed_fee",
    "verify_bundle_calldata",
]

BUNDLE_IDENTIFIER = b"\x01"
"""First byte of the L1Messenger payload that carries a bundle: ``0x01 ‖ abi.encode(bundle)``."""
INTEROP_BUNDLE_VERSION = b"\x01"
INTEROP_CALL_VERSION = b"\x01"

_CALL_TYPE = "(bytes1,bool,address,address,uint256,bytes)"
_CallTuple = tuple[bytes, bool, str, str, int, bytes]
_BUNDLE_ATTRIBUTES_TYPE = "(bytes,bytes,bool)"
INTEROP_BUNDLE_ABI_TYPE = f"(bytes1,uint256,uint256,bytes32,bytes32,{_CALL_TYPE}[],{_BUNDLE_ATTRIBUTES_TYPE})"
INTEROP_CALL_STARTER_ABI_TYPE = "(bytes,bytes,bytes[])"
INTEROP_CALL_VALUE_SELECTOR = selector("interopCallValue(uint256)")
INDIRECT_CALL_SELECTOR = selector("indirectCall(uint256)")
EXECUTION_ADDRESS_SELECTOR = selector("executionAddress(bytes)")
UNBUNDLER_ADDRESS_SELECTOR = selector("unbundlerAddress(bytes)")
USE_FIXED_FEE_SELECTOR = selector("useFixedFee(bool)")


# --------------------------------------------------------------------------------------------
# ERC-7930 interoperable addresses
# --------------------------------------------------------------------------------------------


def _chain_reference(chain_id: int) -> bytes:
    _uint(chain_id, 256, "chain_id")
    return chain_id.to_bytes(max(1, (chain_id.bit_length() + 7) // 8), "big")


def format_evm_v1(chain_id: int | None = None, address: str | bytes | None = None) -> bytes:
    """ERC-7930 v1 EVM address (OpenZeppelin ``InteroperableAddress.formatEvmV1``).

    ``0x0001 ‖ 0x0000 ‖ uint8 len(ref) ‖ ref ‖ uint8 len(addr) ‖ addr`` where ``ref`` is the
    chain id as minimal big-endian bytes (chain 0 is the single byte ``0x00``). Omit
    ``chain_id`` for an empty chain reference, ``address`` for an empty address; at least one
    must be given.
    """
    if chain_id is None and address is None:
        raise EncodingError("an ERC-7930 address needs a chain reference, an address or both")
    reference = b"" if chain_id is None else _chain_reference(chain_id)
    addr = b"" if address is None else bytes.fromhex(to_address(address)[2:])
    return b"\x00\x01\x00\x00" + bytes((len(reference),)) + reference + bytes((len(addr),)) + addr


def parse_evm_v1(data: bytes) -> tuple[int, str]:
    """Parse an ERC-7930 v1 EVM address into ``(chain_id, checksummed address)``.

    Same acceptance as OpenZeppelin ``parseEvmV1``: version ``0x0001``, chain type ``0x0000``,
    a chain reference of at most 32 bytes, an address of 0 or 20 bytes; an absent part comes
    back as 0 / the zero address. Trailing bytes after the address are ignored, as on chain.
    Raises :class:`EncodingError` for anything else, including truncated input.
    """
    if len(data) < 6:
        raise EncodingError(f"ERC-7930 address truncated: {len(data)} bytes, need at least 6")
    if data[0:2] != b"\x00\x01":
        raise EncodingError(f"ERC-7930 version must be 0x0001, got 0x{data[0:2].hex()}")
    ref_len = data[4]
    if len(data) < 6 + ref_len:
        raise EncodingError(f"ERC-7930 address truncated inside its {ref_len}-byte chain reference")
    addr_len = data[5 + ref_len]
    if len(data) < 6 + ref_len + addr_len:
        raise EncodingError(f"ERC-7930 address truncated inside its {addr_len}-byte address")
    if data[2:4] != b"\x00\x00":
        raise EncodingError(f"ERC-7930 chain type must be 0x0000 (EVM), got 0x{data[2:4].hex()}")
    if ref_len > 32:
        raise EncodingError(f"EVM chain reference longer than 32 bytes: {ref_len}")
    if addr_len not in (0, 20):
        raise EncodingError(f"EVM address length must be 0 or 20, got {addr_len}")
    chain_id = int.from_bytes(data[5 : 5 + ref_len], "big")
    addr = data[6 + ref_len : 6 + ref_len + addr_len]
    return chain_id, to_checksum_address(addr) if addr else ZERO_ADDRESS


# --------------------------------------------------------------------------------------------
# ERC-7786 attributes
# --------------------------------------------------------------------------------------------


def interop_call_value(value: int) -> bytes:
    """Call attribute ``interopCallValue(uint256)``: base token delivered with the call."""
    return INTEROP_CALL_VALUE_SELECTOR + _encode(["uint256"], [value])


def indirect_call(message_value: int) -> bytes:
    """Call attribute ``indirectCall(uint256)``: route through ``initiateIndirectCall{value}``."""
    return INDIRECT_CALL_SELECTOR + _encode(["uint256"], [message_value])


def execution_address(erc7930_address: bytes) -> bytes:
    """Bundle attribute ``executionAddress(bytes)``: only this ERC-7930 address may execute."""
    return EXECUTION_ADDRESS_SELECTOR + _encode(["bytes"], [erc7930_address])


def unbundler_address(erc7930_address: bytes) -> bytes:
    """Bundle attribute ``unbundlerAddress(bytes)``: who may unbundle."""
    return UNBUNDLER_ADDRESS_SELECTOR + _encode(["bytes"], [erc7930_address])


def use_fixed_fee(flag: bool) -> bytes:
    """Bundle attribute ``useFixedFee(bool)``: pay the fixed ZK fee."""
    return USE_FIXED_FEE_SELECTOR + _encode(["bool"], [flag])


# Order matters: it is SUPPORTED_INTEROP_ATTRIBUTES' order, which the level checks rely on.
_ATTRIBUTES: dict[bytes, tuple[str, str]] = {
    INTEROP_CALL_VALUE_SELECTOR: ("interopCallValue", "uint256"),
    INDIRECT_CALL_SELECTOR: ("indirectCall", "uint256"),
    EXECUTION_ADDRESS_SELECTOR: ("executionAddress", "bytes"),
    UNBUNDLER_ADDRESS_SELECTOR: ("unbundlerAddress", "bytes"),
    USE_FIXED_FEE_SELECTOR: ("useFixedFee", "bool"),
}
_CALL_LEVEL = frozenset({"interopCallValue", "indirectCall"})


@dataclass(frozen=True)
class Attribute:
    """One decoded attribute: its Solidity name and argument."""

    name: str
    value: int | bool | bytes

    @property
    def selector(self) -> bytes:
        """The attribute's 4-byte selector."""
        return next(sel for sel, (name, _) in _ATTRIBUTES.items() if name == self.name)

    @property
    def is_call_attribute(self) -> bool:
        """True for call-level attributes, False for bundle-level ones."""
        return self.name in _CALL_LEVEL


def decode_attribute(data: bytes) -> Attribute:
    """Decode ``selector ‖ abi.encode(arg)`` like ``AttributesDecoder`` (extra bytes ignored)."""
    if len(data) < 4:
        raise EncodingError(f"an attribute starts with a 4-byte selector, got {len(data)} bytes")
    entry = _ATTRIBUTES.get(data[:4])
    if entry is None:
        raise EncodingError(f"UnsupportedAttribute: selector 0x{data[:4].hex()}")
    name, abi_type = entry
    (value,) = _decode([abi_type], data[4:], f"attribute {name}")
    return Attribute(name=name, value=value)


class AttributeParsingRestriction(IntEnum):
    """``InteropCenter.AttributeParsingRestrictions``: which attributes a list may hold."""

    ONLY_INTEROP_CALL_VALUE = 0
    ONLY_CALL_ATTRIBUTES = 1
    ONLY_BUNDLE_ATTRIBUTES = 2
    CALL_AND_BUNDLE_ATTRIBUTES = 3


@dataclass(frozen=True, kw_only=True)
class CallAttributes:
    """Solidity ``CallAttributes``: what a call's attributes say."""

    interop_call_value: int = 0
    indirect_call: bool = False
    indirect_call_message_value: int = 0


@dataclass(frozen=True, kw_only=True)
class BundleAttributes:
    """Solidity ``BundleAttributes``; empty addresses mean permissionless / default unbundler."""

    execution_address: bytes = b""
    unbundler_address: bytes = b""
    use_fixed_fee: bool = False

    def as_abi_tuple(self) -> tuple[bytes, bytes, bool]:
        """Values in ABI order, for ``eth_abi`` or web3."""
        return (self.execution_address, self.unbundler_address, self.use_fixed_fee)


def parse_attributes(
    attributes: Sequence[bytes], restriction: AttributeParsingRestriction
) -> tuple[CallAttributes, BundleAttributes]:
    """Twin of ``InteropCenter.parseAttributes``.

    Raises :class:`EncodingError` naming the Solidity error: ``AttributeAlreadySet`` for a
    repeated attribute, ``UnsupportedAttribute`` for an unknown selector and
    ``AttributeViolatesRestriction`` for an attribute ``restriction`` does not allow.
    """
    seen: set[str] = set()
    call: dict[str, Any] = {}
    bundle: dict[str, Any] = {}
    for raw in attributes:
        attribute = decode_attribute(raw)
        if attribute.name in seen:
            raise EncodingError(f"AttributeAlreadySet: {attribute.name}")
        seen.add(attribute.name)
        allowed = {
            AttributeParsingRestriction.ONLY_INTEROP_CALL_VALUE: attribute.name == "interopCallValue",
            AttributeParsingRestriction.ONLY_CALL_ATTRIBUTES: attribute.is_call_attribute,
            AttributeParsingRestriction.ONLY_BUNDLE_ATTRIBUTES: not attribute.is_call_attribute,
            AttributeParsingRestriction.CALL_AND_BUNDLE_ATTRIBUTES: True,
        }[restriction]
        if not allowed:
            raise EncodingError(f"AttributeViolatesRestriction: {attribute.name} under {restriction.name}")
        if attribute.name == "interopCallValue":
            call["interop_call_value"] = attribute.value
        elif attribute.name == "indirectCall":
            call["indirect_call"] = True
            call["indirect_call_message_value"] = attribute.value
        elif attribute.name == "executionAddress":
            bundle["execution_address"] = attribute.value
        elif attribute.name == "unbundlerAddress":
            bundle["unbundler_address"] = attribute.value
        else:
            bundle["use_fixed_fee"] = attribute.value
    return CallAttributes(**call), BundleAttributes(**bundle)


# --------------------------------------------------------------------------------------------
# Bundles
# --------------------------------------------------------------------------------------------


class CallStatus(IntEnum):
    """``InteropHandler`` per-call status."""

    UNPROCESSED = 0
    EXECUTED = 1
    CANCELLED = 2


class BundleStatus(IntEnum):
    """``InteropHandler`` per-bundle status."""

    UNRECEIVED = 0
    VERIFIED = 1
    FULLY_EXECUTED = 2
    UNBUNDLED = 3


def _version_byte(value: bytes, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != 1:
        raise EncodingError(f"{what} is one byte, got {value!r}")
    return value


@dataclass(frozen=True, kw_only=True)
class InteropCall:
    """Solidity ``InteropCall``; ``from_`` is the sender on the source chain."""

    to: str
    from_: str
    value: int = 0
    data: bytes = b""
    version: bytes = INTEROP_CALL_VERSION
    shadow_account: bool = False

    def __post_init__(self) -> None:
        _version_byte(self.version, "InteropCall.version")
        _uint(self.value, 256, "InteropCall.value")
        object.__setattr__(self, "to", to_address(self.to))
        object.__setattr__(self, "from_", to_address(self.from_))

    def as_abi_tuple(self) -> _CallTuple:
        """Values in ABI order: ``(version, shadowAccount, to, from, value, data)``."""
        return (self.version, self.shadow_account, self.to, self.from_, self.value, self.data)

    @classmethod
    def from_abi_tuple(cls, values: _CallTuple) -> InteropCall:
        """Inverse of :meth:`as_abi_tuple`."""
        version, shadow, to, sender, value, data = values
        return cls(to=to, from_=sender, value=value, data=data, version=version, shadow_account=shadow)


@dataclass(frozen=True, kw_only=True)
class InteropBundle:
    """Solidity ``InteropBundle``; :meth:`encode` is exactly ``abi.encode(bundle)``."""

    source_chain_id: int
    destination_chain_id: int
    destination_base_token_asset_id: bytes
    interop_bundle_salt: bytes
    calls: tuple[InteropCall, ...] = ()
    bundle_attributes: BundleAttributes = field(default_factory=BundleAttributes)
    version: bytes = INTEROP_BUNDLE_VERSION

    def __post_init__(self) -> None:
        _version_byte(self.version, "InteropBundle.version")
        _uint(self.source_chain_id, 256, "source_chain_id")
        _uint(self.destination_chain_id, 256, "destination_chain_id")
        _bytes32(self.destination_base_token_asset_id, "destination_base_token_asset_id")
        _bytes32(self.interop_bundle_salt, "interop_bundle_salt")
        object.__setattr__(self, "calls", tuple(self.calls))

    def as_abi_tuple(
        self,
    ) -> tuple[
        bytes, int, int, bytes, bytes, list[tuple[bytes, bool, str, str, int, bytes]], tuple[bytes, bytes, bool]
    ]:
        """Values in ABI order (the tuple :data:`INTEROP_BUNDLE_ABI_TYPE` describes)."""
        return (
            self.version,
            self.source_chain_id,
            self.destination_chain_id,
            self.destination_base_token_asset_id,
            self.interop_bundle_salt,
            [call.as_abi_tuple() for call in self.calls],
            self.bundle_attributes.as_abi_tuple(),
        )

    def encode(self) -> bytes:
        """``abi.encode(InteropBundle)``: the bytes that are sent, hashed and executed."""
        return _encode([INTEROP_BUNDLE_ABI_TYPE], [self.as_abi_tuple()])

    @classmethod
    def decode(cls, data: bytes) -> InteropBundle:
        """``abi.decode(data, (InteropBundle))``. Does not check the version byte."""
        ((version, source, dest, base_asset, salt, calls, attrs),) = _decode(
            [INTEROP_BUNDLE_ABI_TYPE], data, "InteropBundle"
        )
        execution, unbundler, fixed_fee = attrs
        return cls(
            version=version,
            source_chain_id=source,
            destination_chain_id=dest,
            destination_base_token_asset_id=base_asset,
            interop_bundle_salt=salt,
            calls=tuple(InteropCall.from_abi_tuple(call) for call in calls),
            bundle_attributes=BundleAttributes(
                execution_address=execution, unbundler_address=unbundler, use_fixed_fee=fixed_fee
            ),
        )

    def hash(self) -> bytes:
        """The bundle hash of this bundle's canonical encoding (see :func:`bundle_hash`)."""
        return bundle_hash(self.source_chain_id, self.encode())

    def message(self) -> bytes:
        """The L1Messenger payload InteropCenter sends: ``0x01 ‖ abi.encode(bundle)``."""
        return BUNDLE_IDENTIFIER + self.encode()


@dataclass(frozen=True, kw_only=True)
class InteropCallStarter:
    """Solidity ``InteropCallStarter`` (the ``sendBundle`` input): ``to`` is ERC-7930 bytes."""

    to: bytes
    data: bytes = b""
    call_attributes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "call_attributes", tuple(self.call_attributes))

    def as_abi_tuple(self) -> tuple[bytes, bytes, list[bytes]]:
        """Values in ABI order, for ``eth_abi`` or web3."""
        return (self.to, self.data, list(self.call_attributes))

    def encode(self) -> bytes:
        """``abi.encode(InteropCallStarter)``."""
        return _encode([INTEROP_CALL_STARTER_ABI_TYPE], [self.as_abi_tuple()])

    @classmethod
    def decode(cls, data: bytes) -> InteropCallStarter:
        """Inverse of :meth:`encode`."""
        ((to, payload, attributes),) = _decode([INTEROP_CALL_STARTER_ABI_TYPE], data, "InteropCallStarter")
        return cls(to=to, data=payload, call_attributes=tuple(attributes))


SEND_BUNDLE_SELECTOR = selector(f"sendBundle(bytes,{INTEROP_CALL_STARTER_ABI_TYPE}[],bytes[])")
SEND_TO_L1_SELECTOR = selector("sendToL1(bytes)")
SEND_MESSAGE_SELECTOR = selector("sendMessage(bytes,bytes,bytes[])")
"""``InteropCenter.sendMessage(bytes recipient, bytes payload, bytes[] attributes)`` (ERC-7786)."""
INTEROP_PROTOCOL_FEE_SELECTOR = selector("interopProtocolFee()")
"""``InteropCenter.interopProtocolFee()``: the per-call fee, in the base token."""
CALL_STATUS_SELECTOR = selector("callStatus(bytes32,uint256)")
"""``InteropHandler.callStatus(bytes32 bundleHash, uint256 index)``: a :class:`CallStatus`."""


def send_bundle_calldata(
    destination_chain_id: int, starters: Sequence[InteropCallStarter], bundle_attributes: Sequence[bytes] = ()
) -> bytes:
    """Calldata of ``InteropCenter.sendBundle(formatEvmV1(destination), starters, bundleAttributes)``."""
    return SEND_BUNDLE_SELECTOR + _encode(
        ["bytes", f"{INTEROP_CALL_STARTER_ABI_TYPE}[]", "bytes[]"],
        [format_evm_v1(destination_chain_id), [s.as_abi_tuple() for s in starters], list(bundle_attributes)],
    )


def send_to_l1_calldata(message: bytes) -> bytes:
    """Calldata of ``L1Messenger.sendToL1(message)``."""
    return SEND_TO_L1_SELECTOR + _encode(["bytes"], [message])


def bundle_hash(source_chain_id: int, encoded_bundle: bytes) -> bytes:
    """``keccak256(abi.encode(uint256 sourceChainId, bytes bundle))`` over the exact bytes given."""
    return keccak(_encode(["uint256", "bytes"], [source_chain_id, encoded_bundle]))


def bundle_salt(sender: str | bytes, nonce: int) -> bytes:
    """``keccak256(abi.encodePacked(address sender, uint256 nonce))``: the bundle's salt."""
    raw = bytes.fromhex(to_address(sender)[2:])
    return keccak(raw + _uint(nonce, 256, "nonce").to_bytes(32, "big"))


def send_id(bundle_hash: bytes, index: int) -> bytes:
    """``keccak256(abi.encodePacked(bytes32 bundleHash, uint256 index))``: send id = receive id."""
    return keccak(_bytes32(bundle_hash, "bundle_hash") + _uint(index, 256, "index").to_bytes(32, "big"))


# --------------------------------------------------------------------------------------------
# Inclusion proofs and InteropHandler calldata
# --------------------------------------------------------------------------------------------
