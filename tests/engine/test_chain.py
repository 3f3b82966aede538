"""The in-process chain engine: ids, signing rules, system path, state, logs, snapshots, batches, aliases."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from eth_abi import decode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from zkconnect import Chain, ChainIdMismatch, Clock, Devnet, GenesisAccount, InvalidTransaction
from zkconnect.artifacts import load
from zkconnect.errors import TransactionReverted, UnknownSnapshot

COUNTER = load("Counter")
INCREMENT = keccak(b"increment()")[:4]
CHAIN_ID = keccak(b"chainId()")[:4]
COUNT = keccak(b"count()")[:4]
BOOTLOADER = bytes.fromhex("0000000000000000000000000000000000008001")


def uint(data: bytes) -> int:
    return int(decode(["uint256"], data)[0])


def test_chainid_opcode_returns_each_chains_own_id(devnet: Devnet, alice):
    seen = {}
    for name, chain in devnet.chains.items():
        counter = chain.deploy(alice.private_key, COUNTER.bytecode)
        seen[name] = uint(chain.call(counter, CHAIN_ID))
    assert seen == {c.name: c.chain_id for c in devnet.config.all_chains}
    assert len(set(seen.values())) == 4


def test_send_raw_transaction_rejects_tx_signed_for_another_chain(devnet: Devnet, alice):
    zk_a, zk_b = devnet["zk-a"], devnet["zk-b"]
    counter = zk_a.deploy(alice.private_key, COUNTER.bytecode)
    zk_b.deploy(alice.private_key, COUNTER.bytecode)
    signed_for_a = zk_a.sign(alice.private_key, counter, INCREMENT)
    head_before, nonce_before = zk_b.block_number, zk_b.nonce(alice.address)
    with pytest.raises(ChainIdMismatch, match="signed for chain 6565 but sent to chain zk-b"):
        zk_b.send_raw_transaction(signed_for_a.encode())
    assert zk_b.block_number == head_before
    assert zk_b.nonce(alice.address) == nonce_before
    assert uint(zk_b.call(counter, COUNT)) == 0


def test_send_raw_transaction_accepts_eth_account_signature_for_this_chain(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    counter = chain.deploy(alice.private_key, COUNTER.bytecode)
    tx = {
        "chainId": 6565,
        "nonce": chain.nonce(alice.address),
        "to": to_checksum_address(counter),
        "data": INCREMENT,
        "gas": 100_000,
        "maxFeePerGas": 10**10,
        "maxPriorityFeePerGas": 1,
        "value": 0,
    }
    raw = Account.sign_transaction(tx, alice.private_key).raw_transaction
    tx_hash = chain.send_raw_transaction(bytes(raw))
    receipt = chain.receipt(tx_hash)
    assert receipt is not None and receipt.ok
    assert uint(chain.call(counter, COUNT)) == 1


def test_send_raw_transaction_rejects_unprotected_legacy_signature(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    tx = {"nonce": 0, "to": "0x" + "11" * 20, "gas": 21000, "gasPrice": 10**10, "value": 1, "data": b""}
    raw = Account.sign_transaction(tx, alice.private_key).raw_transaction
    with pytest.raises(ChainIdMismatch, match="not replay-protected"):
        chain.send_raw_transaction(bytes(raw))


def test_submit_queues_a_future_nonce_and_rejects_a_used_nonce_and_insufficient_funds(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    gapped = chain.submit(chain.sign(alice.private_key, b"\x11" * 20, nonce=5))  # geth queues it: no error
    assert chain.receipt(gapped) is None and chain.block_number == 0
    assert [bytes(tx.hash) for tx in chain.queued_transactions] == [gapped] and not chain.pending_transactions
    chain.transact(alice.private_key, b"\x11" * 20, value=1)
    with pytest.raises(InvalidTransaction, match=f"nonce too low: address {alice.checksum_address}, tx: 0 state: 1"):
        chain.submit(chain.sign(alice.private_key, b"\x11" * 20, nonce=0))
    poor = Account.create()
    with pytest.raises(InvalidTransaction, match="insufficient funds"):
        chain.submit(chain.sign(bytes(poor.key), b"\x11" * 20, value=1))
    with pytest.raises(InvalidTransaction, match="insufficient funds"):
        chain.submit(chain.sign(bytes(poor.key), b"\x11" * 20, value=1, nonce=3))  # queued ones are checked too
    assert chain.block_number == 1 and chain.receipt(gapped) is None


def test_system_call_executes_as_system_address_without_a_key(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    counter = chain.deploy(alice.private_key, COUNTER.bytecode)
    receipt = chain.system_call(BOOTLOADER, counter, INCREMENT).raise_for_status()
    assert receipt.system and receipt.sender == BOOTLOADER
    (log,) = receipt.logs
    assert log.topics[1] == BOOTLOADER.rjust(32, b"\0")
    assert chain.balance(BOOTLOADER) == 0, "gas is paid from a transient top-up"
    # The block holds the system transaction like any other: visible, with a receipt.
    assert chain.head.transactions[0].hash == receipt.tx_hash


def test_system_call_mints_value_to_the_target(devnet: Devnet):
    chain = devnet["zk-a"]
    receiver = b"\x22" * 20
    chain.system_call(BOOTLOADER, receiver, value=5 * 10**18).raise_for_status()
    assert chain.balance(receiver) == 5 * 10**18
    assert chain.balance(BOOTLOADER) == 0


def test_system_path_hashes_differ_per_sender(devnet: Devnet):
    chain = devnet["zk-a"]
    a = chain.system_call(BOOTLOADER, b"\x33" * 20)
    b = chain.system_call(b"\xff" * 20, b"\x33" * 20)
    assert a.tx_hash != b.tx_hash
    assert chain.receipt(a.tx_hash) == a and chain.receipt(b.tx_hash) == b


def test_call_works_from_unfunded_address_and_returns_exact_revert_data(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    counter = chain.deploy(alice.private_key, COUNTER.bytecode)
    nobody = b"\x00" * 20
    assert uint(chain.call(counter, CHAIN_ID, sender=nobody)) == 6565
    chain.set_storage(counter, 0, 2**64 - 1)
    with pytest.raises(TransactionReverted) as info:
        chain.call(counter, INCREMENT, sender=nobody)
    selector = keccak(b"CountOverflow(uint256)")[:4]
    assert info.value.data == selector + (2**64 - 1).to_bytes(32, "big")
    receipt = chain.transact(alice.private_key, counter, INCREMENT)
    assert receipt.status == 0 and receipt.output == info.value.data


def test_estimate_gas_is_enough_and_tight(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    counter = chain.deploy(alice.private_key, COUNTER.bytecode)
    estimate = chain.estimate_gas(counter, INCREMENT, sender=alice.address)
    assert chain.transact(alice.private_key, counter, INCREMENT, gas=estimate).ok
    chain.set_storage(counter, 0, 0)
    assert not chain.transact(alice.private_key, counter, INCREMENT, gas=estimate - 2000).ok


def test_dev_state_edits_are_visible_at_once_and_mined_with_next_block(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    target = b"\x44" * 20
    chain.set_balance(target, 123)
    chain.set_code(target, b"\x60\x00")
    chain.set_nonce(target, 7)
    assert (chain.balance(target), chain.code(target), chain.nonce(target)) == (123, b"\x60\x00", 7)
    assert chain.balance(target, block=0) == 0
    chain.transact(alice.private_key, b"\x55" * 20, value=1)
    assert chain.balance(target, block=chain.block_number) == 123


def test_logs_filter_by_address_and_topics(devnet: Devnet, alice, bob):
    chain = devnet["zk-a"]
    counter = chain.deploy(alice.private_key, COUNTER.bytecode)
    other = chain.deploy(alice.private_key, COUNTER.bytecode)
    chain.transact(alice.private_key, counter, INCREMENT)
    chain.transact(bob.private_key, counter, INCREMENT)
    chain.transact(bob.private_key, other, INCREMENT)
    topic0 = keccak(b"Incremented(address,uint256,uint256)")
    assert len(chain.logs(address=counter)) == 2
    assert len(chain.logs(topics=[topic0])) == 3
    by_bob = chain.logs(topics=[topic0, bob.address.rjust(32, b"\0")])
    assert {log.address for log in by_bob} == {counter, other}
    assert len(chain.logs(address=[counter, other], topics=[None, [alice.address.rjust(32, b"\0")]])) == 1
    last = chain.block_number
    assert [log.block_number for log in chain.logs(from_block=last, to_block=last)] == [last]


def test_automine_off_pools_transactions_until_mined(devnet: Devnet, alice):
    chain = devnet["zk-a"]
    counter = chain.deploy(alice.private_key, COUNTER.bytecode)
    chain.automine = False
    hashes = [chain.submit(chain.sign(alice.private_key, counter, INCREMENT)) for _ in range(3)]
    assert chain.receipt(hashes[0]) is None
    found = chain.transaction(hashes[1])
    assert found is not None and found[1] is None
    (block,) = chain.mine()
    assert [r.tx_index for r in block.receipts] == [0, 1, 2]
    assert all(chain.receipt(h) is not None for h in hashes)
    assert uint(chain.call(counter, COUNT)) == 3


def test_chain_revert_restores_state_blocks_and_receipts(alice):
    chain = Chain(9, Clock(), {alice.address: GenesisAccount(balance=10**21)})
    counter = chain.deploy(alice.private_key, COUNTER.bytecode)
    sid = chain.snapshot()
    receipt = chain.transact(alice.private_key, counter, INCREMENT)
    assert uint(chain.call(counter, COUNT)) == 1
    chain.revert(sid)
    assert uint(chain.call(counter, COUNT)) == 0
    assert chain.receipt(receipt.tx_hash) is None
    assert chain.block_number == 1
    again = chain.transact(alice.private_key, counter, INCREMENT)
    assert again.block_number == 2 and chain.block(2).hash == again.block_hash
    with pytest.raises(UnknownSnapshot):
        chain.revert(sid)


def test_devnet_revert_restores_every_chain_and_the_clock(devnet: Devnet, alice):
    counters = {name: chain.deploy(alice.private_key, COUNTER.bytecode) for name, chain in devnet.chains.items()}
    heads = {name: chain.block_number for name, chain in devnet.chains.items()}
    now = devnet.clock.now()
    sid = devnet.snapshot()
    for name, chain in devnet.chains.items():
        chain.transact(alice.private_key, counters[name], INCREMENT)
    devnet.clock.increase_time(3600)
    devnet.revert(sid)
    for name, chain in devnet.chains.items():
        assert uint(chain.call(counters[name], COUNT)) == 0
        assert chain.block_number == heads[name]
    assert devnet.clock.now() < now + 3600


def test_devnet_anchor_reverts_on_exit_even_after_an_error(devnet: Devnet, alice):
    chain = devnet["zk-b"]
    with pytest.raises(RuntimeError), devnet.anchor():
        chain.transact(alice.private_key, b"\x66" * 20, value=10)
        raise RuntimeError("boom")
    assert chain.balance(b"\x66" * 20) == 0


def test_devnet_snapshot_includes_registered_components(devnet: Devnet):
    class Queue:
        def __init__(self) -> None:
            self.items: list[int] = []

        def snapshot_state(self) -> tuple[int, ...]:
            return tuple(self.items)

        def restore_state(self, state: tuple[int, ...]) -> None:
            self.items = list(state)

    queue = Queue()
    devnet.register(queue)
    queue.items.append(1)
    sid = devnet.snapshot()
    queue.items.append(2)
    devnet.revert(sid)
    assert queue.items == [1]


def test_dev_accounts_are_funded_on_every_chain(devnet: Devnet):
    assert len(devnet.accounts) == 20
    assert devnet.accounts[0].checksum_address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert devnet.accounts[10].checksum_address == "0x36615Cf349d7F6344891B1e7CA7C72883F5dc049"
    for chain in devnet.chains.values():
        assert {chain.balance(a.address) for a in devnet.accounts} == {10_000 * 10**18}


def test_a_full_block_leaves_the_rest_pending_in_nonce_order(devnet: Devnet, alice, bob):
    """Like a real node: a transaction whose gas limit does not fit in the block waits for the next one."""
    chain = devnet["zk-a"]
    chain.automine = False
    limit = int(chain.head.header.gas_limit)
    big = limit - 10_000  # fits only in an empty block: a block's used gas (not its limits) is what counts
    hashes = [chain.submit(chain.sign(alice.private_key, bob.address, value=1, gas=big)) for _ in range(3)]
    small = chain.submit(chain.sign(bob.private_key, alice.address, value=1, gas=21_000))
    (first,) = chain.mine()
    assert [bytes(tx.hash) for tx in first.transactions] == [hashes[0], small]
    assert [bytes(tx.hash) for tx in chain.pending_transactions] == hashes[1:]
    records = chain.mine_pending()
    assert [len(r.transactions) for r in records] == [1, 1]
    assert all(chain.receipt(h) is not None and chain.receipt(h).ok for h in hashes)
    assert chain.nonce(alice.address) == 3 and not chain.pending_transactions


def test_batch_mines_what_it_queued_in_one_block_and_restores_automine(alice):
    chain = Chain(9, Clock(), {alice.address: GenesisAccount(balance=10**21)})
    counter = chain.deploy(alice.private_key, COUNTER.bytecode)
    head = chain.block_number
    with chain.batch():
        assert chain.automine is False
        hashes = [chain.submit(chain.sign(alice.private_key, counter, INCREMENT)) for _ in range(3)]
        assert chain.block_number == head and len(chain.pending_transactions) == 3
    assert chain.automine is True
    assert chain.block_number == head + 1
    assert [chain.receipt(h).block_number for h in hashes] == [head + 1] * 3
    assert uint(chain.call(counter, COUNT)) == 3


def test_batch_keeps_automine_off_when_it_was_off_and_mines_nothing_on_error(alice):
    chain = Chain(9, Clock(), {alice.address: GenesisAccount(balance=10**21)})
    chain.automine = False
    head = chain.block_number
    with pytest.raises(RuntimeError), chain.batch():
        chain.submit(chain.sign(alice.private_key, alice.address, value=1))
        raise RuntimeError("stop")
    assert chain.automine is False and chain.block_number == head and len(chain.pending_transactions) == 1
    with chain.batch():
        pass
    assert chain.automine is False and chain.block_number == head + 1 and not chain.pending_transactions


def test_an_alias_finds_the_mined_transaction_until_forgotten_or_reverted(alice):
    chain = Chain(9, Clock(), {alice.address: GenesisAccount(balance=10**21)})
    alias = keccak(b"canonical hash on L1")
    sid = chain.snapshot()
    receipt = chain.transact(alice.private_key, alice.address, value=1)
    chain.alias_transaction(alias, receipt.tx_hash)
    assert chain.receipt(alias) == receipt
    found = chain.transaction(alias)
    assert found is not None and bytes(found[0].hash) == receipt.tx_hash
    chain.forget_alias(alias)
    assert chain.receipt(alias) is None
    chain.alias_transaction(alias, receipt.tx_hash)
    chain.revert(sid)
    assert chain.receipt(alias) is None and chain.transaction(alias) is None


def test_the_engine_hashes_with_pysha3_without_touching_the_environment():
    code = (
        "import os, zkconnect.engine.chain; from eth_hash.auto import keccak; "
        "print(type(keccak.hasher.__self__).__name__, 'ETH_HASH_BACKEND' in os.environ)"
    )
    env = {k: v for k, v in os.environ.items() if k != "ETH_HASH_BACKEND"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["PySha3Backend", "False"]
