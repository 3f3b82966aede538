# ruff: noqa: N802
"""SystemContext, L1Messenger, L2Bridgehub, BaseTokenHolder, initialisers and the installers."""

from __future__ import annotations

import pytest
from conftest import (
    A_ID,
    ALICE,
    B_ID,
    ETH,
    GW_ID,
    L1_ID,
    L2_LOG,
    Net,
    assert_reverted,
    calldata,
    error,
    logs_with,
    string_error,
    word,
)
from eth_abi.abi import decode

from zkconnect.artifacts import load
from zkconnect.engine.chain import Chain
from zkconnect.engine.clock import Clock
from zkconnect.errors import ConfigError
from zkconnect.genesis.system_contracts import InteropPeer, install_l2_system_contracts
from zkconnect.protocol.addresses import (
    BASE_TOKEN_HOLDER,
    BASE_TOKEN_HOLDER_INITIAL_BALANCE,
    BOOTLOADER,
    COMPLEX_UPGRADER,
    GW_ASSET_TRACKER,
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L1_MESSENGER,
    L2_BRIDGEHUB,
    L2_MESSAGE_ROOT,
    L2_SYSTEM_CONTRACTS,
    SERVICE_TRANSACTION_SENDER,
    SYSTEM_CONTEXT,
    eth_asset_id,
    ntv_asset_id,
)
from zkconnect.protocol.merkle import chain_id_leaf, keccak


def test_L1Messenger_records_the_sender_hash_and_tx_number_of_each_message(net: Net) -> None:
    sender = net.deploy(net.a, "InteropMessageSender")
    net.a.automine = False
    net.a.submit(net.a.sign(ALICE.private_key, sender, calldata("sendMessage(bytes)", b"zero"), gas=1_000_000))
    net.a.submit(net.a.sign(ALICE.private_key, sender, calldata("sendMessage(bytes)", b"one"), gas=1_000_000))
    (block,) = net.a.mine()
    net.a.automine = True
    for index, (receipt, message) in enumerate(zip(block.receipts, (b"zero", b"one"), strict=True)):
        (sent,) = logs_with(receipt, L1_MESSENGER, "L1MessageSent(address,bytes32,bytes)")
        assert sent.topics[1:] == (word(int.from_bytes(sender, "big")), keccak(message))
        assert decode(["bytes"], sent.data) == (message,)
        (l2log,) = logs_with(receipt, L1_MESSENGER, f"L2ToL1LogSent({L2_LOG})")
        assert decode([L2_LOG], l2log.data)[0] == (
            0,
            True,
            index,
            "0x" + L1_MESSENGER.hex(),
            word(int.from_bytes(sender, "big")),
            keccak(message),
        )
        assert receipt.logs.index(l2log) < receipt.logs.index(sent)
    slot = load("SystemContext").storage_slot("txNumberInBlock")
    assert slot == 0
    assert net.a.call(SYSTEM_CONTEXT, calldata("txNumberInBlock()")) == word(1)


def test_setSettlementLayerChainId_reverts_when_sender_is_not_the_bootloader(net: Net) -> None:
    data = calldata("setSettlementLayerChainId(uint256)", L1_ID)
    assert_reverted(net.transact(net.a, ALICE, SYSTEM_CONTEXT, data), error("Unauthorized(address)", ALICE.address))
    assert net.a.call(SYSTEM_CONTEXT, calldata("currentSettlementLayerChainId()")) == word(GW_ID)
    assert_reverted(
        net.a.system_call(BOOTLOADER, SYSTEM_CONTEXT, calldata("setSettlementLayerChainId(uint256)", 0)),
        error("ZeroChainId()"),
    )
    assert net.a.system_call(BOOTLOADER, SYSTEM_CONTEXT, data).ok
    assert net.a.call(SYSTEM_CONTEXT, calldata("currentSettlementLayerChainId()")) == word(L1_ID)


def test_registerChainForInterop_reverts_when_sender_is_not_the_service_transaction_sender(net: Net) -> None:
    data = calldata("registerChainForInterop(uint256,bytes32)", 777, ETH)
    assert_reverted(net.transact(net.a, ALICE, L2_BRIDGEHUB, data), error("Unauthorized(address)", ALICE.address))
    assert_reverted(net.a.system_call(BOOTLOADER, L2_BRIDGEHUB, data), error("Unauthorized(address)", BOOTLOADER))
    receipt = net.a.system_call(SERVICE_TRANSACTION_SENDER, L2_BRIDGEHUB, data)
    assert receipt.ok
    assert net.a.call(L2_BRIDGEHUB, calldata("baseTokenAssetId(uint256)", 777)) == ETH
    for bad, err in (
        ((0, ETH), error("ZeroChainId()")),
        ((A_ID, ETH), error("ChainIdCantBeCurrentChain()")),
        ((778, bytes(32)), error("EmptyAssetId()")),
    ):
        receipt = net.a.system_call(
            SERVICE_TRANSACTION_SENDER, L2_BRIDGEHUB, calldata("registerChainForInterop(uint256,bytes32)", *bad)
        )
        assert_reverted(receipt, err)


def test_registerSettledChain_reverts_when_called_twice_or_by_anyone_else(net: Net) -> None:
    data = calldata("registerSettledChain(uint256,address,bytes32,uint256)", A_ID, ALICE.address, ETH, 0)
    assert_reverted(net.transact(net.gw, ALICE, L2_BRIDGEHUB, data), error("Unauthorized(address)", ALICE.address))
    assert_reverted(net.gw.system_call(SERVICE_TRANSACTION_SENDER, L2_BRIDGEHUB, data), error("ChainIdAlreadyExists()"))
    add = calldata("addNewChain(uint256,uint256)", 4321, 0)
    assert_reverted(
        net.transact(net.gw, ALICE, L2_MESSAGE_ROOT, add),
        error("OnlyBridgehub(address,address)", ALICE.address, L2_BRIDGEHUB),
    )
    new = calldata("registerSettledChain(uint256,address,bytes32,uint256)", 4321, ALICE.address, ETH, 5)
    assert net.gw.system_call(SERVICE_TRANSACTION_SENDER, L2_BRIDGEHUB, new).ok
    assert net.gw.call(L2_MESSAGE_ROOT, calldata("currentChainBatchNumber(uint256)", 4321)) == word(5)
    assert net.gw.call(L2_MESSAGE_ROOT, calldata("chainIndex(uint256)", 4321)) == word(3)


def test_initialisers_revert_when_called_again_or_by_anyone_else(net: Net) -> None:
    again = "Initializable: contract is already initialized"
    for to, data in (
        (L2_BRIDGEHUB, calldata("initL2(uint256,address,uint256)", L1_ID, ALICE.address, 1)),
        (L2_MESSAGE_ROOT, calldata("initL2(uint256)", L1_ID)),
        (INTEROP_HANDLER, calldata("initL2(uint256)", L1_ID)),
        (GW_ASSET_TRACKER, calldata("initL2(uint256,address)", L1_ID, ALICE.address)),
        (L2_BRIDGEHUB, calldata("setLocalBaseTokenAssetId(bytes32)", ETH)),
    ):
        assert_reverted(net.transact(net.a, ALICE, to, data), error("Unauthorized(address)", ALICE.address))
        assert_reverted(net.a.system_call(COMPLEX_UPGRADER, to, data), string_error(again))


def test_initialisers_revert_on_zero_values() -> None:
    chain = Chain(5555, Clock())
    for address, name in L2_SYSTEM_CONTRACTS.items():
        chain.place(address, load(name).runtime_bytecode)
    cases = [
        (L2_BRIDGEHUB, calldata("initL2(uint256,address,uint256)", 0, ALICE.address, 1), error("ZeroChainId()")),
        (L2_BRIDGEHUB, calldata("initL2(uint256,address,uint256)", L1_ID, bytes(20), 1), error("ZeroAddress()")),
        (L2_BRIDGEHUB, calldata("setLocalBaseTokenAssetId(bytes32)", bytes(32)), error("EmptyAssetId()")),
        (L2_MESSAGE_ROOT, calldata("initL2(uint256)", 0), error("ZeroChainId()")),
        (INTEROP_HANDLER, calldata("initL2(uint256)", 0), error("ZeroChainId()")),
        (INTEROP_CENTER, calldata("initL2(uint256,address,bytes32)", 0, ALICE.address, ETH), error("ZeroChainId()")),
        (INTEROP_CENTER, calldata("initL2(uint256,address,bytes32)", L1_ID, bytes(20), ETH), error("ZeroAddress()")),
        (
            INTEROP_CENTER,
            calldata("initL2(uint256,address,bytes32)", L1_ID, ALICE.address, bytes(32)),
            error("ZKTokenNotAvailable()"),
        ),
        (GW_ASSET_TRACKER, calldata("initL2(uint256,address)", L1_ID, bytes(20)), error("ZeroAddress()")),
    ]
    for to, data, expected in cases:
        assert_reverted(chain.system_call(COMPLEX_UPGRADER, to, data), expected)


def test_BaseTokenHolder_only_pays_the_handler_and_only_takes_from_allowed_callers(net: Net) -> None:
    give = calldata("give(address,uint256,uint256)", ALICE.address, 1, B_ID)
    assert_reverted(net.transact(net.a, ALICE, BASE_TOKEN_HOLDER, give), error("Unauthorized(address)", ALICE.address))
    burn = calldata("burnAndStartBridging(uint256)", B_ID)
    assert_reverted(
        net.transact(net.a, ALICE, BASE_TOKEN_HOLDER, burn, 1), error("Unauthorized(address)", ALICE.address)
    )
    assert_reverted(
        net.transact(net.a, ALICE, BASE_TOKEN_HOLDER, b"", 1), error("Unauthorized(address)", ALICE.address)
    )
    alice_before = net.a.balance(ALICE.address)
    assert net.a.system_call(INTEROP_HANDLER, BASE_TOKEN_HOLDER, give).ok
    assert net.a.balance(ALICE.address) == alice_before + 1
    before = net.a.balance(BASE_TOKEN_HOLDER)
    assert net.a.system_call(INTEROP_CENTER, BASE_TOKEN_HOLDER, burn, value=5).ok
    assert net.a.balance(BASE_TOKEN_HOLDER) == before + 5


def test_install_l2_system_contracts_places_and_initialises_everything() -> None:
    chain = Chain(7777, Clock())
    installed = install_l2_system_contracts(
        chain,
        chain_id=7777,
        l1_chain_id=L1_ID,
        settlement_layer_chain_id=GW_ID,
        gateway_chain_id=GW_ID,
        base_token_asset_id=ETH,
        interop_fee=3,
        peers=[InteropPeer(A_ID, ETH), InteropPeer(B_ID, keccak(b"b"))],
    )
    for address, name in L2_SYSTEM_CONTRACTS.items():
        assert chain.code(address) == load(name).runtime_bytecode
    assert chain.balance(BASE_TOKEN_HOLDER) == BASE_TOKEN_HOLDER_INITIAL_BALANCE
    assert chain.call(INTEROP_CENTER, calldata("interopProtocolFee()")) == word(3)
    assert chain.call(INTEROP_CENTER, calldata("L1_CHAIN_ID()")) == word(L1_ID)
    assert chain.call(L2_BRIDGEHUB, calldata("baseTokenAssetId(uint256)", B_ID)) == keccak(b"b")
    assert chain.call(L2_BRIDGEHUB, calldata("baseTokenAssetId(uint256)", 7777)) == ETH
    assert chain.call(L2_MESSAGE_ROOT, calldata("getAggregatedRoot()")) == chain_id_leaf(bytes(32), 7777)
    assert installed.interop_center == INTEROP_CENTER and installed.peers[1].chain_id == B_ID
    assert installed.zk_token_asset_id == ntv_asset_id(L1_ID, keccak(b"zkconnect:zk-token")[12:])
    assert eth_asset_id(L1_ID) == ntv_asset_id(L1_ID, (1).to_bytes(20, "big"))
    with pytest.raises(ConfigError):
        install_l2_system_contracts(
            Chain(7778, Clock()),
            chain_id=1,
            l1_chain_id=L1_ID,
            settlement_layer_chain_id=GW_ID,
            gateway_chain_id=GW_ID,
            base_token_asset_id=ETH,
        )
