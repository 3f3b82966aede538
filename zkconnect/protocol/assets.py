"""Asset ids and the asset router / native token vault encodings of ZKsync Connect v31 (spec 5.1,
era-contracts ``DataEncoding``), byte for byte; conventions as in :mod:`zkconnect.protocol.messages`.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_utils.crypto import keccak

from zkconnect.errors import EncodingError
from zkconnect.protocol import addresses
from zkconnect.protocol.abi import check_bytes32 as _bytes32
from zkconnect.protocol.abi import check_uint as _uint
from zkconnect.protocol.abi import decode_abi as _decode
from zkconnect.protocol.abi import encode_abi as _encode
from zkconnect.protocol.abi import selector, to_address

__all__ = [
    "ETH_TOKEN_ADDRESS",
    "FINALIZE_DEPOSIT_SELECTOR",
    "L2_NATIVE_TOKEN_VAULT_ADDRESS",
    "NEW_ENCODING_VERSION",
    "ZERO_ADDRESS",
    "BridgeMintData",
    "NtvBurnData",
    "TokenMetadata",
    "decode_finalize_deposit_calldata",
    "decode_l1_withdrawal_message",
    "decode_second_bridge_data",
    "encode_asset_id",
    "finalize_deposit_calldata",
    "l1_withdrawal_message",
    "ntv_asset_id",
    "second_bridge_data",
]

NEW_ENCODING_VERSION = b"\x01"
"""Version byte of the asset router's second-bridge data and of NTV token metadata."""
ZERO_ADDRESS = to_address(bytes(20))
ETH_TOKEN_ADDRESS = to_address(addresses.ETH_TOKEN_ADDRESS)
"""Checksummed form of :data:`zkconnect.protocol.addresses.ETH_TOKEN_ADDRESS`."""
L2_NATIVE_TOKEN_VAULT_ADDRESS = to_address(addresses.L2_NATIVE_TOKEN_VAULT)
"""Checksummed form of :data:`zkconnect.protocol.addresses.L2_NATIVE_TOKEN_VAULT`."""
FINALIZE_DEPOSIT_SELECTOR = selector("finalizeDeposit(uint256,bytes32,bytes)")
TOTAL_SUPPLY_SELECTOR = selector("totalSupply()")
"""ERC-20 ``totalSupply()``."""


def encode_asset_id(chain_id: int, asset_data: bytes, sender: str | bytes) -> bytes:
    """Generic asset id: ``keccak256(abi.encode(uint256 chainId, address sender, bytes32 assetData))``."""
    _bytes32(asset_data, "asset_data")
    return keccak(_encode(["uint256", "address", "bytes32"], [chain_id, to_address(sender), asset_data]))


def ntv_asset_id(origin_chain_id: int, token: str | bytes) -> bytes:
    """NTV asset id: ``keccak256(abi.encode(originChainId, 0x…010004, tokenAddress))``; ``token`` as hex or bytes."""
    return addresses.ntv_asset_id(origin_chain_id, bytes.fromhex(to_address(token)[2:]))


@dataclass(frozen=True, kw_only=True)
class NtvBurnData:
    """NTV burn data: ``abi.encode(uint256 amount, address remoteReceiver, address maybeTokenAddress)``.

    A zero ``token`` means "look up the token by asset id".
    """

    amount: int
    remote_receiver: str
    token: str = ZERO_ADDRESS

    def __post_init__(self) -> None:
        _uint(self.amount, 256, "amount")
        object.__setattr__(self, "remote_receiver", to_address(self.remote_receiver))
        object.__setattr__(self, "token", to_address(self.token))

    def encode(self) -> bytes:
        """The 96-byte encoding."""
        return _encode(["uint256", "address", "address"], [self.amount, self.remote_receiver, self.token])

    @classmethod
    def decode(cls, data: bytes) -> NtvBurnData:
        """Decode; like the NTV, anything but exactly 96 bytes is rejected (``InvalidNTVBurnData``)."""
        if len(data) != 96:
            raise EncodingError(f"InvalidNTVBurnData: burn data is 96 bytes, got {len(data)}")
        amount, receiver, token = _decode(["uint256", "address", "address"], data, "NTV burn data")
        return cls(amount=amount, remote_receiver=receiver, token=token)


def second_bridge_data(asset_id: bytes, burn_data: bytes) -> bytes:
    """Asset router deposit data: ``0x01 ‖ abi.encode(bytes32 assetId, bytes burnData)``."""
    _bytes32(asset_id, "asset_id")
    return NEW_ENCODING_VERSION + _encode(["bytes32", "bytes"], [asset_id, burn_data])


def decode_second_bridge_data(data: bytes) -> tuple[bytes, bytes]:
    """Inverse of :func:`second_bridge_data`: ``(asset_id, burn_data)``; only version 0x01."""
    if data[:1] != NEW_ENCODING_VERSION:
        raise EncodingError(f"second-bridge data must start with 0x01, got 0x{data[:1].hex()}")
    asset_id, burn_data = _decode(["bytes32", "bytes"], data[1:], "second-bridge data")
    return asset_id, burn_data


@dataclass(frozen=True, kw_only=True)
class TokenMetadata:
    """NTV token metadata: ``0x01 ‖ abi.encode(uint256 originChainId, bytes name, bytes symbol,
    bytes decimals)``, where name, symbol and decimals are the tokens' own ABI-encoded return
    data (``abi.encode(string)``, ``abi.encode(string)``, ``abi.encode(uint8)``).
    """

    origin_chain_id: int
    name: str
    symbol: str
    decimals: int

    def encode(self) -> bytes:
        """The version-prefixed encoding."""
        _uint(self.decimals, 8, "decimals")
        name = _encode(["string"], [self.name])
        symbol = _encode(["string"], [self.symbol])
        decimals = _encode(["uint8"], [self.decimals])
        types = ["uint256", "bytes", "bytes", "bytes"]
        return NEW_ENCODING_VERSION + _encode(types, [self.origin_chain_id, name, symbol, decimals])

    @classmethod
    def decode(cls, data: bytes) -> TokenMetadata:
        """Inverse of :meth:`encode`; the inner getters must be standard ABI return data."""
        if data[:1] != NEW_ENCODING_VERSION:
            raise EncodingError(f"token metadata must start with 0x01, got 0x{data[:1].hex()}")
        chain_id, name, symbol, decimals = _decode(["uint256", "bytes", "bytes", "bytes"], data[1:], "token metadata")
        (name_text,) = _decode(["string"], name, "token name")
        (symbol_text,) = _decode(["string"], symbol, "token symbol")
        (decimals_value,) = _decode(["uint8"], decimals, "token decimals")
        return cls(origin_chain_id=chain_id, name=name_text, symbol=symbol_text, decimals=decimals_value)


@dataclass(frozen=True, kw_only=True)
class BridgeMintData:
    """The payload that crosses chains: ``abi.encode(address originalCaller, address
    remoteReceiver, address originToken, uint256 amount, bytes erc20Metadata)``.
    """

    original_caller: str
    remote_receiver: str
    origin_token: str
    amount: int
    erc20_metadata: bytes

    _TYPES = ("address", "address", "address", "uint256", "bytes")

    def __post_init__(self) -> None:
        for name in ("original_caller", "remote_receiver", "origin_token"):
            object.__setattr__(self, name, to_address(getattr(self, name)))
        _uint(self.amount, 256, "amount")

    def encode(self) -> bytes:
        """The ABI encoding."""
        values = [self.original_caller, self.remote_receiver, self.origin_token, self.amount]
        return _encode(self._TYPES, [*values, self.erc20_metadata])

    @classmethod
    def decode(cls, data: bytes) -> BridgeMintData:
        """Inverse of :meth:`encode`."""
        caller, receiver, token, amount, metadata = _decode(cls._TYPES, data, "bridge mint data")
        return cls(
            original_caller=caller,
            remote_receiver=receiver,
            origin_token=token,
            amount=amount,
            erc20_metadata=metadata,
        )


def finalize_deposit_calldata(source_chain_id: int, asset_id: bytes, bridge_mint_data: bytes) -> bytes:
    """``abi.encodeCall(finalizeDeposit, (srcChainId, assetId, data))``: the interop call payload."""
    _bytes32(asset_id, "asset_id")
    types = ["uint256", "bytes32", "bytes"]
    return FINALIZE_DEPOSIT_SELECTOR + _encode(types, [source_chain_id, asset_id, bridge_mint_data])


def decode_finalize_deposit_calldata(data: bytes) -> tuple[int, bytes, bytes]:
    """Inverse of :func:`finalize_deposit_calldata`: ``(source_chain_id, asset_id, bridge_mint_data)``."""
    if data[:4] != FINALIZE_DEPOSIT_SELECTOR:
        raise EncodingError(f"not finalizeDeposit calldata: selector 0x{data[:4].hex()}")
    chain_id, asset_id, payload = _decode(["uint256", "bytes32", "bytes"], data[4:], "finalizeDeposit")
    return chain_id, asset_id, payload


def l1_withdrawal_message(source_chain_id: int, asset_id: bytes, bridge_mint_data: bytes) -> bytes:
    """Withdrawal message to L1, sent from 0x10003: ``abi.encodePacked(finalizeDeposit.selector,
    uint256 srcChainId, bytes32 assetId, bytes bridgeMintData)`` (packed: no offset or length).
    """
    chain_word = _uint(source_chain_id, 256, "source_chain_id").to_bytes(32, "big")
    return FINALIZE_DEPOSIT_SELECTOR + chain_word + _bytes32(asset_id, "asset_id") + bridge_mint_data


def decode_l1_withdrawal_message(data: bytes) -> tuple[int, bytes, bytes]:
    """Inverse of :func:`l1_withdrawal_message`: ``(source_chain_id, asset_id, bridge_mint_data)``."""
    if len(data) < 68 or data[:4] != FINALIZE_DEPOSIT_SELECTOR:
        raise EncodingError("not a finalizeDeposit withdrawal message")
    return int.from_bytes(data[4:36], "big"), data[36:68], data[68:]
