# ruff: noqa: N802
"""InteropCenter (0x1000d): bundle building, events, value and fee accounting, and the send-side errors (T3)."""

from __future__ import annotations

from conftest import (
    A_ID,
    ALICE,
    B_ID,
    BOB,
    C_ID,
    CALL_STARTERS,
    ETH,
    GW_ID,
    INTEROP_FEE,
    L1_ID,
    OWNER,
    Net,
    assert_reverted,
    calldata,
    error,
    logs_with,
    reverts,
    string_error,
    topic,
)
from eth_abi.abi import decode, encode

from zkconnect.protocol.addresses import BASE_TOKEN_HOLDER, BOOTLOADER, COMPLEX_UPGRADER, INTEROP_CENTER, L1_MESSENGER
from zkconnect.protocol.merkle import keccak
from zkconnect.protocol.messages import (
    INTEROP_BUNDLE_ABI_TYPE,
    bundle_hash,
    bundle_salt,
    execution_address,
    format_evm_v1,
    indirect_call,
    interop_call_value,
    send_id,
    unbundler_address,
    use_fixed_fee,
)

SEND_BUNDLE = f"sendBundle(bytes,{CALL_STARTERS},bytes[])"
SEND_MESSAGE = "sendMessage(bytes,bytes,bytes[])"
MESSAGE_SENT = "MessageSent(bytes32,bytes,bytes,bytes,uint256,bytes[])"
TARGET = bytes.fromhex("00000000000000000000000000000000000c0ffe")


def send(
    net: Net,
    starters: list[tuple[bytes, bytes, list[bytes]]],
    attributes: list[bytes] | None = None,
    *,
    value: int,
    destination: bytes | None = None,
    who: object = ALICE,
) -> object:
    data = calldata(SEND_BUNDLE, destination or format_evm_v1(B_ID), starters, attributes or [])
    return net.transact(net.a, who, INTEROP_CENTER, data, value)  # type: ignore[arg-type]


def uint(chain: object, to: bytes, signature: str, *args: object) -> int:
    return int.from_bytes(chain.call(to, calldata(signature, *args)), "big")  # type: ignore[attr-defined]


def test_sendBundle_emits_the_era_bundle_layout_and_events(net: Net) -> None:
    attrs = [interop_call_value(5)]
    sent = net.send_bundle(
        net.a, ALICE, B_ID, [(format_evm_v1(None, TARGET), b"\x12\x34", attrs)], value=5 + INTEROP_FEE
    )
    receipt = sent.receipt
    bundle = sent.bundle
    assert bundle.source_chain_id == A_ID and bundle.destination_chain_id == B_ID
    assert bundle.destination_base_token_asset_id == ETH
    assert bundle.interop_bundle_salt == bundle_salt(ALICE.address, 0)
    (call,) = bundle.calls
    assert (call.to.lower(), call.from_.lower(), call.value, call.data) == (
        "0x" + TARGET.hex(),
        "0x" + ALICE.address.hex(),
        5,
        b"\x12\x34",
    )
    assert call.version == b"\x01" and call.shadow_account is False
    assert bundle.bundle_attributes.unbundler_address == format_evm_v1(A_ID, ALICE.address)
    assert bundle.bundle_attributes.execution_address == b""
    assert sent.bundle_hash == bundle_hash(A_ID, sent.encoded) == bundle.hash()
    assert sent.msg_hash == keccak(b"\x01" + sent.encoded)

    (event,) = logs_with(receipt, INTEROP_CENTER, f"InteropBundleSent(bytes32,bytes32,{INTEROP_BUNDLE_ABI_TYPE})")
    assert event.topics == (bytes.fromhex("593b2515b718ee761cd2a586d8613d22833a452122cfb7692ebabd538d57d3ff"),)
    (message_sent,) = logs_with(receipt, INTEROP_CENTER, MESSAGE_SENT)
    assert message_sent.topics[1] == send_id(sent.bundle_hash, 0)
    sender, recipient, payload, value, attributes = decode(
        ["bytes", "bytes", "bytes", "uint256", "bytes[]"], message_sent.data
    )
    assert sender == format_evm_v1(A_ID, ALICE.address)
    assert recipient == format_evm_v1(B_ID, TARGET)
    assert (payload, value, list(attributes)) == (b"\x12\x34", 5, attrs)
    # order: the messenger log first, then MessageSent, then InteropBundleSent
    names = [log.topics[0] for log in receipt.logs]
    assert names.index(topic(MESSAGE_SENT)) < names.index(event.topics[0])
    assert logs_with(receipt, L1_MESSENGER, "L1MessageSent(address,bytes32,bytes)")[0].topics[2] == sent.msg_hash


def test_sendBundle_increments_the_nonce_so_identical_bundles_differ(net: Net) -> None:
    starters = [(format_evm_v1(None, TARGET), b"same", [])]
    first = net.send_bundle(net.a, ALICE, B_ID, starters)
    second = net.send_bundle(net.a, ALICE, B_ID, starters)
    assert first.bundle_hash != second.bundle_hash
    assert second.bundle.interop_bundle_salt == bundle_salt(ALICE.address, 1)
    assert uint(net.a, INTEROP_CENTER, "interopBundleNonce(address)", ALICE.address) == 2
    other = net.send_bundle(net.a, BOB, B_ID, starters)
    assert other.bundle.interop_bundle_salt == bundle_salt(BOB.address, 0)


def test_sendBundle_burns_call_values_and_books_the_fee_per_call(net: Net) -> None:
    holder_before = net.a.balance(BASE_TOKEN_HOLDER)
    center_before = net.a.balance(INTEROP_CENTER)
    starters = [
        (format_evm_v1(None, TARGET), b"", [interop_call_value(7)]),
        (format_evm_v1(None, TARGET), b"", [interop_call_value(11)]),
        (format_evm_v1(None, TARGET), b"", []),
    ]
    net.send_bundle(net.a, ALICE, B_ID, starters, value=18 + 3 * INTEROP_FEE)
    assert net.a.balance(BASE_TOKEN_HOLDER) == holder_before + 18
    assert net.a.balance(INTEROP_CENTER) == center_before + 3 * INTEROP_FEE
    coinbase = net.a.head.header.coinbase
    assert uint(net.a, INTEROP_CENTER, "accumulatedProtocolFees(address)", coinbase) == 3 * INTEROP_FEE
    assert uint(net.a, INTEROP_CENTER, "interopProtocolFee()") == INTEROP_FEE


def test_sendBundle_reverts_when_msg_value_mismatches(net: Net) -> None:
    starters = [(format_evm_v1(None, TARGET), b"", [interop_call_value(7)])]
    for value in (7 + INTEROP_FEE - 1, 7 + INTEROP_FEE + 1, 0):
        receipt = send(net, starters, value=value)
        assert_reverted(receipt, error("MsgValueMismatch(uint256,uint256)", 7 + INTEROP_FEE, value))


def test_sendBundle_reverts_when_destination_is_not_registered(net: Net) -> None:
    starters = [(format_evm_v1(None, TARGET), b"", [])]
    for chain_id in (GW_ID, 999, 0):
        receipt = send(net, starters, value=INTEROP_FEE, destination=format_evm_v1(chain_id))
        assert_reverted(receipt, error("DestinationChainNotRegistered(uint256)", chain_id))


def test_sendBundle_reverts_when_destination_is_l1(net: Net) -> None:
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [])], value=INTEROP_FEE, destination=format_evm_v1(L1_ID))
    assert_reverted(receipt, error("NotL2ToL2(uint256,uint256)", A_ID, L1_ID))


def test_sendBundle_reverts_when_an_attribute_is_repeated(net: Net) -> None:
    repeated = [(format_evm_v1(None, TARGET), b"", [interop_call_value(1), interop_call_value(1)])]
    assert_reverted(
        send(net, repeated, value=2 + INTEROP_FEE), error("AttributeAlreadySet(bytes4)", interop_call_value(1)[:4])
    )
    bundle_level = [use_fixed_fee(False), use_fixed_fee(False)]
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [])], bundle_level, value=INTEROP_FEE)
    assert_reverted(receipt, error("AttributeAlreadySet(bytes4)", use_fixed_fee(False)[:4]))


def test_sendBundle_reverts_when_an_attribute_is_unsupported(net: Net) -> None:
    unknown = bytes.fromhex("deadbeef") + encode(["uint256"], [1])
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [unknown])], value=INTEROP_FEE)
    assert_reverted(receipt, error("UnsupportedAttribute(bytes4)", bytes.fromhex("deadbeef")))
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [])], [unknown], value=INTEROP_FEE)
    assert_reverted(receipt, error("UnsupportedAttribute(bytes4)", bytes.fromhex("deadbeef")))


def test_sendBundle_reverts_when_an_attribute_is_at_the_wrong_level(net: Net) -> None:
    call_level = [(format_evm_v1(None, TARGET), b"", [use_fixed_fee(False)])]
    assert_reverted(
        send(net, call_level, value=INTEROP_FEE),
        error("AttributeViolatesRestriction(bytes4,uint256)", use_fixed_fee(False)[:4], 1),
    )
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [])], [interop_call_value(0)], value=INTEROP_FEE)
    assert_reverted(receipt, error("AttributeViolatesRestriction(bytes4,uint256)", interop_call_value(0)[:4], 2))


def test_sendBundle_reverts_when_destination_or_target_addresses_are_malformed(net: Net) -> None:
    with_address = format_evm_v1(B_ID, TARGET)
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [])], value=INTEROP_FEE, destination=with_address)
    assert_reverted(receipt, error("InteroperableAddressNotEmpty(bytes)", with_address))
    with_chain = format_evm_v1(B_ID, TARGET)
    receipt = send(net, [(with_chain, b"", [])], value=INTEROP_FEE)
    assert_reverted(receipt, error("InteroperableAddressChainReferenceNotEmpty(bytes)", with_chain))
    garbage = b"\x00\x02\x00\x00\x00\x14" + TARGET
    receipt = send(net, [(garbage, b"", [])], value=INTEROP_FEE)
    assert_reverted(receipt, error("InteroperableAddressParsingError(bytes)", garbage))


def test_sendBundle_reverts_when_not_in_gateway_mode(net: Net) -> None:
    data = calldata(SEND_BUNDLE, format_evm_v1(A_ID), [(format_evm_v1(None, TARGET), b"", [])], [])
    receipt = net.transact(net.c, ALICE, INTEROP_CENTER, data, INTEROP_FEE)
    assert_reverted(receipt, error("NotInGatewayMode()"))


def test_sendBundle_reverts_when_paused(net: Net) -> None:
    assert_reverted(
        net.transact(net.a, ALICE, INTEROP_CENTER, calldata("pause()")),
        string_error("Ownable: caller is not the owner"),
    )
    assert net.transact(net.a, OWNER, INTEROP_CENTER, calldata("pause()")).ok
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [])], value=INTEROP_FEE)
    assert_reverted(receipt, string_error("Pausable: paused"))
    assert net.transact(net.a, OWNER, INTEROP_CENTER, calldata("unpause()")).ok
    assert send(net, [(format_evm_v1(None, TARGET), b"", [])], value=INTEROP_FEE).ok  # type: ignore[attr-defined]


def test_sendBundle_reverts_when_fixed_fee_is_asked_without_a_zk_token(net: Net) -> None:
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [])], [use_fixed_fee(True)], value=0)
    assert_reverted(receipt, error("ZKTokenNotAvailable()"))
    assert net.a.call(INTEROP_CENTER, calldata("getZKTokenAddress()")) == bytes(32)
    assert uint(net.a, INTEROP_CENTER, "ZK_INTEROP_FEE()") == 10 * 10**18


def test_sendBundle_keeps_explicit_execution_and_unbundler_addresses(net: Net) -> None:
    executor = format_evm_v1(B_ID, BOB.address)
    unbundler = format_evm_v1(0, BOB.address)
    sent = net.send_bundle(
        net.a,
        ALICE,
        B_ID,
        [(format_evm_v1(None, TARGET), b"", [])],
        [execution_address(executor), unbundler_address(unbundler)],
    )
    assert sent.bundle.bundle_attributes.execution_address == executor
    assert sent.bundle.bundle_attributes.unbundler_address == unbundler
    bad = b"\x00\x01\x00\x00\x01"
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [])], [execution_address(bad)], value=INTEROP_FEE)
    assert_reverted(receipt, error("InteroperableAddressParsingError(bytes)", bad))


def test_sendBundle_accepts_an_empty_bundle(net: Net) -> None:
    sent = net.send_bundle(net.a, ALICE, B_ID, [], value=0)
    assert sent.bundle.calls == ()


def test_sendBundle_routes_indirect_calls_through_their_target(net: Net) -> None:
    recipient = bytes.fromhex("00000000000000000000000000000000000beef0")
    forwarder = net.deploy(net.a, "IndirectCallForwarder", ["address"], [recipient])
    starters = [(format_evm_v1(None, forwarder), b"payload", [indirect_call(3), interop_call_value(4)])]
    sent = net.send_bundle(net.a, ALICE, B_ID, starters, value=3 + 4 + INTEROP_FEE)
    (call,) = sent.bundle.calls
    assert call.to.lower() == "0x" + recipient.hex()
    assert call.from_.lower() == "0x" + forwarder.hex()
    assert call.value == 4
    assert call.data == encode(["address", "bytes"], [ALICE.address, b"payload"])
    assert uint(net.a, forwarder, "received()") == 3

    assert net.transact(net.a, ALICE, forwarder, calldata("setValueSkew(uint256)", 1)).ok
    receipt = send(net, starters, value=3 + 4 + INTEROP_FEE)
    assert_reverted(receipt, error("IndirectCallValueMismatch(uint256,uint256)", 4, 5))


def test_sendMessage_sends_a_one_call_bundle_and_returns_its_send_id(net: Net) -> None:
    recipient = format_evm_v1(B_ID, TARGET)
    data = calldata(
        SEND_MESSAGE, recipient, b"hi", [interop_call_value(2), unbundler_address(format_evm_v1(B_ID, BOB.address))]
    )
    returned = net.a.call(INTEROP_CENTER, data, sender=ALICE.address, value=2 + INTEROP_FEE)
    receipt = net.transact(net.a, ALICE, INTEROP_CENTER, data, 2 + INTEROP_FEE)
    assert receipt.ok
    sent = net.sent_bundle(receipt)
    assert returned == send_id(sent.bundle_hash, 0)
    assert sent.bundle.bundle_attributes.unbundler_address == format_evm_v1(B_ID, BOB.address)
    assert sent.bundle.calls[0].value == 2
    no_chain = format_evm_v1(None, TARGET)
    receipt = net.transact(net.a, ALICE, INTEROP_CENTER, calldata(SEND_MESSAGE, no_chain, b"", []), INTEROP_FEE)
    assert_reverted(receipt, error("DestinationChainNotRegistered(uint256)", 0))


def test_setInteropFee_reverts_when_sender_is_not_the_bootloader(net: Net) -> None:
    assert_reverted(
        net.transact(net.a, ALICE, INTEROP_CENTER, calldata("setInteropFee(uint256)", 1)),
        error("Unauthorized(address)", ALICE.address),
    )
    receipt = net.a.system_call(BOOTLOADER, INTEROP_CENTER, calldata("setInteropFee(uint256)", 5))
    assert receipt.ok
    (log,) = logs_with(receipt, INTEROP_CENTER, "InteropFeeUpdated(uint256,uint256)")
    assert log.topics[1:] == ((INTEROP_FEE).to_bytes(32, "big"), (5).to_bytes(32, "big"))
    assert_reverted(
        send(net, [(format_evm_v1(None, TARGET), b"", [])], value=INTEROP_FEE),  # type: ignore[arg-type]
        error("MsgValueMismatch(uint256,uint256)", 5, INTEROP_FEE),
    )


def test_claimProtocolFees_pays_the_block_producer_once(net: Net) -> None:
    net.send_bundle(net.a, ALICE, B_ID, [(format_evm_v1(None, TARGET), b"", [])])
    coinbase = net.a.head.header.coinbase
    receiver = bytes.fromhex("00000000000000000000000000000000000fee00")
    assert net.a.system_call(coinbase, INTEROP_CENTER, calldata("claimProtocolFees(address)", receiver)).ok
    assert net.a.balance(receiver) == INTEROP_FEE
    assert net.a.system_call(coinbase, INTEROP_CENTER, calldata("claimProtocolFees(address)", receiver)).ok
    assert net.a.balance(receiver) == INTEROP_FEE


def test_initL2_reverts_when_called_again_or_by_anyone_else(net: Net) -> None:
    init = calldata("initL2(uint256,address,bytes32)", L1_ID, ALICE.address, keccak(b"zk"))
    assert_reverted(net.transact(net.a, ALICE, INTEROP_CENTER, init), error("Unauthorized(address)", ALICE.address))
    assert_reverted(
        net.a.system_call(COMPLEX_UPGRADER, INTEROP_CENTER, init),
        string_error("Initializable: contract is already initialized"),
    )


def test_supportsAttribute_lists_the_five_attributes(net: Net) -> None:
    for attribute in (
        interop_call_value(0),
        indirect_call(0),
        execution_address(b""),
        unbundler_address(b""),
        use_fixed_fee(False),
    ):
        assert uint(net.a, INTEROP_CENTER, "supportsAttribute(bytes4)", attribute[:4]) == 1
    assert uint(net.a, INTEROP_CENTER, "supportsAttribute(bytes4)", b"\xde\xad\xbe\xef") == 0
    parse = calldata(
        "parseAttributes(bytes[],uint8)", [interop_call_value(9), indirect_call(2), use_fixed_fee(True)], 3
    )
    call_attrs, bundle_attrs = decode(
        ["(uint256,bool,uint256)", "(bytes,bytes,bool)"], net.a.call(INTEROP_CENTER, parse)
    )
    assert call_attrs == (9, True, 2) and bundle_attrs == (b"", b"", True)
    bad = calldata("parseAttributes(bytes[],uint8)", [indirect_call(2)], 0)
    assert reverts(net.a, INTEROP_CENTER, bad) == error(
        "AttributeViolatesRestriction(bytes4,uint256)", indirect_call(0)[:4], 0
    )


def test_interop_to_and_from_a_chain_settling_on_l1_is_refused(net: Net) -> None:
    receipt = send(net, [(format_evm_v1(None, TARGET), b"", [])], value=INTEROP_FEE, destination=format_evm_v1(C_ID))
    assert receipt.ok  # type: ignore[attr-defined]  # registered on A; C refuses to execute (see handler tests)
