"""The transaction pool: nonce-gapped transactions wait in *queued* until the gap closes, as in geth."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eth_account import Account
from eth_utils import to_checksum_address

import zkconnect.engine.txpool as txpool_module
from zkconnect import Devnet, InvalidTransaction
from zkconnect.rpc.provider import dispatcher_for

SINK = b"\x11" * 20


def rpc(devnet: Devnet, method: str, *params: Any) -> Any:
    request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
    answer = dispatcher_for(devnet, "zk-a").handle(request)
    assert isinstance(answer, dict)
    return answer


def hashes(txs: Any) -> list[bytes]:
    return [bytes(tx.hash) for tx in txs]


def test_gapped_transactions_wait_then_are_mined_in_nonce_order_when_the_gap_closes(devnet: Devnet, alice):
    chain = devnet["zk-a"]  # automine on
    third = chain.submit(chain.sign(alice.private_key, SINK, value=3, nonce=2))
    second = chain.submit(chain.sign(alice.private_key, SINK, value=2, nonce=1))
    assert chain.block_number == 0 and hashes(chain.queued_transactions) == [second, third]
    first = chain.submit(chain.sign(alice.private_key, SINK, value=1, nonce=0))
    receipts = [chain.receipt(h) for h in (first, second, third)]
    assert all(r is not None and r.ok for r in receipts)
    assert [(r.block_number, r.tx_index) for r in receipts if r] == [(1, 0), (1, 1), (1, 2)]
    assert chain.balance(SINK) == 6 and chain.nonce(alice.address) == 3
    assert not chain.queued_transactions and not chain.pending_transactions


def test_a_gap_filled_much_later_still_mines_the_waiting_transaction(devnet: Devnet, alice, bob):
    chain = devnet["zk-a"]
    later = chain.submit(chain.sign(alice.private_key, SINK, value=7, nonce=1))
    for _ in range(3):
        chain.transact(bob.private_key, SINK, value=1)  # other senders' blocks do not touch alice's queue
    chain.mine(2)
    assert chain.receipt(later) is None and hashes(chain.queued_transactions) == [later]
    chain.transact(alice.private_key, SINK, value=1)  # nonce 0 closes the gap
    receipt = chain.receipt(later)
    assert receipt is not None and receipt.ok and chain.balance(SINK) == 3 + 7 + 1


def test_with_automine_off_the_gap_closing_promotes_to_pending_and_mine_takes_all(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    chain.automine = False
    gapped = chain.submit(chain.sign(alice.private_key, SINK, value=2, nonce=1))
    assert not chain.pending_transactions and hashes(chain.queued_transactions) == [gapped]
    (record,) = chain.mine()
    assert not record.transactions and chain.receipt(gapped) is None
    filler = chain.submit(chain.sign(alice.private_key, SINK, value=1, nonce=0))
    assert hashes(chain.pending_transactions) == [filler, gapped] and not chain.queued_transactions
    (record,) = chain.mine()
    assert hashes(record.transactions) == [filler, gapped]


def test_txpool_methods_and_get_transaction_by_hash_show_queued_transactions(devnet: Devnet, alice, bob):
    chain = devnet["zk-a"]
    chain.automine = False
    pending = chain.submit(chain.sign(alice.private_key, SINK, value=1, nonce=0))
    queued = chain.submit(chain.sign(alice.private_key, SINK, value=5, gas=21_000, nonce=4))
    bob_queued = chain.submit(chain.sign(bob.private_key, None, b"\x00", nonce=1))
    assert rpc(devnet, "txpool_status")["result"] == {"pending": "0x1", "queued": "0x2"}
    content = rpc(devnet, "txpool_content")["result"]
    assert set(content["pending"]) == {alice.checksum_address}  # geth's keys: checksummed sender, decimal nonce
    assert content["pending"][alice.checksum_address]["0"]["hash"] == "0x" + pending.hex()
    assert content["queued"][alice.checksum_address]["4"]["hash"] == "0x" + queued.hex()
    assert content["queued"][bob.checksum_address]["1"]["hash"] == "0x" + bob_queued.hex()
    mine = rpc(devnet, "txpool_contentFrom", alice.checksum_address)["result"]
    assert list(mine["pending"]) == ["0"] and list(mine["queued"]) == ["4"]
    inspect = rpc(devnet, "txpool_inspect")["result"]
    fee = chain.sign(alice.private_key, SINK).max_fee_per_gas
    assert inspect["queued"][alice.checksum_address]["4"] == (
        f"{to_checksum_address(SINK)}: 5 wei + 21000 gas \u00d7 {fee} wei"
    )
    assert inspect["queued"][bob.checksum_address]["1"].startswith("contract creation: 0 wei")
    found = rpc(devnet, "eth_getTransactionByHash", "0x" + queued.hex())["result"]
    assert found["hash"] == "0x" + queued.hex() and found["nonce"] == "0x4"
    assert found["blockHash"] is None and found["blockNumber"] is None and found["transactionIndex"] is None
    assert rpc(devnet, "eth_getTransactionReceipt", "0x" + queued.hex())["result"] is None
    # the pending nonce counts only what can be mined next, as in geth
    assert rpc(devnet, "eth_getTransactionCount", alice.checksum_address, "pending")["result"] == "0x1"


def test_send_raw_transaction_accepts_a_future_nonce_over_json_rpc(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    tx = {"chainId": 6565, "nonce": 3, "to": to_checksum_address(SINK), "gas": 21_000, "value": 9}
    raw = Account.sign_transaction({**tx, "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 1}, alice.private_key)
    answer = rpc(devnet, "eth_sendRawTransaction", "0x" + bytes(raw.raw_transaction).hex())
    assert answer["result"] == "0x" + bytes(raw.hash).hex()
    assert chain.receipt(bytes(raw.hash)) is None and len(chain.queued_transactions) == 1
    again = rpc(devnet, "eth_sendRawTransaction", "0x" + bytes(raw.raw_transaction).hex())
    assert again["error"]["code"] == -32000 and again["error"]["message"].startswith("already known")


def test_a_sender_may_queue_64_transactions_and_the_65th_is_refused_naming_the_limit(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    for nonce in range(1, 65):
        chain.submit(chain.sign(alice.private_key, SINK, value=nonce, gas=21_000, nonce=nonce))
    assert len(chain.queued_transactions) == txpool_module.QUEUE_LIMIT_PER_ACCOUNT == 64
    with pytest.raises(InvalidTransaction, match=r"account limit exceeded: .* 64 queued .*send nonce 0 first"):
        chain.submit(chain.sign(alice.private_key, SINK, gas=21_000, nonce=65))
    chain.transact(alice.private_key, SINK, value=0)  # nonce 0: all 64 become minable
    assert not chain.queued_transactions and chain.nonce(alice.address) == 65
    assert chain.balance(SINK) == sum(range(1, 65))


def test_the_whole_pool_caps_queued_transactions(devnet: Devnet, alice, bob, monkeypatch):
    monkeypatch.setattr(txpool_module, "QUEUE_LIMIT_TOTAL", 3)
    chain = devnet["zk-a"]
    for key, nonce in ((alice.private_key, 1), (alice.private_key, 2), (bob.private_key, 5)):
        chain.submit(chain.sign(key, SINK, gas=21_000, nonce=nonce))
    with pytest.raises(InvalidTransaction, match="txpool is full: 3 queued"):
        chain.submit(chain.sign(bob.private_key, SINK, gas=21_000, nonce=6))
    # replacing a queued transaction does not grow the pool, so it is still allowed
    fee = chain.sign(alice.private_key, SINK).max_fee_per_gas
    chain.submit(chain.sign(alice.private_key, SINK, gas=21_000, nonce=2, max_fee_per_gas=2 * fee))
    assert len(chain.queued_transactions) == 3


def test_the_pool_caps_pending_transactions_while_automine_is_off(devnet: Devnet, alice, monkeypatch):
    monkeypatch.setattr(txpool_module, "PENDING_LIMIT_TOTAL", 2)
    chain = devnet["zk-a"]
    chain.automine = False
    for _ in range(2):
        chain.submit(chain.sign(alice.private_key, SINK, gas=21_000))
    with pytest.raises(InvalidTransaction, match="txpool is full: 2 pending"):
        chain.submit(chain.sign(alice.private_key, SINK, gas=21_000))
    chain.mine()
    chain.submit(chain.sign(alice.private_key, SINK, gas=21_000))  # room again once mined
    assert len(chain.pending_transactions) == 1


def test_a_waiting_transaction_is_replaced_only_by_one_paying_ten_percent_more(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    fee = 3 * 10**9
    old = chain.submit(chain.sign(alice.private_key, SINK, value=1, nonce=1, max_fee_per_gas=fee))
    with pytest.raises(InvalidTransaction, match="replacement transaction underpriced"):
        chain.submit(chain.sign(alice.private_key, SINK, value=2, nonce=1, max_fee_per_gas=fee + 1))
    new = chain.submit(
        chain.sign(
            alice.private_key, SINK, value=2, nonce=1, max_fee_per_gas=fee * 11 // 10, max_priority_fee_per_gas=0
        )
    )
    assert hashes(chain.queued_transactions) == [new] and chain.transaction(old) is None
    chain.transact(alice.private_key, SINK, value=0)
    assert chain.receipt(new) is not None and chain.balance(SINK) == 2


def test_snapshot_revert_drops_queued_transactions_like_pending_ones(devnet: Devnet, alice, bob):
    chain = devnet["zk-a"]
    chain.automine = False
    kept_pending = chain.submit(chain.sign(bob.private_key, SINK, nonce=0))
    kept_queued = chain.submit(chain.sign(alice.private_key, SINK, value=1, nonce=2))
    sid = devnet.snapshot()
    chain.submit(chain.sign(bob.private_key, SINK, nonce=1))
    chain.submit(chain.sign(alice.private_key, SINK, value=1, nonce=3))
    chain.submit(chain.sign(alice.private_key, SINK, value=1, nonce=0))  # promotes nothing yet (1 missing)
    devnet.revert(sid)
    assert hashes(chain.pending_transactions) == [kept_pending]
    assert hashes(chain.queued_transactions) == [kept_queued]
    chain.automine = True
    chain.submit(chain.sign(alice.private_key, SINK, value=1, nonce=0))
    chain.submit(chain.sign(alice.private_key, SINK, value=1, nonce=1))
    assert chain.receipt(kept_queued) is not None and chain.nonce(alice.address) == 3


def test_a_queued_transaction_that_can_no_longer_pay_is_dropped_when_its_turn_comes(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    spender = Account.create()
    key, address = bytes(spender.key), bytes.fromhex(spender.address[2:])
    chain.set_balance(address, 10**18)
    costly = chain.submit(chain.sign(key, SINK, value=9 * 10**17, gas=21_000, nonce=1))
    chain.submit(chain.sign(key, SINK, value=5 * 10**17, gas=21_000, nonce=0))  # leaves too little for nonce 1
    assert chain.receipt(costly) is None and chain.transaction(costly) is None
    assert not chain.queued_transactions and not chain.pending_transactions
    assert chain.nonce(address) == 1


def test_set_nonce_past_a_gap_makes_the_queued_transaction_minable(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    waiting = chain.submit(chain.sign(alice.private_key, SINK, value=4, nonce=3))
    stale = chain.submit(chain.sign(alice.private_key, SINK, value=4, nonce=1))
    chain.set_nonce(alice.address, 3)
    chain.mine()
    assert chain.receipt(waiting) is not None and chain.transaction(stale) is None
    assert not chain.queued_transactions and chain.nonce(alice.address) == 4
