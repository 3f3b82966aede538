"""Crosschain token transfers on the integrated Devnet: vault, router, trackers, settlement and relayer together."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.artifacts import load
from zkconnect.assets import (
    MAX_TOKEN_BALANCE,
    AssetError,
    asset_id,
    chain_balance,
    deploy_test_token,
    migrate_token_balance,
    pending_interop_balance,
    predict_bridged_token,
    register_token,
    token_address,
    token_balance,
    token_migrated,
    transfer,
)
from zkconnect.interop.ledger import Stage
from zkconnect.interop.settlement import SettlementError
from zkconnect.protocol.addresses import INTEROP_CENTER, L2_ASSET_ROUTER, L2_NATIVE_TOKEN_VAULT, eth_asset_id
from zkconnect.protocol.messages import (
    InteropCallStarter,
    format_evm_v1,
    indirect_call,
    interop_call_value,
    second_bridge_data,
    send_bundle_calldata,
)

A, B, L1 = 6565, 6566, 31337
UNIT = 10**18


pytestmark = pytest.mark.slow  # each test moves tokens across chains through settlement; the e2e lane


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def err(signature: str, *args: object) -> bytes:
    types = signature[signature.index("(") + 1 : -1]
    return sel(signature) + encode(types.split(",") if types else [], list(args))


@dataclass
class World:
    devnet: Devnet
    alice: DevAccount
    bob: DevAccount
    token: bytes
    asset: bytes


@pytest.fixture(scope="module")
def world() -> World:
    devnet = Devnet()
    alice, bob = devnet.accounts[0], devnet.accounts[1]
    token = deploy_test_token(devnet, "zk-a", alice, name="Alpha", symbol="ALP", decimals=6, mint=1_000 * UNIT)
    asset = register_token(devnet, "zk-a", token, alice)
    return World(devnet, alice, bob, token, asset)


@pytest.fixture
def w(world: World) -> Iterator[World]:
    sid = world.devnet.snapshot()
    yield world
    world.devnet.revert(sid)


def fee(devnet: Devnet, chain: str = "zk-a") -> int:
    return int.from_bytes(devnet[chain].call(INTEROP_CENTER, sel("interopProtocolFee()")), "big")


def total_supply(devnet: Devnet, chain: str | int, token: bytes) -> int:
    if not devnet[chain].code(token):
        return 0
    return int.from_bytes(devnet[chain].call(token, sel("totalSupply()")), "big")


# ---------------------------------------------------------------------- the main round trip


def test_native_token_registered_migrated_sent_to_b_and_back(w: World) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    assert w.asset == asset_id(A, w.token)
    assert chain_balance(devnet, "zk-a", w.asset, tracker="l2") == MAX_TOKEN_BALANCE
    assert not token_migrated(devnet, "zk-a", w.asset)

    migration = migrate_token_balance(devnet, "zk-a", w.asset)
    assert migration.confirmed and migration.amount == MAX_TOKEN_BALANCE
    assert token_migrated(devnet, "zk-a", w.asset)
    assert chain_balance(devnet, "zk-a", w.asset) == MAX_TOKEN_BALANCE

    predicted = predict_bridged_token(devnet, "zk-a", w.token, "zk-b")
    assert not devnet["zk-b"].code(predicted)
    sent = transfer(devnet, "zk-a", "zk-b", w.token, 250 * UNIT, alice, bob.address)
    assert devnet.bundle(sent.bundle_hash).stage == Stage.EXECUTED

    # the bridged copy sits at the predicted address, with the same asset id and the origin's metadata
    assert token_address(devnet, "zk-b", w.asset) == predicted
    assert token_balance(devnet, "zk-b", predicted, bob.address) == 250 * UNIT
    vault_asset = devnet["zk-b"].call(L2_NATIVE_TOKEN_VAULT, sel("assetId(address)") + bytes(12) + predicted)
    assert vault_asset == w.asset
    assert devnet["zk-b"].call(predicted, sel("assetId()")) == w.asset
    assert devnet["zk-b"].call(predicted, sel("originToken()"))[12:] == w.token
    assert int.from_bytes(devnet["zk-b"].call(predicted, sel("decimals()")), "big") == 6
    assert token_balance(devnet, "zk-a", w.token, L2_NATIVE_TOKEN_VAULT) == 250 * UNIT
    assert token_balance(devnet, "zk-a", w.token, alice.address) == 750 * UNIT

    # the trackers: Gateway moved the amount from A to B (pending confirmed by B's execution), A's own tracker too
    devnet.relay()
    assert chain_balance(devnet, "zk-b", w.asset) == 250 * UNIT
    assert chain_balance(devnet, "zk-a", w.asset) == MAX_TOKEN_BALANCE - 250 * UNIT
    assert pending_interop_balance(devnet, "zk-b", w.asset) == 0
    assert chain_balance(devnet, "zk-a", w.asset, tracker="l2") == MAX_TOKEN_BALANCE - 250 * UNIT

    back = transfer(devnet, "zk-b", "zk-a", predicted, 100 * UNIT, bob, alice.address)
    assert devnet.bundle(back.bundle_hash).stage == Stage.EXECUTED
    assert back.asset_id == w.asset
    assert token_balance(devnet, "zk-a", w.token, alice.address) == 850 * UNIT
    assert token_balance(devnet, "zk-b", predicted, bob.address) == 150 * UNIT
    assert total_supply(devnet, "zk-b", predicted) == 150 * UNIT
    devnet.relay()
    assert chain_balance(devnet, "zk-b", w.asset) == 150 * UNIT
    assert chain_balance(devnet, "zk-a", w.asset) == MAX_TOKEN_BALANCE - 150 * UNIT
    assert chain_balance(devnet, "zk-a", w.asset, tracker="l2") == MAX_TOKEN_BALANCE - 150 * UNIT
    assert devnet.settlement.stalled() == {}


def test_transfer_before_migration_reverts_with_the_real_error(w: World) -> None:
    with pytest.raises(AssetError) as info:
        transfer(w.devnet, "zk-a", "zk-b", w.token, UNIT, w.alice, w.bob.address)
    assert info.value.revert_data == err("TokenBalanceNotMigratedToGateway(bytes32,uint256,uint256)", w.asset, 0, 1)
    assert "migrate_token_balance" in str(info.value)
    assert token_balance(w.devnet, "zk-a", w.token, w.alice.address) == 1_000 * UNIT


def test_token_first_received_on_gateway_needs_no_migration_on_b(w: World) -> None:
    devnet = w.devnet
    migrate_token_balance(devnet, "zk-a", w.asset)
    transfer(devnet, "zk-a", "zk-b", w.token, 5 * UNIT, w.alice, w.bob.address)
    assert token_migrated(devnet, "zk-b", w.asset)
    # B's tracker keeps no balance of a token that is not B's own
    assert chain_balance(devnet, "zk-b", w.asset, tracker="l2") == 0


def test_manual_mode_shows_pending_then_confirmed(w: World) -> None:
    devnet = w.devnet
    migrate_token_balance(devnet, "zk-a", w.asset)
    devnet.relayer.set_mode("manual")
    sent = transfer(devnet, "zk-a", "zk-b", w.token, 7 * UNIT, w.alice, w.bob.address)
    assert devnet.bundle(sent.bundle_hash).stage in (Stage.SENT, Stage.SEALED)
    devnet.relayer.settle()
    assert pending_interop_balance(devnet, "zk-b", w.asset) == 7 * UNIT
    assert chain_balance(devnet, "zk-b", w.asset) == 0
    devnet.relay()
    assert devnet.bundle(sent.bundle_hash).stage == Stage.EXECUTED
    devnet.relayer.settle()
    assert pending_interop_balance(devnet, "zk-b", w.asset) == 0
    assert chain_balance(devnet, "zk-b", w.asset) == 7 * UNIT


# ---------------------------------------------------------------------- a malicious chain stalls


def test_overspending_batch_stalls_the_chain_and_others_keep_running(w: World) -> None:
    devnet = w.devnet
    migrate_token_balance(devnet, "zk-a", w.asset)
    transfer(devnet, "zk-a", "zk-b", w.token, 10 * UNIT, w.alice, w.bob.address)
    bridged = predict_bridged_token(devnet, "zk-a", w.token, "zk-b")
    devnet.relayer.set_mode("manual")

    # a malicious operator of B mints itself bridged tokens outside the protocol, then sends them to A
    forged = devnet["zk-b"].system_call(
        L2_NATIVE_TOKEN_VAULT,
        bridged,
        sel("bridgeMint(address,uint256)") + encode(["address", "uint256"], [w.bob.address, 1_000 * UNIT]),
    )
    assert forged.ok
    sent = transfer(devnet, "zk-b", "zk-a", bridged, 500 * UNIT, w.bob, w.alice.address)
    bad_batch = devnet["zk-b"].block_number
    # meanwhile A keeps working
    other = transfer(devnet, "zk-a", "zk-b", w.token, UNIT, w.alice, w.bob.address)

    with pytest.raises(SettlementError) as info:
        devnet.relay()
    message = str(info.value)
    assert f"chain {B} batch {bad_batch}" in message and "InsufficientChainBalance" in message
    assert f"batch {bad_batch}" in devnet.settlement.stalled()[B]
    assert A not in devnet.settlement.stalled()
    assert devnet.settlement.settled_batch(A) == devnet["zk-a"].block_number
    assert devnet.settlement.settled_batch(B) < bad_batch
    # Gateway's books are untouched by the refused batch and nothing reached A
    assert chain_balance(devnet, "zk-b", w.asset) == 10 * UNIT
    assert devnet.bundle(sent.bundle_hash).stage != Stage.EXECUTED
    assert token_balance(devnet, "zk-a", w.token, w.alice.address) == 989 * UNIT
    assert devnet.bundle(other.bundle_hash).stage != Stage.EXECUTED  # B is stalled: it cannot import new roots


def test_sending_more_base_token_than_gateway_holds_stalls(w: World) -> None:
    devnet = w.devnet
    devnet.relayer.set_mode("manual")
    recipient = devnet["zk-b"].deploy(w.alice.private_key, load("RecordingRecipient").bytecode)
    held = chain_balance(devnet, "zk-a", eth_asset_id(L1))
    rich = devnet.accounts[7]
    devnet["zk-a"].set_balance(rich.address, held + 10 * UNIT)  # operator prints ETH on A
    data = sel("sendMessage(bytes,bytes,bytes[])") + encode(
        ["bytes", "bytes", "bytes[]"], [format_evm_v1(B, recipient), b"", [interop_call_value(held + UNIT)]]
    )
    assert devnet["zk-a"].transact(rich.private_key, INTEROP_CENTER, data, value=held + UNIT + fee(devnet)).ok
    with pytest.raises(SettlementError, match="InsufficientChainBalance"):
        devnet.relay()
    assert A in devnet.settlement.stalled()
    assert devnet["zk-b"].balance(recipient) == 0


# ---------------------------------------------------------------------- base-token value goes to contracts only


def _send_value(devnet: Devnet, sender: DevAccount, to: bytes, value: int) -> bytes:
    data = sel("sendMessage(bytes,bytes,bytes[])") + encode(
        ["bytes", "bytes", "bytes[]"], [format_evm_v1(B, to), b"hello", [interop_call_value(value)]]
    )
    receipt = devnet["zk-a"].transact(sender.private_key, INTEROP_CENTER, data, value=value + fee(devnet))
    assert receipt.ok
    return receipt.tx_hash


def test_eth_value_reaches_a_contract_on_b_and_never_an_eoa(w: World) -> None:
    devnet = w.devnet
    eth = eth_asset_id(L1)
    recipient = devnet["zk-b"].deploy(w.alice.private_key, load("RecordingRecipient").bytecode)
    before_a, before_b = chain_balance(devnet, "zk-a", eth), chain_balance(devnet, "zk-b", eth)
    _send_value(devnet, w.alice, recipient, 3 * UNIT)
    devnet.relay()
    assert devnet["zk-b"].balance(recipient) == 3 * UNIT
    assert chain_balance(devnet, "zk-a", eth) == before_a - 3 * UNIT
    assert chain_balance(devnet, "zk-b", eth) == before_b + 3 * UNIT

    eoa = keccak(b"some eoa")[12:]
    tx = _send_value(devnet, w.alice, eoa, 2 * UNIT)
    devnet.relay()
    (entry,) = devnet.messages(tx)
    assert entry.stage != Stage.EXECUTED
    assert devnet["zk-b"].balance(eoa) == 0
    assert pending_interop_balance(devnet, "zk-b", eth) == 2 * UNIT  # in flight until executed or unbundled


# ---------------------------------------------------------------------- NFTs


def _collection(devnet: Devnet, deployer: DevAccount) -> bytes:
    code = load("BridgedERC721Collection").bytecode + encode(["string", "string", "uint256"], ["Punks", "PNK", A])
    addresses = {devnet[c].deploy(deployer.private_key, code) for c in ("zk-a", "zk-b")}
    assert len(addresses) == 1, "deploy the collection with a fresh account so it has one address on both chains"
    (collection,) = addresses
    for c in ("zk-a", "zk-b"):
        assert devnet[c].transact(deployer.private_key, collection, sel("registerWithRouter()")).ok
    return collection


def _send_nft(
    devnet: Devnet, src: str, dst: int, sender: DevAccount, nft_asset: bytes, token_id: int, to: bytes
) -> None:
    data = second_bridge_data(nft_asset, encode(["uint256", "address"], [token_id, to]))
    starter = InteropCallStarter(
        to=format_evm_v1(address=L2_ASSET_ROUTER), data=data, call_attributes=(indirect_call(0),)
    )
    receipt = devnet[src].transact(
        sender.private_key, INTEROP_CENTER, send_bundle_calldata(dst, [starter]), value=fee(devnet, src)
    )
    assert receipt.ok, receipt.output.hex()


def owner_of(devnet: Devnet, chain: str, collection: bytes, token_id: int) -> bytes:
    return devnet[chain].call(collection, sel("ownerOf(uint256)") + token_id.to_bytes(32, "big"))[12:]


def test_erc721_custom_asset_handler_round_trip(w: World) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    minter = devnet.accounts[9]
    collection = _collection(devnet, minter)
    nft_asset = keccak(encode(["uint256", "address", "bytes32"], [A, collection, bytes(12) + collection]))
    assert devnet["zk-a"].call(collection, sel("assetId()")) == nft_asset
    assert devnet["zk-a"].call(L2_ASSET_ROUTER, sel("assetHandlerAddress(bytes32)") + nft_asset)[12:] == collection
    assert devnet["zk-b"].call(L2_ASSET_ROUTER, sel("assetHandlerAddress(bytes32)") + nft_asset)[12:] == collection
    mint = sel("mint(address,uint256)") + encode(["address", "uint256"], [alice.address, 7])
    assert devnet["zk-a"].transact(minter.private_key, collection, mint).ok

    _send_nft(devnet, "zk-a", B, alice, nft_asset, 7, bob.address)
    devnet.relay()
    assert owner_of(devnet, "zk-a", collection, 7) == bytes(20)
    assert owner_of(devnet, "zk-b", collection, 7) == bob.address
    assert chain_balance(devnet, "zk-b", nft_asset) == 1

    _send_nft(devnet, "zk-b", A, bob, nft_asset, 7, alice.address)
    devnet.relay()
    assert owner_of(devnet, "zk-a", collection, 7) == alice.address
    assert owner_of(devnet, "zk-b", collection, 7) == bytes(20)
    assert chain_balance(devnet, "zk-b", nft_asset) == 0
    assert devnet.settlement.stalled() == {}


def test_plain_erc721_through_the_vault_fails_clearly(w: World) -> None:
    devnet = w.devnet
    code = load("TestERC721").bytecode + encode(["string", "string"], ["Plain", "PL"])
    nft = devnet["zk-a"].deploy(w.alice.private_key, code)
    with pytest.raises(AssetError) as info:
        register_token(devnet, "zk-a", nft, w.alice)
    assert info.value.revert_data == err("TokenNotSupported(address)", nft)
    assert "own asset handler" in str(info.value)
    with pytest.raises(AssetError, match="TokenNotSupported"):
        transfer(devnet, "zk-a", "zk-b", nft, 1, w.alice, w.bob.address)


# ---------------------------------------------------------------------- supply conservation


@pytest.fixture(scope="module")
def migrated(world: World) -> World:
    sid = world.devnet.snapshot()
    migrate_token_balance(world.devnet, "zk-a", world.asset)
    yield world  # type: ignore[misc]
    world.devnet.revert(sid)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=300)), min_size=1, max_size=4))
def test_supply_is_conserved_across_chains(migrated: World, steps: list[tuple[bool, int]]) -> None:
    w = migrated
    devnet = w.devnet
    bridged = predict_bridged_token(devnet, "zk-a", w.token, "zk-b")
    sid = devnet.snapshot()
    try:
        for forward, amount in steps:
            if forward:
                held = token_balance(devnet, "zk-a", w.token, w.alice.address)
                if held >= amount * UNIT:
                    transfer(devnet, "zk-a", "zk-b", w.token, amount * UNIT, w.alice, w.bob.address)
            else:
                held = token_balance(devnet, "zk-b", bridged, w.bob.address)
                if held >= amount * UNIT:
                    transfer(devnet, "zk-b", "zk-a", bridged, amount * UNIT, w.bob, w.alice.address)
            devnet.relay()
            locked = token_balance(devnet, "zk-a", w.token, L2_NATIVE_TOKEN_VAULT)
            supply_b = total_supply(devnet, "zk-b", bridged)
            pending = pending_interop_balance(devnet, "zk-a", w.asset) + pending_interop_balance(
                devnet, "zk-b", w.asset
            )
            assert locked == supply_b + pending
            assert chain_balance(devnet, "zk-b", w.asset) == supply_b
            assert MAX_TOKEN_BALANCE - chain_balance(devnet, "zk-a", w.asset) == locked
            assert MAX_TOKEN_BALANCE - chain_balance(devnet, "zk-a", w.asset, tracker="l2") == locked
            assert token_balance(devnet, "zk-a", w.token, w.alice.address) + locked == 1_000 * UNIT
    finally:
        devnet.revert(sid)


# ---------------------------------------------------------------------- different base tokens


@pytest.fixture(scope="module")
def custom(erc20_based: Devnet) -> Devnet:
    return erc20_based


def test_eth_to_a_chain_with_another_base_token_and_back_as_call_value(custom: Devnet) -> None:
    devnet = custom
    alice, bob = devnet.accounts[0], devnet.accounts[1]
    eth = eth_asset_id(L1)
    weth_on_custom = predict_bridged_token(devnet, "l1", bytes(19) + b"\x01", "zk-custom")

    # case 2: A's own base token travels as a vault asset (indirectCall carrying the value) and arrives as an ERC-20
    burn = encode(["uint256", "address", "address"], [2 * UNIT, bob.address, bytes(20)])
    starter = InteropCallStarter(
        to=format_evm_v1(address=L2_ASSET_ROUTER),
        data=second_bridge_data(eth, burn),
        call_attributes=(indirect_call(2 * UNIT),),
    )
    before = chain_balance(devnet, "zk-a", eth)
    receipt = devnet["zk-a"].transact(
        alice.private_key, INTEROP_CENTER, send_bundle_calldata(6568, [starter]), value=2 * UNIT + fee(devnet)
    )
    assert receipt.ok, receipt.output.hex()
    devnet.relay()
    assert token_address(devnet, "zk-custom", eth) == weth_on_custom
    assert token_balance(devnet, "zk-custom", weth_on_custom, bob.address) == 2 * UNIT
    assert chain_balance(devnet, "zk-a", eth) == before - 2 * UNIT
    assert chain_balance(devnet, "zk-custom", eth) == 2 * UNIT

    # case 1: back to an ETH chain as interopCallValue; the sender's bridged ETH is burned, no approval needed
    recipient = devnet["zk-a"].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    data = sel("sendMessage(bytes,bytes,bytes[])") + encode(
        ["bytes", "bytes", "bytes[]"], [format_evm_v1(A, recipient), b"", [interop_call_value(UNIT)]]
    )
    sent = devnet["zk-custom"].transact(bob.private_key, INTEROP_CENTER, data, value=fee(devnet, "zk-custom"))
    assert sent.ok, sent.output.hex()
    devnet.relay()
    assert devnet["zk-a"].balance(recipient) == UNIT
    assert token_balance(devnet, "zk-custom", weth_on_custom, bob.address) == UNIT
    assert chain_balance(devnet, "zk-custom", eth) == UNIT
    assert devnet.settlement.stalled() == {}


# ---------------------------------------------------------------------- forged router calls


def test_a_user_cannot_forge_a_router_finalize_deposit(w: World) -> None:
    devnet = w.devnet
    predicted = predict_bridged_token(devnet, "zk-a", w.token, "zk-b")
    metadata = b"\x01" + encode(["uint256", "bytes", "bytes", "bytes"], [A, b"", b"", encode(["uint8"], [18])])
    mint = encode(
        ["address", "address", "address", "uint256", "bytes"],
        [w.alice.address, w.alice.address, w.token, 1_000_000 * UNIT, metadata],
    )
    payload = sel("finalizeDeposit(uint256,bytes32,bytes)") + encode(
        ["uint256", "bytes32", "bytes"], [A, w.asset, mint]
    )
    # a direct call to B's router (from = alice, not the router) and one to B's vault
    starters = [
        InteropCallStarter(to=format_evm_v1(address=L2_ASSET_ROUTER), data=payload),
        InteropCallStarter(to=format_evm_v1(address=L2_NATIVE_TOKEN_VAULT), data=payload),
    ]
    for starter in starters:
        receipt = devnet["zk-a"].transact(
            w.alice.private_key, INTEROP_CENTER, send_bundle_calldata(B, [starter]), value=fee(devnet)
        )
        assert receipt.ok
    devnet.relay()
    assert not devnet["zk-b"].code(predicted)
    assert token_address(devnet, "zk-b", w.asset) == bytes(20)
    assert chain_balance(devnet, "zk-b", w.asset) == 0
    assert devnet.settlement.stalled() == {}
