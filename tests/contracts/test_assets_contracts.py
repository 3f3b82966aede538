"""Contract-level tests of the asset contracts: vault, router, bridged token, L2 and Gateway asset trackers.

The contracts are the ones every Devnet installs at genesis; calls are made directly (as eth_calls
from chosen senders, or system calls for the privileged senders) so each rule is checked on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.artifacts import load
from zkconnect.assets import (
    MAX_TOKEN_BALANCE,
    AssetError,
    asset_id,
    chain_balance,
    deploy_test_token,
    initiate_migration,
    migrate_token_balance,
    predict_bridged_token,
    register_token,
    token_balance,
    transfer,
)
from zkconnect.engine.chain import Chain
from zkconnect.errors import TransactionReverted
from zkconnect.genesis.asset_contracts import BRIDGED_TOKEN_BEACON
from zkconnect.protocol.addresses import (
    GW_ASSET_TRACKER,
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L1_MESSENGER,
    L2_ASSET_ROUTER,
    L2_ASSET_TRACKER,
    L2_NATIVE_TOKEN_VAULT,
    SERVICE_TRANSACTION_SENDER,
    eth_asset_id,
)
from zkconnect.protocol.messages import format_evm_v1, interop_call_value

A, B, L1, GW = 6565, 6566, 31337, 506
UNIT = 10**18
MIGRATION_DATA = "(bytes1,address,uint256,bytes32,uint256,uint256,uint256,uint256,uint256,uint256)"
CONFIRMATION = "(uint256,bytes32,uint256,address,uint256,uint256,bool)"
BALANCE_CHANGE = "(bytes1,address,bytes32,uint256,bytes32,uint256,uint256)"


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def split(types: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in types:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    return [*out, cur] if cur else out


def cd(signature: str, *args: object) -> bytes:
    types = signature[signature.index("(") + 1 : -1]
    return sel(signature) + (encode(split(types), list(args)) if types else b"")


err = cd


def reverts(chain: Chain, to: bytes, data: bytes, *, sender: bytes | None = None, value: int = 0) -> bytes:
    with pytest.raises(TransactionReverted) as info:
        chain.call(to, data, sender=sender, value=value)
    return info.value.data


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


@dataclass
class Env:
    devnet: Devnet
    alice: DevAccount
    bob: DevAccount
    token: bytes
    asset: bytes

    @property
    def a(self) -> Chain:
        return self.devnet["zk-a"]

    @property
    def b(self) -> Chain:
        return self.devnet["zk-b"]

    @property
    def gw(self) -> Chain:
        return self.devnet.gateway


@pytest.fixture(scope="module")
def env_module() -> Env:
    devnet = Devnet()
    alice, bob = devnet.accounts[0], devnet.accounts[1]
    token = deploy_test_token(devnet, "zk-a", alice, name="Alpha", symbol="ALP", mint=1_000 * UNIT)
    asset = register_token(devnet, "zk-a", token, alice)
    return Env(devnet, alice, bob, token, asset)


@pytest.fixture
def env(env_module: Env) -> Iterator[Env]:
    sid = env_module.devnet.snapshot()
    yield env_module
    env_module.devnet.revert(sid)


# ---------------------------------------------------------------------- vault registration


def test_register_token_records_the_asset_and_names_the_vault_its_handler(env: Env) -> None:
    token = deploy_test_token(env.devnet, "zk-a", env.alice)
    receipt = env.a.transact(env.alice.private_key, L2_NATIVE_TOKEN_VAULT, cd("registerToken(address)", token))
    assert receipt.ok
    expected = asset_id(A, token)
    assert expected == keccak(encode(["uint256", "address", "address"], [A, L2_NATIVE_TOKEN_VAULT, token]))
    registered = [log for log in receipt.logs if log.topics[0] == keccak(b"TokenRegistered(bytes32,address,uint256)")]
    assert registered and registered[0].topics[1] == expected and registered[0].address == L2_NATIVE_TOKEN_VAULT
    handler = [log for log in receipt.logs if log.topics[0] == keccak(b"AssetHandlerRegistered(bytes32,address)")]
    assert handler and handler[0].address == L2_ASSET_ROUTER and handler[0].topics[2][12:] == L2_NATIVE_TOKEN_VAULT
    assert env.a.call(L2_NATIVE_TOKEN_VAULT, cd("tokenAddress(bytes32)", expected))[12:] == token
    assert env.a.call(L2_NATIVE_TOKEN_VAULT, cd("originChainId(bytes32)", expected)) == word(A)
    assert chain_balance(env.devnet, "zk-a", expected, tracker="l2") == MAX_TOKEN_BALANCE
    # once only; ensureTokenIsRegistered returns the existing id
    assert reverts(env.a, L2_NATIVE_TOKEN_VAULT, cd("registerToken(address)", token)) == err(
        "TokenAlreadyRegistered(address)", token
    )
    assert env.a.call(L2_NATIVE_TOKEN_VAULT, cd("ensureTokenIsRegistered(address)", token)) == expected


def test_register_refuses_accounts_without_code_and_nfts(env: Env) -> None:
    eoa = env.bob.address
    assert reverts(env.a, L2_NATIVE_TOKEN_VAULT, cd("registerToken(address)", eoa)) == err("EmptyToken()")
    nft = env.a.deploy(env.alice.private_key, load("TestERC721").bytecode + encode(["string", "string"], ["N", "N"]))
    assert reverts(env.a, L2_NATIVE_TOKEN_VAULT, cd("ensureTokenIsRegistered(address)", nft)) == err(
        "TokenNotSupported(address)", nft
    )


def test_same_token_address_on_two_chains_gives_two_assets(env: Env) -> None:
    # T5: deploy with a fresh account so the token has the same address on A and B
    deployer = env.devnet.accounts[8]
    on_a = deploy_test_token(env.devnet, "zk-a", deployer)
    on_b = deploy_test_token(env.devnet, "zk-b", deployer)
    assert on_a == on_b
    asset_a = register_token(env.devnet, "zk-a", on_a, deployer)
    asset_b = register_token(env.devnet, "zk-b", on_b, deployer)
    assert asset_a != asset_b
    assert asset_a == asset_id(A, on_a) and asset_b == asset_id(B, on_b)


# ---------------------------------------------------------------------- access control


def test_vault_and_tracker_entry_points_are_restricted(env: Env) -> None:
    burn = cd("bridgeBurn(uint256,uint256,bytes32,address,bytes)", B, 0, env.asset, env.alice.address, b"")
    assert reverts(env.a, L2_NATIVE_TOKEN_VAULT, burn, sender=env.alice.address) == err(
        "Unauthorized(address)", env.alice.address
    )
    mint = cd("bridgeMint(uint256,bytes32,bytes)", B, env.asset, b"")
    assert reverts(env.a, L2_NATIVE_TOKEN_VAULT, mint, sender=env.alice.address) == err(
        "Unauthorized(address)", env.alice.address
    )
    for data in (
        cd("handleInitiateBridgingOnL2(uint256,bytes32,uint256,uint256)", B, env.asset, 1, A),
        cd("handleFinalizeBridgingOnL2(uint256,bytes32,uint256,uint256,address)", B, env.asset, 1, A, env.token),
        cd("registerNewTokenIfNeeded(bytes32,uint256)", env.asset, A),
        cd("handleInitiateBaseTokenBridgingOnL2(uint256,uint256)", B, 1),
        cd(f"confirmMigrationOnL2({CONFIRMATION})", (A, env.asset, A, env.token, 1, 1, True)),
    ):
        assert reverts(env.a, L2_ASSET_TRACKER, data, sender=env.alice.address) == err(
            "Unauthorized(address)", env.alice.address
        )


def test_router_initiate_indirect_call_only_from_interop_center(env: Env) -> None:
    data = cd("initiateIndirectCall(uint256,address,uint256,bytes)", B, env.alice.address, 0, b"\x01")
    assert reverts(env.a, L2_ASSET_ROUTER, data, sender=env.alice.address) == err(
        "Unauthorized(address)", env.alice.address
    )


def _indirect(env: Env, payload: bytes, value: int = 0) -> bytes:
    data = cd("initiateIndirectCall(uint256,address,uint256,bytes)", B, env.alice.address, value, payload)
    return data


def test_router_checks_the_transfer_data(env: Env) -> None:
    burn = encode(["uint256", "address", "address"], [UNIT, env.bob.address, bytes(20)])
    good = b"\x01" + encode(["bytes32", "bytes"], [env.asset, burn])
    bad_version = b"\x00" + good[1:]
    assert reverts(env.a, L2_ASSET_ROUTER, _indirect(env, bad_version), sender=INTEROP_CENTER) == err(
        "UnsupportedEncodingVersion()"
    )
    short = b"\x01" + encode(["bytes32", "bytes"], [env.asset, burn[:95]])
    assert reverts(env.a, L2_ASSET_ROUTER, _indirect(env, short), sender=INTEROP_CENTER) == err("InvalidNTVBurnData()")
    eth = eth_asset_id(L1)
    base = b"\x01" + encode(["bytes32", "bytes"], [eth, burn])
    assert reverts(env.a, L2_ASSET_ROUTER, _indirect(env, base), sender=INTEROP_CENTER) == err(
        "AssetIdNotSupported(bytes32)", eth
    )
    assert reverts(env.a, L2_ASSET_ROUTER, _indirect(env, good, value=5), sender=INTEROP_CENTER) == err(
        "NonEmptyMsgValue()"
    )


def test_router_returns_finalize_deposit_to_itself(env: Env) -> None:
    migrate_token_balance(env.devnet, "zk-a", env.asset)
    env.a.transact(env.alice.private_key, env.token, cd("approve(address,uint256)", L2_NATIVE_TOKEN_VAULT, UNIT))
    burn = encode(["uint256", "address", "address"], [UNIT, env.bob.address, bytes(20)])
    payload = b"\x01" + encode(["bytes32", "bytes"], [env.asset, burn])
    out = env.a.call(L2_ASSET_ROUTER, _indirect(env, payload), sender=INTEROP_CENTER)
    ((to, data, attributes),) = decode(["(bytes,bytes,bytes[])"], out)
    assert to == format_evm_v1(address=L2_ASSET_ROUTER)
    assert attributes == (interop_call_value(0),)
    assert data[:4] == sel("finalizeDeposit(uint256,bytes32,bytes)")
    source, asset, mint = decode(["uint256", "bytes32", "bytes"], data[4:])
    assert (source, asset) == (A, env.asset)
    caller, receiver, origin_token, amount, metadata = decode(
        ["address", "address", "address", "uint256", "bytes"], mint
    )
    assert (caller, receiver, origin_token, amount) == (
        "0x" + env.alice.address.hex(),
        "0x" + env.bob.address.hex(),
        "0x" + env.token.hex(),
        UNIT,
    )
    assert metadata[:1] == b"\x01"
    origin, name, symbol, decimals = decode(["uint256", "bytes", "bytes", "bytes"], metadata[1:])
    assert (origin, decode(["string"], name)[0], decode(["string"], symbol)[0], decode(["uint8"], decimals)[0]) == (
        A,
        "Alpha",
        "ALP",
        18,
    )


def test_router_receive_message_accepts_only_the_router_on_another_l2(env: Env) -> None:
    payload = cd("finalizeDeposit(uint256,bytes32,bytes)", A, env.asset, b"")
    sender = format_evm_v1(A, L2_ASSET_ROUTER)
    call = cd("receiveMessage(bytes32,bytes,bytes)", bytes(32), sender, payload)
    assert reverts(env.b, L2_ASSET_ROUTER, call, sender=env.alice.address) == err(
        "Unauthorized(address)", env.alice.address
    )
    impostor = cd("receiveMessage(bytes32,bytes,bytes)", bytes(32), format_evm_v1(A, env.alice.address), payload)
    assert reverts(env.b, L2_ASSET_ROUTER, impostor, sender=INTEROP_HANDLER) == err(
        "InvalidCaller(address)", env.alice.address
    )
    from_l1 = cd("receiveMessage(bytes32,bytes,bytes)", bytes(32), format_evm_v1(L1, L2_ASSET_ROUTER), payload)
    assert reverts(env.b, L2_ASSET_ROUTER, from_l1, sender=INTEROP_HANDLER) == err(
        "InvalidCaller(address)", L2_ASSET_ROUTER
    )
    other = cd("receiveMessage(bytes32,bytes,bytes)", bytes(32), sender, cd("withdraw(bytes32,bytes)", env.asset, b""))
    assert reverts(env.b, L2_ASSET_ROUTER, other, sender=INTEROP_HANDLER) == err(
        "InvalidSelector(bytes4)", sel("withdraw(bytes32,bytes)")
    )


def test_finalize_deposit_only_from_the_router_itself(env: Env) -> None:
    data = cd("finalizeDeposit(uint256,bytes32,bytes)", A, env.asset, b"")
    assert reverts(env.b, L2_ASSET_ROUTER, data, sender=env.alice.address) == err(
        "InvalidCaller(address)", env.alice.address
    )
    eth = eth_asset_id(L1)
    base = cd("finalizeDeposit(uint256,bytes32,bytes)", A, eth, b"")
    assert reverts(env.b, L2_ASSET_ROUTER, base, sender=L2_ASSET_ROUTER) == err("AssetIdNotSupported(bytes32)", eth)


# ---------------------------------------------------------------------- bridged token


def test_bridged_token_address_is_deterministic_and_only_the_vault_mints(env: Env) -> None:
    predicted = predict_bridged_token(env.devnet, "zk-a", env.token, "zk-b")
    onchain = env.b.call(L2_NATIVE_TOKEN_VAULT, cd("calculateCreate2TokenAddress(uint256,address)", A, env.token))
    assert onchain[12:] == predicted
    # L1 tokens use the token address as salt
    l1_token = keccak(b"an l1 token")[12:]
    l2_address = env.b.call(L2_NATIVE_TOKEN_VAULT, cd("l2TokenAddress(address)", l1_token))[12:]
    init = load("BeaconProxy").bytecode + encode(["address", "bytes"], [BRIDGED_TOKEN_BEACON, b""])
    assert l2_address == keccak(b"\xff" + L2_NATIVE_TOKEN_VAULT + bytes(12) + l1_token + keccak(init))[12:]
    assert l2_address == predict_bridged_token(env.devnet, "l1", l1_token, "zk-b")

    migrate_token_balance(env.devnet, "zk-a", env.asset)
    transfer(env.devnet, "zk-a", "zk-b", env.token, UNIT, env.alice, env.bob.address)
    assert reverts(env.b, predicted, cd("bridgeMint(address,uint256)", env.bob.address, 1), sender=env.bob.address) == (
        err("OnlyNativeTokenVault(address)", env.bob.address)
    )
    assert reverts(
        env.b,
        predicted,
        cd("bridgeInitialize(bytes32,address,bytes)", env.asset, env.token, b"\x01"),
        sender=env.bob.address,
    ) == err("AlreadyInitialized()")
    assert reverts(env.b, predicted, cd("bridgeBurn(address,uint256)", env.bob.address, 1), sender=env.bob.address) == (
        err("OnlyNativeTokenVault(address)", env.bob.address)
    )


def test_fee_on_transfer_token_is_refused(env: Env) -> None:
    fee_token = env.a.deploy(env.alice.private_key, load("FeeOnTransferERC20").bytecode)
    env.a.transact(env.alice.private_key, fee_token, cd("mint(address,uint256)", env.alice.address, 100 * UNIT))
    fee_asset = register_token(env.devnet, "zk-a", fee_token, env.alice)
    migrate_token_balance(env.devnet, "zk-a", fee_asset)
    with pytest.raises(AssetError) as info:
        transfer(env.devnet, "zk-a", "zk-b", fee_token, 10 * UNIT, env.alice, env.bob.address)
    assert info.value.revert_data == err("TokensWithFeesNotSupported()")


# ---------------------------------------------------------------------- withdrawals to L1


def test_withdraw_sends_the_finalize_deposit_message_and_gateway_debits(env: Env) -> None:
    devnet = env.devnet
    with pytest.raises(TransactionReverted):
        env.a.call(
            L2_ASSET_ROUTER,
            cd(
                "withdraw(bytes32,bytes)",
                env.asset,
                encode(["uint256", "address", "address"], [1, env.alice.address, bytes(20)]),
            ),
            sender=env.alice.address,
        )
    migrate_token_balance(devnet, "zk-a", env.asset)
    transfer(devnet, "zk-a", "zk-b", env.token, 10 * UNIT, env.alice, env.bob.address)
    devnet.relay()
    bridged = predict_bridged_token(devnet, "zk-a", env.token, "zk-b")
    burn = encode(["uint256", "address", "address"], [4 * UNIT, env.bob.address, bytes(20)])
    receipt = env.b.transact(env.bob.private_key, L2_ASSET_ROUTER, cd("withdraw(bytes32,bytes)", env.asset, burn))
    assert receipt.ok
    (sent,) = [
        log
        for log in receipt.logs
        if log.address == L1_MESSENGER and log.topics[0] == keccak(b"L1MessageSent(address,bytes32,bytes)")
    ]
    assert sent.topics[1][12:] == L2_ASSET_ROUTER
    (message,) = decode(["bytes"], sent.data)
    assert message[:4] == sel("finalizeDeposit(uint256,bytes32,bytes)")
    assert message[4:36] == word(B) and message[36:68] == env.asset
    _, receiver, origin_token, amount, _ = decode(["address", "address", "address", "uint256", "bytes"], message[68:])
    assert (receiver, origin_token, amount) == ("0x" + env.bob.address.hex(), "0x" + env.token.hex(), 4 * UNIT)
    assert token_balance(devnet, "zk-b", bridged, env.bob.address) == 6 * UNIT
    devnet.relay()
    assert chain_balance(devnet, "zk-b", env.asset) == 6 * UNIT


# ---------------------------------------------------------------------- migration messages


def test_migration_message_shape_and_idempotence(env: Env) -> None:
    migration = initiate_migration(env.devnet, "zk-a", env.asset)
    assert migration.message is not None
    assert migration.message[:4] == sel(f"receiveL1ToGatewayMigrationOnL1({MIGRATION_DATA})")
    ((version, origin_token, chain_id, asset, origin, chain_number, asset_number, withdrawn, deposited, pre),) = decode(
        [MIGRATION_DATA], migration.message[4:]
    )
    assert (version, origin_token, chain_id, asset, origin) == (b"\x01", "0x" + env.token.hex(), A, env.asset, A)
    assert (chain_number, asset_number, withdrawn, deposited, pre) == (1, 0, 0, 0, 0)
    # Gateway lets the message through when the batch settles
    env.devnet.relay()
    assert env.devnet.settlement.stalled() == {}
    migrate_token_balance(env.devnet, "zk-a", env.asset)
    again = initiate_migration(env.devnet, "zk-a", env.asset)
    assert again.message is None


def test_confirmations_are_service_transactions_and_once(env: Env) -> None:
    data = (A, env.asset, A, env.token, MAX_TOKEN_BALANCE, 1, True)
    call = cd(f"confirmMigrationOnGateway({CONFIRMATION})", data)
    assert reverts(env.gw, GW_ASSET_TRACKER, call, sender=env.alice.address) == err(
        "Unauthorized(address)", env.alice.address
    )
    assert env.gw.system_call(SERVICE_TRANSACTION_SENDER, GW_ASSET_TRACKER, call).ok
    assert reverts(env.gw, GW_ASSET_TRACKER, call, sender=SERVICE_TRANSACTION_SENDER) == err(
        "InvalidAssetMigrationNumber()"
    )
    wrong_chain = cd(f"confirmMigrationOnL2({CONFIRMATION})", (B, env.asset, A, env.token, 0, 1, True))
    assert reverts(env.a, L2_ASSET_TRACKER, wrong_chain, sender=SERVICE_TRANSACTION_SENDER) == err(
        "InvalidMigrationData()"
    )


# ---------------------------------------------------------------------- Gateway tracker


def test_gateway_tracker_entry_points(env: Env) -> None:
    assert reverts(env.gw, GW_ASSET_TRACKER, cd("registerNewTokenIfNeeded(bytes32,uint256)", env.asset, A)) == err(
        "RegisterNewTokenNotAllowed()"
    )
    bad = cd("parseInteropCall(bytes)", cd("withdraw(bytes32,bytes)", env.asset, b""))
    assert reverts(env.gw, GW_ASSET_TRACKER, bad) == err(
        "InvalidInteropCalldata(bytes4)", sel("withdraw(bytes32,bytes)")
    )
    logs = cd(
        "processLogsAndMessages(((uint8,bool,uint16,address,bytes32,bytes32)[],bytes[],uint256,uint256,bytes32,bytes32,address))",
        ([], [], A, 1, bytes(32), bytes(32), bytes(20)),
    )
    assert reverts(env.gw, GW_ASSET_TRACKER, logs, sender=env.alice.address) == err(
        "Unauthorized(address)", env.alice.address
    )


def test_deposit_balance_change_credits_the_chain_once_per_canonical_tx(env: Env) -> None:
    eth = eth_asset_id(L1)
    l1_token = keccak(b"l1 token")[12:]
    l1_asset = asset_id(L1, l1_token)
    change = (b"\x01", l1_token, eth, 2 * UNIT, l1_asset, 5 * UNIT, L1)
    tx_hash = keccak(b"canonical tx")
    call = cd(f"handleChainBalanceIncreaseOnGateway(uint256,bytes32,{BALANCE_CHANGE})", A, tx_hash, change)
    assert reverts(env.gw, GW_ASSET_TRACKER, call, sender=env.alice.address) == err(
        "Unauthorized(address)", env.alice.address
    )
    eth_before = chain_balance(env.devnet, "zk-a", eth)
    assert env.gw.system_call(INTEROP_CENTER, GW_ASSET_TRACKER, call).ok
    assert chain_balance(env.devnet, "zk-a", l1_asset) == 5 * UNIT
    assert chain_balance(env.devnet, "zk-a", eth) == eth_before + 2 * UNIT
    assert reverts(env.gw, GW_ASSET_TRACKER, call, sender=INTEROP_CENTER) == err(
        "InvalidCanonicalTxHash(bytes32)", tx_hash
    )
