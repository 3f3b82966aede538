"""zkconnect.testing, used directly through the plugin's own fixtures (the suite dogfoods them)."""

from __future__ import annotations

import pytest

from zkconnect.errors import TransactionReverted, ZkConnectError
from zkconnect.messages import interop_call_value
from zkconnect.system_contracts import BASE_TOKEN_HOLDER
from zkconnect.testing import (
    CREATE2_FACTORY,
    Call,
    assert_bundle_executed,
    assert_bundle_failed,
    assert_supply_conserved,
    compile_and_deploy,
    reverts,
    send_bundle,
    send_message,
    wait_for_bundle,
)

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


def test_supply_conservation_counts_bundles_in_flight_and_catches_a_leak(zk_a, zk_b, zk_relayer):
    zk_relayer.set_mode("manual")
    sent = send_message(zk_a, zk_b, zk_b.deploy("RecordingRecipient"), b"", value=10**18)
    assert_supply_conserved(zk_a.devnet)  # the value sits in zk-a's holder, counted as in flight
    assert_bundle_executed(sent)
    assert_supply_conserved(zk_a.devnet)
    zk_b.chain.set_balance(BASE_TOKEN_HOLDER, zk_b.balance(BASE_TOKEN_HOLDER) - 5)
    with pytest.raises(AssertionError, match=r"base token not conserved.*off by -5 wei"):
        assert_supply_conserved(zk_a.devnet)


def test_chain_handles_expose_web3_and_logs(zk_a, zk_b):
    counter = zk_a.deploy("Counter")
    receipt = counter.send("increment")
    assert zk_a.web3.eth.get_block_number() == receipt.block_number
    assert counter.web3.functions.count().call() == 1
    assert [log.tx_hash for log in zk_a.logs(counter)] == [receipt.tx_hash]
    with pytest.raises(ZkConnectError, match="has no function nope"):
        counter.call("nope")
