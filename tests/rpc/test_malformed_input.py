"""adversarial.md B.5 S1-S13: the malformed-input policy and limits, one named test per case.

S1-S8 run against the pure protocol layer (no sockets); S9-S13 against a live server.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from zkconnect import Devnet
from zkconnect.artifacts import load
from zkconnect.rpc.dispatcher import Dispatcher
from zkconnect.rpc.endpoints import build_dispatcher


@pytest.fixture
def d() -> Dispatcher:
    devnet = Devnet()
    return build_dispatcher(devnet["zk-a"], devnet=devnet)


# ---------------------------------------------------------------------- S1


def test_truncated_json_is_parse_error_with_null_id_and_server_stays_healthy(d):
    out = d.handle(b'{"jsonrpc":"2.0","method":')
    assert out == {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": out["error"]["message"]}}
    assert d.handle(b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}')["result"] == "0x19a5"


# ---------------------------------------------------------------------- S2


@pytest.mark.parametrize(
    ("body", "echo"),
    [
        (b"1", None),
        (b"{}", None),
        (b'{"jsonrpc":"1.0","method":"eth_chainId","id":7}', 7),
        (b'{"jsonrpc":"2.0","method":5,"id":1}', 1),
        (b'{"jsonrpc":"2.0","method":"eth_chainId","id":{"x":1}}', None),
    ],
)
def test_json_that_is_not_a_request_is_invalid_request_echoing_a_valid_id(d, body, echo):
    out = d.handle(body)
    assert out["error"]["code"] == -32600
    assert out["id"] == echo


# ---------------------------------------------------------------------- S3


def test_empty_batch_is_one_invalid_request_object(d):
    out = d.handle(b"[]")
    assert isinstance(out, dict) and out["error"]["code"] == -32600 and out["id"] is None


# ---------------------------------------------------------------------- S4


def test_batch_of_junk_gets_per_item_errors_and_notifications_get_nothing(d):
    out = d.handle(b"[1,2,3]")
    assert [r["error"]["code"] for r in out] == [-32600] * 3
    mixed = json.dumps(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
            {"jsonrpc": "2.0", "method": "eth_blockNumber"},
            {"jsonrpc": "2.0", "id": 2, "method": "net_version"},
        ]
    )
    assert [(r["id"], r["result"]) for r in d.handle(mixed)] == [(1, "0x19a5"), (2, "6565")]


# ---------------------------------------------------------------------- S5


def test_notifications_are_executed_without_a_response(d):
    before = d.chain.block_number
    assert d.handle(b'{"jsonrpc":"2.0","method":"evm_mine"}') is None
    assert d.handle(b'[{"jsonrpc":"2.0","method":"evm_mine"},{"jsonrpc":"2.0","method":"evm_mine"}]') is None
    assert d.chain.block_number == before + 3


# ---------------------------------------------------------------------- S6


def test_unknown_method_is_method_not_found_with_the_id(d):
    out = d.handle(b'{"jsonrpc":"2.0","id":"x","method":"eth_nope"}')
    assert out["id"] == "x" and out["error"]["code"] == -32601
    d.unregister("zkdev_config")
    assert d.handle(b'{"jsonrpc":"2.0","id":3,"method":"zkdev_config"}')["error"]["code"] == -32601


# ---------------------------------------------------------------------- S7


@pytest.mark.parametrize(
    ("method", "params", "named"),
    [
        ("eth_getBalance", ["0xzz", "latest"], "0 (address)"),
        ("eth_getBalance", ["0x123", "latest"], "0 (address)"),
        ("eth_getBalance", ["0x" + "1" * 1000, "latest"], "0 (address)"),
        ("eth_getBlockByNumber", ["0x" + "f" * 1000, False], "0 (block)"),
        ("eth_getBlockByNumber", [-1, False], "0 (block)"),
        ("eth_getBalance", ["0x" + "11" * 20, "latest2"], "1 (block)"),
        ("eth_chainId", [1, 2, 3], "too many arguments"),
        ("eth_getBalance", {"address": "0x" + "11" * 20}, "must be an array"),
    ],
)
def test_bad_params_are_invalid_params_naming_the_parameter(d, method, params, named):
    out = d.handle(json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
    assert out["error"]["code"] == -32602, out
    assert named in out["error"]["message"]


# ---------------------------------------------------------------------- S8


def test_eth_call_reverting_with_a_custom_error_is_code_3_with_exact_data(d, alice):
    # Runtime code: revert with the 4-byte custom error 0xdeadbeef followed by one word (42).
    runtime = bytes.fromhex("63deadbeef60e01b600052602a60045260246000fd")
    d.chain.set_code(b"\x11" * 20, runtime)
    out = d.handle(
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": "0x" + "11" * 20}, "latest"]})
    )
    assert out["error"]["code"] == 3
    assert out["error"]["message"].startswith("execution reverted")
    assert out["error"]["data"] == "0xdeadbeef" + (42).to_bytes(32, "big").hex()
    assert load("Counter").bytecode  # artifacts present; the revert path needs no compiler


def _post(url: str, body: bytes, ctype: str = "application/json", method: str = "POST") -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body if method != "GET" else None, method=method)
    req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# ---------------------------------------------------------------------- S9


def test_huge_body_batch_and_nesting_are_refused_without_recursion(served, d):
    url = served.url("zk-a")
    status, _ = _post(url, b"[" + b" " * (6 * 1024 * 1024) + b"]")
    assert status == 413
    batch = json.dumps([{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(10_001)]).encode()
    status, body = _post(url, batch)
    out = json.loads(body)
    assert status == 200 and isinstance(out, dict) and out["error"]["code"] == -32600 and out["id"] == 0
    deep = b"[" * 100_000 + b"]" * 100_000
    out = d.handle(deep)
    assert out["error"]["code"] in (-32700, -32600)
    status, body = _post(url, deep)
    assert status == 200 and json.loads(body)["error"]["code"] in (-32700, -32600)


# ---------------------------------------------------------------------- S10


def test_wrong_http_method_or_content_type_is_405_or_415(served):
    url = served.url("l1")
    assert _post(url, b"", method="GET")[0] == 405
    assert _post(url, b"{}", method="PUT")[0] == 405
    assert _post(url, b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}', ctype="text/plain")[0] == 415


# ---------------------------------------------------------------------- S11


def test_slow_client_is_cut_off_while_others_are_served(served):
    host, port = served.url("l1").removeprefix("http://").split(":")
    slow = socket.create_connection((host, int(port)))
    body = b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'
    slow.sendall(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body[:10]
    )
    started = time.monotonic()
    status, out = _post(served.url("l1"), body)
    assert status == 200 and json.loads(out)["result"] == "0x7a69"
    assert time.monotonic() - started < 1.5
    slow.settimeout(10)
    reply = slow.recv(4096)
    assert time.monotonic() - started < 9
    assert reply == b"" or b" 408 " in reply.split(b"\r\n")[0]
    slow.close()


# ---------------------------------------------------------------------- S12


def test_concurrent_requests_on_two_chains_are_answered_by_their_own_chain(served):
    results: list[tuple[str, str]] = []

    def ask(chain: str) -> None:
        body = b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'
        results.append((chain, json.loads(_post(served.url(chain), body)[1])["result"]))

    threads = [threading.Thread(target=ask, args=("zk-a" if i % 2 else "zk-b",)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 50
    assert all(cid == ("0x19a5" if chain == "zk-a" else "0x19a6") for chain, cid in results)


# ---------------------------------------------------------------------- S13


def test_default_bind_is_loopback_and_port_zero_reports_the_real_port(served):
    for name, port in served.server.ports.items():
        assert port > 0, name
        assert served.url(name).startswith("http://127.0.0.1:")
    assert served.server.host == "127.0.0.1"
