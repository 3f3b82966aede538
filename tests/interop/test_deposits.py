"""Deposits from L1 through the Bridgehub, executed on the ZK chains by the priority queue (integrated Devnet)."""

from __future__ import annotations

import pytest
from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.artifacts import load
from zkconnect.bridge import (
    deposit_erc20,
    deposit_eth,
    l1_asset_id,
    l1_chain_balance,
    l1_chain_balances,
    l2_token_address,
    request_l2_call,
)
from zkconnect.errors import TransactionReverted
from zkconnect.genesis.l1_bridge import base_token_l1_address
from zkconnect.interop.priority import L2_CANONICAL_TRANSACTION, NEW_PRIORITY_REQUEST_TOPIC, canonical_tx_hash
from zkconnect.protocol.addresses import BASE_TOKEN_HOLDER, ETH_TOKEN_ADDRESS

MAX = 2**256 - 1
RECEIVER = b"\x42" * 20


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def err(signature: str, types: list[str], *args: object) -> bytes:
    return sel(signature) + encode(types, list(args))


def l1_token(devnet: Devnet, owner: DevAccount, amount: int, symbol: str = "TT") -> bytes:
    code = load("L1TestnetERC20").bytecode + encode(["string", "string", "uint8"], ["Test Token", symbol, 18])
    token = devnet.l1.deploy(owner.private_key, code)
    devnet.l1.transact(
        owner.private_key, token, sel("mint(address,uint256)") + encode(["address", "uint256"], [owner.address, amount])
    ).raise_for_status()
    return token


def balance_of(chain_call: object, token: bytes, who: bytes) -> int:
    out = chain_call(token, sel("balanceOf(address)") + encode(["address"], [who]))  # type: ignore[operator]
    return int.from_bytes(out, "big")


def test_eth_deposit_arrives_with_its_canonical_hash(devnet: Devnet, alice: DevAccount) -> None:
    zk_a = devnet["zk-a"]
    holder_before = zk_a.balance(BASE_TOKEN_HOLDER)
    l1_before = devnet.l1.balance(alice.address)

    deposit = deposit_eth(devnet, alice, 3 * 10**18, chain="zk-a", to=RECEIVER)

    assert zk_a.balance(RECEIVER) == 3 * 10**18
    # the whole mintValue left the BaseTokenHolder; what the call did not use went to the refund recipient
    minted = deposit.request.mint_value
    assert holder_before - zk_a.balance(BASE_TOKEN_HOLDER) == minted
    assert devnet.l1.balance(alice.address) <= l1_before - minted
    # the receipt is found under the hash L1 reported, and that hash is the canonical one
    events = [log for log in deposit.l1_receipt.logs if log.topics[0] == NEW_PRIORITY_REQUEST_TOPIC]
    assert len(events) == 2  # zk-a's Mailbox, and Gateway's Mailbox relaying the balance change
    tx_id, tx_hash, _, transaction, _ = decode(
        ["uint256", "bytes32", "uint64", L2_CANONICAL_TRANSACTION, "bytes[]"], events[0].data
    )
    assert tx_id == 0 and bytes(tx_hash) == canonical_tx_hash(transaction) == deposit.canonical_hash
    assert transaction[0] == 255 and transaction[1] == int.from_bytes(alice.address, "big")
    receipt = zk_a.receipt(deposit.canonical_hash)
    assert receipt is not None and receipt.ok and receipt.to == RECEIVER
    assert deposit.execution is not None and deposit.execution.ok


def test_l1_tracker_moves_eth_to_gateway_and_keeps_the_sum(devnet: Devnet, alice: DevAccount) -> None:
    eth = l1_asset_id(devnet, ETH_TOKEN_ADDRESS)
    before = l1_chain_balances(devnet, eth)
    # genesis: the ETH of Gateway and of its chains (dev accounts) is booked to Gateway, backed by the L1 vault
    genesis = sum(amount for _, symbol, amount in devnet.contracts.l1_bridge.genesis_balances if symbol == "ETH")
    assert before[506] == genesis == devnet.l1.balance(devnet.contracts.l1_bridge.native_token_vault)
    deposit = deposit_eth(devnet, alice, 10**18, chain="zk-b")
    balances = l1_chain_balances(devnet, eth)
    # zk-b settles on Gateway: L1 credits Gateway (506), never the chain itself
    assert balances[506] == genesis + deposit.request.mint_value
    assert balances[6566] == 0
    assert balances[31337] == MAX - genesis - deposit.request.mint_value
    assert sum(balances.values()) == MAX


def test_l1_to_l2_call_runs_as_the_eoa_sender(devnet: Devnet, alice: DevAccount) -> None:
    zk_a = devnet["zk-a"]
    counter = zk_a.deploy(alice.private_key, load("Counter").bytecode)
    increment = sel("increment()")
    deposit = request_l2_call(devnet, alice, "zk-a", counter, increment)
    assert deposit.request.sender == alice.address  # an EOA is not aliased
    assert deposit.execution is not None and deposit.execution.ok
    assert int.from_bytes(zk_a.call(counter, sel("count()")), "big") == 1


def test_failed_l1_to_l2_call_refunds_the_whole_mint_value_on_l2(devnet: Devnet, alice: DevAccount) -> None:
    zk_a = devnet["zk-a"]
    reverting = zk_a.deploy(alice.private_key, load("RevertingRecipient").bytecode)
    refund = b"\x77" * 20
    deposit = request_l2_call(devnet, alice, "zk-a", reverting, b"\x12\x34\x56\x78", value=5, refund_recipient=refund)
    assert deposit.execution is not None and not deposit.execution.ok
    receipt = zk_a.receipt(deposit.canonical_hash)
    assert receipt is not None and receipt.status == 0
    assert zk_a.balance(refund) == deposit.request.mint_value
    assert zk_a.balance(reverting) == 0


def test_manual_mode_waits_for_relay(devnet: Devnet, alice: DevAccount) -> None:
    devnet.relayer.set_mode("manual")
    deposit = deposit_eth(devnet, alice, 10**18, chain="zk-a", to=RECEIVER)
    assert deposit.execution is None and devnet.priority.pending
    assert devnet["zk-a"].balance(RECEIVER) == 0
    devnet.relay()
    assert deposit.execution is not None and deposit.execution.ok
    assert devnet["zk-a"].balance(RECEIVER) == 10**18


def test_revert_forgets_the_deposit_and_its_hash(devnet: Devnet, alice: DevAccount) -> None:
    sid = devnet.snapshot()
    deposit = deposit_eth(devnet, alice, 10**18, chain="zk-a", to=RECEIVER)
    assert devnet["zk-a"].receipt(deposit.canonical_hash) is not None
    devnet.revert(sid)
    assert devnet["zk-a"].receipt(deposit.canonical_hash) is None
    assert devnet.priority.execution(deposit.canonical_hash) is None
    assert devnet["zk-a"].balance(RECEIVER) == 0


def test_wrong_msg_value_and_too_low_mint_value_are_refused(devnet: Devnet, alice: DevAccount) -> None:
    bridge = devnet.contracts.l1_bridge
    assert bridge is not None
    direct = "(uint256,uint256,address,uint256,bytes,uint256,uint256,bytes[],address)"
    call = sel(f"requestL2TransactionDirect({direct})")
    request: tuple[object, ...] = (6565, 10**18, RECEIVER, 0, b"", 1_000_000, 800, [], alice.address)
    receipt = devnet.l1.transact(alice.private_key, bridge.bridgehub, call + encode([direct], [request]), value=1)
    assert not receipt.ok
    assert receipt.output == err("MsgValueMismatch(uint256,uint256)", ["uint256", "uint256"], 10**18, 1)
    cheap: tuple[object, ...] = (6565, 1000, RECEIVER, 0, b"", 1_000_000, 800, [], alice.address)
    receipt = devnet.l1.transact(alice.private_key, bridge.bridgehub, call + encode([direct], [cheap]), value=1000)
    assert not receipt.ok
    assert receipt.output[:4] == sel("MsgValueTooLow(uint256,uint256)")
    unknown: tuple[object, ...] = (999, 0, RECEIVER, 0, b"", 1_000_000, 800, [], alice.address)
    receipt = devnet.l1.transact(alice.private_key, bridge.bridgehub, call + encode([direct], [unknown]))
    assert receipt.output == err("ChainIdNotRegistered(uint256)", ["uint256"], 999)


def test_erc20_deposit_locks_on_l1_and_mints_on_l2(devnet: Devnet, alice: DevAccount) -> None:
    token = l1_token(devnet, alice, 1000)
    bridge = devnet.contracts.l1_bridge
    assert bridge is not None
    deposit = deposit_erc20(devnet, alice, token, 400, chain="zk-a", to=RECEIVER)
    asset = l1_asset_id(devnet, token)
    assert deposit.asset_id == asset
    assert balance_of(devnet.l1.call, token, bridge.native_token_vault) == 400
    assert balance_of(devnet.l1.call, token, alice.address) == 600
    assert l1_chain_balance(devnet, 506, asset) == 400
    assert sum(l1_chain_balances(devnet, asset).values()) == MAX
    # the L2 call came from the aliased L1AssetRouter to L2AssetRouter.finalizeDeposit
    assert deposit.request.sender == (
        (int.from_bytes(bridge.asset_router, "big") + 0x1111000000000000000000000000000000001111) % 2**160
    ).to_bytes(20, "big")
    assert deposit.execution is not None, "the deposit was not executed"
    assert deposit.execution.ok, "L2AssetRouter.finalizeDeposit reverted on zk-a"
    l2_token = l2_token_address(devnet, "zk-a", asset)
    assert l2_token != bytes(20)
    assert balance_of(devnet["zk-a"].call, l2_token, RECEIVER) == 400


def test_erc20_deposit_of_the_chains_base_token_is_refused(devnet: Devnet, alice: DevAccount) -> None:
    with pytest.raises(TransactionReverted) as info:
        deposit_erc20(devnet, alice, ETH_TOKEN_ADDRESS, 1, chain="zk-a")
    assert "ETH" in str(info.value) or info.value.data[:4] in (
        sel("AssetIdNotSupported(bytes32)"),
        sel("NonEmptyCodeRequired(address)"),
        sel("AssetIdAlreadyRegistered()"),
    )


def test_erc20_base_token_chain_uses_a_real_l1_erc20(erc20_based: Devnet) -> None:
    devnet = erc20_based
    alice = devnet.accounts[0]
    bridge = devnet.contracts.l1_bridge
    assert bridge is not None
    token = bridge.base_token("ZKT")
    assert token == base_token_l1_address("ZKT")
    assert devnet.l1.call(bridge.bridgehub, sel("baseToken(uint256)") + encode(["uint256"], [6568]))[12:] == token
    assert decode(["string"], devnet.l1.call(token, sel("symbol()")))[0] == "ZKT"
    funded = balance_of(devnet.l1.call, token, alice.address)
    assert funded > 0
    asset = l1_asset_id(devnet, token)
    genesis = dict((cid, amount) for cid, sym, amount in bridge.genesis_balances if sym == "ZKT")[6568]
    # zk-custom's genesis ZKT is backed on L1: locked in the vault and booked to Gateway, where zk-custom settles
    assert balance_of(devnet.l1.call, token, bridge.native_token_vault) == genesis
    assert l1_chain_balance(devnet, 506, asset) == genesis
    with devnet.anchor():
        deposit = request_l2_call(devnet, alice, "zk-custom", RECEIVER, value=7)
        assert deposit.execution is not None and deposit.execution.ok
        assert devnet["zk-custom"].balance(RECEIVER) == 7
        assert balance_of(devnet.l1.call, token, alice.address) == funded - deposit.request.mint_value
        assert balance_of(devnet.l1.call, token, bridge.native_token_vault) == genesis + deposit.request.mint_value
        assert l1_chain_balance(devnet, 506, asset) == genesis + deposit.request.mint_value
        assert sum(l1_chain_balances(devnet, asset).values()) == MAX
