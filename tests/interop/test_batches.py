"""Sealing: one batch per block, built from the real L1Messenger's events."""

from __future__ import annotations

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from zkconnect import Devnet
from zkconnect.artifacts import load
from zkconnect.errors import InteropError
from zkconnect.genesis.system_contracts import install_tx_number_hook
from zkconnect.interop import sealer
from zkconnect.interop.sealer import Sealer
from zkconnect.protocol.addresses import L1_MESSENGER, SYSTEM_CONTEXT
from zkconnect.protocol.batches import Batch, SealedLog
from zkconnect.protocol.merkle import LogTree, batch_root, empty_multichain_batch_root, message_log

SEND_TO_L1 = keccak(b"sendToL1(bytes)")[:4]


@pytest.fixture
def messenger_chain(devnet: Devnet):
    """zk-a with the relayer in manual mode, so blocks are only the test's own."""
    devnet.relayer.set_mode("manual")
    chain = devnet["zk-a"]
    assert chain.code(L1_MESSENGER) == load("L1Messenger").runtime_bytecode
    assert chain.code(SYSTEM_CONTEXT) == load("SystemContext").runtime_bytecode
    install_tx_number_hook(chain)  # already installed by the devnet; installing twice is harmless
    return chain


def send(chain, account, message: bytes) -> bytes:
    return chain.submit(chain.sign(account.private_key, L1_MESSENGER, SEND_TO_L1 + encode(["bytes"], [message])))


def test_batch_holds_each_transactions_messages_with_its_number_in_the_batch(devnet, messenger_chain, alice, bob):
    chain = messenger_chain
    sealer = Sealer(chain)
    chain.automine = False
    payloads = [(alice, b"hello"), (bob, b"world"), (alice, b"x" * 100)]
    hashes = [send(chain, who, data) for who, data in payloads]
    chain.submit(chain.sign(bob.private_key, b"\x11" * 20, value=1))  # sends no L2->L1 log
    (block,) = chain.mine()
    batch = sealer.batch(block.number)
    assert [e.log.tx_number_in_batch for e in batch.logs] == [0, 1, 2]
    assert [e.leaf_index for e in batch.logs] == [0, 1, 2]
    assert batch.messages == tuple(data for _, data in payloads)
    expected = [message_log(i, who.address, data) for i, (who, data) in enumerate(payloads)]
    assert batch.local_root == LogTree(expected).root()
    assert batch.root() == batch_root(batch.local_root, empty_multichain_batch_root(6565))
    found_batch, entry = sealer.locate(hashes[1], 0)
    assert found_batch is batch and entry.message == b"world"


def test_locate_rejects_out_of_range_log_index(messenger_chain, alice):
    sealer = Sealer(messenger_chain)
    tx_hash = send(messenger_chain, alice, b"only one")
    with pytest.raises(InteropError, match="sent 1 L2->L1 log"):
        sealer.locate(tx_hash, 1)


def test_sealer_rolls_back_with_the_devnet(devnet, messenger_chain, alice):
    sealer = Sealer(messenger_chain)
    devnet.register(sealer)
    sid = devnet.snapshot()
    tx_hash = send(messenger_chain, alice, b"reverted")
    latest = sealer.latest
    devnet.revert(sid)
    assert sealer.latest == latest - 1
    assert sealer.logs_of(tx_hash) == []
    send(messenger_chain, alice, b"again")  # the next block seals cleanly at the same height
    assert sealer.batch(latest).messages == (b"again",)


def test_batch_records_are_pure_protocol_values_the_sealer_re_exports() -> None:
    log = message_log(0, "0x" + "ab" * 20, b"m")
    entry = SealedLog(log, b"m", b"\x01" * 32, 0, 0)
    batch = Batch(6565, 3, b"\x02" * 32, 0, (entry,))
    assert batch.messages == (b"m",)
    assert batch.local_root == LogTree([log]).root()
    assert batch.root() == batch_root(batch.local_root, empty_multichain_batch_root(6565))
    assert batch.root(b"\x03" * 32) == batch_root(batch.local_root, b"\x03" * 32)
    assert (sealer.Batch, sealer.SealedLog) == (Batch, SealedLog)
