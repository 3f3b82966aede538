"""L1 shared bridge contracts on the devnet's L1: the read surface SDKs use, and access control."""

from __future__ import annotations

import pytest
from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak

from zkconnect import Devnet
from zkconnect.assets import predict_bridged_token
from zkconnect.genesis.asset_contracts import BRIDGED_TOKEN_BEACON
from zkconnect.genesis.l1_bridge import L1Bridge
from zkconnect.protocol.addresses import ETH_TOKEN_ADDRESS, L2_ASSET_TRACKER, ntv_asset_id


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


@pytest.fixture(scope="module")
def net() -> tuple[Devnet, L1Bridge]:
    devnet = Devnet()
    assert devnet.contracts.l1_bridge is not None
    return devnet, devnet.contracts.l1_bridge


def read(devnet: Devnet, to: bytes, signature: str, types: list[str], *args: object) -> bytes:
    return devnet.l1.call(to, sel(signature) + encode(types, list(args)))


def test_sdk_discovery_chain(net: tuple[Devnet, L1Bridge]) -> None:
    devnet, bridge = net
    assert read(devnet, bridge.bridgehub, "assetRouter()", [])[12:] == bridge.asset_router
    assert read(devnet, bridge.asset_router, "L1_NULLIFIER()", [])[12:] == bridge.nullifier
    assert read(devnet, bridge.nullifier, "l1NativeTokenVault()", [])[12:] == bridge.native_token_vault
    assert read(devnet, bridge.native_token_vault, "l1AssetTracker()", [])[12:] == bridge.asset_tracker
    for chain_id in (6565, 6566):
        ctm = read(devnet, bridge.bridgehub, "chainTypeManager(uint256)", ["uint256"], chain_id)[12:]
        assert ctm == devnet.contracts.l1.chain_type_manager != bytes(20)
        assert decode(["uint32", "uint32", "uint32"], read(devnet, ctm, "getSemverProtocolVersion()", [])) == (0, 31, 0)
        assert read(devnet, bridge.bridgehub, "baseToken(uint256)", ["uint256"], chain_id)[12:] == ETH_TOKEN_ADDRESS
    cost = read(
        devnet,
        bridge.bridgehub,
        "l2TransactionBaseCost(uint256,uint256,uint256,uint256)",
        ["uint256"] * 4,
        6565,
        10**9,
        300_000,
        800,
    )
    assert int.from_bytes(cost, "big") == 10**9 * 300_000


def test_vault_views_for_eth(net: tuple[Devnet, L1Bridge]) -> None:
    devnet, bridge = net
    eth = ntv_asset_id(31337, ETH_TOKEN_ADDRESS)
    assert read(devnet, bridge.native_token_vault, "assetId(address)", ["address"], ETH_TOKEN_ADDRESS) == eth
    assert read(devnet, bridge.native_token_vault, "tokenAddress(bytes32)", ["bytes32"], eth)[12:] == ETH_TOKEN_ADDRESS
    assert (
        int.from_bytes(read(devnet, bridge.native_token_vault, "originChainId(bytes32)", ["bytes32"], eth), "big")
        == 31337
    )
    total = read(devnet, bridge.asset_tracker, "chainBalance(uint256,bytes32)", ["uint256", "bytes32"], 31337, eth)
    genesis = sum(amount for _, symbol, amount in bridge.genesis_balances if symbol == "ETH")
    assert genesis > 0 and devnet.l1.balance(bridge.native_token_vault) == genesis
    assert int.from_bytes(total, "big") == 2**256 - 1 - genesis  # L1 holds the L2s' genesis ETH for them


def test_only_the_bridgehub_queues_priority_transactions(net: tuple[Devnet, L1Bridge]) -> None:
    devnet, bridge = net
    alice = devnet.accounts[0]
    mailbox = devnet.contracts.l1.settlement(6565)
    request = "(address,address,uint256,uint256,bytes,uint256,uint256,bytes[],address)"
    data = sel(f"bridgehubRequestL2Transaction({request})") + encode(
        [request], [(alice.address, alice.address, 0, 0, b"", 0, 800, [], alice.address)]
    )
    receipt = devnet.l1.transact(alice.private_key, mailbox, data)
    assert not receipt.ok
    assert receipt.output == sel("OnlyBridgehub(address,address)") + encode(
        ["address", "address"], [alice.address, bridge.bridgehub]
    )


def test_only_the_vault_moves_tracker_balances(net: tuple[Devnet, L1Bridge]) -> None:
    devnet, bridge = net
    alice = devnet.accounts[0]
    eth = ntv_asset_id(31337, ETH_TOKEN_ADDRESS)
    data = sel("handleChainBalanceDecreaseOnL1(uint256,bytes32,uint256)") + encode(
        ["uint256", "bytes32", "uint256"], [6565, eth, 1]
    )
    receipt = devnet.l1.transact(alice.private_key, bridge.asset_tracker, data)
    assert not receipt.ok and receipt.output == sel("NotNTV(address)") + encode(["address"], [alice.address])


def test_only_the_owner_books_genesis_balances(net: tuple[Devnet, L1Bridge]) -> None:
    devnet, bridge = net
    alice = devnet.accounts[0]
    eth = ntv_asset_id(31337, ETH_TOKEN_ADDRESS)
    data = sel("initializeChainBalance(uint256,bytes32,uint256,uint256)") + encode(
        ["uint256", "bytes32", "uint256", "uint256"], [6565, eth, 10**18, 31337]
    )
    receipt = devnet.l1.transact(alice.private_key, bridge.asset_tracker, data)
    assert not receipt.ok and receipt.output == sel("Unauthorized(address)") + encode(["address"], [alice.address])


def test_unproven_failed_deposit_claim_is_refused(net: tuple[Devnet, L1Bridge]) -> None:
    devnet, bridge = net
    alice = devnet.accounts[0]
    types = ["uint256", "address", "bytes32", "bytes", "bytes32", "uint256", "uint256", "uint16", "bytes32[]"]
    eth = ntv_asset_id(31337, ETH_TOKEN_ADDRESS)
    data = sel(f"bridgeRecoverFailedTransfer({','.join(types)})") + encode(
        types, [6565, alice.address, eth, b"\x00" * 96, b"\x11" * 32, 1, 0, 0, [b"\x00" * 32]]
    )
    receipt = devnet.l1.transact(alice.private_key, bridge.nullifier, data)
    assert not receipt.ok


CONFIRMATION = "(uint256,bytes32,uint256,address,uint256,uint256,bool)"
FINALIZE_PARAMS = "(uint256,uint256,uint256,address,uint16,bytes,bytes32[])"


def test_only_the_l1_asset_tracker_sends_service_transactions(net: tuple[Devnet, L1Bridge]) -> None:
    """A service transaction runs as 0xFFFF…FFFF on L2 (it could confirm any migration): nobody else may queue one."""
    devnet, _ = net
    alice = devnet.accounts[0]
    confirm = sel(f"confirmMigrationOnL2({CONFIRMATION})") + encode(
        [CONFIRMATION], [(6565, b"\x01" * 32, 6565, alice.address, 2**256 - 1, 1, True)]
    )
    for chain_id in (6565, 506):
        mailbox = devnet.contracts.l1.settlement(chain_id)
        data = sel("requestL2ServiceTransaction(address,bytes)") + encode(
            ["address", "bytes"], [L2_ASSET_TRACKER, confirm]
        )
        receipt = devnet.l1.transact(alice.private_key, mailbox, data)
        assert not receipt.ok
        assert receipt.output == sel("NotAssetTracker(address)") + encode(["address"], [alice.address])
    assert devnet.priority.pending == ()


def test_migration_messages_come_only_from_the_asset_trackers(net: tuple[Devnet, L1Bridge]) -> None:
    devnet, bridge = net
    alice = devnet.accounts[0]
    params = (6565, 1, 0, alice.address, 0, b"\x00" * 4, [b"\x00" * 32])
    data = sel(f"receiveL1ToGatewayMigrationOnL1({FINALIZE_PARAMS})") + encode([FINALIZE_PARAMS], [params])
    receipt = devnet.l1.transact(alice.private_key, bridge.asset_tracker, data)
    assert not receipt.ok and receipt.output == sel("InvalidSender()")
    # the right sender with an unproven message
    params = (6565, 1, 0, L2_ASSET_TRACKER, 0, b"\x00" * 4, [b"\x00" * 32])
    data = sel(f"receiveL1ToGatewayMigrationOnL1({FINALIZE_PARAMS})") + encode([FINALIZE_PARAMS], [params])
    receipt = devnet.l1.transact(alice.private_key, bridge.asset_tracker, data)
    assert not receipt.ok


def test_l1_copy_of_an_l2_token_is_predicted_and_minted_only_by_the_vault(net: tuple[Devnet, L1Bridge]) -> None:
    devnet, bridge = net
    alice = devnet.accounts[0]
    token = b"\x42" * 20
    predicted = predict_bridged_token(devnet, "zk-a", token, "l1")
    onchain = read(
        devnet,
        bridge.native_token_vault,
        "calculateCreate2TokenAddress(uint256,address)",
        ["uint256", "address"],
        6565,
        token,
    )
    assert onchain[12:] == predicted
    assert predicted != predict_bridged_token(devnet, "zk-a", token, "zk-b")
    assert read(devnet, bridge.native_token_vault, "bridgedTokenBeacon()", [])[12:] == BRIDGED_TOKEN_BEACON
    # the vault's bridge entry points belong to the router
    data = sel("bridgeMint(uint256,bytes32,bytes)") + encode(
        ["uint256", "bytes32", "bytes"], [6565, ntv_asset_id(6565, token), b""]
    )
    receipt = devnet.l1.transact(alice.private_key, bridge.native_token_vault, data)
    assert not receipt.ok and receipt.output == sel("NotAssetRouter(address)") + encode(["address"], [alice.address])
