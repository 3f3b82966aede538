"""zks_* methods, ZKsync receipt fields and finality tags, in-process and over HTTP.

The central case follows the official scripts: a message sent through the L1Messenger on zk-a is
proven with ``zks_getL2ToL1LogProof`` and verified on zk-b by L2MessageVerification, using only
what the RPC returned.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

from zkconnect import Devnet
from zkconnect.config import load_config
from zkconnect.rpc.provider import dispatcher_for

from .conftest import ServedDevnet

MESSENGER = "0x0000000000000000000000000000000000008008"
VERIFIER = "0x0000000000000000000000000000000000010009"
ROOT_STORAGE = "0x0000000000000000000000000000000000010008"
ALICE = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
SEND_TO_L1 = keccak(b"sendToL1(bytes)")[:4]
PROVE = keccak(b"proveL2MessageInclusionShared(uint256,uint256,uint256,(uint16,address,bytes),bytes32[])")[:4]
INTEROP_ROOTS = keccak(b"interopRoots(uint256,uint256)")[:4]
PAYLOAD = b"hello from zk-a"


class Rpc:
    """JSON-RPC over the in-process bytes path (same as HTTP minus the socket) or over HTTP."""

    def __init__(self, devnet: Devnet, served: ServedDevnet | None = None) -> None:
        self.devnet = devnet
        self.served = served

    def raw(self, chain: str, method: str, params: list[Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": method, "params": params or []}).encode()
        if self.served is None:
            out: dict[str, Any] = json.loads(dispatcher_for(self.devnet, chain).handle_bytes(body))
            return out
        request = urllib.request.Request(
            self.served.url(chain), data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer

    def __call__(self, chain: str, method: str, *params: Any) -> Any:
        answer = self.raw(chain, method, list(params))
        assert "error" not in answer, answer
        return answer["result"]

    def error(self, chain: str, method: str, *params: Any) -> dict[str, Any]:
        answer = self.raw(chain, method, list(params))
        assert "error" in answer, answer
        error: dict[str, Any] = answer["error"]
        return error

    def send_message(self, chain: str, payload: bytes = PAYLOAD) -> str:
        data = "0x" + (SEND_TO_L1 + encode(["bytes"], [payload])).hex()
        tx_hash: str = self(chain, "eth_sendTransaction", {"from": ALICE, "to": MESSENGER, "data": data})
        return tx_hash


@pytest.fixture
def rpc() -> Rpc:
    devnet = Devnet(load_config(overrides={"relay": "manual"}))
    return Rpc(devnet)


@pytest.fixture
def http_rpc():
    served = ServedDevnet(devnet=Devnet(load_config(overrides={"port_base": 0, "relay": "manual"})))
    try:
        yield Rpc(served.devnet, served)
    finally:
        served.close()


def _prove_calldata(chain_id: int, proof: dict[str, Any], tx_number: int, sender: str, payload: bytes) -> str:
    args = encode(
        ["uint256", "uint256", "uint256", "(uint16,address,bytes)", "bytes32[]"],
        [
            chain_id,
            proof["batchNumber"],
            proof["id"],
            (tx_number, sender, payload),
            [bytes.fromhex(p[2:]) for p in proof["proof"]],
        ],
    )
    return "0x" + (PROVE + args).hex()


# ---------------------------------------------------------------------------- static methods


def test_zks_methods_exist_on_zk_chains_and_gateway_but_not_on_l1(rpc):
    bridgehub = "0x" + rpc.devnet.contracts.l1.bridgehub.hex()
    for chain in ("zk-a", "zk-b", "gateway"):
        assert rpc(chain, "zks_L1ChainId") == hex(31337)
        assert rpc(chain, "zks_getBridgehubContract") == bridgehub
        bridges = rpc(chain, "zks_getBridgeContracts")
        assert bridges["l2SharedDefaultBridge"] == "0x0000000000000000000000000000000000010003"
        assert bridges["l1SharedDefaultBridge"] == "0x" + rpc.devnet.contracts.l1_bridge.asset_router.hex()
        assert rpc(chain, "zks_getBaseTokenL1Address") == "0x" + "00" * 19 + "01"
    # The Bridgehub really is on L1, and knows zk-a's chain contract the RPC names.
    assert rpc("l1", "eth_getCode", bridgehub, "latest") != "0x"
    get_zk_chain = "0x" + (keccak(b"getZKChain(uint256)")[:4] + (6565).to_bytes(32, "big")).hex()
    main = rpc("l1", "eth_call", {"to": bridgehub, "data": get_zk_chain}, "latest")
    assert "0x" + main[-40:] == rpc("zk-a", "zks_getMainContract")
    for method in ("zks_L1ChainId", "zks_getBridgehubContract", "zks_getL2ToL1LogProof", "zks_nonsense"):
        assert rpc.error("l1", method)["code"] == -32601
    assert rpc.error("zk-a", "zks_nonsense")["code"] == -32601


def test_l1_batch_number_follows_the_head_one_batch_per_block(rpc):
    assert rpc("zk-a", "zks_L1BatchNumber") == "0x0"
    rpc("zk-a", "evm_mine")
    rpc("zk-a", "evm_mine")
    assert rpc("zk-a", "zks_L1BatchNumber") == rpc("zk-a", "eth_blockNumber") == "0x2"
    assert rpc("zk-b", "zks_L1BatchNumber") == "0x0"


# ---------------------------------------------------------------------------- the message flow


def test_message_is_proven_over_rpc_and_verified_on_another_chain(rpc):
    tx = rpc.send_message("zk-a")
    receipt = rpc("zk-a", "eth_getTransactionReceipt", tx)
    block = int(receipt["blockNumber"], 16)

    # Before settlement: not finalized, no proof in any mode (null, never an error), details "included".
    assert int(rpc("zk-a", "eth_getBlockByNumber", "finalized", False)["number"], 16) < block
    assert int(rpc("zk-a", "eth_getBlockByNumber", "safe", False)["number"], 16) < block
    for mode in ([], [0, "messageRoot"], [0, "proof_based_gw"], [None, "l1BatchRoot"]):
        assert rpc("zk-a", "zks_getL2ToL1LogProof", tx, *mode) is None
    details = rpc("zk-a", "zks_getTransactionDetails", tx)
    assert details["status"] == "included" and details["ethExecuteTxHash"] is None
    assert rpc("zk-a", "zks_getL1BatchDetails", block)["executeTxHash"] is None

    rpc("zk-a", "zkdev_relay")

    finalized = int(rpc("zk-a", "eth_getBlockByNumber", "finalized", False)["number"], 16)
    assert finalized >= block
    proof = rpc("zk-a", "zks_getL2ToL1LogProof", tx, 0, "messageRoot")
    assert proof["batchNumber"] == int(receipt["l1BatchNumber"], 16) == block
    assert proof["id"] == 0 and len(proof["proof"]) > 1
    # index as a number, a hex string, null or omitted: the same answer; both interop modes agree.
    assert rpc("zk-a", "zks_getL2ToL1LogProof", tx, "0x0", "messageRoot") == proof
    assert rpc("zk-a", "zks_getL2ToL1LogProof", tx, None, "proof_based_gw") == proof

    # zksync-ethers' path: batch details -> the real Gateway tx -> its Gateway block.
    details = rpc("zk-a", "zks_getTransactionDetails", tx)
    assert details["status"] == "verified"
    batch = rpc("zk-a", "zks_getL1BatchDetails", proof["batchNumber"])
    assert batch["executeTxHash"] == details["ethExecuteTxHash"]
    gw_receipt = rpc("gateway", "eth_getTransactionReceipt", batch["executeTxHash"])
    assert gw_receipt["status"] == "0x1"
    assert gw_receipt["to"] == "0x" + rpc.devnet.contracts.gateway.executor(6565).hex()
    assert int(gw_receipt["blockNumber"], 16) == proof["gatewayBlockNumber"]

    # The destination has the root of that Gateway block.
    gw_id = int(rpc("gateway", "eth_chainId"), 16)
    roots_call = "0x" + (INTEROP_ROOTS + encode(["uint256", "uint256"], [gw_id, proof["gatewayBlockNumber"]])).hex()
    assert rpc("zk-b", "eth_call", {"to": ROOT_STORAGE, "data": roots_call}, "latest") == proof["root"]

    # Verify on zk-b with only RPC data: the log names sender (key) and tx number; both SDK sources agree.
    (log,) = receipt["l2ToL1Logs"]
    assert log["sender"] == MESSENGER and log["key"] == "0x" + "00" * 12 + ALICE[2:]
    assert log["value"] == "0x" + keccak(PAYLOAD).hex()
    tx_number = int(receipt["l1BatchTxIndex"], 16)
    assert tx_number == int(receipt["transactionIndex"], 16) == log["tx_number_in_block"]
    sender = "0x" + log["key"][-40:]
    good = _prove_calldata(6565, proof, tx_number, sender, PAYLOAD)
    true = "0x" + "00" * 31 + "01"
    assert rpc("zk-b", "eth_call", {"to": VERIFIER, "data": good}, "latest") == true
    # A different payload, sender or source chain with the same proof is refused.
    for bad in (
        _prove_calldata(6565, proof, tx_number, sender, b"hello from zk-b"),
        _prove_calldata(6565, proof, tx_number, "0x" + "11" * 20, PAYLOAD),
        _prove_calldata(6566, proof, tx_number, sender, PAYLOAD),
    ):
        answer = rpc.raw("zk-b", "eth_call", [{"to": VERIFIER, "data": bad}, "latest"])
        assert answer.get("result") != true


def test_default_proof_is_the_l1_variant_and_differs_from_the_interop_one(rpc):
    tx = rpc.send_message("zk-a")
    rpc("zk-a", "zkdev_relay")
    l1_proof = rpc("zk-a", "zks_getL2ToL1LogProof", tx)
    assert l1_proof == rpc("zk-a", "zks_getL2ToL1LogProof", tx, 0, "l1BatchRoot")
    interop = rpc("zk-a", "zks_getL2ToL1LogProof", tx, 0, "proof_based_gw")
    assert "gatewayBlockNumber" not in l1_proof
    assert l1_proof["root"] != interop["root"] and l1_proof["id"] == interop["id"] == 0


def test_second_message_of_a_transaction_is_index_one(rpc):
    # Two messages from one transaction: a contract calling sendToL1 twice.
    code = _twice_caller(SEND_TO_L1 + encode(["bytes"], [b"one"]))
    address = rpc.devnet["zk-a"].deploy(rpc.devnet.accounts[0].private_key, code)
    tx = rpc("zk-a", "eth_sendTransaction", {"from": ALICE, "to": "0x" + address.hex(), "gas": "0x200000"})
    receipt = rpc("zk-a", "eth_getTransactionReceipt", tx)
    assert receipt["status"] == "0x1"
    logs = receipt["l2ToL1Logs"]
    assert [int(e["transactionLogIndex"], 16) for e in logs] == [0, 1]
    assert {e["key"] for e in logs} == {"0x" + "00" * 12 + address.hex()}
    rpc("zk-a", "zkdev_relay")
    first = rpc("zk-a", "zks_getL2ToL1LogProof", tx, 0, "messageRoot")
    second = rpc("zk-a", "zks_getL2ToL1LogProof", tx, 1, "messageRoot")
    assert (first["id"], second["id"]) == (0, 1)
    assert rpc.error("zk-a", "zks_getL2ToL1LogProof", tx, 2, "messageRoot")["code"] == -32602


def _twice_caller(inner: bytes) -> bytes:
    """Creation code of a contract whose fallback calls the L1Messenger with ``inner`` twice."""
    n = len(inner)
    size = bytes([n >> 8, n & 0xFF])
    # CALL(gas, 0x8008, value 0, args 0..n, ret 0..0); POP
    call = b"\x60\x00\x60\x00\x61" + size + b"\x60\x00\x60\x00\x61\x80\x08\x5a\xf1\x50"
    offset = 9 + 2 * len(call) + 1
    # CODECOPY(0, offset, n), two calls, STOP, then the calldata itself.
    runtime = b"\x61" + size + b"\x61" + bytes([offset >> 8, offset & 0xFF]) + b"\x60\x00\x39"
    runtime += call + call + b"\x00" + inner
    length = bytes([len(runtime) >> 8, len(runtime) & 0xFF])
    init = b"\x61" + length + b"\x80\x60\x0c\x60\x00\x39\x60\x00\xf3"
    assert len(init) == 12
    return init + runtime


# ---------------------------------------------------------------------------- bad params, unknown things


def test_bad_params_are_32602_naming_the_parameter(rpc):
    tx = rpc.send_message("zk-a")
    cases = [
        (("zks_getL2ToL1LogProof", "0x1234"), "txHash"),
        (("zks_getL2ToL1LogProof", tx, "zz"), "index"),
        (("zks_getL2ToL1LogProof", tx, -1), "index"),
        (("zks_getL2ToL1LogProof", tx, 5), "index"),
        (("zks_getL2ToL1LogProof", tx, 0, "someRoot"), "mode"),
        (("zks_getL2ToL1LogProof", tx, 0, 7), "mode"),
        (("zks_getTransactionDetails", "nope"), "txHash"),
        (("zks_getL1BatchDetails", "one"), "batchNumber"),
        (("zks_getL1BatchDetails", True), "batchNumber"),
        (("zks_getBlockDetails", {"n": 1}), "blockNumber"),
    ]
    for (method, *params), name in cases:
        error = rpc.error("zk-a", method, *params)
        assert error["code"] == -32602, (method, params, error)
        assert name in error["message"], (method, params, error)
    assert rpc.error("zk-a", "zks_getL2ToL1LogProof")["code"] == -32602
    assert rpc.error("zk-a", "zks_L1ChainId", 1)["code"] == -32602


def test_unknown_transactions_and_future_batches_are_null(rpc):
    unknown = "0x" + "ab" * 32
    assert rpc("zk-a", "zks_getL2ToL1LogProof", unknown) is None
    assert rpc("zk-a", "zks_getL2ToL1LogProof", unknown, 0, "messageRoot") is None
    assert rpc("zk-a", "zks_getTransactionDetails", unknown) is None
    assert rpc("zk-a", "zks_getL1BatchDetails", 99) is None
    assert rpc("zk-a", "zks_getBlockDetails", "0x63") is None


def test_transaction_details_pending_failed_and_block_details(rpc):
    rpc("zk-a", "evm_setAutomine", False)
    pending = rpc("zk-a", "eth_sendTransaction", {"from": ALICE, "to": ALICE, "value": "0x1"})
    assert rpc("zk-a", "zks_getTransactionDetails", pending)["status"] == "pending"
    rpc("zk-a", "evm_mine")
    rpc("zk-a", "evm_setAutomine", True)
    assert rpc("zk-a", "zks_getTransactionDetails", pending)["status"] == "included"
    rpc("zk-a", "anvil_setCode", "0x" + "33" * 20, "0x60006000fd")
    failed = rpc("zk-a", "eth_sendTransaction", {"from": ALICE, "to": "0x" + "33" * 20, "gas": "0x10000"})
    details = rpc("zk-a", "zks_getTransactionDetails", failed)
    assert details["status"] == "failed" and details["initiatorAddress"] == ALICE
    receipt = rpc("zk-a", "eth_getTransactionReceipt", failed)
    assert int(details["fee"], 16) == int(receipt["gasUsed"], 16) * int(receipt["effectiveGasPrice"], 16)
    block = rpc("zk-a", "zks_getBlockDetails", receipt["blockNumber"])
    assert block["number"] == block["l1BatchNumber"] == int(receipt["blockNumber"], 16)
    assert block["rootHash"] == receipt["blockHash"] and block["status"] == "sealed"
    assert block["l2TxCount"] == 1 and block["protocolVersion"] == "Version31"
    rpc("zk-a", "zkdev_relay")
    block = rpc("zk-a", "zks_getBlockDetails", receipt["blockNumber"])
    assert block["status"] == "verified" and block["executeTxHash"] is not None
    tx = rpc("zk-a", "eth_getTransactionByHash", failed)
    assert tx["l1BatchNumber"] == receipt["blockNumber"] and tx["l1BatchTxIndex"] == receipt["transactionIndex"]
    full = rpc("zk-a", "eth_getBlockByNumber", receipt["blockNumber"], True)
    assert full["transactions"][-1]["l1BatchNumber"] == receipt["blockNumber"]


def test_gateway_finality_follows_its_l1_settlement_and_l1_is_unchanged(rpc):
    rpc.send_message("zk-a")
    assert rpc("gateway", "eth_getBlockByNumber", "finalized", False)["number"] == "0x0"
    rpc("zk-a", "zkdev_relay")
    gw_head = int(rpc("gateway", "eth_blockNumber"), 16)
    gw_final = int(rpc("gateway", "eth_getBlockByNumber", "finalized", False)["number"], 16)
    assert 1 <= gw_final <= gw_head
    assert gw_final == rpc.devnet.settlement.settled_batch(506)
    gw_batch = rpc("gateway", "zks_getL1BatchDetails", gw_final)
    l1_receipt = rpc("l1", "eth_getTransactionReceipt", gw_batch["executeTxHash"])
    assert l1_receipt["status"] == "0x1"
    # L1: finalized is the head, receipts have no ZKsync fields.
    assert rpc("l1", "eth_getBlockByNumber", "finalized", False)["number"] == rpc("l1", "eth_blockNumber")
    assert "l2ToL1Logs" not in l1_receipt and "l1BatchNumber" not in l1_receipt


def test_receipts_carry_both_l2_to_l1_log_shapes(rpc):
    plain = rpc("zk-a", "eth_sendTransaction", {"from": ALICE, "to": ALICE, "value": "0x1"})
    receipt = rpc("zk-a", "eth_getTransactionReceipt", plain)
    assert receipt["l2ToL1Logs"] == [] and receipt["l1BatchNumber"] == receipt["blockNumber"]
    tx = rpc.send_message("zk-a")
    receipt = rpc("zk-a", "eth_getTransactionReceipt", tx)
    (log,) = receipt["l2ToL1Logs"]
    era = {
        "blockNumber": receipt["blockNumber"],
        "blockHash": receipt["blockHash"],
        "l1BatchNumber": receipt["blockNumber"],
        "transactionIndex": receipt["transactionIndex"],
        "transactionHash": tx,
        "transactionLogIndex": "0x0",
        "txIndexInL1Batch": receipt["transactionIndex"],
        "logIndex": "0x0",
        "shardId": "0x0",
        "isService": True,
    }
    assert {k: log[k] for k in era} == era
    os_shape = {"l2_shard_id": 0, "is_service": True, "tx_number_in_block": int(receipt["transactionIndex"], 16)}
    assert {k: log[k] for k in os_shape} == os_shape
    assert rpc("zk-a", "eth_getBlockReceipts", receipt["blockNumber"])[-1] == receipt


# ---------------------------------------------------------------------------- over HTTP


def test_proof_and_receipt_shapes_over_http_equal_in_process(http_rpc):
    tx = http_rpc.send_message("zk-a")
    assert http_rpc("zk-a", "zks_getL2ToL1LogProof", tx, 0, "messageRoot") is None
    receipt = http_rpc("zk-a", "eth_getTransactionReceipt", tx)
    http_rpc("zk-a", "zkdev_relay")
    proof = http_rpc("zk-a", "zks_getL2ToL1LogProof", tx, 0, "messageRoot")
    local = Rpc(http_rpc.devnet)
    assert local("zk-a", "eth_getTransactionReceipt", tx) == receipt
    assert local("zk-a", "zks_getL2ToL1LogProof", tx, 0, "messageRoot") == proof
    assert receipt["l2ToL1Logs"][0]["sender"] == MESSENGER
    log = receipt["l2ToL1Logs"][0]
    good = _prove_calldata(6565, proof, int(receipt["l1BatchTxIndex"], 16), "0x" + log["key"][-40:], PAYLOAD)
    assert http_rpc("zk-b", "eth_call", {"to": VERIFIER, "data": good}, "latest") == "0x" + "00" * 31 + "01"
    assert http_rpc.error("l1", "zks_L1ChainId")["code"] == -32601
    assert http_rpc.error("zk-a", "zks_getL2ToL1LogProof", tx, 0, "bogus")["code"] == -32602
