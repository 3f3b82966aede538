"""eth_createAccessList and eth_config on the devnet's own chains (the fixture replay covers geth's recordings)."""

from __future__ import annotations

import json
import zlib
from typing import Any

import pytest
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from zkconnect import Devnet
from zkconnect.artifacts import load
from zkconnect.engine.forks import ForkSchedule
from zkconnect.engine.importer import import_chain
from zkconnect.rpc.provider import dispatcher_for

from . import openrpc
from .test_execution_apis import DATA

COUNTER = load("Counter")
INCREMENT = keccak(b"increment()")[:4]
PROBE = bytes.fromhex("a1" * 20)  # the contract under test
CALLEE = bytes.fromhex("b2" * 20)  # a contract it calls
WATCHED = bytes.fromhex("c3" * 20)  # an address whose BALANCE it reads
L1_MESSENGER = bytes.fromhex("0000000000000000000000000000000000008008")
SYSTEM_CONTEXT = bytes.fromhex("000000000000000000000000000000000000800b")


def _push20(address: bytes) -> bytes:
    return b"\x73" + address


def _probe_code() -> bytes:
    """SLOAD 7, BALANCE(WATCHED), STATICCALL sha256 precompile, CALL CALLEE; reverts when given calldata."""
    body = (
        bytes.fromhex("6007" "54" "50")  # SLOAD(7) POP
        + _push20(WATCHED) + bytes.fromhex("31" "50")  # BALANCE POP
        + bytes.fromhex("6000" "6000" "6000" "6000" "6002" "5a" "fa" "50")  # STATICCALL(gas, 0x02, 0, 0, 0, 0) POP
        + bytes.fromhex("6000" "6000" "6000" "6000" "6000") + _push20(CALLEE) + bytes.fromhex("5a" "f1" "50")  # CALL
    )  # fmt: skip
    tail = len(body) + 5
    return body + bytes.fromhex("3660") + bytes([tail]) + bytes.fromhex("57005b60006000fd")


CALLEE_CODE = bytes.fromhex("6001545000")  # SLOAD(1) POP STOP


def rpc(devnet: Devnet, chain: str, method: str, *params: Any) -> dict[str, Any]:
    request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
    answer = dispatcher_for(devnet, chain).handle(request)
    assert isinstance(answer, dict)
    return answer


def _hex(address: bytes) -> str:
    return "0x" + address.hex()


def _slot(n: int) -> str:
    return "0x" + n.to_bytes(32, "big").hex()


def _send_with_list(devnet: Devnet, chain: str, key: bytes, to: bytes, data: bytes, access_list: Any) -> Any:
    """Send a real EIP-1559 transaction carrying ``access_list``; returns its receipt."""
    c = devnet[chain]
    sender = Account.from_key(key).address
    tx = {
        "chainId": c.chain_id,
        "nonce": c.nonce(bytes.fromhex(sender[2:])),
        "to": to_checksum_address(to),
        "data": data,
        "gas": 500_000,
        "maxFeePerGas": 10 * c.next_base_fee,
        "maxPriorityFeePerGas": 0,
        "value": 0,
        "accessList": access_list,
    }
    signed = Account.sign_transaction(tx, key)
    receipt = c.receipt(c.send_raw_transaction(bytes(signed.raw_transaction)))
    assert receipt is not None
    return receipt


@pytest.fixture
def probe(devnet: Devnet) -> Devnet:
    chain = devnet["zk-a"]
    chain.place(PROBE, _probe_code(), {7: 70})
    chain.place(CALLEE, CALLEE_CODE, {1: 10})
    return devnet


EXPECTED = [
    {"address": _hex(PROBE), "storageKeys": [_slot(7)]},  # the recipient: its slots only
    {"address": _hex(CALLEE), "storageKeys": [_slot(1)]},
    {"address": _hex(WATCHED), "storageKeys": []},
]  # sorted by address; the sender and the sha256 precompile are left out


def test_access_list_of_a_storage_touching_call_on_a_zk_chain_and_its_gas_is_what_the_transaction_uses(probe, alice):
    answer = rpc(probe, "zk-a", "eth_createAccessList", {"from": alice.checksum_address, "to": _hex(PROBE)})
    result = answer["result"]
    assert result["accessList"] == EXPECTED and "error" not in result
    assert openrpc.result_errors("eth_createAccessList", result) == []
    receipt = _send_with_list(probe, "zk-a", alice.private_key, PROBE, b"", result["accessList"])
    assert receipt.ok and receipt.gas_used == int(result["gasUsed"], 16)


def test_a_reverting_call_still_lists_what_it_touched_and_reports_geths_error(probe):
    result = rpc(probe, "zk-a", "eth_createAccessList", {"to": _hex(PROBE), "input": "0x01"}, "latest")["result"]
    assert result["accessList"] == EXPECTED  # from the zero address (unfunded), touched before the revert
    assert result["error"] == "execution reverted"
    assert openrpc.result_errors("eth_createAccessList", result) == []


def test_an_unfunded_sender_paying_a_fee_gets_the_same_list(probe, alice):
    nobody = Account.create().address
    funded = rpc(probe, "zk-a", "eth_createAccessList", {"from": alice.checksum_address, "to": _hex(PROBE)})
    fee = hex(2 * probe["zk-a"].next_base_fee)
    unfunded = rpc(probe, "zk-a", "eth_createAccessList", {"from": nobody, "to": _hex(PROBE), "gasPrice": fee})
    assert unfunded["result"] == funded["result"]
    assert probe["zk-a"].balance(bytes.fromhex(nobody[2:])) == 0  # the run's state was thrown away


def test_a_value_transfer_needs_no_list(devnet: Devnet, alice):
    result = rpc(
        devnet, "zk-a", "eth_createAccessList", {"from": alice.checksum_address, "to": "0x" + "42" * 20, "value": "0xa"}
    )["result"]
    assert result == {"accessList": [], "gasUsed": "0x5208"}


def test_counter_increment_lists_its_slot_and_a_custom_error_revert_is_reported(devnet: Devnet, alice):
    chain = devnet["l1"]
    counter = chain.deploy(alice.private_key, COUNTER.bytecode)
    call = {"from": alice.checksum_address, "to": _hex(counter), "data": "0x" + INCREMENT.hex()}
    result = rpc(devnet, "l1", "eth_createAccessList", call)["result"]
    assert result["accessList"] == [{"address": _hex(counter), "storageKeys": [_slot(0)]}]
    receipt = _send_with_list(devnet, "l1", alice.private_key, counter, INCREMENT, result["accessList"])
    assert receipt.ok and receipt.gas_used == int(result["gasUsed"], 16)
    chain.set_storage(counter, 0, 2**64 - 1)  # increment() now reverts with CountOverflow
    reverted = rpc(devnet, "l1", "eth_createAccessList", call)["result"]
    assert reverted["accessList"] == result["accessList"] and reverted["error"] == "execution reverted"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("fe", "invalid opcode: INVALID"),
        ("ef", "invalid opcode: opcode 0xef not defined"),
        ("5b600056", "out of gas"),  # an endless loop
        ("50", "stack underflow"),
    ],
)
def test_other_failures_are_reported_in_geths_words_and_use_all_the_gas(devnet: Devnet, code: str, error: str):
    chain = devnet["zk-a"]
    chain.place(PROBE, bytes.fromhex(code))
    result = chain.create_access_list(PROBE, gas=100_000)
    assert result.error == error and result.gas_used == 100_000 and result.access_list == ()


def test_a_given_access_list_is_kept_and_extended(probe, alice):
    seed = [{"address": "0x" + "d4" * 20, "storageKeys": [_slot(5)]}]
    call = {"from": alice.checksum_address, "to": _hex(PROBE), "accessList": seed}
    result = rpc(probe, "zk-a", "eth_createAccessList", call)["result"]
    assert result["accessList"] == sorted(EXPECTED + seed, key=lambda e: e["address"])


def test_a_creation_leaves_out_the_created_address_and_a_zk_system_call_works(devnet: Devnet, alice):
    init = "0x" + "3031506000315000"  # BALANCE(ADDRESS) POP BALANCE(0x0) POP STOP
    created = rpc(devnet, "zk-b", "eth_createAccessList", {"from": alice.checksum_address, "data": init})
    # the created address is left out like a recipient; 0x0 is listed (geth lists it too)
    assert created["result"]["accessList"] == [{"address": "0x" + "00" * 20, "storageKeys": []}]
    data = keccak(b"sendToL1(bytes)")[:4] + encode(["bytes"], [b"hello"])
    call = {"from": alice.checksum_address, "to": _hex(L1_MESSENGER), "data": "0x" + data.hex()}
    result = rpc(devnet, "zk-b", "eth_createAccessList", call)["result"]
    # L1Messenger (the recipient, so not listed itself) reads the transaction number from SystemContext
    assert result["accessList"] == [{"address": _hex(SYSTEM_CONTEXT), "storageKeys": [_slot(0)]}]
    receipt = _send_with_list(devnet, "zk-b", alice.private_key, L1_MESSENGER, data, result["accessList"])
    assert receipt.ok and receipt.gas_used == int(result["gasUsed"], 16)


def test_bad_access_list_params_name_the_parameter(devnet: Devnet):
    bad = rpc(devnet, "zk-a", "eth_createAccessList", {"to": "0x" + "42" * 20, "accessList": [{"address": "0x12"}]})
    assert bad["error"]["code"] == -32602 and "accessList[0].address" in bad["error"]["message"]


# ------------------------------------------------------------------------------------------- eth_config


def test_eth_config_on_every_devnet_chain_describes_prague_from_genesis(devnet: Devnet):
    fork_ids = set()
    for chain in devnet.chains.values():
        config = rpc(devnet, chain.name, "eth_config")["result"]
        assert openrpc.result_errors("eth_config", config) == []
        assert config["next"] is None and config["last"] is None
        current = config["current"]
        assert current["chainId"] == hex(chain.chain_id) and current["activationTime"] == 0
        assert current["forkId"] == "0x" + zlib.crc32(chain.block(0).hash).to_bytes(4, "big").hex()
        assert current["blobSchedule"] == {"baseFeeUpdateFraction": 5007716, "max": 9, "target": 6}
        assert len(current["precompiles"]) == 17 and current["precompiles"]["BLS12_G1ADD"] == "0x" + "00" * 19 + "0b"
        assert "P256VERIFY" not in current["precompiles"]  # py-evm's Prague has no RIP-7212 precompile
        assert current["systemContracts"]["DEPOSIT_CONTRACT_ADDRESS"] == "0x00000000219ab540356cbb839cbe05303d7705fa"
        assert current["systemContracts"]["HISTORY_STORAGE_ADDRESS"] == "0x0000f90827f1c53a10cb7a02335b175320002935"
        fork_ids.add(current["forkId"])
    assert len(fork_ids) == 4  # each chain has its own genesis


def test_eth_config_with_a_scheduled_fork_reports_current_next_and_last():
    genesis = json.loads((DATA / "genesis.json").read_text())
    schedule = ForkSchedule.from_geth_config({**genesis["config"], "pragueTime": 10_000})
    chain = import_chain(DATA)
    config = schedule.eth_config(chain.chain_id, chain.block(0).hash, 0, chain.head.timestamp)
    current, upcoming = config["current"], config["next"]
    assert current["activationTime"] == 420 and upcoming["activationTime"] == 10_000
    assert current["blobSchedule"] == {"baseFeeUpdateFraction": 3338477, "max": 6, "target": 3}
    assert "KZG_POINT_EVALUATION" in current["precompiles"] and "BLS12_G1ADD" not in current["precompiles"]
    assert list(current["systemContracts"]) == ["BEACON_ROOTS_ADDRESS"]
    assert "BLS12_G1ADD" in upcoming["precompiles"] and config["last"] == upcoming
    assert current["forkId"] != upcoming["forkId"]
    assert openrpc.result_errors("eth_config", config) == []


@pytest.mark.parametrize(
    ("timestamp", "fork_hash"),
    [(1681338455, "dce96c2d"), (1710338135, "9f3d2254"), (1746612311, "c376cf8b")],  # Shanghai, Cancun, Prague
)
def test_fork_ids_match_mainnets_published_values(timestamp: int, fork_hash: str):
    mainnet = {
        "homesteadBlock": 1_150_000, "daoForkBlock": 1_920_000, "eip150Block": 2_463_000, "eip155Block": 2_675_000,
        "eip158Block": 2_675_000, "byzantiumBlock": 4_370_000, "constantinopleBlock": 7_280_000,
        "petersburgBlock": 7_280_000, "istanbulBlock": 9_069_000, "muirGlacierBlock": 9_200_000,
        "berlinBlock": 12_244_000, "londonBlock": 12_965_000, "arrowGlacierBlock": 13_773_000,
        "grayGlacierBlock": 15_050_000, "shanghaiTime": 1681338455, "cancunTime": 1710338135,
        "pragueTime": 1746612311,
    }  # fmt: skip
    genesis = bytes.fromhex("d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3")
    assert ForkSchedule.from_geth_config(mainnet).fork_id(genesis, 0, timestamp).hex() == fork_hash
