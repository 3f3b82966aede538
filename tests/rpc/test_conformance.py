"""One conformance class, run against the in-process provider and a live HTTP server: identical results."""

from __future__ import annotations

from typing import Any

import pytest
from web3 import Web3
from web3.providers.rpc import HTTPProvider

from zkconnect import Devnet
from zkconnect.config import load_config
from zkconnect.engine.clock import Clock
from zkconnect.rpc.provider import ZkProvider

from . import openrpc
from .conftest import ServedDevnet

ALICE = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
BOB = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
# Runtime code: emits LOG1(topic = 0x..2a) with no data, then returns 32 bytes of 0x07.
EMITTER = "602a60006000a1600760005260206000f3"
REVERTER = "63deadbeef60e01b60005260046000fd"


def _devnet() -> Devnet:
    return Devnet(load_config(overrides={"port_base": 0}), clock=Clock(start=1_700_000_000, wall=lambda: 0.0))


class RpcConformance:
    """Every test sends raw requests through ``self.request`` and records what it saw."""

    def request(self, method: str, params: list[Any] | None = None) -> dict[str, Any]:
        raise NotImplementedError

    def scenario(self) -> list[Any]:
        seen: list[Any] = []
        r = self.request
        seen.append(r("eth_chainId"))
        seen.append(r("net_version"))
        seen.append(r("eth_getBalance", [ALICE, "latest"]))
        seen.append(r("anvil_setCode", ["0x" + "22" * 20, "0x" + EMITTER]))
        seen.append(r("anvil_setCode", ["0x" + "33" * 20, "0x" + REVERTER]))
        seen.append(r("eth_call", [{"to": "0x" + "22" * 20}, "latest"]))
        seen.append(r("eth_estimateGas", [{"from": "0x" + "99" * 20, "to": "0x" + "22" * 20}]))
        seen.append(r("eth_call", [{"to": "0x" + "33" * 20}, "pending"]))
        tx = r("eth_sendTransaction", [{"from": ALICE, "to": "0x" + "22" * 20, "gas": "0x186a0"}])
        seen.append(tx)
        seen.append(r("eth_getTransactionReceipt", [tx["result"]]))
        seen.append(r("eth_getTransactionByHash", [tx["result"]]))
        seen.append(r("eth_getBlockByNumber", ["latest", True]))
        seen.append(r("eth_getLogs", [{"fromBlock": "0x0", "topics": ["0x" + "00" * 31 + "2a"]}]))
        snap = r("evm_snapshot")
        seen.append(snap)
        seen.append(r("eth_sendTransaction", [{"from": BOB, "to": ALICE, "value": "0x1"}]))
        seen.append(r("evm_revert", [snap["result"]]))
        seen.append(r("eth_blockNumber"))
        seen.append(r("eth_getProof", [ALICE, ["0x0"], "latest"]))
        seen.append(r("eth_feeHistory", ["0x2", "latest", [50]]))
        seen.append(r("eth_nope"))
        seen.append(r("eth_getBalance", ["0x12", "latest"]))
        seen.append(r("eth_config"))
        seen.append(r("eth_createAccessList", [{"from": BOB, "to": "0x" + "33" * 20}, "latest"]))
        gapped = r("eth_sendTransaction", [{"from": BOB, "to": ALICE, "value": "0x1", "gas": "0x5208", "nonce": "0x5"}])
        seen.append(gapped)
        seen.append(r("txpool_status"))
        seen.append(r("txpool_content"))
        seen.append(r("txpool_contentFrom", [BOB]))
        return seen

    def test_scenario_shapes(self) -> None:
        seen = self.scenario()
        assert seen[0]["result"] == "0x19a5" and seen[1]["result"] == "6565"
        assert seen[5]["result"] == "0x" + "00" * 31 + "07"
        assert int(seen[6]["result"], 16) > 21000
        assert seen[7]["error"]["code"] == 3 and seen[7]["error"]["data"] == "0xdeadbeef"
        receipt = seen[9]["result"]
        assert receipt["status"] == "0x1" and receipt["logs"][0]["removed"] is False
        assert receipt["contractAddress"] is None and len(receipt["logsBloom"]) == 2 + 512
        tx = seen[10]["result"]
        assert tx["input"] == "0x" and tx["yParity"] in ("0x0", "0x1") and tx["type"] == "0x2"
        block = seen[11]["result"]
        assert block["miner"] and block["nonce"] == "0x0000000000000000" and block["extraData"] == "0x"
        assert len(seen[12]["result"]) == 1
        assert seen[15]["result"] is True and seen[16]["result"] == "0x1"
        assert seen[19]["error"]["code"] == -32601 and seen[20]["error"]["code"] == -32602
        config = seen[21]["result"]["current"]
        assert config["chainId"] == "0x19a5" and config["activationTime"] == 0 and seen[21]["result"]["next"] is None
        assert seen[22]["result"] == {"accessList": [], "error": "execution reverted", "gasUsed": "0x5220"}
        assert seen[24]["result"] == {"pending": "0x0", "queued": "0x1"}  # nonce 5 waits for BOB's nonces 0-4
        assert seen[25]["result"]["queued"][BOB]["5"]["hash"] == seen[23]["result"]
        assert seen[25]["result"]["queued"][BOB]["5"]["blockNumber"] is None and seen[25]["result"]["pending"] == {}
        assert seen[26]["result"] == {"pending": {}, "queued": seen[25]["result"]["queued"][BOB]}

    def test_responses_match_the_openrpc_schemas(self) -> None:
        """Every result of the scenario whose method the execution-apis OpenRPC spec defines matches its schema."""
        answered: list[tuple[str, Any]] = []
        plain = self.request

        def recording(method: str, params: list[Any] | None = None) -> dict[str, Any]:
            out = plain(method, params)
            answered.append((method, out))
            return out

        self.request = recording  # type: ignore[method-assign]
        self.scenario()
        checked = [(m, out["result"]) for m, out in answered if m in openrpc.methods() and "result" in out]
        # zk-a is a ZK chain: its receipts and transactions carry the ZKsync fields on top of the spec's objects.
        extra = openrpc.ZKSYNC_FIELDS
        problems = [e for method, result in checked for e in openrpc.result_errors(method, result, extensions=extra)]
        assert problems == []
        assert {m for m, _ in checked} >= {
            "eth_chainId", "net_version", "eth_getBalance", "eth_call", "eth_estimateGas", "eth_sendTransaction",
            "eth_getTransactionReceipt", "eth_getTransactionByHash", "eth_getBlockByNumber", "eth_getLogs",
            "eth_blockNumber", "eth_getProof", "eth_feeHistory", "eth_config", "eth_createAccessList",
            "txpool_status", "txpool_content", "txpool_contentFrom",
        }  # fmt: skip


class TestInProcess(RpcConformance):
    @pytest.fixture(autouse=True)
    def _w3(self) -> None:
        devnet = _devnet()
        self.w3 = Web3(ZkProvider(devnet, "zk-a"))

    def request(self, method: str, params: list[Any] | None = None) -> dict[str, Any]:
        out = dict(self.w3.provider.make_request(method, params or []))  # type: ignore[arg-type]
        out.pop("id", None)
        return out


class TestOverHttp(RpcConformance):
    @pytest.fixture(autouse=True)
    def _w3(self):
        served = ServedDevnet(devnet=_devnet())
        self.w3 = Web3(HTTPProvider(served.url("zk-a")))
        yield
        served.close()

    def request(self, method: str, params: list[Any] | None = None) -> dict[str, Any]:
        out = dict(self.w3.provider.make_request(method, params or []))  # type: ignore[arg-type]
        out.pop("id", None)
        return out


def test_in_process_and_http_see_identical_results():
    a, b = TestInProcess(), TestOverHttp()
    a.w3 = Web3(ZkProvider(_devnet(), "zk-a"))
    served = ServedDevnet(devnet=_devnet())
    try:
        b.w3 = Web3(HTTPProvider(served.url("zk-a")))
        assert a.scenario() == b.scenario()
    finally:
        served.close()


def test_the_openrpc_check_rejects_what_strict_clients_reject():
    """The validator itself can fail: wrong quantity encodings and missing receipt fields are reported."""
    assert openrpc.result_errors("eth_chainId", "0x19a5") == []
    assert openrpc.result_errors("eth_chainId", "0x019a5") and openrpc.result_errors("eth_chainId", 6565)
    served = ServedDevnet(devnet=_devnet())
    try:
        w3 = Web3(HTTPProvider(served.url("zk-a")))
        tx = w3.provider.make_request("eth_sendTransaction", [{"from": ALICE, "to": BOB, "value": "0x1"}])["result"]  # type: ignore[arg-type]
        receipt = dict(w3.provider.make_request("eth_getTransactionReceipt", [tx])["result"])  # type: ignore[arg-type]
        block = dict(w3.provider.make_request("eth_getBlockByNumber", ["latest", False])["result"])  # type: ignore[arg-type]
    finally:
        served.close()
    assert "l2ToL1Logs" in receipt and openrpc.result_errors("eth_getTransactionReceipt", receipt)
    assert openrpc.result_errors("eth_getTransactionReceipt", receipt, extensions=openrpc.ZKSYNC_FIELDS) == []
    assert openrpc.result_errors("eth_getBlockByNumber", block) == []
    missing = {k: v for k, v in receipt.items() if k != "effectiveGasPrice"}
    assert openrpc.result_errors("eth_getTransactionReceipt", missing, extensions=openrpc.ZKSYNC_FIELDS)
    assert openrpc.result_errors("eth_getBlockByNumber", {**block, "extraData": "0xABCD"})
    assert openrpc.result_errors("eth_getBlockByNumber", {**block, "gasUsed": "0x05"})
