"""L1 -> Gateway and back: zk-a migrates from Gateway back to L1, then its token balances follow.

One world per module: a token native to zk-a (balance migrated to Gateway, 400 sent to zk-b) and an L1 token
deposited to zk-a, each with a withdrawal from zk-a settled on Gateway and not finalized yet (a "Gateway-era"
withdrawal). Every test starts from that world (whole-devnet snapshot) and moves zk-a back to L1 itself when it
needs to. The three trackers are read directly: L1AssetTracker.chainBalance (L1 keeps one balance for Gateway as a
whole), GWAssetTracker.chainBalance and the chain's L2AssetTracker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.assets import (
    MAX_TOKEN_BALANCE,
    AssetError,
    chain_balance,
    confirm_migration_to_l1,
    deploy_test_token,
    initiate_migration,
    initiate_migration_to_l1,
    migrate_token_balance_to_l1,
    predict_bridged_token,
    register_token,
    token_balance,
    token_migrated,
    transfer,
)
from zkconnect.bridge import (
    Withdrawal,
    deposit_erc20,
    finalize_withdrawal,
    l1_asset_id,
    l1_chain_balance,
    l1_chain_balances,
    withdraw,
)
from zkconnect.errors import ChainMigrationError, InteropError, TransactionReverted
from zkconnect.interop import migration
from zkconnect.interop.ledger import Stage
from zkconnect.interop.migration import chain_migration_number
from zkconnect.protocol.addresses import (
    BOOTLOADER,
    GW_ASSET_TRACKER,
    L2_ASSET_TRACKER,
    L2_CHAIN_ASSET_HANDLER,
    SYSTEM_CONTEXT,
)
from zkconnect.rpc.zkdev import describe

MAX = MAX_TOKEN_BALANCE
L1, GW, A, B = 31337, 506, 6565, 6566
FINALIZE_PARAMS = "(uint256,uint256,uint256,address,uint16,bytes,bytes32[])"
CONFIRMATION = "(uint256,bytes32,uint256,address,uint256,uint256,bool)"


pytestmark = pytest.mark.slow  # a whole migration scenario per test; the e2e lane


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def error_name(data: bytes) -> str:
    from zkconnect.protocol.reverts import describe_revert

    return describe_revert(data)


def asset_migration(devnet: Devnet, where: str, chain_id: int, asset: bytes) -> int:
    """``assetMigrationNumber[chain_id][asset]`` in the tracker of ``where`` (l1, gateway or the chain)."""
    chain = devnet[where]
    if where == "l1":
        assert devnet.contracts.l1_bridge is not None
        tracker = devnet.contracts.l1_bridge.asset_tracker
    else:
        tracker = GW_ASSET_TRACKER if where == "gateway" else L2_ASSET_TRACKER
    data = sel("assetMigrationNumber(uint256,bytes32)") + encode(["uint256", "bytes32"], [chain_id, asset])
    return int.from_bytes(chain.call(tracker, data), "big")


@dataclass
class World:
    devnet: Devnet
    alice: DevAccount
    bob: DevAccount
    token: bytes
    native: bytes
    l1_token: bytes
    l1_asset: bytes
    native_out: Withdrawal
    l1_token_out: Withdrawal


@pytest.fixture(scope="module")
def world_module(migrated_token: Callable[..., tuple[bytes, bytes]]) -> World:
    devnet = Devnet()
    alice, bob = devnet.accounts[0], devnet.accounts[1]
    token, native = migrated_token(devnet, "zk-a", alice, mint=1_000)
    transfer(devnet, "zk-a", "zk-b", token, 400, alice, bob.address)
    l1_token = deploy_test_token(devnet, "l1", alice, mint=1_000)
    deposit_erc20(devnet, alice, l1_token, 300, chain="zk-a")
    l1_asset = l1_asset_id(devnet, l1_token)
    native_out = withdraw(devnet, alice, native, 100, chain="zk-a")
    l1_token_out = withdraw(devnet, alice, l1_asset, 30, chain="zk-a")
    devnet.relay()
    return World(devnet, alice, bob, token, native, l1_token, l1_asset, native_out, l1_token_out)


@pytest.fixture
def world(world_module: World) -> Iterator[World]:
    with world_module.devnet.anchor():
        yield world_module


def l1_sum(devnet: Devnet, asset: bytes) -> int:
    return sum(l1_chain_balances(devnet, asset).values())


# ---------------------------------------------------------------------- the chain moves back


def test_the_chain_migration_is_recorded_on_the_chain_on_gateway_and_on_l1(world: World) -> None:
    devnet = world.devnet
    assert [chain_migration_number(devnet, "zk-a", on=x) for x in ("zk-a", "gateway", "l1")] == [1, 1, 1]
    last = devnet.settlement.settled_batch(A)
    moved = devnet.migrate_chain_to_l1("zk-a")
    assert moved.last_gateway_batch == last and moved.first_l1_batch == last + 1
    assert [chain_migration_number(devnet, "zk-a", on=x) for x in ("zk-a", "gateway", "l1")] == [2, 2, 2]
    assert chain_migration_number(devnet, "zk-b", on="gateway") == 1
    current = devnet["zk-a"].call(SYSTEM_CONTEXT, sel("currentSettlementLayerChainId()"))
    assert int.from_bytes(current, "big") == L1
    assert devnet.settlement.layer_of(A) == L1
    assert A in devnet.settlement.l1_settled and A not in devnet.settlement.gateway_settled
    bridgehub = devnet.contracts.l1.bridgehub
    layer = devnet.l1.call(bridgehub, sel("settlementLayer(uint256)") + encode(["uint256"], [A]))
    assert int.from_bytes(layer, "big") == L1
    # later batches are executed on L1 by the chain's own settlement contract
    devnet["zk-a"].transact(world.alice.private_key, world.bob.address, value=1)
    devnet.relay()
    execution = devnet.settlement.execution(A, devnet["zk-a"].block_number)
    assert execution is not None and execution.layer_chain_id == L1
    before = devnet.settlement.execution(A, last)
    assert before is not None and before.layer_chain_id == GW
    # what zkdev_getConfig and the `zkdev up` table report follows the move
    layers = {c["name"]: c["settlementLayer"] for c in describe(devnet)["chains"]}
    assert layers == {"l1": None, "gateway": "l1", "zk-a": "l1", "zk-b": "gateway"}


def test_l1_tells_which_layer_settled_each_batch(world: World) -> None:
    devnet = world.devnet
    moved = devnet.migrate_chain_to_l1("zk-a")
    gw_on_l1 = devnet.settlement.settled_batch(GW)
    bridgehub = devnet.contracts.l1.bridgehub

    def valid(batch: int, layer: int, layer_batch: int) -> bool:
        data = sel("isValidSettlementLayer(uint256,uint256,uint256,uint256)") + encode(
            ["uint256"] * 4, [A, batch, layer, layer_batch]
        )
        return bool(int.from_bytes(devnet.l1.call(bridgehub, data), "big"))

    last = moved.last_gateway_batch
    assert valid(last, GW, gw_on_l1) and valid(1, GW, 1)
    assert not valid(last, L1, 0)
    assert not valid(last + 1, GW, gw_on_l1)  # a batch after the move cannot be proven through Gateway
    assert valid(last + 1, L1, 0)
    assert not valid(last, GW, gw_on_l1 + 1)  # nor through a Gateway batch executed after the chain left


def test_migration_is_refused_until_the_chain_is_drained(world: World) -> None:
    devnet = world.devnet
    devnet.relayer.set_mode("manual")
    inbox = devnet["zk-b"].deploy(world.alice.private_key, _recipient_code())
    sent = devnet.send_bundle("zk-a", world.alice, "zk-b", [(inbox, b"in flight")])
    with pytest.raises(ChainMigrationError, match=r"not executed on Gateway.*devnet\.relay\(\)"):
        devnet.migrate_chain_to_l1("zk-a")
    devnet.relayer.settle()
    with pytest.raises(ChainMigrationError, match="bundle"):
        devnet.migrate_chain_to_l1("zk-a")
    devnet.relay()
    assert devnet.bundle(sent.id).stage == Stage.EXECUTED
    assert devnet.migrate_chain_to_l1("zk-a").chain_id == A
    with pytest.raises(ChainMigrationError, match="does not settle on Gateway"):
        devnet.migrate_chain_to_l1("zk-a")
    with pytest.raises(ChainMigrationError, match="not a ZK chain"):
        devnet.migrate_chain_to_l1("gateway")


def test_interop_to_and_from_the_migrated_chain_is_refused(world: World) -> None:
    devnet = world.devnet
    devnet.migrate_chain_to_l1("zk-a")
    inbox_a = devnet["zk-a"].deploy(world.alice.private_key, _recipient_code())
    inbox_b = devnet["zk-b"].deploy(world.alice.private_key, _recipient_code())
    with pytest.raises(TransactionReverted, match="NotInGatewayMode"):
        devnet.send_bundle("zk-a", world.alice, "zk-b", [(inbox_b, b"out")])
    into = devnet.send_bundle("zk-b", world.alice, "zk-a", [(inbox_a, b"in")])
    assert into.stage == Stage.FAILED
    assert into.reason == "CannotClaimInteropOnL1Settlement()"
    # a token balance cannot be migrated to Gateway again either
    receipt = devnet["zk-a"].transact(
        world.alice.private_key, L2_ASSET_TRACKER, sel("initiateL1ToGatewayMigrationOnL2(bytes32)") + world.native
    )
    assert not receipt.ok and error_name(receipt.output) == "NotMigratedChain()"


def test_a_snapshot_revert_puts_the_chain_back_on_gateway(world: World) -> None:
    devnet = world.devnet
    sid = devnet.snapshot()
    devnet.migrate_chain_to_l1("zk-a")
    devnet.revert(sid)
    assert devnet.settlement.layer_of(A) == GW
    assert chain_migration_number(devnet, "zk-a") == 1
    sent = transfer(devnet, "zk-a", "zk-b", world.token, 1, world.alice, world.bob.address)
    assert devnet.bundle(sent.bundle_hash).stage == Stage.EXECUTED


# ---------------------------------------------------------------------- balances follow


def test_round_trip_l1_gateway_l1_keeps_the_three_trackers_consistent(world: World) -> None:
    devnet, asset = world.devnet, world.native
    # on Gateway: L1 keeps everything for Gateway as one; Gateway splits it by chain
    assert l1_chain_balance(devnet, "gateway", asset) == MAX and l1_chain_balance(devnet, "zk-a", asset) == 0
    assert chain_balance(devnet, "zk-a", asset) == MAX - 400 - 100
    assert chain_balance(devnet, "zk-b", asset) == 400
    assert chain_balance(devnet, "zk-a", asset, tracker="l2") == MAX - 1_000 + 500  # 500 still on zk-a's holders
    assert l1_sum(devnet, asset) == MAX

    devnet.migrate_chain_to_l1("zk-a")
    assert token_migrated(devnet, "zk-a", asset) is False  # asset migration number 1, chain's 2
    assert chain_balance(devnet, "zk-a", asset) == MAX - 500  # nothing moved yet
    assert l1_sum(devnet, asset) == MAX

    started = initiate_migration_to_l1(devnet, "zk-a", asset)
    assert started.amount == MAX - 500 and not started.confirmed
    assert chain_balance(devnet, "zk-a", asset) == 0  # zeroed on Gateway at once
    assert asset_migration(devnet, "gateway", A, asset) == 2
    assert l1_chain_balance(devnet, "gateway", asset) == MAX  # L1 learns of it only from the proven message

    done = confirm_migration_to_l1(devnet, started)
    assert done.confirmed and done.amount == MAX - 500 and done.l1_tx is not None
    assert l1_chain_balance(devnet, "zk-a", asset) == MAX - 500
    assert l1_chain_balance(devnet, "gateway", asset) == 500  # zk-b's 400 and the unfinalized Gateway-era 100
    assert chain_balance(devnet, "zk-a", asset) == 0 and chain_balance(devnet, "zk-b", asset) == 400
    assert l1_sum(devnet, asset) == MAX
    assert [asset_migration(devnet, where, A, asset) for where in ("l1", "gateway", "zk-a")] == [2, 2, 2]
    assert token_migrated(devnet, "zk-a", asset) is True

    # the Gateway-era withdrawal still finalizes (Gateway-batch proof) and is Gateway's to pay
    finalize_withdrawal(devnet, world.native_out)
    assert l1_chain_balance(devnet, "gateway", asset) == 400
    assert l1_chain_balance(devnet, "l1", asset) == 100
    # a withdrawal after the move settles on L1 and is zk-a's own
    later = withdraw(devnet, world.alice, asset, 50, chain="zk-a")
    devnet.relay()
    assert devnet.proof(A, later.tx_hash, mode="l1").gateway_block_number is None
    finalize_withdrawal(devnet, later)
    assert l1_chain_balance(devnet, "zk-a", asset) == MAX - 550
    assert l1_chain_balance(devnet, "l1", asset) == 150
    assert l1_sum(devnet, asset) == MAX
    copy = predict_bridged_token(devnet, "zk-a", world.token, "l1")
    assert token_balance(devnet, "l1", copy, world.alice.address) == 150


def test_a_withdrawal_after_the_move_is_refused_on_l1_until_the_balance_is_back(world: World) -> None:
    devnet = world.devnet
    devnet.migrate_chain_to_l1("zk-a")
    out = withdraw(devnet, world.alice, world.l1_asset, 20, chain="zk-a")  # zk-a settles on L1: never blocked on L2
    devnet.relay()
    with pytest.raises(TransactionReverted, match="InsufficientChainBalance"):
        finalize_withdrawal(devnet, out)
    migrate_token_balance_to_l1(devnet, "zk-a", world.l1_asset)
    assert finalize_withdrawal(devnet, out).ok
    assert token_balance(devnet, "l1", world.l1_token, world.alice.address) == 1_000 - 300 + 20


def test_correctly_assigns_chain_token_balances_after_migrating_token_balances_to_l1(world: World) -> None:
    """zksync-era token-balance-migration.test.ts: after the balances come back, for every token L1's balance of the
    chain is what it held minus its Gateway-era withdrawals, which stay on Gateway's L1 balance until finalized;
    Gateway's is 0; migration numbers are 2 on L1 and on Gateway (0 on L1 for Gateway itself)."""
    devnet = world.devnet
    devnet.migrate_chain_to_l1("zk-a")
    cases = [
        # (asset, the chain's balance before any Gateway-era withdrawal, that withdrawal, others' L1-GW balance)
        (world.native, MAX - 400, 100, 400),
        (world.l1_asset, 300, 30, 0),
    ]
    for asset, held, gateway_era, others in cases:
        migrate_token_balance_to_l1(devnet, "zk-a", asset)
        assert l1_chain_balance(devnet, "zk-a", asset) == held - gateway_era
        assert l1_chain_balance(devnet, "gateway", asset) == gateway_era + others
        assert chain_balance(devnet, "zk-a", asset) == 0
        assert asset_migration(devnet, "l1", A, asset) == 2
        assert asset_migration(devnet, "l1", GW, asset) == 0
        assert asset_migration(devnet, "gateway", A, asset) == 2
        assert l1_sum(devnet, asset) == MAX
    for pending in (world.native_out, world.l1_token_out):
        assert finalize_withdrawal(devnet, pending).ok
    assert l1_chain_balance(devnet, "gateway", world.native) == 400
    assert l1_chain_balance(devnet, "gateway", world.l1_asset) == 0
    assert l1_chain_balance(devnet, "zk-a", world.l1_asset) == 270


# ---------------------------------------------------------------------- refusals


def test_gateway_refuses_to_send_a_balance_back_before_the_chain_moved(world: World) -> None:
    devnet = world.devnet
    # a balance migrated to Gateway (asset migration number 1, as the chain's): v31 checks that one first
    with pytest.raises(AssetError, match=r"InvalidAssetMigrationNumber\(\).*migrate_chain_to_l1"):
        initiate_migration_to_l1(devnet, "zk-a", world.native)
    # an asset Gateway never saw for the chain (number 0): the chain's migration number must be 2
    other = register_token(devnet, "zk-a", deploy_test_token(devnet, "zk-a", world.alice), world.alice)
    with pytest.raises(AssetError, match=r"InvalidChainMigrationNumber\(1, 2\).*migrate_chain_to_l1"):
        initiate_migration_to_l1(devnet, "zk-a", other)
    assert chain_balance(devnet, "zk-a", world.native) == MAX - 500
    assert asset_migration(devnet, "gateway", A, world.native) == 1


def test_each_balance_goes_back_once(world: World) -> None:
    devnet = world.devnet
    devnet.migrate_chain_to_l1("zk-a")
    started = initiate_migration_to_l1(devnet, "zk-a", world.native)
    with pytest.raises(AssetError, match="InvalidAssetMigrationNumber"):
        initiate_migration_to_l1(devnet, "zk-a", world.native)
    done = confirm_migration_to_l1(devnet, started)
    with pytest.raises(AssetError, match="InvalidAssetMigrationNumber"):
        confirm_migration_to_l1(devnet, started)  # the same proven message again
    assert done.amount == MAX - 500
    assert l1_chain_balance(devnet, "zk-a", world.native) == MAX - 500
    assert l1_sum(devnet, world.native) == MAX


def test_l1_keeps_the_two_directions_apart(world: World) -> None:
    """A chain's message cannot be replayed as Gateway's, nor Gateway's as a chain's (the selectors differ)."""
    devnet = world.devnet
    assert devnet.contracts.l1_bridge is not None
    tracker = devnet.contracts.l1_bridge.asset_tracker
    token = deploy_test_token(devnet, "zk-a", world.alice)
    asset = register_token(devnet, "zk-a", token, world.alice)
    to_gateway = initiate_migration(devnet, "zk-a", asset)
    devnet.relay()
    devnet.migrate_chain_to_l1("zk-a")
    back = initiate_migration_to_l1(devnet, "zk-a", world.native)
    devnet.relay()
    for chain_id, tx, wrong in (
        (A, to_gateway.initiate_tx, "receiveGatewayToL1MigrationOnL1"),
        (GW, back.initiate_tx, "receiveL1ToGatewayMigrationOnL1"),
    ):
        assert tx is not None
        proof = devnet.proof(chain_id, tx, mode="l1")
        assert proof.message is not None
        params = (
            chain_id,
            proof.batch_number,
            proof.id,
            bytes.fromhex(proof.message.sender[2:]),
            proof.message.tx_number_in_batch,
            proof.message.data,
            list(proof.proof),
        )
        receipt = devnet.l1.transact(
            world.alice.private_key, tracker, sel(f"{wrong}({FINALIZE_PARAMS})") + encode([FINALIZE_PARAMS], [params])
        )
        assert not receipt.ok and error_name(receipt.output).startswith("InvalidFunctionSignature")


def test_only_service_transactions_confirm_and_only_the_system_moves_chains(world: World) -> None:
    devnet, alice = world.devnet, world.alice
    confirmation = encode([CONFIRMATION], [(A, world.native, A, world.token, 5, 2, False)])
    for chain, to, signature in (
        ("gateway", GW_ASSET_TRACKER, f"confirmMigrationOnGateway({CONFIRMATION})"),
        ("zk-a", L2_ASSET_TRACKER, f"confirmMigrationOnL2({CONFIRMATION})"),
    ):
        receipt = devnet[chain].transact(alice.private_key, to, sel(signature) + confirmation)
        assert not receipt.ok
        assert error_name(receipt.output).lower() == f"unauthorized(0x{alice.address.hex()})"
    for chain, data in (
        ("gateway", sel("recordMigrationToL1(uint256)") + encode(["uint256"], [A])),
        ("zk-a", sel("setSettlementLayerChainId(uint256,uint256)") + encode(["uint256", "uint256"], [GW, L1])),
    ):
        receipt = devnet[chain].transact(alice.private_key, L2_CHAIN_ASSET_HANDLER, data)
        assert not receipt.ok and error_name(receipt.output).startswith("Unauthorized")
    receipt = devnet.l1.transact(
        alice.private_key,
        devnet.contracts.l1.bridgehub,
        sel("migrateChainToL1(uint256,uint256)") + encode(["uint256", "uint256"], [A, 1]),
    )
    assert not receipt.ok and "Ownable: caller is not the owner" in error_name(receipt.output)
    assert chain_migration_number(world.devnet, "zk-a", on="l1") == 1


def _recipient_code() -> bytes:
    from zkconnect.artifacts import load

    return load("RecordingRecipient").bytecode


def test_token_balances_read_back_from_the_chains_own_tracker(world: World) -> None:
    """After the round trip the chain's L2AssetTracker still tracks its native token (MAX minus what is outside)."""
    devnet = world.devnet
    devnet.migrate_chain_to_l1("zk-a")
    migrate_token_balance_to_l1(devnet, "zk-a", world.native)
    (outside,) = decode(
        ["uint256"],
        devnet["zk-a"].call(
            L2_ASSET_TRACKER, sel("chainBalance(uint256,bytes32)") + encode(["uint256", "bytes32"], [A, world.native])
        ),
    )
    assert MAX - outside == 500  # 400 on zk-b, 100 withdrawn to L1


def test_a_chain_that_left_cannot_settle_on_gateway_again(world: World) -> None:
    devnet = world.devnet
    moved = devnet.migrate_chain_to_l1("zk-a")
    devnet.relay()
    # the batch the executor on Gateway would take next, offered there instead of on L1
    batch = devnet.settlement.sealers[A].batch(moved.first_l1_batch)
    assert devnet.contracts.gateway is not None
    executor = devnet.contracts.gateway.executor(A)
    calldata = devnet.settlement._calldata(devnet.gateway, A, batch)
    receipt = devnet.gateway.system_call(devnet.contracts.validator, executor, calldata)
    assert not receipt.ok
    assert error_name(receipt.output) == "InvalidChainMigrationNumber(1, 2)"


def test_chain_migrations_happen_in_v31_order_only(world: World) -> None:
    devnet = world.devnet
    bridgehub = devnet.contracts.l1.bridgehub
    from zkconnect.protocol.addresses import DEVNET_DEPLOYER, SERVICE_TRANSACTION_SENDER

    def migrate_on_l1(chain_id: int) -> str:
        data = sel("migrateChainToL1(uint256,uint256)") + encode(["uint256", "uint256"], [chain_id, 0])
        receipt = devnet.l1.system_call(DEVNET_DEPLOYER, bridgehub, data)
        return "ok" if receipt.ok else error_name(receipt.output)

    assert migrate_on_l1(GW) == "MigrationNumberMismatch(1, 0)"  # Gateway settles on L1 already
    devnet.migrate_chain_to_l1("zk-a")
    assert migrate_on_l1(A) == "MigrationNumberMismatch(1, 2)"  # at most one round trip
    again = devnet.gateway.system_call(
        SERVICE_TRANSACTION_SENDER,
        L2_CHAIN_ASSET_HANDLER,
        sel("recordMigrationToL1(uint256)") + encode(["uint256"], [A]),
    )
    assert error_name(again.output) == "MigrationNumberMismatch(1, 2)"
    unknown = devnet.gateway.system_call(
        SERVICE_TRANSACTION_SENDER,
        L2_CHAIN_ASSET_HANDLER,
        sel("recordMigrationToL1(uint256)") + encode(["uint256"], [4242]),
    )
    assert error_name(unknown.output) == "ChainIdNotRegistered(4242)"
    # setting the same layer again is no migration
    same = devnet["zk-a"].system_call(
        BOOTLOADER, SYSTEM_CONTEXT, sel("setSettlementLayerChainId(uint256)") + encode(["uint256"], [L1])
    )
    assert same.ok and chain_migration_number(devnet, "zk-a") == 2


def test_a_token_first_deposited_after_the_move_needs_no_migration(world: World) -> None:
    """zksync-era: 'Can deposit a token to the chain after migrating from gateway' marks it migrated: L1 credits the
    chain itself (not Gateway) and sets its migration number to 2; Gateway never hears of it."""
    devnet = world.devnet
    devnet.migrate_chain_to_l1("zk-a")
    fresh = deploy_test_token(devnet, "l1", world.alice, mint=500)
    deposit_erc20(devnet, world.alice, fresh, 200, chain="zk-a")
    asset = l1_asset_id(devnet, fresh)
    assert l1_chain_balance(devnet, "zk-a", asset) == 200
    assert l1_chain_balance(devnet, "gateway", asset) == 0 and chain_balance(devnet, "zk-a", asset) == 0
    assert asset_migration(devnet, "l1", A, asset) == 2
    assert asset_migration(devnet, "gateway", A, asset) == 0
    assert token_migrated(devnet, "zk-a", asset) is True
    out = withdraw(devnet, world.alice, asset, 50, chain="zk-a")
    devnet.relay()
    assert finalize_withdrawal(devnet, out).ok
    assert l1_chain_balance(devnet, "zk-a", asset) == 150


def test_chain_migration_error_is_an_interop_error_of_the_tree(devnet: Devnet) -> None:
    assert issubclass(ChainMigrationError, InteropError)
    assert migration.ChainMigrationError is ChainMigrationError  # the old import path still works
    by_topology = [chain_migration_number(devnet.topology, "zk-a", on=x) for x in ("zk-a", "gateway", "l1")]
    assert by_topology == [chain_migration_number(devnet, "zk-a", on=x) for x in ("zk-a", "gateway", "l1")]
