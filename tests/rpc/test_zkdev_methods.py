"""zkdev_* devnet methods: configuration, the message ledger, relay control, whole-devnet snapshots."""

from __future__ import annotations

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from zkconnect import Devnet
from zkconnect.artifacts import load
from zkconnect.config import load_config
from zkconnect.protocol.messages import InteropCallStarter, format_evm_v1, send_bundle_calldata

from .test_zks_methods import ALICE, Rpc

INTEROP_CENTER = "0x000000000000000000000000000000000001000d"
INTEROP_HANDLER = "0x000000000000000000000000000000000001000e"


@pytest.fixture
def rpc() -> Rpc:
    return Rpc(Devnet(load_config(overrides={"relay": "manual"})))


def _deploy(rpc: Rpc, chain: str, artifact: str) -> str:
    return "0x" + rpc.devnet[chain].deploy(rpc.devnet.accounts[0].private_key, load(artifact).bytecode).hex()


def _send_bundle(rpc: Rpc, payloads: list[tuple[str, bytes]], destination: int = 6566) -> str:
    starters = [InteropCallStarter(to=format_evm_v1(None, bytes.fromhex(to[2:])), data=data) for to, data in payloads]
    data = "0x" + send_bundle_calldata(destination, starters).hex()
    value = hex(rpc.devnet.config.interop_fee_wei * len(payloads))
    tx: str = rpc("zk-a", "eth_sendTransaction", {"from": ALICE, "to": INTEROP_CENTER, "data": data, "value": value})
    assert rpc("zk-a", "eth_getTransactionReceipt", tx)["status"] == "0x1"
    return tx


def test_config_names_chains_system_contracts_and_accounts_on_every_chain(rpc):
    config = rpc("l1", "zkdev_getConfig")
    assert config == rpc("zk-b", "zkdev_getConfig")
    assert [(c["name"], c["chainId"], c["settlementLayer"]) for c in config["chains"]] == [
        ("l1", 31337, None),
        ("gateway", 506, "l1"),
        ("zk-a", 6565, "gateway"),
        ("zk-b", 6566, "gateway"),
    ]
    assert config["chains"][2]["rpcUrl"] == "http://127.0.0.1:3050"
    assert config["systemContracts"]["l1"]["bridgehub"] == rpc("zk-a", "zks_getBridgehubContract")
    assert config["systemContracts"]["l2"]["InteropCenter"] == INTEROP_CENTER
    assert config["systemContracts"]["gateway"]["chainExecutors"]["6565"] == (
        "0x" + rpc.devnet.contracts.gateway.executor(6565).hex()
    )
    assert config["accounts"][0] == {
        "address": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "privateKey": "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    }
    assert config["relay"] == "manual" and config["relayPaused"] is False


def test_ledger_follows_a_bundle_by_hash_and_by_source_tx(rpc):
    recorder = _deploy(rpc, "zk-b", "RecordingRecipient")
    tx = _send_bundle(rpc, [(recorder, b"one"), (recorder, b"two")])
    (entry,) = rpc("zk-a", "zkdev_getMessagesByTx", tx)
    assert entry["kind"] == "bundle" and entry["stage"] == "sealed"
    assert entry["sourceChainId"] == 6565 and entry["destinationChainId"] == 6566
    assert rpc("zk-b", "zkdev_getBundle", entry["id"]) == entry
    assert rpc("zk-a", "zkdev_getMessages", {"pending": True}) == [entry]
    status = rpc("gateway", "zkdev_status")
    assert status["messages"] == {"sealed": 1} and [p["id"] for p in status["pending"]] == [entry["id"]]

    report = rpc("l1", "zkdev_relay")
    assert report["executed"] == [entry["id"]] and report["failed"] == []
    done = rpc("zk-a", "zkdev_getBundle", entry["id"])
    assert done["stage"] == "executed" and done["gatewayBlock"] is not None and done["batchNumber"] is not None
    assert [h["stage"] for h in done["history"]] == ["sent", "sealed", "settled", "executed"]
    receipt = rpc("zk-b", "eth_getTransactionReceipt", done["destinationTx"])
    assert receipt["status"] == "0x1" and receipt["to"] == INTEROP_HANDLER
    # trace finds it by bundle hash, source tx and destination tx (which also sent its own messages).
    assert rpc("zk-b", "zkdev_trace", entry["id"]) == rpc("zk-b", "zkdev_trace", tx) == [done]
    by_destination = rpc("zk-b", "zkdev_trace", done["destinationTx"])
    assert by_destination[0] == done
    assert all(e["sourceTx"] == done["destinationTx"] for e in by_destination[1:])
    # Only the destination tx's own new messages may still be on their way; the bundle is done.
    pending = rpc("zk-a", "zkdev_getMessages", {"pending": True})
    assert all(e["sourceTx"] == done["destinationTx"] and e["kind"] == "message" for e in pending)
    assert rpc("zk-a", "zkdev_getMessages", {"stage": "executed", "chainId": 6566}) == [done]
    assert rpc("zk-a", "zkdev_getMessages", {"chainId": "0x1"}) == []


def test_failed_bundle_carries_the_revert_reason(rpc):
    rejecter = _deploy(rpc, "zk-b", "RevertingRecipient")
    tx = _send_bundle(rpc, [(rejecter, b"no")])
    rpc("zk-a", "zkdev_relay")
    (entry,) = rpc("zk-a", "zkdev_getMessagesByTx", tx)
    assert entry["stage"] == "failed" and entry["reason"]
    assert rpc("zk-b", "eth_getTransactionReceipt", entry["destinationTx"])["status"] == "0x0"
    assert rpc("zk-a", "zkdev_getMessages", {"stage": "failed"}) == [entry]


def test_plain_messages_appear_in_the_ledger_until_imported(rpc):
    data = keccak(b"sendToL1(bytes)")[:4] + encode(["bytes"], [b"note"])
    tx = rpc("zk-a", "eth_sendTransaction", {"from": ALICE, "to": "0x" + "00" * 18 + "8008", "data": "0x" + data.hex()})
    (entry,) = rpc("zk-a", "zkdev_trace", tx)
    assert entry["kind"] == "message" and entry["id"] == "0x" + keccak(b"note").hex()
    rpc("zk-a", "zkdev_relay")
    (entry,) = rpc("zk-a", "zkdev_trace", tx)
    assert entry["stage"] == "root_imported"
    assert rpc("zk-a", "zkdev_status")["pending"] == []


def test_pause_resume_and_mode(rpc):
    assert rpc("zk-a", "zkdev_setRelayMode", "auto") == {"mode": "auto", "paused": False}
    assert rpc("zk-a", "zkdev_pauseRelay") == {"mode": "auto", "paused": True}
    recorder = _deploy(rpc, "zk-b", "RecordingRecipient")
    tx = _send_bundle(rpc, [(recorder, b"later")])
    (entry,) = rpc("zk-a", "zkdev_getMessagesByTx", tx)
    assert entry["stage"] == "sealed"
    rpc("zk-a", "evm_mine")
    assert rpc("zk-a", "zkdev_getBundle", entry["id"])["stage"] == "sealed"
    assert rpc("zk-a", "zkdev_resumeRelay") == {"mode": "auto", "paused": False}
    assert rpc("zk-a", "zkdev_getBundle", entry["id"])["stage"] == "executed"
    # auto mode: the next bundle is executed within the sending request.
    tx = _send_bundle(rpc, [(recorder, b"now")])
    assert [e["stage"] for e in rpc("zk-a", "zkdev_getMessagesByTx", tx)] == ["executed"]
    error = rpc.error("zk-a", "zkdev_setRelayMode", "sometimes")
    assert error["code"] == -32602 and "mode" in error["message"]


def test_snapshot_and_revert_cover_every_chain_and_the_ledger(rpc):
    sid = rpc("zk-b", "zkdev_snapshot")
    recorder = _deploy(rpc, "zk-b", "RecordingRecipient")
    tx = _send_bundle(rpc, [(recorder, b"gone")])
    rpc("zk-a", "zkdev_relay")
    heads = {c: rpc(c, "eth_blockNumber") for c in ("l1", "gateway", "zk-a", "zk-b")}
    assert all(h != "0x0" for h in heads.values())
    assert rpc("l1", "zkdev_revert", sid) is True
    assert {c: rpc(c, "eth_blockNumber") for c in heads} == dict.fromkeys(heads, "0x0")
    assert rpc("zk-a", "zkdev_getMessagesByTx", tx) == []
    assert rpc("zk-a", "eth_getTransactionReceipt", tx) is None
    assert rpc("zk-a", "eth_getBlockByNumber", "finalized", False)["number"] == "0x0"
    assert rpc("l1", "zkdev_revert", sid) is False  # consumed
    error = rpc.error("l1", "zkdev_revert", "zz")
    assert error["code"] == -32602 and "id" in error["message"]


def test_bad_params(rpc):
    for method, params, name in [
        ("zkdev_getBundle", ["0x12"], "bundleHash"),
        ("zkdev_getMessagesByTx", [42], "txHash"),
        ("zkdev_trace", ["hello"], "hash"),
        ("zkdev_getMessages", ["all"], "filter"),
        ("zkdev_getMessages", [{"stage": "done"}], "stage"),
        ("zkdev_getMessages", [{"colour": "red"}], "colour"),
    ]:
        error = rpc.error("zk-a", method, *params)
        assert error["code"] == -32602 and name in error["message"], (method, error)
    assert rpc("zk-a", "zkdev_getBundle", "0x" + "00" * 32) is None


def test_a_devnet_revert_also_rolls_back_filters_and_impersonation(rpc):
    """Isolation between tests: nothing installed after a snapshot survives its revert."""
    kept = rpc("zk-a", "eth_newBlockFilter")
    sid = rpc("l1", "zkdev_snapshot")
    later = rpc("zk-a", "eth_newBlockFilter")
    stranger = "0x" + "42" * 20
    assert rpc("zk-a", "anvil_impersonateAccount", stranger) is None
    rpc("zk-a", "anvil_autoImpersonateAccount", True)
    assert rpc("l1", "zkdev_revert", sid) is True
    assert rpc("zk-a", "eth_getFilterChanges", kept) == []
    error = rpc.error("zk-a", "eth_getFilterChanges", later)
    assert error["message"] == "filter not found"
    tx = {"from": stranger, "to": ALICE, "value": "0x1"}
    assert "error" in rpc.raw("zk-a", "eth_sendTransaction", [tx])  # neither impersonated nor auto-impersonated now
