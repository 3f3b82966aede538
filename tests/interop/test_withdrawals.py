"""Withdrawals from a Gateway-settled chain finalized on L1 with the Gateway-batch proof (integrated Devnet)."""

from __future__ import annotations

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.artifacts import load
from zkconnect.bridge import (
    claim_failed_deposit,
    deposit_erc20,
    finalize_withdrawal,
    l1_asset_id,
    l1_chain_balance,
    l1_chain_balances,
    l2_token_address,
    withdraw,
)
from zkconnect.errors import InteropError, TransactionReverted

MAX = 2**256 - 1

GATEWAY_TAKES_DEPOSITS = "forwardTransactionOnGatewayWithBalanceChange" in {
    entry.get("name") for entry in load("InteropCenter").abi
}
needs_gateway_relay = pytest.mark.skipif(
    not GATEWAY_TAKES_DEPOSITS,
    reason="InteropCenter.forwardTransactionOnGatewayWithBalanceChange is missing: Gateway's tracker never learns "
    "of deposits, so a withdrawal stalls the chain (InsufficientChainBalance) instead of settling",
)


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def balance_of(call: object, token: bytes, who: bytes) -> int:
    out = call(token, sel("balanceOf(address)") + encode(["address"], [who]))  # type: ignore[operator]
    return int.from_bytes(out, "big")


@pytest.fixture(scope="module")
def funded() -> tuple[Devnet, bytes]:
    """A devnet where alice deposited 500 of an L1 token to zk-b (chain 6566)."""
    devnet = Devnet()
    alice = devnet.accounts[0]
    code = load("L1TestnetERC20").bytecode + encode(["string", "string", "uint8"], ["Test Token", "TT", 18])
    token = devnet.l1.deploy(alice.private_key, code)
    devnet.l1.transact(
        alice.private_key, token, sel("mint(address,uint256)") + encode(["address", "uint256"], [alice.address, 1000])
    ).raise_for_status()
    deposit = deposit_erc20(devnet, alice, token, 500, chain="zk-b")
    assert deposit.execution is not None and deposit.execution.ok
    return devnet, token


@needs_gateway_relay
def test_withdrawal_from_6566_is_finalized_on_l1_once(funded: tuple[Devnet, bytes]) -> None:
    devnet, token = funded
    alice: DevAccount = devnet.accounts[0]
    bridge = devnet.contracts.l1_bridge
    assert bridge is not None
    asset = l1_asset_id(devnet, token)
    l2_token = l2_token_address(devnet, "zk-b", asset)
    with devnet.anchor():
        sent = withdraw(devnet, alice, asset, 150, chain="zk-b")
        assert balance_of(devnet["zk-b"].call, l2_token, alice.address) == 350
        devnet.relay()
        proof = devnet.proof("zk-b", sent.tx_hash, 0, mode="l1")
        assert proof.gateway_block_number is None and len(proof.proof) > 20  # the two-level Gateway-batch variant
        before = balance_of(devnet.l1.call, token, alice.address)
        receipt = finalize_withdrawal(devnet, sent)
        assert receipt.ok
        assert balance_of(devnet.l1.call, token, alice.address) == before + 150
        assert balance_of(devnet.l1.call, token, bridge.native_token_vault) == 350
        assert l1_chain_balance(devnet, 506, asset) == 350
        assert sum(l1_chain_balances(devnet, asset).values()) == MAX
        finalized = devnet.l1.call(
            bridge.nullifier,
            sel("isWithdrawalFinalized(uint256,uint256,uint256)")
            + encode(["uint256"] * 3, [6566, proof.batch_number, proof.id]),
        )
        assert int.from_bytes(finalized, "big") == 1

        with pytest.raises(TransactionReverted) as again:
            finalize_withdrawal(devnet, sent)
        assert again.value.data == sel("WithdrawalAlreadyFinalized()")
        assert balance_of(devnet.l1.call, token, alice.address) == before + 150


@needs_gateway_relay
def test_forged_withdrawal_proof_is_refused(funded: tuple[Devnet, bytes]) -> None:
    devnet, token = funded
    alice: DevAccount = devnet.accounts[0]
    bridge = devnet.contracts.l1_bridge
    assert bridge is not None
    asset = l1_asset_id(devnet, token)
    with devnet.anchor():
        sent = withdraw(devnet, alice, asset, 100, chain="zk-b")
        devnet.relay()
        proof = devnet.proof("zk-b", sent.tx_hash, 0, mode="l1")
        assert proof.message is not None
        params_type = "(uint256,uint256,uint256,address,uint16,bytes,bytes32[])"
        call = sel(f"finalizeDeposit({params_type})")
        # the message claims 10x the amount: the proof no longer matches
        forged = proof.message.data.replace((100).to_bytes(32, "big"), (1000).to_bytes(32, "big"))
        assert forged != proof.message.data
        sender = bytes.fromhex(proof.message.sender[2:])
        args = (6566, proof.batch_number, proof.id, sender, proof.message.tx_number_in_batch, forged, list(proof.proof))
        receipt = devnet.l1.transact(alice.private_key, bridge.nullifier, call + encode([params_type], [args]))
        assert not receipt.ok and receipt.output == sel("InvalidProof()")
        # a message from another L2 sender is refused before any proof is checked
        other = (6566, proof.batch_number, proof.id, b"\x99" * 20, 0, proof.message.data, list(proof.proof))
        receipt = devnet.l1.transact(alice.private_key, bridge.nullifier, call + encode([params_type], [other]))
        assert not receipt.ok and receipt.output == sel("WrongL2Sender(address)") + encode(["address"], [b"\x99" * 20])


def test_failed_erc20_deposit_is_claimed_back(funded: tuple[Devnet, bytes]) -> None:
    devnet, token = funded
    alice: DevAccount = devnet.accounts[0]
    with devnet.anchor():
        before = balance_of(devnet.l1.call, token, alice.address)
        # too little L2 gas: finalizeDeposit runs out of gas on zk-a
        deposit = deposit_erc20(devnet, alice, token, 50, chain="zk-a", gas_limit=30_000)
        assert deposit.execution is not None and not deposit.execution.ok
        assert balance_of(devnet.l1.call, token, alice.address) == before - 50
        if not devnet.priority.status_logs:
            with pytest.raises(InteropError, match="sendL2ToL1Log"):
                claim_failed_deposit(devnet, deposit)
            pytest.skip("the L1Messenger has no sendL2ToL1Log yet: the bootloader's status log cannot be sent")
        devnet.relay()
        receipt = claim_failed_deposit(devnet, deposit)
        assert receipt.ok
        assert balance_of(devnet.l1.call, token, alice.address) == before
        with pytest.raises(TransactionReverted) as again:
            claim_failed_deposit(devnet, deposit)
        assert again.value.data == sel("DepositDoesNotExist()")
