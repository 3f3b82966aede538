"""`zkdev up` as a subprocess, driven by real clients: foundry's cast, ethers v6, web3.py HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from web3 import Web3
from web3.providers.rpc import HTTPProvider

ROOT = Path(__file__).resolve().parents[2]
CAST = ROOT / "node_modules" / ".bin" / "cast"
ETHERS = ROOT / "node_modules" / "ethers"
KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ALICE = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
BOB = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
EMITTER_INIT = "0x6011600c60003960116000f3602a60006000a1600760005260206000f3"
REVERTER = "0x63deadbeef60e01b60005260046000fd"
MESSENGER = "0x0000000000000000000000000000000000008008"
ROOT_STORAGE = "0x0000000000000000000000000000000000010008"
VERIFIER = "0x0000000000000000000000000000000000010009"


@pytest.fixture(scope="module")
def urls() -> Iterator[dict[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "zkconnect", "up", "--port-base", "0", "--log-dir", ""],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="200"),
        cwd=ROOT,
    )
    assert proc.stdout is not None
    found: dict[str, str] = {}
    lines = []
    for line in proc.stdout:
        lines.append(line)
        m = re.search(r"│ (\S+)\s+│ \d+\s+│.*(http://127\.0\.0\.1:\d+)", line)
        if m:
            found[m.group(1)] = m.group(2)
        if line.startswith("ready."):
            break
    assert len(found) == 4, "".join(lines)
    yield found
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    assert proc.returncode == 0


def cast(*args: str) -> str:
    if not CAST.exists():
        pytest.skip("node_modules/.bin/cast is missing: run `npm ci` first")
    done = subprocess.run([str(CAST), *args], capture_output=True, text=True, timeout=60)
    # The npm wrapper of cast may exit 0 on errors: an error shows as stderr without stdout.
    assert done.returncode == 0 and (done.stdout.strip() or not done.stderr.strip()), done.stderr
    return done.stdout.strip()


@pytest.mark.slow
def test_cast_drives_every_chain(urls):
    assert cast("chain-id", "--rpc-url", urls["zk-a"]) == "6565"
    assert cast("chain-id", "--rpc-url", urls["l1"]) == "31337"
    url = urls["zk-b"]
    assert cast("balance", ALICE, "--rpc-url", url) == str(10_000 * 10**18)
    snap = json.loads(cast("rpc", "evm_snapshot", "--rpc-url", url))
    out = cast("send", "--private-key", KEY, BOB, "--value", "7", "--rpc-url", url, "--json")
    assert json.loads(out)["status"] == "0x1"
    out = cast("send", "--unlocked", "--from", BOB, ALICE, "--value", "1", "--rpc-url", url, "--json")
    assert json.loads(out)["status"] == "0x1"
    created = json.loads(cast("send", "--private-key", KEY, "--rpc-url", url, "--json", "--create", EMITTER_INIT))
    address = created["contractAddress"]
    assert cast("call", address, "--rpc-url", url) == "0x" + "00" * 31 + "07"
    tx = json.loads(cast("send", "--private-key", KEY, address, "--rpc-url", url, "--json"))
    receipt = json.loads(cast("receipt", tx["transactionHash"], "--rpc-url", url, "--json"))
    assert receipt["logs"][0]["address"].lower() == address.lower()
    logs = json.loads(cast("logs", "--from-block", "0", "0x" + "00" * 31 + "2a", "--rpc-url", url, "--json"))
    assert len(logs) == 1
    cast("rpc", "anvil_setCode", "0x" + "33" * 20, REVERTER, "--rpc-url", url)
    failed = subprocess.run(
        [str(CAST), "call", "0x" + "33" * 20, "--rpc-url", url], capture_output=True, text=True, timeout=60
    )
    assert "0xdeadbeef" in failed.stdout + failed.stderr
    assert "true" in cast("rpc", "evm_revert", snap, "--rpc-url", url)
    assert cast("balance", ALICE, "--rpc-url", url) == str(10_000 * 10**18)


@pytest.mark.slow
def test_a_transaction_signed_for_another_chain_is_rejected(urls):
    raw = cast("mktx", "--private-key", KEY, BOB, "--value", "1", "--rpc-url", urls["zk-a"])
    rejected = subprocess.run(
        [str(CAST), "publish", raw, "--rpc-url", urls["zk-b"]], capture_output=True, text=True, timeout=60
    )
    # cast publish prints the server's error (and, in some versions, still exits 0).
    assert "signed for chain 6565" in rejected.stdout + rejected.stderr


@pytest.mark.slow
def test_ethers_v6_accepts_every_response(urls):
    node = shutil.which("node")
    if node is None or not ETHERS.exists():
        pytest.skip("node or node_modules/ethers is missing: run `npm ci` first")
    done = subprocess.run(
        [node, str(Path(__file__).parent / "js" / "ethers_client.mjs"), urls["zk-a"]],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["chainId"] == 6565 and out["status"] == 1 and out["logs"] == 1
    assert out["call"] == "0x" + "00" * 31 + "07" and out["txType"] == 2 and out["hasFee"]
    assert out["filteredLogs"] >= 1 and out["blockTxs"] == 1


@pytest.mark.slow
def test_web3py_http_and_websocket_subscription(urls):
    w3 = Web3(HTTPProvider(urls["gateway"]))
    assert w3.eth.chain_id == 506
    tx = w3.eth.send_transaction({"from": ALICE, "to": BOB, "value": 1})
    assert w3.eth.wait_for_transaction_receipt(tx)["status"] == 1

    from web3 import AsyncWeb3
    from web3.providers.persistent import WebSocketProvider

    async def heads() -> int:
        async with AsyncWeb3(WebSocketProvider(urls["gateway"].replace("http", "ws"))) as aw3:
            sub = await aw3.eth.subscribe("newHeads")
            await aw3.provider.make_request("evm_mine", [])
            async for message in aw3.socket.process_subscriptions():
                assert message["subscription"] == sub
                return int(message["result"]["number"])
        return -1

    number = asyncio.run(asyncio.wait_for(heads(), 20))
    assert number == w3.eth.block_number


@pytest.mark.slow
def test_cast_alone_proves_a_crosschain_message(urls):
    """Send on zk-a, fetch the proof with zks_getL2ToL1LogProof, verify it on zk-b: only cast talks to the devnet."""
    src, dst = urls["zk-a"], urls["zk-b"]
    payload = "0x" + b"hello from cast".hex()
    sent = json.loads(
        cast("send", "--private-key", KEY, MESSENGER, "sendToL1(bytes)", payload, "--rpc-url", src, "--json")
    )
    tx = sent["transactionHash"]
    receipt = json.loads(cast("receipt", tx, "--rpc-url", src, "--json"))
    (log,) = receipt["l2ToL1Logs"]
    assert log["sender"] == MESSENGER and log["key"][-40:] == ALICE[2:].lower()
    # Auto relay: the batch is executed on Gateway and the root imported by the time the send returns.
    finalized = json.loads(cast("rpc", "eth_getBlockByNumber", "finalized", "false", "--rpc-url", src))
    assert int(finalized["number"], 16) >= int(receipt["blockNumber"], 16)
    proof = json.loads(cast("rpc", "zks_getL2ToL1LogProof", tx, "0", "messageRoot", "--rpc-url", src))
    gw_id = cast("chain-id", "--rpc-url", urls["gateway"])
    root = cast(
        "call",
        ROOT_STORAGE,
        "interopRoots(uint256,uint256)(bytes32)",
        gw_id,
        str(proof["gatewayBlockNumber"]),
        "--rpc-url",
        dst,
    )
    assert root == proof["root"]
    signature = "proveL2MessageInclusionShared(uint256,uint256,uint256,(uint16,address,bytes),bytes32[])(bool)"
    sender = "0x" + log["key"][-40:]
    index = int(receipt["l1BatchTxIndex"], 16)

    def verify(message: str, chain_id: str = "6565") -> str:
        args = [str(proof["batchNumber"]), str(proof["id"]), f"({index},{sender},{message})"]
        return cast(
            "call", VERIFIER, signature, chain_id, *args, "[" + ",".join(proof["proof"]) + "]", "--rpc-url", dst
        )

    assert verify(payload) == "true"
    assert verify("0x" + b"forged".hex()) != "true"
    assert verify(payload, chain_id="6566") != "true"
    details = json.loads(cast("rpc", "zks_getTransactionDetails", tx, "--rpc-url", src))
    batch = json.loads(cast("rpc", "zks_getL1BatchDetails", str(proof["batchNumber"]), "--rpc-url", src))
    assert details["status"] == "verified" and details["ethExecuteTxHash"] == batch["executeTxHash"]
    gw_receipt = json.loads(cast("receipt", batch["executeTxHash"], "--rpc-url", urls["gateway"], "--json"))
    assert int(gw_receipt["blockNumber"], 16) == proof["gatewayBlockNumber"]
