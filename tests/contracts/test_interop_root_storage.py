# ruff: noqa: N802
"""L2InteropRootStorage (0x10008): who may write roots, and the write-once, non-zero rules (P1, P3, P4)."""

from __future__ import annotations

from conftest import (
    ALICE,
    GW_ID,
    INTEROP_ROOT,
    Net,
    assert_reverted,
    calldata,
    error,
    logs_with,
)
from eth_abi.abi import decode

from zkconnect.protocol.addresses import (
    BOOTLOADER,
    COMPLEX_UPGRADER,
    L2_INTEROP_ROOT_STORAGE,
    SERVICE_TRANSACTION_SENDER,
    SETTLEMENT_LAYER_RELAY_SENDER,
)
from zkconnect.protocol.merkle import keccak

ROOT = keccak(b"a gateway root")
ADD = "addInteropRoot(uint256,uint256,bytes32[])"


def interop_root(net: Net, chain_id: int, number: int) -> bytes:
    return net.b.call(L2_INTEROP_ROOT_STORAGE, calldata("interopRoots(uint256,uint256)", chain_id, number))


def test_addInteropRoot_stores_the_root_and_emits_InteropRootAdded(net: Net) -> None:
    data = calldata(ADD, GW_ID, 7, [ROOT])
    assert data[:4].hex() == "fb6200c6"
    receipt = net.b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, data)
    assert receipt.ok
    assert interop_root(net, GW_ID, 7) == ROOT
    (log,) = logs_with(receipt, L2_INTEROP_ROOT_STORAGE, "InteropRootAdded(uint256,uint256,bytes32[])")
    assert log.topics[1:] == (GW_ID.to_bytes(32, "big"), (7).to_bytes(32, "big"))
    assert decode(["bytes32[]"], log.data) == ((ROOT,),)


def test_addInteropRoot_reverts_when_root_is_zero(net: Net) -> None:
    receipt = net.b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, calldata(ADD, GW_ID, 7, [bytes(32)]))
    assert_reverted(receipt, error("MessageRootIsZero()"))
    assert interop_root(net, GW_ID, 7) == bytes(32)


def test_addInteropRoot_reverts_when_root_already_exists(net: Net) -> None:
    assert net.b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, calldata(ADD, GW_ID, 7, [ROOT])).ok
    other = keccak(b"a different root")
    receipt = net.b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, calldata(ADD, GW_ID, 7, [other]))
    assert_reverted(receipt, error("InteropRootAlreadyExists()"))
    same = net.b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, calldata(ADD, GW_ID, 7, [ROOT]))
    assert_reverted(same, error("InteropRootAlreadyExists()"))
    assert interop_root(net, GW_ID, 7) == ROOT


def test_addInteropRoot_reverts_when_sender_is_not_the_bootloader(net: Net) -> None:
    data = calldata(ADD, GW_ID, 7, [ROOT])
    user = net.transact(net.b, ALICE, L2_INTEROP_ROOT_STORAGE, data)
    assert_reverted(user, error("Unauthorized(address)", ALICE.address))
    for sender in (COMPLEX_UPGRADER, SERVICE_TRANSACTION_SENDER, SETTLEMENT_LAYER_RELAY_SENDER):
        receipt = net.b.system_call(sender, L2_INTEROP_ROOT_STORAGE, data)
        assert_reverted(receipt, error("Unauthorized(address)", sender))
    assert interop_root(net, GW_ID, 7) == bytes(32)


def test_addInteropRoot_reverts_when_sides_length_is_not_one(net: Net) -> None:
    for sides in ([], [ROOT, ROOT]):
        receipt = net.b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, calldata(ADD, GW_ID, 7, sides))
        assert_reverted(receipt, error("SidesLengthNotOne()"))


def test_addInteropRootsInBatch_applies_every_rule_to_every_root(net: Net) -> None:
    batch = "addInteropRootsInBatch(" + INTEROP_ROOT + "[])"
    good = [(GW_ID, 1, [ROOT]), (GW_ID, 2, [keccak(b"2")])]
    assert net.b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, calldata(batch, good)).ok
    assert interop_root(net, GW_ID, 2) == keccak(b"2")
    with_zero = [(GW_ID, 3, [keccak(b"3")]), (GW_ID, 4, [bytes(32)])]
    receipt = net.b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, calldata(batch, with_zero))
    assert_reverted(receipt, error("MessageRootIsZero()"))
    assert interop_root(net, GW_ID, 3) == bytes(32)
    single = "addSingleInteropRoot(" + INTEROP_ROOT + ")"
    receipt = net.b.system_call(BOOTLOADER, L2_INTEROP_ROOT_STORAGE, calldata(single, (GW_ID, 1, [ROOT])))
    assert_reverted(receipt, error("InteropRootAlreadyExists()"))
    user = net.transact(net.b, ALICE, L2_INTEROP_ROOT_STORAGE, calldata(batch, [(GW_ID, 9, [ROOT])]))
    assert_reverted(user, error("Unauthorized(address)", ALICE.address))
