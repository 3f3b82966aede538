"""SDK compatibility over JSON-RPC only, against `zkdev up` as a subprocess (sdk-compat.md).

- cast alone deposits an L1 ERC-20 to zk-a and sends it to zk-b as an interop bundle;
- zksync-ethers 6.21.1's ``InteropClient`` verifies a message sent with plain ethers;
- zksync-js 0.0.19's interop call sequence (quote, create, status, wait, finalize) is replayed call by call
  (the package itself is not on the registry CI can reach), each answer checked for the shape the SDK parses.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import decode, encode
from eth_account import Account
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

ROOT = Path(__file__).resolve().parents[2]
CAST = ROOT / "node_modules" / ".bin" / "cast"
ZKSYNC_ETHERS = ROOT / "node_modules" / "zksync-ethers"
KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ALICE = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
BOB = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
L2_ASSET_ROUTER = "0x0000000000000000000000000000000000010003"
L2_NTV = "0x0000000000000000000000000000000000010004"
ROOT_STORAGE = "0x0000000000000000000000000000000000010008"
INTEROP_CENTER = "0x000000000000000000000000000000000001000d"
INTEROP_HANDLER = "0x000000000000000000000000000000000001000e"
MESSENGER = "0x0000000000000000000000000000000000008008"
L2_ASSET_TRACKER = "0x000000000000000000000000000000000001000f"
GW_ASSET_TRACKER = "0x0000000000000000000000000000000000010010"
ZERO = "0x" + "00" * 20


@pytest.fixture(scope="module")
def zkdev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`zkdev up` on free ports; its ``--config-out`` description (chains, URLs, addresses, fee)."""
    out = tmp_path_factory.mktemp("zkdev") / "config.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "zkconnect", "up", "--port-base", "0", "--log-dir", "", "--config-out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="200"),
        cwd=ROOT,
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("ready."):
            break
    assert out.exists(), "".join(lines)
    config = json.loads(out.read_text())
    config["urls"] = {c["name"]: c["rpcUrl"] for c in config["chains"]}
    config["ids"] = {c["name"]: c["chainId"] for c in config["chains"]}
    yield config
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    assert proc.returncode == 0


def cast(*args: str) -> str:
    if not CAST.exists():
        pytest.skip("node_modules/.bin/cast is missing: run `npm install --no-save @foundry-rs/cast@1.7.1` (.ci/run)")
    done = subprocess.run([str(CAST), *args], capture_output=True, text=True, timeout=60)
    # The npm wrapper of cast may exit 0 on errors: an error shows as stderr without stdout.
    assert done.returncode == 0 and (done.stdout.strip() or not done.stderr.strip()), done.stderr
    return done.stdout.strip()


def cast_fails(*args: str) -> str:
    """Run cast expecting an error; returns what it printed."""
    done = subprocess.run([str(CAST), *args], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 or not done.stdout.strip(), done.stdout
    return done.stdout + done.stderr


def number(out: str) -> int:
    """cast prints ``5000000000000000000 [5e18]`` for big numbers."""
    return int(out.split()[0])


def send(url: str, *args: str, value: str = "0") -> dict[str, Any]:
    receipt = json.loads(cast("send", "--private-key", KEY, "--rpc-url", url, "--json", "--value", value, *args))
    assert receipt["status"] == "0x1", receipt
    return receipt


# ---------------------------------------------------------------------------------------- cast alone


def token_bundle_args(asset: str, amount: int, receiver: str, destination: int) -> list[str]:
    """cast arguments of InteropCenter.sendBundle with one starter to the L2AssetRouter (ERC-7930 address without a
    chain), payload 0x01 ‖ abi.encode(assetId, abi.encode(amount, receiver, 0)), attribute indirectCall(0)."""
    burn = cast("abi-encode", "f(uint256,address,address)", str(amount), receiver, ZERO)
    payload = cast("concat-hex", "0x01", cast("abi-encode", "f(bytes32,bytes)", asset, burn))
    attribute = cast("calldata", "indirectCall(uint256)", "0")
    router_7930 = "0x00010000" + "00" + "14" + L2_ASSET_ROUTER[2:]
    chain_7930 = f"{(destination.bit_length() + 7) // 8:02x}" + f"{destination:x}".rjust(4, "0")
    return [
        INTEROP_CENTER,
        "sendBundle(bytes,(bytes,bytes,bytes[])[],bytes[])",
        "0x00010000" + chain_7930 + "00",
        f"[({router_7930},{payload},[{attribute}])]",
        "[]",
    ]


@pytest.mark.slow
def test_cast_alone_moves_an_erc20_from_l1_through_zk_a_to_zk_b(zkdev):
    """Deposit an L1 ERC-20 to zk-a (Bridgehub.requestL2TransactionTwoBridges), then send part of it to zk-b as an
    interop bundle whose indirectCall goes to the L2AssetRouter: every step is a cast command over JSON-RPC."""
    l1, src, dst = zkdev["urls"]["l1"], zkdev["urls"]["zk-a"], zkdev["urls"]["zk-b"]
    src_id, dst_id = zkdev["ids"]["zk-a"], zkdev["ids"]["zk-b"]
    # Discovery as an SDK does it: the Bridgehub from the L2, the rest from L1 views.
    bridgehub = json.loads(cast("rpc", "zks_getBridgehubContract", "--rpc-url", src))
    router = cast("call", bridgehub, "assetRouter()(address)", "--rpc-url", l1)
    vault = cast("call", router, "nativeTokenVault()(address)", "--rpc-url", l1)
    assert vault.lower() == zkdev["systemContracts"]["l1"]["nativeTokenVault"]

    bytecode = json.loads((ROOT / "zkconnect" / "artifacts" / "TestERC20.json").read_text())["bytecode"]
    created = send(l1, "--create", bytecode, "constructor(string,string,uint8)", "Cast Token", "CST", "18")
    token = created["contractAddress"]
    send(l1, token, "mint(address,uint256)", ALICE, str(10**21))
    send(l1, vault, "ensureTokenIsRegistered(address)", token)
    asset = cast("call", vault, "assetId(address)(bytes32)", token, "--rpc-url", l1)
    assert asset != "0x" + "00" * 32

    deposit = 5 * 10**18
    send(l1, token, "approve(address,uint256)", vault, str(deposit))
    gas_limit, per_pubdata = "1000000", "800"
    gas_price = cast("gas-price", "--rpc-url", l1)
    base_cost = number(
        cast(
            "call",
            bridgehub,
            "l2TransactionBaseCost(uint256,uint256,uint256,uint256)(uint256)",
            str(src_id),
            gas_price,
            gas_limit,
            per_pubdata,
            "--rpc-url",
            l1,
        )
    )
    transfer_data = cast("abi-encode", "f(uint256,address,address)", str(deposit), ALICE, token)
    second = cast("concat-hex", "0x01", cast("abi-encode", "f(bytes32,bytes)", asset, transfer_data))
    request = f"({src_id},{base_cost},0,{gas_limit},{per_pubdata},{ALICE},{router},0,{second})"
    two_bridges = (
        "requestL2TransactionTwoBridges((uint256,uint256,uint256,uint256,uint256,address,address,uint256,bytes))"
    )
    # The Bridgehub wants msg.value == mintValue exactly (ETH-based chain): cast shows the custom error's bytes.
    short = cast_fails(
        "send", "--private-key", KEY, "--rpc-url", l1, "--value", str(base_cost - 1), bridgehub, two_bridges, request
    )
    assert keccak(b"MsgValueMismatch(uint256,uint256)")[:4].hex() in short
    send(l1, bridgehub, two_bridges, request, value=str(base_cost))
    assert number(cast("call", token, "balanceOf(address)(uint256)", ALICE, "--rpc-url", l1)) == 10**21 - deposit
    assert number(cast("call", token, "balanceOf(address)(uint256)", vault, "--rpc-url", l1)) == deposit

    # Auto relay: the deposit ran on zk-a; the vault there knows the asset and its bridged token.
    l2_token = cast("call", L2_NTV, "tokenAddress(bytes32)(address)", asset, "--rpc-url", src)
    assert l2_token != ZERO
    assert number(cast("call", l2_token, "balanceOf(address)(uint256)", ALICE, "--rpc-url", src)) == deposit
    assert cast("call", l2_token, "symbol()(string)", "--rpc-url", src) == '"CST"'
    # Registration is idempotent for a bridged token (zksync-js sends it before every token bundle).
    send(src, L2_NTV, "ensureTokenIsRegistered(address)", l2_token)
    assert cast("call", L2_NTV, "assetId(address)(bytes32)", l2_token, "--rpc-url", src) == asset

    # The bundle: one starter to the L2AssetRouter (ERC-7930 address without a chain), payload
    # 0x01 ‖ abi.encode(assetId, abi.encode(amount, receiver, 0)), attribute indirectCall(0); the fee as value.
    fee = number(cast("call", INTEROP_CENTER, "interopProtocolFee()(uint256)", "--rpc-url", src))
    assert fee == zkdev["interopFeeWei"]
    amount = 2 * 10**18

    def bundle_args(value: int) -> list[str]:
        return token_bundle_args(asset, value, BOB, dst_id)

    # More than Alice holds: the vault's burn reverts and nothing is sent.
    refused = cast_fails("send", "--private-key", KEY, "--rpc-url", src, "--value", str(fee), *bundle_args(deposit + 1))
    assert "revert" in refused.lower()
    sent = send(src, *bundle_args(amount), value=str(fee))
    bundle_sent = (
        "0x"
        + keccak(
            b"InteropBundleSent(bytes32,bytes32,(bytes1,uint256,uint256,bytes32,bytes32,"
            b"(bytes1,bool,address,address,uint256,bytes)[],(bytes,bytes,bool)))"
        ).hex()
    )
    assert any(log["topics"][0] == bundle_sent for log in sent["logs"])

    bridged = cast("call", L2_NTV, "tokenAddress(bytes32)(address)", asset, "--rpc-url", dst)
    assert bridged != ZERO and cast("code", bridged, "--rpc-url", dst) != "0x"
    assert number(cast("call", bridged, "balanceOf(address)(uint256)", BOB, "--rpc-url", dst)) == amount
    assert number(cast("call", bridged, "totalSupply()(uint256)", "--rpc-url", dst)) == amount
    assert cast("call", bridged, "name()(string)", "--rpc-url", dst) == '"Cast Token"'
    assert number(cast("call", l2_token, "balanceOf(address)(uint256)", ALICE, "--rpc-url", src)) == deposit - amount
    assert number(cast("call", l2_token, "totalSupply()(uint256)", "--rpc-url", src)) == deposit - amount


@pytest.mark.slow
def test_cast_alone_migrates_a_chain_native_token_to_gateway_then_sends_it(zkdev):
    """The v31 token balance migration as a user runs it against a ZKsync node, with cast over JSON-RPC only:
    initiateL1ToGatewayMigrationOnL2 on the chain, its proof from zks_getL2ToL1LogProof, then
    L1AssetTracker.receiveL1ToGatewayMigrationOnL1 on L1, whose service transactions confirm it on Gateway and on
    the chain; the token refuses to leave before and leaves after."""
    l1, src, dst = zkdev["urls"]["l1"], zkdev["urls"]["zk-a"], zkdev["urls"]["zk-b"]
    src_id, dst_id = zkdev["ids"]["zk-a"], zkdev["ids"]["zk-b"]
    tracker_l1 = zkdev["systemContracts"]["l1"]["assetTracker"]
    fee = number(cast("call", INTEROP_CENTER, "interopProtocolFee()(uint256)", "--rpc-url", src))

    bytecode = json.loads((ROOT / "zkconnect" / "artifacts" / "TestERC20.json").read_text())["bytecode"]
    token = send(src, "--create", bytecode, "constructor(string,string,uint8)", "Native A", "NTA", "18")[
        "contractAddress"
    ]
    send(src, token, "mint(address,uint256)", ALICE, str(10**21))
    send(src, L2_NTV, "registerToken(address)", token)
    asset = cast("call", L2_NTV, "assetId(address)(bytes32)", token, "--rpc-url", src)
    expected = "0x" + keccak(encode(["uint256", "address", "address"], [src_id, L2_NTV, token])).hex()
    assert asset == expected
    send(src, token, "approve(address,uint256)", L2_NTV, str(10**20))
    migrated = ["call", L2_ASSET_TRACKER, "tokenMigrated(uint256,bytes32)(bool)", str(src_id), asset, "--rpc-url"]
    assert cast(*migrated, src) == "false"
    refused = cast_fails(
        "send", "--private-key", KEY, "--rpc-url", src, "--value", str(fee), *token_bundle_args(asset, 10, BOB, dst_id)
    )
    assert keccak(b"TokenBalanceNotMigratedToGateway(bytes32,uint256,uint256)")[:4].hex() in refused

    initiated = send(src, L2_ASSET_TRACKER, "initiateL1ToGatewayMigrationOnL2(bytes32)", asset)
    sent_topic = "0x" + keccak(b"L1MessageSent(address,bytes32,bytes)").hex()
    [log] = [x for x in initiated["logs"] if x["topics"][0] == sent_topic]
    (message,) = decode(["bytes"], bytes.fromhex(log["data"][2:]))
    proof = None
    for _ in range(100):  # auto relay settles the batch on Gateway and Gateway's on L1
        proof = json.loads(cast("rpc", "zks_getL2ToL1LogProof", initiated["transactionHash"], "0", "--rpc-url", src))
        if proof is not None:
            break
        time.sleep(0.1)
    assert proof is not None, "the migration message never became provable on L1"
    params = (
        f"({src_id},{proof['batchNumber']},{proof['id']},{L2_ASSET_TRACKER},"
        f"{int(initiated['transactionIndex'], 16)},0x{message.hex()},[{','.join(proof['proof'])}])"
    )
    receive = "receiveL1ToGatewayMigrationOnL1((uint256,uint256,uint256,address,uint16,bytes,bytes32[]))"
    received = send(l1, tracker_l1, receive, params)
    processed = "0x" + keccak(b"L1ToGatewayMigrationProcessed(uint256,bytes32,uint256,uint256,uint256)").hex()
    assert any(x["topics"][0] == processed for x in received["logs"])
    # the same proof again: the migration number moved on, L1 refuses the replay
    assert "revert" in cast_fails("send", "--private-key", KEY, "--rpc-url", l1, tracker_l1, receive, params).lower()

    for _ in range(100):  # the two service transactions run through the priority queue (auto relay)
        if cast(*migrated, src) == "true":
            break
        time.sleep(0.1)
    assert cast(*migrated, src) == "true"
    send(src, *token_bundle_args(asset, 7 * 10**18, BOB, dst_id), value=str(fee))
    bridged = cast("call", L2_NTV, "tokenAddress(bytes32)(address)", asset, "--rpc-url", dst)
    assert number(cast("call", bridged, "balanceOf(address)(uint256)", BOB, "--rpc-url", dst)) == 7 * 10**18
    gw = zkdev["urls"]["gateway"]
    balance = "chainBalance(uint256,bytes32)(uint256)"
    assert number(cast("call", GW_ASSET_TRACKER, balance, str(dst_id), asset, "--rpc-url", gw)) == 7 * 10**18


# ---------------------------------------------------------------------------------------- zksync-ethers


@pytest.mark.slow
def test_zksync_ethers_interop_client_verifies_a_message_sent_with_plain_ethers(zkdev):
    """getMessageStatus, getVerificationArgs and verifyMessage of zksync-ethers 6.21.1, unchanged."""
    node = shutil.which("node")
    if node is None or not ZKSYNC_ETHERS.exists():
        pytest.skip("node or node_modules/zksync-ethers is missing: run `npm ci` first")
    urls = zkdev["urls"]
    done = subprocess.run(
        [
            node,
            str(Path(__file__).parent / "js" / "zksync_ethers_interop.mjs"),
            urls["zk-a"],
            urls["zk-b"],
            urls["gateway"],
            str(zkdev["ids"]["gateway"]),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["sendStatus"] == 1 and out["txType"] == 2
    assert out["phase"] == "EXECUTED"
    args = out["args"]
    assert args["srcChainId"] == zkdev["ids"]["zk-a"]
    assert args["msgData"]["sender"] == ALICE and args["msgData"]["data"] == out["payload"]
    assert args["msgData"]["txNumberInBatch"] == args["l1BatchTxIndex"]
    assert len(args["gatewayProof"]) > 1 and re.fullmatch(r"0x[0-9a-f]{64}", args["interopRoot"])
    assert int(args["gwBlock"]) > 0
    verified = out["verified"]
    assert verified["verified"] is True and verified["interopRoot"] == args["interopRoot"]
    assert verified["source"]["messageHash"] == "0x" + keccak(bytes.fromhex(out["payload"][2:])).hex()
    assert out["forgedAccepted"] is False
    assert out["unknownPhase"]["phase"] == "UNKNOWN"
    # While the relay is paused the batch is not executed: the SDK sees QUEUED and refuses to build arguments.
    assert out["pausedPhase"] == "QUEUED" and "Not ready for verification" in out["pausedError"]
    assert out["resumedPhase"] == "EXECUTED" and out["resumedVerified"] is True


# ---------------------------------------------------------------------------------------- zksync-js replay

_BUNDLE_TYPE = (
    "(bytes1,uint256,uint256,bytes32,bytes32,(bytes1,bool,address,address,uint256,bytes)[],(bytes,bytes,bool))"
)
_BUNDLE_SENT = keccak(text=f"InteropBundleSent(bytes32,bytes32,{_BUNDLE_TYPE})")
_L1_MESSAGE_SENT = keccak(text="L1MessageSent(address,bytes32,bytes)")
_BUNDLE_EXECUTED = keccak(text="BundleExecuted(bytes32)")
_BUNDLE_VERIFIED = keccak(text="BundleVerified(bytes32)")
_BUNDLE_UNBUNDLED = keccak(text="BundleUnbundled(bytes32)")
_STARTER = "(bytes,bytes,bytes[])"
_PROOF = "(uint256,uint256,uint256,(uint16,address,bytes),bytes32[])"
_HASH = re.compile(r"0x[0-9a-f]{64}")
_QUANTITY = re.compile(r"0x(0|[1-9a-f][0-9a-f]*)")


class RpcFailure(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error)
        self.error = error


class Replay:
    """A JSON-RPC client that records every call as (chain role, method), as the SDK's transport would see them."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.urls = urls
        self.calls: list[tuple[str, str]] = []

    def __call__(self, chain: str, method: str, *params: Any) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": len(self.calls) + 1, "method": method, "params": list(params)})
        request = urllib.request.Request(self.urls[chain], body.encode(), {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            out = json.loads(response.read())
        self.calls.append((chain, method))
        assert out["jsonrpc"] == "2.0" and out["id"] == len(self.calls)
        if "error" in out:
            raise RpcFailure(out["error"])
        return out["result"]

    def take(self) -> list[tuple[str, str]]:
        calls, self.calls = self.calls, []
        return calls

    def view(self, chain: str, to: str, signature: str, args: tuple[Any, ...] = (), out: str = "") -> Any:
        types = "(" + signature.split("(", 1)[1]
        data = keccak(text=signature)[:4] + (encode([types], [args]) if args else b"")
        raw = self(chain, "eth_call", {"from": ALICE, "to": to, "data": "0x" + data.hex()}, "latest")
        assert re.fullmatch(r"0x([0-9a-f]{2})*", raw), raw
        return decode([out], bytes.fromhex(raw[2:]))[0] if out else raw

    def fee_data(self, chain: str) -> tuple[int, int]:
        block = self(chain, "eth_getBlockByNumber", "latest", False)
        assert _QUANTITY.fullmatch(block["baseFeePerGas"])
        assert _QUANTITY.fullmatch(self(chain, "eth_gasPrice"))
        tip = int(self(chain, "eth_maxPriorityFeePerGas"), 16)
        return 2 * int(block["baseFeePerGas"], 16) + tip, tip

    def send(self, chain: str, chain_id: int, to: str, data: bytes, value: int = 0, key: str = KEY) -> dict[str, Any]:
        """ethers v6 plumbing for one type-2 transaction; returns the receipt (status must be 1)."""
        sender = Account.from_key(key).address
        nonce = int(self(chain, "eth_getTransactionCount", sender, "pending"), 16)
        call = {"from": sender, "to": to, "data": "0x" + data.hex(), "value": hex(value)}
        gas = int(self(chain, "eth_estimateGas", call), 16) * 115 // 100
        max_fee, tip = self.fee_data(chain)
        self(chain, "eth_blockNumber")
        tx = {
            "type": 2,
            "chainId": chain_id,
            "nonce": nonce,
            "to": to_checksum_address(to) if to else None,
            "value": value,
            "data": data,
            "gas": gas,
            "maxFeePerGas": max_fee,
            "maxPriorityFeePerGas": tip,
        }
        raw = bytes(Account.sign_transaction(tx, key).raw_transaction)
        tx_hash = self(chain, "eth_sendRawTransaction", "0x" + raw.hex())
        assert tx_hash == "0x" + keccak(raw).hex()  # ethers checks the node's hash against its own
        receipt = None
        for _ in range(100):
            receipt = self(chain, "eth_getTransactionReceipt", tx_hash)
            if receipt is not None:
                break
            time.sleep(0.1)
        assert receipt is not None and receipt["status"] == "0x1", receipt
        return receipt


def _erc7930(chain_id: int | None = None, address: str | None = None) -> bytes:
    reference = b"" if chain_id is None else chain_id.to_bytes(max(1, (chain_id.bit_length() + 7) // 8), "big")
    addr = b"" if address is None else bytes.fromhex(address[2:])
    return b"\x00\x01\x00\x00" + bytes([len(reference)]) + reference + bytes([len(addr)]) + addr


def _poll(what: str, probe: Any) -> Any:
    """Poll like the SDK (a bounded number of rounds, so a devnet that never gets there fails the test)."""
    for _ in range(200):
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what} never happened")


def _status(rpc: Replay, bundle_hash: str) -> str:
    """zksync-js status(): DST eth_blockNumber, then eth_getLogs {0x1000e, [null, bundleHash]} over 10 000 blocks."""
    head = int(rpc("DST", "eth_blockNumber"), 16)
    logs = rpc(
        "DST",
        "eth_getLogs",
        {
            "address": INTEROP_HANDLER,
            "topics": [None, bundle_hash],
            "fromBlock": hex(max(0, head - 9_999)),
            "toBlock": hex(head),
        },
    )
    assert isinstance(logs, list)
    topics = {bytes.fromhex(log["topics"][0][2:]) for log in logs}
    assert all(log["topics"][1] == bundle_hash and log["removed"] is False for log in logs)
    for event, phase in (
        (_BUNDLE_UNBUNDLED, "UNBUNDLED"),
        (_BUNDLE_EXECUTED, "EXECUTED"),
        (_BUNDLE_VERIFIED, "VERIFIED"),
    ):
        if event in topics:
            return phase
    return "SENT"


@pytest.mark.slow
def test_zksync_js_interop_call_sequence_replayed(zkdev):
    """quote -> create -> status -> wait -> finalize of a direct-route `call` action, call by call as zksync-js 0.0.19
    makes them (sdk-compat.md §2.1-2.5, §6). The bundle names its sender as executionAddress, so the devnet's relayer
    settles it and imports the root but leaves finalize to the replay."""
    urls = zkdev["urls"]
    rpc = Replay({"L1": urls["l1"], "GW": urls["gateway"], "SRC": urls["zk-a"], "DST": urls["zk-b"]})
    src_id, dst_id, gw_id = zkdev["ids"]["zk-a"], zkdev["ids"]["zk-b"], zkdev["ids"]["gateway"]
    # Setup (not part of the SDK flow): the call target on DST, an ERC-7786 recipient.
    code = json.loads((ROOT / "zkconnect" / "artifacts" / "RecordingRecipient.json").read_text())["bytecode"]
    deployed = rpc.send("DST", dst_id, None, bytes.fromhex(code[2:]))  # type: ignore[arg-type]
    target = deployed["contractAddress"]
    rpc.take()

    def context() -> str:
        """§2.1 step 4, on every quote and create: CTMs, protocol version (minor >= 31), base tokens -> route."""
        tokens = []
        for chain_id in (src_id, dst_id):
            ctm = rpc.view("L1", bridgehub, "chainTypeManager(uint256)", (chain_id,), "address")
            assert int(ctm, 16) != 0
            _, minor, _ = rpc.view("L1", ctm, "getSemverProtocolVersion()", (), "(uint32,uint32,uint32)")
            assert minor >= 31
        for chain_id in (src_id, dst_id):
            tokens.append(rpc.view("L1", bridgehub, "baseToken(uint256)", (chain_id,), "address"))
        return "direct" if tokens[0] == tokens[1] else "indirect"

    # ---- quote
    assert int(rpc("SRC", "eth_chainId"), 16) == src_id and int(rpc("DST", "eth_chainId"), 16) == dst_id
    bridgehub = rpc("SRC", "zks_getBridgehubContract")
    assert re.fullmatch(r"0x[0-9a-fA-F]{40}", bridgehub)
    router = rpc.view("L1", bridgehub, "assetRouter()", (), "address")
    nullifier = rpc.view("L1", router, "L1_NULLIFIER()", (), "address")
    l1_vault = rpc.view("L1", nullifier, "l1NativeTokenVault()", (), "address")
    l1 = zkdev["systemContracts"]["l1"]
    assert (router, nullifier, l1_vault) == (l1["assetRouter"], l1["nullifier"], l1["nativeTokenVault"])
    assert context() == "direct"
    assert rpc("DST", "eth_getCode", target, "latest") not in ("0x", None)
    fee = rpc.view("SRC", INTEROP_CENTER, "interopProtocolFee()", (), "uint256")
    assert fee > 0  # the zksync-js e2e suite asserts a non-zero protocol fee
    payload = b"replayed zksync-js call"
    starter = (_erc7930(address=target), payload, [])
    attributes = [keccak(text="executionAddress(bytes)")[:4] + encode(["bytes"], [_erc7930(dst_id, ALICE)])]
    send_bundle = keccak(text=f"sendBundle(bytes,{_STARTER}[],bytes[])")[:4]
    assert send_bundle.hex() == "5ef7e104"
    calldata = send_bundle + encode(["bytes", f"{_STARTER}[]", "bytes[]"], [_erc7930(dst_id), [starter], attributes])
    rpc.fee_data("SRC")
    estimate = rpc(
        "SRC",
        "eth_estimateGas",
        {"from": ALICE, "to": INTEROP_CENTER, "data": "0x" + calldata.hex(), "value": hex(fee)},
    )
    assert _QUANTITY.fullmatch(estimate)
    view = [("L1", "eth_call")] * 6
    assert rpc.take() == [
        ("SRC", "eth_chainId"), ("DST", "eth_chainId"), ("SRC", "zks_getBridgehubContract"), *[("L1", "eth_call")] * 3,
        *view, ("DST", "eth_getCode"), ("SRC", "eth_call"), ("SRC", "eth_getBlockByNumber"), ("SRC", "eth_gasPrice"),
        ("SRC", "eth_maxPriorityFeePerGas"), ("SRC", "eth_estimateGas"),
    ]  # fmt: skip

    # ---- create
    assert context() == "direct"
    receipt = rpc.send("SRC", src_id, INTEROP_CENTER, calldata, value=fee)
    plumbing = [
        "eth_getTransactionCount", "eth_estimateGas", "eth_getBlockByNumber", "eth_gasPrice",
        "eth_maxPriorityFeePerGas", "eth_blockNumber", "eth_sendRawTransaction", "eth_getTransactionReceipt",
    ]  # fmt: skip
    assert rpc.take() == [*view, *[("SRC", m) for m in plumbing]]
    tx_hash = receipt["transactionHash"]

    # ---- status: the InteropBundleSent of 0x1000d (nothing indexed) gives the bundle hash and destination
    (sent,) = [
        log for log in receipt["logs"]
        if log["address"].lower() == INTEROP_CENTER and bytes.fromhex(log["topics"][0][2:]) == _BUNDLE_SENT
    ]  # fmt: skip
    assert len(sent["topics"]) == 1
    _, bundle_hash_raw, bundle = decode(["bytes32", "bytes32", _BUNDLE_TYPE], bytes.fromhex(sent["data"][2:]))
    bundle_hash = "0x" + bundle_hash_raw.hex()
    assert bundle[1] == src_id and bundle[2] == dst_id
    assert _status(rpc, bundle_hash) == "SENT"
    assert rpc.take() == [("DST", "eth_blockNumber"), ("DST", "eth_getLogs")]

    # ---- wait
    again = rpc("SRC", "eth_getTransactionReceipt", tx_hash)
    assert isinstance(again["l2ToL1Logs"], list)
    index, message = -1, b""
    for log in again["logs"]:
        assert _QUANTITY.fullmatch(log["logIndex"]) and _QUANTITY.fullmatch(log["transactionIndex"])
        topic = bytes.fromhex(log["topics"][0][2:])
        if log["address"].lower() == MESSENGER and topic == _L1_MESSAGE_SENT:
            index += 1
            (message,) = decode(["bytes"], bytes.fromhex(log["data"][2:]))
        elif log["address"].lower() == INTEROP_CENTER and topic == _BUNDLE_SENT:
            break
    assert index == 0 and message[:1] == b"\x01"
    encoded_bundle = message[1:]
    assert keccak(encode(["uint256", "bytes"], [src_id, encoded_bundle])) == bundle_hash_raw
    block_number = int(again["blockNumber"], 16)

    def finalized() -> bool:
        head = rpc("SRC", "eth_getBlockByNumber", "finalized", False)
        return head is not None and int(head["number"], 16) >= block_number

    _poll("finalized >= the bundle's block", finalized)
    proof = _poll("the messageRoot proof", lambda: rpc("SRC", "zks_getL2ToL1LogProof", tx_hash, index, "messageRoot"))
    assert isinstance(proof["id"], int) and isinstance(proof["batchNumber"], int)
    assert isinstance(proof["gatewayBlockNumber"], int) and _HASH.fullmatch(proof["root"])
    assert proof["proof"] and all(_HASH.fullmatch(node) for node in proof["proof"])
    assert int(rpc("GW", "eth_chainId"), 16) == gw_id
    root_call = ("interopRoots(uint256,uint256)", (gw_id, proof["gatewayBlockNumber"]), "bytes32")

    def imported() -> bytes | None:
        found = rpc.view("DST", ROOT_STORAGE, *root_call)
        return found if any(found) else None

    root = _poll("the interop root on DST", imported)
    assert "0x" + root.hex() == proof["root"]
    calls = rpc.take()
    assert calls[0] == ("SRC", "eth_getTransactionReceipt") and calls[-1] == ("DST", "eth_call")
    assert calls[calls.index(("DST", "eth_call")) - 1] == ("GW", "eth_chainId")
    assert [c for c in calls if c[0] == "GW"] == [("GW", "eth_chainId")]  # the only Gateway call zksync-js makes
    # txNumberInBatch comes from the receipt's transactionIndex (zksync-js), the sender is always 0x1000d.
    inclusion = (
        src_id,
        proof["batchNumber"],
        proof["id"],
        (int(again["transactionIndex"], 16), INTEROP_CENTER, message),
        [bytes.fromhex(node[2:]) for node in proof["proof"]],
    )
    execute = keccak(text=f"executeBundle(bytes,{_PROOF})")[:4]
    assert execute.hex() == "2949e7b7"

    # ---- finalize: refuse an executed bundle, then executeBundle from the execution address
    def execute_call(proof_tuple: tuple[Any, ...], sender: str = ALICE) -> dict[str, Any]:
        data = execute + encode(["bytes", _PROOF], [encoded_bundle, proof_tuple])
        return {"from": sender, "to": INTEROP_HANDLER, "data": "0x" + data.hex()}

    forged = (*inclusion[:2], inclusion[2] + 1, *inclusion[3:])
    with pytest.raises(RpcFailure) as wrong_proof:
        rpc("DST", "eth_estimateGas", execute_call(forged))
    assert wrong_proof.value.error["code"] == 3 and wrong_proof.value.error["data"].startswith("0x")
    with pytest.raises(RpcFailure) as stranger:
        rpc("DST", "eth_estimateGas", execute_call(inclusion, BOB))
    assert stranger.value.error["data"][:10] == "0x" + keccak(text="ExecutingNotAllowed(bytes32,bytes,bytes)")[:4].hex()
    rpc.take()
    assert _status(rpc, bundle_hash) == "SENT"
    done = rpc.send("DST", dst_id, INTEROP_HANDLER, bytes.fromhex(execute_call(inclusion)["data"][2:]))
    assert rpc.take() == [("DST", "eth_blockNumber"), ("DST", "eth_getLogs"), *[("DST", m) for m in plumbing]]
    assert any(
        bytes.fromhex(log["topics"][0][2:]) == _BUNDLE_EXECUTED and log["topics"][1] == bundle_hash
        for log in done["logs"]
    )
    assert _status(rpc, bundle_hash) == "EXECUTED"
    assert rpc.view("DST", target, "count()", (), "uint256") == 1
    _, sender_7930, got, value, caller = rpc.view(
        "DST", target, "received(uint256)", (0,), "(bytes32,bytes,bytes,uint256,address)"
    )
    assert got == payload and value == 0 and caller == INTEROP_HANDLER
    assert sender_7930 == _erc7930(src_id, ALICE)
    # A second finalize: status says EXECUTED; executing anyway reverts with BundleAlreadyProcessed.
    with pytest.raises(RpcFailure) as twice:
        rpc("DST", "eth_estimateGas", execute_call(inclusion))
    assert twice.value.error["data"][:10] == "0x" + keccak(text="BundleAlreadyProcessed(bytes32)")[:4].hex()
    # Proof of a transaction the chain never saw: null (keep polling), never an error.
    assert rpc("SRC", "zks_getL2ToL1LogProof", "0x" + "ab" * 32, 0, "messageRoot") is None
