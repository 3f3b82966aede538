"""One virtual clock for all chains."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from zkconnect import ChainError, Clock, Devnet
from zkconnect.artifacts import load

TIMESTAMP = keccak(b"timestamp()")[:4]


def test_blocks_on_all_chains_never_go_back_in_shared_time(devnet: Devnet, alice):
    zk_a, zk_b = devnet["zk-a"], devnet["zk-b"]
    for _ in range(5):
        zk_a.transact(alice.private_key, b"\x11" * 20, value=1)
    zk_b.transact(alice.private_key, b"\x11" * 20, value=1)
    # zk-a mined 5 blocks in well under a second; zk-b's next block is not earlier than them.
    assert zk_b.head.timestamp >= zk_a.head.timestamp
    assert devnet.clock.now() >= zk_a.head.timestamp


def test_increase_time_moves_every_chain_together(devnet: Devnet, alice):
    before = {name: c.head.timestamp for name, c in devnet.chains.items()}
    devnet.clock.increase_time(7 * 24 * 3600)
    for name, chain in devnet.chains.items():
        chain.transact(alice.private_key, b"\x11" * 20, value=1)
        assert chain.head.timestamp >= before[name] + 7 * 24 * 3600
    stamps = [c.head.timestamp for c in devnet.chains.values()]
    assert max(stamps) - min(stamps) <= len(stamps)


def test_set_next_block_timestamp_is_seen_by_contracts(devnet: Devnet, alice):
    chain = devnet["l1"]
    counter = chain.deploy(alice.private_key, load("Counter").bytecode)
    target = devnet.clock.now() + 1000
    devnet.clock.set_next_block_timestamp(target)
    receipt = chain.transact(alice.private_key, counter, keccak(b"increment()")[:4])
    assert chain.block(receipt.block_number).timestamp == target
    assert devnet.clock.now() >= target
    assert devnet["zk-a"].head.timestamp < target
    devnet["zk-a"].transact(alice.private_key, b"\x11" * 20, value=1)
    assert devnet["zk-a"].head.timestamp >= target


def test_clock_refuses_to_go_backwards():
    clock = Clock(start=1_000_000, wall=lambda: 0.0)
    clock.block_timestamp(1_000_005)
    with pytest.raises(ChainError, match="before the newest block"):
        clock.set_time(1_000_000)
    with pytest.raises(ChainError, match="backwards"):
        clock.increase_time(-1)
    with pytest.raises(ChainError, match="later than the newest block"):
        clock.set_next_block_timestamp(1_000_006 - 1)


def test_clock_follows_wall_time_plus_offset():
    wall = [100.0]
    clock = Clock(start=5000, wall=lambda: wall[0])
    assert clock.now() == 5000
    wall[0] = 110.0
    assert clock.now() == 5010
    clock.increase_time(60)
    assert clock.now() == 5070
    assert clock.block_timestamp(5070) == 5071, "strictly after the parent"
    assert clock.now() == 5071, "and the shared clock moved with it"
