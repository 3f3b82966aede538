"""zkconnect.testing, used directly through the plugin's own fixtures (the suite dogfoods them)."""

from __future__ import annotations

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from zkconnect.assets import (
    deploy_test_token,
    migrate_token_balance,
    predict_bridged_token,
    register_token,
    token_balance,
)
from zkconnect.bridge import (
    claim_failed_deposit,
    deposit_erc20,
    deposit_eth,
    finalize_withdrawal,
    withdraw,
    withdraw_base_token,
)
from zkconnect.bridge import l1_asset_id as bridge_asset_id
from zkconnect.errors import TransactionReverted, ZkConnectError
from zkconnect.protocol.addresses import BASE_TOKEN_HOLDER, L2_ASSET_ROUTER, L2_NATIVE_TOKEN_VAULT
from zkconnect.protocol.messages import interop_call_value
from zkconnect.testing import (
    CREATE2_FACTORY,
    Call,
    assert_bundle_executed,
    assert_bundle_failed,
    assert_supply_conserved,
    assert_token_supply_conserved,
    assert_trackers_consistent,
    compile_and_deploy,
    reverts,
    send_bundle,
    send_message,
    send_token,
    wait_for_bundle,
)

UNIT = 10**18
TWO_CONTRACTS = """
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
contract Box {
    uint256 public value;
    address public deployer;
    error TooBig(uint256 value, uint256 limit);
    constructor(uint256 _value) payable { value = _value; deployer = msg.sender; }
    function set(uint256 _value) external { if (_value > 100) revert TooBig(_value, 100); value = _value; }
}
contract Other { function ping() external pure returns (uint256) { return 1; } }
"""


def test_compile_and_deploy_needs_a_name_when_a_source_has_several_contracts(zk_a):
    with pytest.raises(ZkConnectError, match=r"2 deployable contracts in the source \(Box, Other\)"):
        compile_and_deploy(zk_a, TWO_CONTRACTS)
    with pytest.raises(ZkConnectError, match="no deployable contract 'Bx'"):
        compile_and_deploy(zk_a, TWO_CONTRACTS, "Bx")
    with pytest.raises(ZkConnectError, match=r"takes 1 argument\(s\) \(uint256\), got 0"):
        compile_and_deploy(zk_a, TWO_CONTRACTS, "Box")


def test_user_custom_errors_are_decoded_in_reverts(zk_a, zk_accounts):
    box = compile_and_deploy(zk_a, TWO_CONTRACTS, "Box", 7)
    assert box.call("value") == 7 and box.call("deployer") == "0x" + zk_accounts[0].address.hex()
    with reverts(r"TooBig\(101, 100\)"):
        box.send("set", 101)
    with pytest.raises(TransactionReverted, match=r"Box.set\(\) on zk-a reverted: TooBig\(500, 100\)"):
        box.send("set", 500)
    with pytest.raises(AssertionError, match="nothing reverted"), reverts("TooBig"):
        box.send("set", 5)
    with (
        pytest.raises(AssertionError, match=r"reverted with TooBig\(101, 100\), which does not match 'Other'"),
        reverts("Other"),
    ):
        box.send("set", 101)
    assert box.call("value") == 5


def test_create2_gives_one_address_on_several_chains_and_refuses_a_reused_salt(zk_a, zk_b, zk_gateway):
    boxes = compile_and_deploy([zk_a, zk_b, zk_gateway], TWO_CONTRACTS, "Box", 3, salt=1)
    assert len({b.address for b in boxes}) == 1
    assert all(b.call("value") == 3 for b in boxes)
    assert boxes[0].call("deployer") == "0x" + CREATE2_FACTORY.hex()
    other_salt = compile_and_deploy(zk_a, TWO_CONTRACTS, "Box", 3, salt=2)
    assert other_salt.address != boxes[0].address
    with pytest.raises(ZkConnectError, match=r"already has a contract .* pass another salt"):
        compile_and_deploy(zk_b, TWO_CONTRACTS, "Box", 3, salt=1)


def test_send_bundle_delivers_values_and_attributes(zk_a, zk_b):
    first, second = zk_b.deploy("RecordingRecipient"), zk_b.deploy("RecordingRecipient")
    sent = send_bundle(zk_a, zk_b, [Call(first, b"one", value=3), Call(second, b"two", value=4)])
    assert [c.value for c in sent.bundle.calls] == [3, 4]
    assert_bundle_executed(sent)
    assert (zk_b.balance(first), zk_b.balance(second)) == (3, 4)
    assert second.call("received", 0)[2] == b"two"
    assert_supply_conserved(zk_a.devnet)


def test_a_refused_send_raises_with_the_decoded_error(zk_a, zk_b):
    with pytest.raises(TransactionReverted, match=r"InteropCenter\.sendBundle on zk-a reverted"):
        send_bundle(zk_a, zk_b, [Call(bytes(20), b"", attributes=(interop_call_value(1),))], value=0)


def test_outcome_assertions_fail_with_the_stage_and_reason(zk_a, zk_b, zk_relayer):
    zk_relayer.set_mode("manual")
    good = send_message(zk_a, zk_b, zk_b.deploy("RecordingRecipient"), b"ok")
    bad = send_message(zk_a, zk_b, zk_b.deploy("RevertingRecipient"), b"no")
    assert str(good.stage) == "sealed"
    assert str(wait_for_bundle(good).stage) == "executed"  # waiting relays, even in manual mode
    with pytest.raises(AssertionError, match=r"(?s)expected the bundle to fail.*stopped at stage: executed"):
        assert_bundle_failed(good)
    with pytest.raises(AssertionError, match=r"(?s)stopped at stage: failed.*reason: MessageRejected\("):
        assert_bundle_executed(bad)
    with pytest.raises(AssertionError, match="does not match 'Unauthorized'"):
        assert_bundle_failed(bad, match="Unauthorized")
    assert assert_bundle_failed(bad.hash, match="MessageRejected", devnet=zk_a.devnet).destination_tx


def test_supply_conservation_counts_deposits_and_bundles_in_flight_and_catches_a_leak(
    zk_devnet, zk_a, zk_b, zk_relayer, zk_accounts
):
    assert_supply_conserved(zk_devnet)
    deposit_eth(zk_devnet, zk_accounts[0], 3 * 10**18, chain="zk-a")
    assert_supply_conserved(zk_devnet)
    zk_relayer.set_mode("manual")
    deposit_eth(zk_devnet, zk_accounts[0], 10**18, chain="zk-b")  # accepted on L1, not yet run on zk-b
    sent = send_message(zk_a, zk_b, zk_b.deploy("RecordingRecipient"), b"", value=10**18)
    assert_supply_conserved(zk_devnet)  # the value sits in zk-a's holder, counted as in flight
    assert_bundle_executed(sent)
    assert_supply_conserved(zk_devnet)
    zk_b.chain.set_balance(BASE_TOKEN_HOLDER, zk_b.balance(BASE_TOKEN_HOLDER) - 5)
    with pytest.raises(AssertionError, match=r"base token not conserved.*off by 5\b"):
        assert_supply_conserved(zk_devnet)


def test_supply_conservation_counts_base_token_withdrawals_until_l1_pays_them(zk_devnet, zk_relayer, zk_accounts):
    """Genesis ETH is backed on L1, and a withdrawal counts as in flight from L2BaseToken.withdraw to finalization."""
    zk_relayer.set_mode("manual")
    sent = withdraw_base_token(zk_devnet, zk_accounts[0], 4 * 10**18, chain="zk-b")
    assert_supply_conserved(zk_devnet)  # back in zk-b's holder, not yet paid on L1
    zk_devnet.relay()
    assert_supply_conserved(zk_devnet)  # settled on Gateway, still not paid
    assert finalize_withdrawal(zk_devnet, sent).ok
    assert_supply_conserved(zk_devnet)


@pytest.fixture(scope="module")
def token(zk_devnet, zk_a, zk_accounts):
    """A TestERC20 native to zk-a, 1000 units minted to account 0, its balance migrated to Gateway."""
    address = deploy_test_token(zk_devnet, "zk-a", zk_accounts[0], mint=1000 * UNIT)
    asset = register_token(zk_devnet, "zk-a", address, zk_accounts[0])
    assert_trackers_consistent(zk_devnet, zk_a, address)  # before migration: only the L2 tracker counts
    migrate_token_balance(zk_devnet, "zk-a", asset)
    return address


@pytest.mark.slow
def test_token_invariants_hold_at_every_stage_of_a_round_trip(zk_devnet, zk_a, zk_b, zk_relayer, zk_accounts, token):
    alice, bob = zk_accounts[0], zk_accounts[1]
    zk_relayer.set_mode("manual")
    bridged = predict_bridged_token(zk_devnet, "zk-a", token, "zk-b")
    steps = [
        lambda: send_token(zk_a, zk_b, token, 100 * UNIT, recipient=bob.address),
        zk_relayer.settle,
        zk_relayer.execute,
        zk_relayer.relay,
        lambda: send_token(zk_b, zk_a, bridged, 30 * UNIT, sender=bob, recipient=alice.address),
        zk_relayer.settle,
        zk_relayer.execute,
        zk_relayer.relay,
    ]
    for step in steps:
        step()
        assert_token_supply_conserved(zk_devnet, zk_a, token)
        assert_trackers_consistent(zk_devnet, "zk-a", token)
    assert token_balance(zk_devnet, "zk-b", bridged, bob.address) == 70 * UNIT
    assert [str(e.stage) for e in zk_devnet.ledger if e.kind == "bundle"] == ["executed", "executed"]


def test_send_token_reports_executed_and_a_minted_copy_breaks_the_invariants(zk_devnet, zk_a, zk_b, token):
    sent = send_token(zk_a, zk_b, token, 5 * UNIT)
    assert str(sent.stage) == "executed" and sent.bundle.calls[0].to.lower() == "0x" + L2_ASSET_ROUTER.hex()
    bridged = predict_bridged_token(zk_devnet, "zk-a", token, "zk-b")
    # mint a bridged copy behind the bridge's back: the vault (BridgedStandardERC20's bridge) may mint
    zk_b.chain.system_call(
        L2_NATIVE_TOKEN_VAULT,
        bridged,
        keccak(b"bridgeMint(address,uint256)")[:4] + encode(["address", "uint256"], [bytes(20), 1]),
    ).raise_for_status()
    with pytest.raises(AssertionError, match=r"not conserved: 5000000000000000000 locked on zk-a"):
        assert_token_supply_conserved(zk_devnet, zk_a, token)
    with pytest.raises(AssertionError, match=r"GWAssetTracker for zk-b: .* != held 5000000000000000001 "):
        assert_trackers_consistent(zk_devnet, zk_a, token)


def test_chain_handles_expose_web3_and_logs(zk_a, zk_b):
    counter = zk_a.deploy("Counter")
    receipt = counter.send("increment")
    assert zk_a.web3.eth.get_block_number() == receipt.block_number
    assert counter.web3.functions.count().call() == 1
    assert [log.tx_hash for log in zk_a.logs(counter)] == [receipt.tx_hash]
    with pytest.raises(ZkConnectError, match="has no function nope"):
        counter.call("nope")


# ---------------------------------------------------------------------- token invariants across L1


def _check(devnet, origin, token):
    assert_token_supply_conserved(devnet, origin, token)
    assert_trackers_consistent(devnet, origin, token)


@pytest.mark.slow
def test_token_invariants_count_the_l1_copy_and_unfinalized_withdrawals(zk_devnet, zk_a, zk_b, zk_accounts, token):
    """A zk-a token withdrawn to L1 from zk-b and from zk-a itself: pending until finalized, then the L1 copy."""
    bob = zk_accounts[1]
    asset = register_token(zk_devnet, "zk-a", token, zk_accounts[0])
    send_token(zk_a, zk_b, token, 50 * UNIT, recipient=bob.address)
    from_b = withdraw(zk_devnet, bob, asset, 20 * UNIT, chain="zk-b")
    _check(zk_devnet, zk_a, token)  # burned on zk-b, Gateway has not settled it: in flight
    zk_devnet.relay()
    _check(zk_devnet, zk_a, token)  # settled on Gateway and L1, not finalized
    from_a = withdraw(zk_devnet, zk_accounts[0], asset, 5 * UNIT, chain="zk-a")
    zk_devnet.relay()
    assert finalize_withdrawal(zk_devnet, from_b).ok
    _check(zk_devnet, zk_a, token)  # the L1 copy exists now: 20
    assert finalize_withdrawal(zk_devnet, from_a).ok
    l1_copy = predict_bridged_token(zk_devnet, "zk-a", token, "l1")
    assert token_balance(zk_devnet, "l1", l1_copy, bob.address) == 20 * UNIT
    _check(zk_devnet, "zk-a", token)
    # the L1 copy deposited back: queued on L1 (burned there), then released on zk-a / minted on zk-b
    zk_devnet.relayer.set_mode("manual")
    deposit_erc20(zk_devnet, bob, l1_copy, 7 * UNIT, chain="zk-a")
    deposit_erc20(zk_devnet, bob, l1_copy, 3 * UNIT, chain="zk-b")
    _check(zk_devnet, zk_a, token)
    zk_devnet.relay()
    _check(zk_devnet, zk_a, token)
    # a copy minted on L1 behind the bridge's back breaks both invariants, the L1 tracker names itself
    zk_devnet.l1.system_call(
        _l1_vault(zk_devnet),
        l1_copy,
        keccak(b"bridgeMint(address,uint256)")[:4] + encode(["address", "uint256"], [bob.address, 1]),
    ).raise_for_status()
    with pytest.raises(AssertionError, match=r"not conserved: .* bridged supply 48000000000000000001 "):
        assert_token_supply_conserved(zk_devnet, zk_a, token)
    with pytest.raises(AssertionError, match=r"L1AssetTracker chainBalance\[L1\] is 15000000000000000000, the L1 copy"):
        assert_trackers_consistent(zk_devnet, zk_a, token)


def _l1_vault(devnet):
    return devnet.contracts.l1_bridge.native_token_vault


@pytest.mark.slow
def test_token_invariants_for_an_l1_token_count_the_l1_vault_lock(zk_devnet, zk_a, zk_b, zk_relayer, zk_accounts):
    """An L1 ERC-20 deposited to both chains, sent between them, withdrawn, and a failed deposit claimed back."""
    alice, bob = zk_accounts[0], zk_accounts[1]
    l1_token = deploy_test_token(zk_devnet, "l1", alice, mint=1000 * UNIT)
    zk_relayer.set_mode("manual")
    to_a = deposit_erc20(zk_devnet, alice, l1_token, 300 * UNIT, chain="zk-a")
    _check(zk_devnet, "l1", l1_token)  # locked on L1, queued
    zk_devnet.relay()
    assert to_a.execution is not None and to_a.execution.ok
    deposit_erc20(zk_devnet, alice, l1_token, 100 * UNIT, chain="zk-b", to=bob.address)
    zk_devnet.relay()
    _check(zk_devnet, "l1", l1_token)
    on_a = predict_bridged_token(zk_devnet, "l1", l1_token, "zk-a")
    sent = send_token(zk_a, zk_b, on_a, 40 * UNIT, recipient=bob.address)
    _check(zk_devnet, "l1", l1_token)  # sent, not settled
    zk_relayer.settle()
    _check(zk_devnet, "l1", l1_token)  # pending on Gateway for zk-b
    assert_bundle_executed(sent)
    _check(zk_devnet, "l1", l1_token)
    asset = bridge_asset_id(zk_devnet, l1_token)
    out = withdraw(zk_devnet, bob, asset, 90 * UNIT, chain="zk-b")
    _check(zk_devnet, "l1", l1_token)
    zk_devnet.relay()
    _check(zk_devnet, "l1", l1_token)
    assert finalize_withdrawal(zk_devnet, out).ok
    _check(zk_devnet, "l1", l1_token)
    failed = deposit_erc20(zk_devnet, alice, l1_token, 60 * UNIT, chain="zk-b", gas_limit=30_000)
    zk_devnet.relay()
    assert failed.execution is not None and not failed.execution.ok
    _check(zk_devnet, "l1", l1_token)  # locked on L1, nothing minted: in flight until claimed
    assert claim_failed_deposit(zk_devnet, failed).ok
    _check(zk_devnet, "l1", l1_token)
    assert token_balance(zk_devnet, "l1", l1_token, _l1_vault(zk_devnet)) == 310 * UNIT
    # a token leaving the L1 vault without a withdrawal is caught
    zk_devnet.l1.system_call(
        _l1_vault(zk_devnet),
        l1_token,
        keccak(b"transfer(address,uint256)")[:4] + encode(["address", "uint256"], [bob.address, UNIT]),
    ).raise_for_status()
    with pytest.raises(AssertionError, match=r"not conserved: 309000000000000000000 locked on l1"):
        assert_token_supply_conserved(zk_devnet, "l1", l1_token)
    with pytest.raises(AssertionError, match=r"chainBalance\[L1\] is .*MAX - locked in the L1 vault"):
        assert_trackers_consistent(zk_devnet, "l1", l1_token)
