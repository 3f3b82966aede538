"""Dev methods as client test suites use them: anvil names with hardhat_/evm_ aliases, automine off and the
pool, the unlocked dev account's signatures, state overrides, impersonation, the shared clock, state dumps,
and a devnet made of a single chain with any chain id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data

from zkconnect import Devnet
from zkconnect.config import load_config

from .test_zks_methods import ALICE, Rpc

BOB = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
STRANGER = "0x1111111111111111111111111111111111111111"
ONE_ETH = 10**18


@pytest.fixture(scope="module")
def module_rpc() -> Rpc:
    return Rpc(Devnet(load_config(overrides={"relay": "manual"})))


@pytest.fixture
def rpc(module_rpc: Rpc) -> Iterator[Rpc]:
    sid = module_rpc.devnet.snapshot()
    yield module_rpc
    module_rpc.devnet.revert(sid)
    for chain in module_rpc.devnet.chains.values():  # a setting, not state: as on anvil, revert keeps it
        chain.automine = True


def _transfer(rpc: Rpc, chain: str, sender: str = ALICE, to: str = BOB, value: int = 1) -> str:
    tx: str = rpc(chain, "eth_sendTransaction", {"from": sender, "to": to, "value": hex(value)})
    return tx


def test_automine_off_keeps_transactions_in_the_pool_until_a_block_is_mined(rpc):
    assert rpc("zk-a", "anvil_getAutomine") is True
    assert rpc("zk-a", "evm_setAutomine", False) is True
    assert rpc("zk-a", "hardhat_getAutomine") is False
    head = int(rpc("zk-a", "eth_blockNumber"), 16)
    before = int(rpc("zk-a", "eth_getBalance", BOB, "latest"), 16)

    tx = _transfer(rpc, "zk-a", value=5)
    pending = rpc("zk-a", "eth_getTransactionByHash", tx)
    assert pending["hash"] == tx and pending["blockNumber"] is None and pending["blockHash"] is None
    assert pending["transactionIndex"] is None
    assert rpc("zk-a", "eth_getTransactionReceipt", tx) is None
    assert int(rpc("zk-a", "eth_blockNumber"), 16) == head
    assert rpc("zk-a", "txpool_status") == {"pending": "0x1", "queued": "0x0"}
    content = rpc("zk-a", "txpool_content")
    [(sender, by_nonce)] = content["pending"].items()
    assert sender.lower() == ALICE and [t["hash"] for t in by_nonce.values()] == [tx]
    assert int(rpc("zk-a", "eth_getBalance", BOB, "latest"), 16) == before
    assert int(rpc("zk-b", "eth_blockNumber"), 16) >= 0  # other chains keep their own automine setting
    assert rpc("zk-b", "anvil_getAutomine") is True

    assert rpc("zk-a", "evm_mine") == "0x0"
    receipt = rpc("zk-a", "eth_getTransactionReceipt", tx)
    assert receipt["status"] == "0x1" and int(receipt["blockNumber"], 16) == head + 1
    assert rpc("zk-a", "txpool_status") == {"pending": "0x0", "queued": "0x0"}
    assert int(rpc("zk-a", "eth_getBalance", BOB, "latest"), 16) == before + 5


def test_turning_automine_back_on_mines_what_waits_in_the_pool(rpc):
    rpc("l1", "anvil_setAutomine", False)
    tx = _transfer(rpc, "l1")
    assert rpc("l1", "eth_getTransactionReceipt", tx) is None
    rpc("l1", "evm_setAutomine", True)
    assert rpc("l1", "eth_getTransactionReceipt", tx)["status"] == "0x1"


def test_the_unlocked_dev_account_signs_messages_and_typed_data_that_recover_to_it(rpc):
    message = b"zkconnect dev account"
    for method, params in (
        ("eth_sign", [ALICE, "0x" + message.hex()]),
        ("personal_sign", ["0x" + message.hex(), ALICE]),
    ):
        signature = rpc("zk-a", method, *params)
        recovered = Account.recover_message(encode_defunct(primitive=message), signature=signature)
        assert recovered.lower() == ALICE, method

    typed = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Transfer": [{"name": "to", "type": "address"}, {"name": "amount", "type": "uint256"}],
        },
        "primaryType": "Transfer",
        "domain": {"name": "Bridge", "chainId": 6565, "verifyingContract": STRANGER},
        "message": {"to": BOB, "amount": 42},
    }
    signature = rpc("zk-a", "eth_signTypedData_v4", ALICE, typed)
    assert Account.recover_message(encode_typed_data(full_message=typed), signature=signature).lower() == ALICE

    error = rpc.error("zk-a", "eth_sign", STRANGER, "0x00")
    assert error["code"] == -32000 and "not an unlocked dev account" in error["message"]


def test_set_balance_code_nonce_and_storage_with_anvil_and_hardhat_names(rpc):
    rpc("zk-b", "anvil_setBalance", STRANGER, hex(7 * ONE_ETH))
    assert int(rpc("zk-b", "eth_getBalance", STRANGER, "latest"), 16) == 7 * ONE_ETH
    rpc("zk-b", "hardhat_setBalance", STRANGER, "0x1")
    assert rpc("zk-b", "eth_getBalance", STRANGER, "latest") == "0x1"
    assert rpc("zk-a", "eth_getBalance", STRANGER, "latest") == "0x0"  # one chain only

    runtime = "0x602a60005260206000f3"  # returns 42
    rpc("zk-b", "hardhat_setCode", STRANGER, runtime)
    assert rpc("zk-b", "eth_getCode", STRANGER, "latest") == runtime
    assert int(rpc("zk-b", "eth_call", {"to": STRANGER, "data": "0x"}, "latest"), 16) == 42

    rpc("zk-b", "anvil_setNonce", BOB, "0x20")
    assert rpc("zk-b", "eth_getTransactionCount", BOB, "latest") == "0x20"
    rpc("zk-b", "hardhat_setNonce", BOB, "0x21")
    assert rpc("zk-b", "eth_getTransactionCount", BOB, "latest") == "0x21"

    rpc("zk-b", "anvil_setStorageAt", STRANGER, "0x5", "0x" + "00" * 31 + "09")
    assert int(rpc("zk-b", "eth_getStorageAt", STRANGER, "0x5", "latest"), 16) == 9
    rpc("zk-b", "hardhat_setStorageAt", STRANGER, "0x5", "0x" + "00" * 32)
    assert int(rpc("zk-b", "eth_getStorageAt", STRANGER, "0x5", "latest"), 16) == 0

    error = rpc.error("zk-b", "anvil_setStorageAt", STRANGER, "0x5", "0x" + "00" * 33)
    assert error["code"] == -32602 and "2 (value)" in error["message"]
    error = rpc.error("zk-b", "anvil_setBalance", "0x1234", "0x1")
    assert error["code"] == -32602 and "0 (address)" in error["message"]


def test_impersonation_sends_from_any_address_until_stopped(rpc):
    rpc("zk-a", "anvil_setBalance", STRANGER, hex(ONE_ETH))
    refused = rpc.error("zk-a", "eth_sendTransaction", {"from": STRANGER, "to": BOB, "value": "0x1"})
    assert "impersonat" in refused["message"] or "unlocked" in refused["message"]

    rpc("zk-a", "hardhat_impersonateAccount", STRANGER)
    tx = _transfer(rpc, "zk-a", sender=STRANGER)
    receipt = rpc("zk-a", "eth_getTransactionReceipt", tx)
    assert receipt["status"] == "0x1" and receipt["from"].lower() == STRANGER
    rpc("zk-a", "anvil_stopImpersonatingAccount", STRANGER)
    assert "error" in rpc.raw("zk-a", "eth_sendTransaction", [{"from": STRANGER, "to": BOB, "value": "0x1"}])

    rpc("zk-a", "anvil_autoImpersonateAccount", True)
    assert rpc("zk-a", "eth_getTransactionReceipt", _transfer(rpc, "zk-a", sender=STRANGER))["status"] == "0x1"
    rpc("zk-a", "anvil_autoImpersonateAccount", False)
    assert "error" in rpc.raw("zk-a", "eth_sendTransaction", [{"from": STRANGER, "to": BOB, "value": "0x1"}])


def test_snapshot_on_one_chain_reverts_every_chain_and_an_id_is_used_once(rpc):
    sid = rpc("zk-b", "evm_snapshot")
    heads = {c: rpc(c, "eth_blockNumber") for c in ("l1", "gateway", "zk-a", "zk-b")}
    _transfer(rpc, "l1", value=3)
    _transfer(rpc, "zk-a", value=3)
    assert rpc("zk-a", "eth_blockNumber") != heads["zk-a"]

    assert rpc("zk-b", "evm_revert", sid) is True
    assert {c: rpc(c, "eth_blockNumber") for c in heads} == heads
    assert rpc("zk-b", "evm_revert", sid) is False  # anvil: a snapshot is consumed by its revert
    assert rpc("zk-a", "anvil_revert", "0x999") is False


def test_time_moves_every_chain_together(rpc):
    def next_timestamp(chain: str) -> int:
        rpc(chain, "evm_mine")
        return int(rpc(chain, "eth_getBlockByNumber", "latest", False)["timestamp"], 16)

    start = next_timestamp("zk-a")
    assert rpc("zk-a", "evm_increaseTime", 3600) == hex(3600)
    for chain in ("l1", "gateway", "zk-b"):
        assert next_timestamp(chain) >= start + 3600, chain

    target = next_timestamp("l1") + 10_000
    rpc("gateway", "anvil_setNextBlockTimestamp", hex(target))
    assert next_timestamp("zk-b") == target
    assert next_timestamp("l1") >= target

    rpc("zk-a", "evm_mine", hex(target + 500))
    assert int(rpc("zk-a", "eth_getBlockByNumber", "latest", False)["timestamp"], 16) == target + 500


def test_anvil_mine_mines_count_blocks_spaced_by_interval(rpc):
    head = int(rpc("zk-b", "eth_blockNumber"), 16)
    rpc("zk-b", "anvil_mine", "0x3", "0x64")
    assert int(rpc("zk-b", "eth_blockNumber"), 16) == head + 3
    stamps = [int(rpc("zk-b", "eth_getBlockByNumber", hex(head + i), False)["timestamp"], 16) for i in (1, 2, 3)]
    assert [stamps[1] - stamps[0], stamps[2] - stamps[1]] == [100, 100]
    rpc("zk-b", "hardhat_mine")
    assert int(rpc("zk-b", "eth_blockNumber"), 16) == head + 4


def test_dump_state_and_load_it_back(rpc):
    rpc("zk-a", "anvil_setBalance", STRANGER, hex(5 * ONE_ETH))
    dump = rpc("zk-a", "anvil_dumpState")
    rpc("zk-a", "anvil_setBalance", STRANGER, "0x0")
    _transfer(rpc, "zk-a", value=11)
    bob_after = rpc("zk-a", "eth_getBalance", BOB, "latest")

    assert rpc("zk-a", "anvil_loadState", dump) is True
    assert int(rpc("zk-a", "eth_getBalance", STRANGER, "latest"), 16) == 5 * ONE_ETH
    assert rpc("zk-a", "eth_getBalance", BOB, "latest") != bob_after

    error = rpc.error("zk-a", "anvil_loadState", "0x1234")
    assert error["code"] == -32602 and "not a zkdev state dump" in error["message"]


SINGLE_CHAIN = """
[devnet]
accounts = 2

[l1]
name = "solo"
chain_id = 424242
port = 0

[gateway]
enabled = false
"""


def test_a_single_chain_devnet_with_any_chain_id(tmp_path: Path):
    path = tmp_path / "solo.toml"
    path.write_text(SINGLE_CHAIN)
    devnet = Devnet(load_config(path))
    assert [c.name for c in devnet.config.all_chains] == ["solo"]
    rpc = Rpc(devnet)
    assert rpc("solo", "eth_chainId") == hex(424242) and rpc("solo", "net_version") == "424242"
    assert rpc("solo", "eth_accounts")[:2] == [ALICE, BOB]  # then ZKsync's rich wallets
    receipt = rpc("solo", "eth_getTransactionReceipt", _transfer(rpc, "solo", value=ONE_ETH))
    assert receipt["status"] == "0x1"
    assert rpc("solo", "zkdev_getConfig")["chains"] == [
        {**rpc("solo", "zkdev_getConfig")["chains"][0], "name": "solo", "chainId": 424242, "settlementLayer": None}
    ]


def test_renamed_layers_can_be_named_by_role_in_settlement(tmp_path: Path):
    path = tmp_path / "renamed.toml"
    path.write_text(
        """
[l1]
name = "sepolia-like"
chain_id = 11155111

[gateway]
name = "gw"
chain_id = 9075

[[chains]]
name = "app"
chain_id = 8888
settlement = "gateway"

[[chains]]
name = "direct"
chain_id = 8889
settlement = "l1"
"""
    )
    config = load_config(path, overrides={"port_base": 0})
    assert config.gateway is not None and config.gateway.settlement == "sepolia-like"
    assert [(c.name, c.settlement) for c in config.chains] == [("app", "gw"), ("direct", "sepolia-like")]
    devnet = Devnet(config)
    assert devnet["app"].chain_id == 8888 and devnet["direct"].chain_id == 8889
