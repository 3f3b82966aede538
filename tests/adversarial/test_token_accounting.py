# ruff: noqa: N802
"""Token accounting, T2-T5 of the catalogue (T1, the stateful run, is ``tests/invariants/test_token_books_stateful.py``).

One default-topology devnet per module; a token native to zk-a (6565) is registered and migrated to Gateway
once, with 100 of it sent to bob on zk-b (6566). Every test runs between a snapshot and a revert.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from adversarial_helpers import (
    A_ID,
    B_ID,
    CALL_STARTERS,
    SEND_BUNDLE,
    A,
    B,
    bundle_status,
    call_status,
    deliver,
    execute,
    interop_fee,
    reverted_with,
    send_bundle,
    unbundle,
    verify,
)
from eth_abi.abi import encode

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.assets import (
    MAX_TOKEN_BALANCE,
    asset_id,
    chain_balance,
    deploy_test_token,
    migrate_token_balance,
    pending_interop_balance,
    predict_bridged_token,
    register_token,
    token_balance,
    transfer,
)
from zkconnect.bridge import (
    claim_failed_deposit,
    deposit_erc20,
    finalize_withdrawal,
    l1_chain_balance,
    withdraw,
)
from zkconnect.errors import ProofUnavailable, TransactionReverted
from zkconnect.interop.settlement import SettlementError
from zkconnect.protocol.addresses import DEVNET_OWNER as OWNER
from zkconnect.protocol.addresses import INTEROP_CENTER, L2_ASSET_ROUTER, L2_NATIVE_TOKEN_VAULT
from zkconnect.protocol.messages import (
    BundleStatus,
    CallStatus,
    InteropCallStarter,
    NtvBurnData,
    format_evm_v1,
    indirect_call,
    second_bridge_data,
    selector,
    unbundler_address,
)
from zkconnect.testing import assert_token_supply_conserved, assert_trackers_consistent

GW_ID = 506


@dataclass(frozen=True)
class Token:
    address: bytes
    asset: bytes


@pytest.fixture(scope="module")
def token(devnet_module: Devnet, migrated_token: Callable[..., tuple[bytes, bytes]]) -> Token:
    """Native to zk-a, 1000 minted to alice, migrated; 100 of it on zk-b (bob's)."""
    devnet = devnet_module
    alice, bob = devnet.accounts[0], devnet.accounts[1]
    address, asset = migrated_token(devnet, A, alice, mint=1_000)
    transfer(devnet, A, B, address, 100, alice, bob.address)
    return Token(address, asset)


def _token_call(asset: bytes, amount: int, receiver: bytes) -> tuple[bytes, bytes, list[bytes]]:
    """An ``indirectCall`` starter to the L2AssetRouter carrying ``amount`` of ``asset``."""
    burn = NtvBurnData(amount=amount, remote_receiver="0x" + receiver.hex()).encode()
    started = InteropCallStarter(
        to=format_evm_v1(address=L2_ASSET_ROUTER), data=second_bridge_data(asset, burn), call_attributes=()
    )
    return (started.to, started.data, [indirect_call(0)])


def _approve(devnet: Devnet, owner: DevAccount, token: bytes, amount: int) -> None:
    data = selector("approve(address,uint256)") + encode(["address", "uint256"], [L2_NATIVE_TOKEN_VAULT, amount])
    assert devnet[A].transact(owner.private_key, token, data).ok


# ---------------------------------------------------------------------- T2


@pytest.mark.parametrize("how", ["withdrawal", "interop"])
def test_moving_more_than_chainBalance_stalls_the_chain_and_nothing_goes_negative(
    devnet: Devnet, token: Token, bob: DevAccount, how: str
) -> None:
    """zk-b's operator mints itself 1000 copies outside the protocol and moves 500 out: the batch is refused on
    Gateway with ``InsufficientChainBalance``, no tracker moves (none goes below zero) and nothing is paid out."""
    devnet.relayer.set_mode("manual")
    copy_on_b = predict_bridged_token(devnet, A, token.address, B)
    forged = devnet[B].system_call(
        L2_NATIVE_TOKEN_VAULT,
        copy_on_b,
        selector("bridgeMint(address,uint256)") + encode(["address", "uint256"], [bob.address, 1_000]),
    )
    assert forged.ok
    if how == "withdrawal":
        out = withdraw(devnet, bob, token.asset, 500, chain=B)
    else:
        sent = transfer(devnet, B, A, copy_on_b, 500, bob, bob.address)
    bad_batch = devnet[B].block_number
    with pytest.raises(SettlementError, match=rf"chain {B_ID} batch {bad_batch}.*InsufficientChainBalance"):
        devnet.relay()
    assert B_ID in devnet.settlement.stalled()
    assert chain_balance(devnet, B, token.asset) == 100
    assert pending_interop_balance(devnet, A, token.asset) == 0
    assert chain_balance(devnet, A, token.asset) == MAX_TOKEN_BALANCE - 100
    assert l1_chain_balance(devnet, GW_ID, token.asset) == MAX_TOKEN_BALANCE
    assert l1_chain_balance(devnet, "l1", token.asset) == 0
    assert token_balance(devnet, A, token.address, L2_NATIVE_TOKEN_VAULT) == 100  # nothing released on zk-a
    if how == "withdrawal":
        with pytest.raises(ProofUnavailable):
            finalize_withdrawal(devnet, out)
        assert not devnet.l1.code(predict_bridged_token(devnet, A, token.address, "l1"))
    else:
        assert devnet.bundle(sent.bundle_hash).stage != "executed"
        assert token_balance(devnet, A, token.address, bob.address) == 0


# ---------------------------------------------------------------------- T3


@pytest.mark.parametrize("case", ["msg.value", "unregistered destination", "duplicate", "unknown", "paused"])
def test_source_side_refusals_lock_nothing(devnet: Devnet, token: Token, alice: DevAccount, case: str) -> None:
    """A token send refused by the InteropCenter: wrong ``msg.value``, unregistered destination, a repeated or
    unknown attribute, or the center paused by its owner. The tokens stay with alice; nothing is sent."""
    a = devnet[A]
    fee = interop_fee(a)
    _approve(devnet, alice, token.address, 10)
    call = _token_call(token.asset, 10, alice.address)
    destination, value, bundle_attributes = format_evm_v1(B_ID), fee, []
    expected = ""
    if case == "msg.value":
        value, expected = fee + 1, f"MsgValueMismatch({fee}, {fee + 1})"
    elif case == "unregistered destination":
        destination, expected = format_evm_v1(999), "DestinationChainNotRegistered(999)"
    elif case == "duplicate":
        call = (call[0], call[1], [*call[2], indirect_call(0)])
        expected = f"AttributeAlreadySet(0x{indirect_call(0)[:4].hex()})"
    elif case == "unknown":
        bundle_attributes = [bytes.fromhex("deadbeef") + encode(["uint256"], [1])]
        expected = "UnsupportedAttribute(0xdeadbeef)"
    else:
        assert a.system_call(OWNER, INTEROP_CENTER, selector("pause()")).ok
    data = SEND_BUNDLE + encode(["bytes", CALL_STARTERS, "bytes[]"], [destination, [call], bundle_attributes])
    before = token_balance(devnet, A, token.address, alice.address)
    receipt = a.transact(alice.private_key, INTEROP_CENTER, data, value=value, gas=8_000_000)
    assert not receipt.ok
    if case == "paused":
        assert receipt.output[4:] == encode(["string"], ["Pausable: paused"])
    else:
        assert reverted_with(receipt, expected.split("(")[0]) == expected
    assert token_balance(devnet, A, token.address, alice.address) == before
    assert not devnet.messages(receipt.tx_hash)
    if case == "paused":
        assert a.system_call(OWNER, INTEROP_CENTER, selector("unpause()")).ok
        assert a.transact(alice.private_key, INTEROP_CENTER, data, value=value, gas=8_000_000).ok


# ---------------------------------------------------------------------- T4


def test_failed_deposit_is_paid_back_once(devnet: Devnet, alice: DevAccount) -> None:
    l1_token = deploy_test_token(devnet, "l1", alice, mint=1_000)
    deposit = deposit_erc20(devnet, alice, l1_token, 400, chain=B, gas_limit=30_000)
    assert deposit.execution is not None and not deposit.execution.ok
    devnet.relay()
    assert token_balance(devnet, "l1", l1_token, alice.address) == 600
    assert_token_supply_conserved(devnet, "l1", l1_token)  # locked on L1, counted in flight until claimed
    assert claim_failed_deposit(devnet, deposit).ok
    assert token_balance(devnet, "l1", l1_token, alice.address) == 1_000
    with pytest.raises(TransactionReverted) as again:
        claim_failed_deposit(devnet, deposit)
    assert again.value.data == selector("DepositDoesNotExist()")
    assert token_balance(devnet, "l1", l1_token, alice.address) == 1_000
    assert_token_supply_conserved(devnet, "l1", l1_token)
    assert_trackers_consistent(devnet, "l1", l1_token)


def test_withdrawal_is_paid_once(devnet: Devnet, token: Token, bob: DevAccount) -> None:
    out = withdraw(devnet, bob, token.asset, 40, chain=B)
    devnet.relay()
    assert finalize_withdrawal(devnet, out).ok
    with pytest.raises(TransactionReverted) as again:
        finalize_withdrawal(devnet, out)
    assert again.value.data == selector("WithdrawalAlreadyFinalized()")
    assert token_balance(devnet, "l1", predict_bridged_token(devnet, A, token.address, "l1"), bob.address) == 40


def test_cancelled_transfer_is_never_paid_and_never_refunded(
    devnet: Devnet, token: Token, alice: DevAccount, bob: DevAccount
) -> None:
    """v31 has no refund for a cancelled token call: it can never run afterwards, the tokens stay locked on zk-a
    and the amount stays in Gateway's pendingInteropBalance of zk-b (era-contracts' unbundle test: "a cancelled
    call is expected to leave funds unrecoverable until a recovery mechanism is implemented")."""
    devnet.relayer.set_mode("manual")
    _approve(devnet, alice, token.address, 60)
    sent = send_bundle(
        devnet,
        alice,
        [_token_call(token.asset, 60, alice.address)],
        attributes=[unbundler_address(format_evm_v1(B_ID, bob.address))],
    )
    proof = deliver(devnet, sent)
    b = devnet[B]
    assert verify(b, alice, sent.encoded, proof).ok
    assert unbundle(b, bob, sent.encoded, [CallStatus.CANCELLED]).ok
    assert call_status(b, sent.hash, 0) == CallStatus.CANCELLED
    reverted_with(unbundle(b, bob, sent.encoded, [CallStatus.EXECUTED]), "CallNotExecutable")
    reverted_with(execute(b, alice, sent.encoded, proof), "BundleAlreadyProcessed")
    devnet.relay()
    copy_on_b = predict_bridged_token(devnet, A, token.address, B)
    assert token_balance(devnet, B, copy_on_b, alice.address) == 0
    assert token_balance(devnet, A, token.address, L2_NATIVE_TOKEN_VAULT) == 160
    assert pending_interop_balance(devnet, B, token.asset) == 60
    assert chain_balance(devnet, B, token.asset) == 100
    assert bundle_status(b, sent.hash) == BundleStatus.UNBUNDLED
    assert_token_supply_conserved(devnet, A, token.address)
    assert_trackers_consistent(devnet, A, token.address)


# ---------------------------------------------------------------------- T5


@pytest.mark.slow
def test_same_token_address_on_two_chains_is_two_assets_and_neither_redeems_the_other(
    devnet: Devnet, alice: DevAccount, bob: DevAccount
) -> None:
    deployer = devnet.accounts[8]  # unused elsewhere: the same nonce on both chains gives the same address
    on_a = deploy_test_token(devnet, A, deployer, mint=500, mint_to=alice.address)
    on_b = deploy_test_token(devnet, B, deployer, mint=500, mint_to=bob.address)
    assert on_a == on_b
    asset_a, asset_b = register_token(devnet, A, on_a, alice), register_token(devnet, B, on_b, bob)
    assert asset_a != asset_b
    assert (asset_a, asset_b) == (asset_id(A_ID, on_a), asset_id(B_ID, on_b))
    migrate_token_balance(devnet, A, asset_a)
    migrate_token_balance(devnet, B, asset_b)
    # zk-b's token sent to zk-a arrives as a bridged copy: zk-a's own token at that address is not released
    transfer(devnet, B, A, on_b, 70, bob, alice.address)
    copy_of_b_on_a = predict_bridged_token(devnet, B, on_b, A)
    assert copy_of_b_on_a != on_a
    assert token_balance(devnet, A, copy_of_b_on_a, alice.address) == 70
    assert token_balance(devnet, A, on_a, alice.address) == 500
    assert token_balance(devnet, A, on_a, L2_NATIVE_TOKEN_VAULT) == 0
    # and the other way round
    transfer(devnet, A, B, on_a, 30, alice, bob.address)
    copy_of_a_on_b = predict_bridged_token(devnet, A, on_a, B)
    assert token_balance(devnet, B, copy_of_a_on_b, bob.address) == 30
    assert token_balance(devnet, B, on_b, bob.address) == 430
    assert token_balance(devnet, B, on_b, L2_NATIVE_TOKEN_VAULT) == 70
    # zk-a's copy of zk-b's token goes home and releases zk-b's token only
    transfer(devnet, A, B, copy_of_b_on_a, 20, alice, bob.address)
    assert token_balance(devnet, B, on_b, bob.address) == 450
    assert token_balance(devnet, A, on_a, L2_NATIVE_TOKEN_VAULT) == 30
    # a withdrawal naming one asset never pays out the other's L1 copy
    out = withdraw(devnet, bob, asset_a, 10, chain=B)
    devnet.relay()
    assert finalize_withdrawal(devnet, out).ok
    assert token_balance(devnet, "l1", predict_bridged_token(devnet, A, on_a, "l1"), bob.address) == 10
    assert not devnet.l1.code(predict_bridged_token(devnet, B, on_b, "l1"))
    for origin, address in ((A, on_a), (B, on_b)):
        assert_token_supply_conserved(devnet, origin, address)
        assert_trackers_consistent(devnet, origin, address)
