"""zkconnect.protocol.messages: v31 encodings checked against the spec and independent recomputation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_abi.packed import encode_packed
from eth_utils.crypto import keccak as reference_keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from zkconnect.errors import EncodingError
from zkconnect.protocol.merkle import message_log, verify_message_proof
from zkconnect.protocol.messages import (
    BUNDLE_IDENTIFIER,
    EXECUTE_BUNDLE_SELECTOR,
    INTEROP_BUNDLE_ABI_TYPE,
    MESSAGE_INCLUSION_PROOF_ABI_TYPE,
    VERIFY_BUNDLE_SELECTOR,
    ZERO_ADDRESS,
    AttributeParsingRestriction,
    BridgeMintData,
    BundleAttributes,
    BundleStatus,
    CallAttributes,
    CallStatus,
    InteropBundle,
    InteropCall,
    InteropCallStarter,
    L2Message,
    MessageInclusionProof,
    NtvBurnData,
    TokenMetadata,
    bundle_hash,
    bundle_salt,
    decode_attribute,
    decode_finalize_deposit_calldata,
    decode_l1_withdrawal_message,
    decode_second_bridge_data,
    encode_asset_id,
    execute_bundle_calldata,
    execution_address,
    finalize_deposit_calldata,
    format_evm_v1,
    indirect_call,
    interop_call_value,
    l1_withdrawal_message,
    ntv_asset_id,
    parse_attributes,
    parse_evm_v1,
    second_bridge_data,
    send_id,
    to_address,
    unbundler_address,
    use_fixed_fee,
    verify_bundle_calldata,
)

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "era-proof-vectors.json").read_text())
FINALIZE_VECTOR = next(v for v in VECTORS["vectors"] if v["name"] == "message_inclusion_finalize_deposit")

ALICE = "0x2E713618476e60A4aD8308a946C69De987242c82"
ASSET_ROUTER = "0x0000000000000000000000000000000000010003"
INTEROP_CENTER = "0x000000000000000000000000000000000001000d"

addresses = st.binary(min_size=20, max_size=20).map(to_address)
uint256s = st.integers(0, 2**256 - 1)
bytes32s = st.binary(min_size=32, max_size=32)


def _b(hex_string: str) -> bytes:
    return bytes.fromhex(hex_string.removeprefix("0x"))


# --------------------------------------------------------------------------------------------
# Attributes (spec 2.3)
# --------------------------------------------------------------------------------------------

SPEC_SELECTORS = {
    "interopCallValue(uint256)": "54b16529",
    "indirectCall(uint256)": "c8496ea7",
    "executionAddress(bytes)": "054c031b",
    "unbundlerAddress(bytes)": "b9c86698",
    "useFixedFee(bool)": "fb809189",
}


@pytest.mark.parametrize(
    ("signature", "encoded"),
    [
        ("interopCallValue(uint256)", interop_call_value(7)),
        ("indirectCall(uint256)", indirect_call(9)),
        ("executionAddress(bytes)", execution_address(format_evm_v1(271, ALICE))),
        ("unbundlerAddress(bytes)", unbundler_address(format_evm_v1(address=ALICE))),
        ("useFixedFee(bool)", use_fixed_fee(True)),
    ],
)
def test_attribute_selectors_match_spec_table(signature: str, encoded: bytes) -> None:
    assert encoded[:4].hex() == SPEC_SELECTORS[signature]
    assert reference_keccak(text=signature)[:4].hex() == SPEC_SELECTORS[signature]
    arg_type = signature[signature.index("(") + 1 : -1]
    (value,) = abi_decode([arg_type], encoded[4:])
    assert decode_attribute(encoded).value == value


def test_interop_handler_selectors_match_spec() -> None:
    assert EXECUTE_BUNDLE_SELECTOR.hex() == "2949e7b7"
    assert VERIFY_BUNDLE_SELECTOR.hex() == "743565a6"


def test_attribute_encoding_is_abi_encode_call() -> None:
    assert interop_call_value(5) == bytes.fromhex("54b16529") + abi_encode(["uint256"], [5])
    erc7930 = format_evm_v1(271, ALICE)
    assert execution_address(erc7930) == bytes.fromhex("054c031b") + abi_encode(["bytes"], [erc7930])
    assert use_fixed_fee(False) == bytes.fromhex("fb809189") + bytes(32)


def test_decode_attribute_rejects_when_selector_unknown() -> None:
    with pytest.raises(EncodingError, match="UnsupportedAttribute"):
        decode_attribute(bytes.fromhex("deadbeef") + bytes(32))


def test_decode_attribute_rejects_when_truncated() -> None:
    with pytest.raises(EncodingError):
        decode_attribute(b"\x54\xb1")
    with pytest.raises(EncodingError):
        decode_attribute(interop_call_value(1)[:20])
    with pytest.raises(EncodingError):
        decode_attribute(bytes.fromhex("fb809189") + (2).to_bytes(32, "big"))  # not a bool


def test_parse_attributes_fills_call_and_bundle_attributes() -> None:
    executor = format_evm_v1(0, ALICE)
    call, bundle = parse_attributes(
        [interop_call_value(3), indirect_call(4), execution_address(executor), use_fixed_fee(True)],
        AttributeParsingRestriction.CALL_AND_BUNDLE_ATTRIBUTES,
    )
    assert call == CallAttributes(interop_call_value=3, indirect_call=True, indirect_call_message_value=4)
    assert bundle == BundleAttributes(execution_address=executor, use_fixed_fee=True)
    assert parse_attributes([], AttributeParsingRestriction.ONLY_INTEROP_CALL_VALUE) == (
        CallAttributes(),
        BundleAttributes(),
    )


def test_parse_attributes_rejects_when_attribute_repeated() -> None:
    with pytest.raises(EncodingError, match="AttributeAlreadySet"):
        parse_attributes(
            [interop_call_value(1), interop_call_value(1)], AttributeParsingRestriction.ONLY_CALL_ATTRIBUTES
        )


@pytest.mark.parametrize(
    ("restriction", "attribute"),
    [
        (AttributeParsingRestriction.ONLY_INTEROP_CALL_VALUE, indirect_call(0)),
        (AttributeParsingRestriction.ONLY_CALL_ATTRIBUTES, use_fixed_fee(True)),
        (AttributeParsingRestriction.ONLY_BUNDLE_ATTRIBUTES, interop_call_value(1)),
    ],
)
def test_parse_attributes_rejects_when_attribute_at_wrong_level(
    restriction: AttributeParsingRestriction, attribute: bytes
) -> None:
    with pytest.raises(EncodingError, match="AttributeViolatesRestriction"):
        parse_attributes([attribute], restriction)


# --------------------------------------------------------------------------------------------
# ERC-7930 (spec 2.4)
# --------------------------------------------------------------------------------------------


def test_format_evm_v1_spec_examples() -> None:
    addr = _b(ALICE)
    assert format_evm_v1(271, ALICE) == bytes.fromhex("0001000002010f14") + addr
    assert format_evm_v1(271) == bytes.fromhex("0001000002010f00")
    assert format_evm_v1(address=ALICE) == bytes.fromhex("000100000014") + addr
    assert format_evm_v1(0, ALICE)[4:6] == b"\x01\x00"  # chain 0 is the one-byte reference 0x00
    assert format_evm_v1(2**256 - 1)[4] == 32


def test_parse_evm_v1_spec_examples() -> None:
    assert parse_evm_v1(format_evm_v1(271, ALICE)) == (271, ALICE)
    assert parse_evm_v1(format_evm_v1(271)) == (271, ZERO_ADDRESS)
    assert parse_evm_v1(format_evm_v1(address=ALICE)) == (0, ALICE)


@settings(max_examples=200)
@given(chain_id=st.none() | uint256s, address=st.none() | addresses)
def test_erc7930_round_trips(chain_id: int | None, address: str | None) -> None:
    if chain_id is None and address is None:
        with pytest.raises(EncodingError):
            format_evm_v1(chain_id, address)
        return
    encoded = format_evm_v1(chain_id, address)
    assert parse_evm_v1(encoded) == (chain_id or 0, address or ZERO_ADDRESS)
    assert parse_evm_v1(encoded + b"\xff\x00trailing") == parse_evm_v1(encoded)


def test_parse_evm_v1_rejects_when_truncated() -> None:
    for encoded in (format_evm_v1(271, ALICE), format_evm_v1(271), format_evm_v1(address=ALICE)):
        for length in range(len(encoded)):
            with pytest.raises(EncodingError, match="truncated"):
                parse_evm_v1(encoded[:length])


def test_parse_evm_v1_rejects_when_version_or_chain_type_wrong() -> None:
    good = format_evm_v1(271, ALICE)
    with pytest.raises(EncodingError, match="version"):
        parse_evm_v1(b"\x00\x02" + good[2:])
    with pytest.raises(EncodingError, match="chain type"):
        parse_evm_v1(good[:2] + b"\x00\x01" + good[4:])


def test_parse_evm_v1_rejects_when_address_length_not_0_or_20() -> None:
    with pytest.raises(EncodingError, match="0 or 20"):
        parse_evm_v1(bytes.fromhex("000100000013") + bytes(19))
    with pytest.raises(EncodingError, match="0 or 20"):
        parse_evm_v1(bytes.fromhex("000100000020") + bytes(32))


def test_parse_evm_v1_rejects_when_chain_reference_longer_than_32_bytes() -> None:
    with pytest.raises(EncodingError, match="32 bytes"):
        parse_evm_v1(bytes.fromhex("0001000021") + b"\x01" * 33 + b"\x00")


# --------------------------------------------------------------------------------------------
# Bundles (spec 2.2, 2.5)
# --------------------------------------------------------------------------------------------

calls = st.builds(
    InteropCall,
    to=addresses,
    from_=addresses,
    value=uint256s,
    data=st.binary(max_size=100),
    shadow_account=st.booleans(),
)
bundles = st.builds(
    InteropBundle,
    source_chain_id=uint256s,
    destination_chain_id=uint256s,
    destination_base_token_asset_id=bytes32s,
    interop_bundle_salt=bytes32s,
    calls=st.lists(calls, max_size=4).map(tuple),
    bundle_attributes=st.builds(
        BundleAttributes,
        execution_address=st.binary(max_size=40),
        unbundler_address=st.binary(max_size=40),
        use_fixed_fee=st.booleans(),
    ),
)


def _spec_tuple(bundle: InteropBundle) -> tuple[Any, ...]:
    """The bundle as plain values in spec 2.2 field order, built without the library."""
    return (
        b"\x01",
        bundle.source_chain_id,
        bundle.destination_chain_id,
        bundle.destination_base_token_asset_id,
        bundle.interop_bundle_salt,
        [(b"\x01", c.shadow_account, c.to, c.from_, c.value, c.data) for c in bundle.calls],
        (
            bundle.bundle_attributes.execution_address,
            bundle.bundle_attributes.unbundler_address,
            bundle.bundle_attributes.use_fixed_fee,
        ),
    )


SPEC_TUPLE = "(bytes1,uint256,uint256,bytes32,bytes32,(bytes1,bool,address,address,uint256,bytes)[],(bytes,bytes,bool))"


@settings(max_examples=100, deadline=None)
@given(bundle=bundles)
def test_bundle_encoding_round_trips_and_matches_spec_tuple(bundle: InteropBundle) -> None:
    assert INTEROP_BUNDLE_ABI_TYPE == SPEC_TUPLE
    encoded = bundle.encode()
    assert encoded == abi_encode([SPEC_TUPLE], [_spec_tuple(bundle)])
    assert InteropBundle.decode(encoded) == bundle
    assert bundle.message() == BUNDLE_IDENTIFIER + encoded


@settings(max_examples=100, deadline=None)
@given(bundle=bundles, index=st.integers(0, 2**256 - 1))
def test_bundle_hash_and_send_id_match_spec_formulas(bundle: InteropBundle, index: int) -> None:
    encoded = bundle.encode()
    expected_hash = reference_keccak(abi_encode(["uint256", "bytes"], [bundle.source_chain_id, encoded]))
    assert bundle_hash(bundle.source_chain_id, encoded) == expected_hash == bundle.hash()
    assert send_id(expected_hash, index) == reference_keccak(
        encode_packed(["bytes32", "uint256"], [expected_hash, index])
    )


@given(sender=addresses, nonce=uint256s)
def test_bundle_salt_matches_spec_formula(sender: str, nonce: int) -> None:
    expected = reference_keccak(encode_packed(["address", "uint256"], [sender, nonce]))
    assert bundle_salt(sender, nonce) == expected
    assert bundle_salt(_b(sender), nonce) == expected
    assert bundle_salt(sender, nonce) != bundle_salt(sender, (nonce + 1) % 2**256)


def test_bundle_hash_uses_the_exact_bytes_given() -> None:
    bundle = InteropBundle(
        source_chain_id=271,
        destination_chain_id=272,
        destination_base_token_asset_id=bytes(32),
        interop_bundle_salt=bundle_salt(ALICE, 0),
        calls=(InteropCall(to=ASSET_ROUTER, from_=ALICE, value=1, data=b"\x01\x02"),),
    )
    encoded = bundle.encode()
    assert bundle_hash(271, encoded + b"\x00") != bundle_hash(271, encoded)
    assert bundle_hash(272, encoded) != bundle.hash()


def test_interop_bundle_decode_rejects_when_bytes_are_not_a_bundle() -> None:
    with pytest.raises(EncodingError):
        InteropBundle.decode(b"\x01" * 40)
    good = InteropBundle(
        source_chain_id=1,
        destination_chain_id=2,
        destination_base_token_asset_id=bytes(32),
        interop_bundle_salt=bytes(32),
    ).encode()
    with pytest.raises(EncodingError):
        InteropBundle.decode(good[:-32])


def test_interop_bundle_rejects_when_fields_malformed() -> None:
    base: dict[str, Any] = {
        "source_chain_id": 1,
        "destination_chain_id": 2,
        "destination_base_token_asset_id": bytes(32),
        "interop_bundle_salt": bytes(32),
    }
    for field, bad in [
        ("destination_base_token_asset_id", bytes(31)),
        ("interop_bundle_salt", b""),
        ("source_chain_id", -1),
        ("destination_chain_id", 2**256),
        ("version", b"\x01\x00"),
    ]:
        with pytest.raises(EncodingError):
            InteropBundle(**{**base, field: bad})
    with pytest.raises(EncodingError):
        InteropCall(to="0x1234", from_=ALICE)


def test_call_starter_round_trips() -> None:
    starter = InteropCallStarter(
        to=format_evm_v1(address=ASSET_ROUTER),
        data=b"\x01payload",
        call_attributes=(indirect_call(0), interop_call_value(5)),
    )
    encoded = starter.encode()
    assert encoded == abi_encode(["(bytes,bytes,bytes[])"], [(starter.to, starter.data, list(starter.call_attributes))])
    assert InteropCallStarter.decode(encoded) == starter


def test_status_enums_match_solidity_order() -> None:
    assert [s.value for s in CallStatus] == [0, 1, 2]
    assert [s.name for s in CallStatus] == ["UNPROCESSED", "EXECUTED", "CANCELLED"]
    assert [s.name for s in BundleStatus] == ["UNRECEIVED", "VERIFIED", "FULLY_EXECUTED", "UNBUNDLED"]


def test_addresses_come_out_checksummed() -> None:
    call = InteropCall(to=ASSET_ROUTER.lower(), from_=ALICE.lower())
    assert call.from_ == ALICE
    decoded = InteropBundle.decode(
        InteropBundle(
            source_chain_id=1,
            destination_chain_id=2,
            destination_base_token_asset_id=bytes(32),
            interop_bundle_salt=bytes(32),
            calls=(call,),
        ).encode()
    )
    assert decoded.calls[0].from_ == ALICE


# --------------------------------------------------------------------------------------------
# Inclusion proofs and InteropHandler calldata (spec 3.1)
# --------------------------------------------------------------------------------------------


def _vector_message() -> L2Message:
    message = FINALIZE_VECTOR["message"]
    return L2Message(
        tx_number_in_batch=message["tx_number_in_batch"], sender=message["sender"], data=_b(message["data"])
    )


def test_l2_message_leaf_is_the_l1_messenger_log() -> None:
    message = _vector_message()
    assert message.leaf_hash() == message_log(14, ASSET_ROUTER, message.data).leaf_hash()


def test_message_inclusion_proof_verifies_real_vector_and_round_trips() -> None:
    proof = MessageInclusionProof(
        chain_id=FINALIZE_VECTOR["source_chain_id"],
        l1_batch_number=FINALIZE_VECTOR["source_batch_number"],
        l2_message_index=FINALIZE_VECTOR["l2_message_index"],
        message=_vector_message(),
        proof=tuple(_b(word) for word in FINALIZE_VECTOR["proof"]),
    )
    root = FINALIZE_VECTOR["interop_root"]
    stored = {(root["chain_id"], root["block_number"]): _b(root["root"])}
    assert verify_message_proof(
        proof.chain_id,
        proof.l1_batch_number,
        proof.l2_message_index,
        proof.message,
        proof.proof,
        lambda chain, number: stored.get((chain, number)),
    )
    encoded = proof.encode()
    assert MessageInclusionProof.decode(encoded) == proof
    assert encoded == abi_encode([MESSAGE_INCLUSION_PROOF_ABI_TYPE], [proof.as_abi_tuple()])


def test_execute_and_verify_bundle_calldata_decode_back() -> None:
    bundle = InteropBundle(
        source_chain_id=271,
        destination_chain_id=272,
        destination_base_token_asset_id=bytes(32),
        interop_bundle_salt=bundle_salt(ALICE, 3),
    ).encode()
    proof = MessageInclusionProof(
        chain_id=271,
        l1_batch_number=5,
        l2_message_index=0,
        message=L2Message(tx_number_in_batch=0, sender=INTEROP_CENTER, data=BUNDLE_IDENTIFIER + bundle),
        proof=(bytes(32), b"\x11" * 32),
    )
    for build, sel in ((execute_bundle_calldata, "2949e7b7"), (verify_bundle_calldata, "743565a6")):
        calldata = build(bundle, proof)
        assert calldata[:4].hex() == sel
        raw_bundle, raw_proof = abi_decode(["bytes", MESSAGE_INCLUSION_PROOF_ABI_TYPE], calldata[4:])
        assert raw_bundle == bundle
        assert raw_proof[3][2] == BUNDLE_IDENTIFIER + bundle


def test_message_inclusion_proof_rejects_when_a_word_is_not_32_bytes() -> None:
    with pytest.raises(EncodingError):
        MessageInclusionProof(
            chain_id=1,
            l1_batch_number=1,
            l2_message_index=0,
            message=L2Message(tx_number_in_batch=0, sender=ALICE, data=b""),
            proof=(b"\x00" * 31,),
        )


# --------------------------------------------------------------------------------------------
# Assets (spec 5.1) — the finalize-deposit vector is a real withdrawal message
# --------------------------------------------------------------------------------------------


def test_real_withdrawal_message_decodes_and_re_encodes() -> None:
    data = _vector_message().data
    chain_id, asset_id, mint_data = decode_l1_withdrawal_message(data)
    assert chain_id == 271
    mint = BridgeMintData.decode(mint_data)
    assert mint.original_caller == mint.remote_receiver == ALICE
    assert mint.amount == 1
    metadata = TokenMetadata.decode(mint.erc20_metadata)
    assert metadata == TokenMetadata(origin_chain_id=9, name="WBTC", symbol="WBTC", decimals=8)
    assert metadata.encode() == mint.erc20_metadata
    assert mint.encode() == mint_data
    assert asset_id == ntv_asset_id(metadata.origin_chain_id, mint.origin_token)
    assert l1_withdrawal_message(chain_id, asset_id, mint.encode()) == data


def test_asset_id_matches_spec_formula() -> None:
    token = "0x58d9e3d9303750dc90Bb2931Ac1abBb99d203bC5"
    ntv = "0x0000000000000000000000000000000000010004"
    expected = reference_keccak(abi_encode(["uint256", "address", "address"], [9, ntv, token]))
    assert ntv_asset_id(9, token) == expected
    assert encode_asset_id(9, bytes(12) + _b(token), ntv) == expected


def test_burn_data_is_96_bytes_and_round_trips() -> None:
    burn = NtvBurnData(amount=10**18, remote_receiver=ALICE)
    encoded = burn.encode()
    assert encoded == abi_encode(["uint256", "address", "address"], [10**18, ALICE, ZERO_ADDRESS])
    assert NtvBurnData.decode(encoded) == burn


def test_ntv_burn_data_decode_rejects_when_not_96_bytes() -> None:
    encoded = NtvBurnData(amount=1, remote_receiver=ALICE).encode()
    for bad in (encoded[:64], encoded + bytes(32)):
        with pytest.raises(EncodingError, match="InvalidNTVBurnData"):
            NtvBurnData.decode(bad)


def test_second_bridge_data_matches_spec_and_round_trips() -> None:
    asset_id = ntv_asset_id(271, ALICE)
    burn = NtvBurnData(amount=5, remote_receiver=ALICE).encode()
    encoded = second_bridge_data(asset_id, burn)
    assert encoded == b"\x01" + abi_encode(["bytes32", "bytes"], [asset_id, burn])
    assert decode_second_bridge_data(encoded) == (asset_id, burn)


def test_decode_second_bridge_data_rejects_when_version_not_one() -> None:
    encoded = second_bridge_data(bytes(32), b"")
    with pytest.raises(EncodingError):
        decode_second_bridge_data(b"\x00" + encoded[1:])


def test_finalize_deposit_calldata_round_trips() -> None:
    mint = BridgeMintData(
        original_caller=ALICE,
        remote_receiver=ALICE,
        origin_token=ASSET_ROUTER,
        amount=3,
        erc20_metadata=TokenMetadata(origin_chain_id=271, name="Token", symbol="TKN", decimals=18).encode(),
    ).encode()
    calldata = finalize_deposit_calldata(271, bytes(32), mint)
    assert calldata[:4].hex() == "9c884fd1"
    assert decode_finalize_deposit_calldata(calldata) == (271, bytes(32), mint)
    with pytest.raises(EncodingError):
        decode_finalize_deposit_calldata(b"\x00" * 4 + calldata[4:])


def test_decode_l1_withdrawal_message_rejects_when_not_finalize_deposit() -> None:
    with pytest.raises(EncodingError):
        decode_l1_withdrawal_message(bytes(100))
    with pytest.raises(EncodingError):
        decode_l1_withdrawal_message(bytes.fromhex("9c884fd1") + bytes(10))
