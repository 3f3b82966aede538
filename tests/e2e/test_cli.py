"""The zkdev command line, in-process (CliRunner) and as a real subprocess."""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from zkconnect import Devnet
from zkconnect.cli import EventStream, cli

INTEROP_CENTER = "0x000000000000000000000000000000000001000d"


def test_up_refuses_bad_config_with_file_key_and_value(tmp_path):
    bad = tmp_path / "devnet.toml"
    bad.write_text("[[chains]]\nname = 'x'\nchain_id = 0\n")
    result = CliRunner().invoke(cli, ["up", "--config", str(bad)])
    assert result.exit_code == 1
    assert f"Error: {bad}: chain 'x': chain_id = 0 is not a valid chain id" in result.output


def test_up_rejects_unknown_relay_mode():
    result = CliRunner().invoke(cli, ["up", "--relay", "sometimes"])
    assert result.exit_code == 2
    assert "'sometimes' is not one of 'auto', 'manual'" in result.output


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "zkconnect", "up", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def _read_until_ready(proc: subprocess.Popen[str], timeout: float = 30.0) -> str:
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("ready."):
            return "".join(lines)
    proc.kill()
    raise AssertionError("zkdev up never became ready:\n" + "".join(lines))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_up_prints_every_chain_and_stops_cleanly_on_signal(tmp_path, sig):
    out_file = tmp_path / "devnet.json"
    proc = _start(tmp_path, "--port-base", "0", "--config-out", str(out_file))
    banner = _read_until_ready(proc)
    for name, chain_id, settles in [
        ("l1", 31337, "-"),
        ("gateway", 506, "l1"),
        ("zk-a", 6565, "gateway"),
        ("zk-b", 6566, "gateway"),
    ]:
        row = next(line for line in banner.splitlines() if f" {name} " in line)
        assert str(chain_id) in row and settles in row
    assert "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" in banner
    assert "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" in banner
    assert "InteropHandler           0x000000000000000000000000000000000001000E" in banner  # EIP-55
    proc.send_signal(sig)
    rest, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "stopping." in rest
    described = json.loads(out_file.read_text())
    assert [c["chainId"] for c in described["chains"]] == [31337, 506, 6565, 6566]
    assert described["relay"] == "auto"


# ---------------------------------------------------------------------------- status / msgs / trace


def test_commands_say_what_to_do_when_no_devnet_is_running():
    for args in (["status"], ["msgs"], ["trace", "0x" + "00" * 32]):
        result = CliRunner().invoke(cli, [*args, "--rpc-url", "http://127.0.0.1:9"])
        assert result.exit_code == 1, result.output
        assert "cannot reach a devnet at http://127.0.0.1:9" in result.output
        assert "zkdev up" in result.output


def _rpc(url: str, method: str, *params: object) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    assert "error" not in answer, answer
    return answer["result"]


def test_up_streams_crosschain_events_and_status_msgs_trace_read_them(tmp_path):
    from zkconnect.artifacts import load
    from zkconnect.protocol.messages import InteropCallStarter, format_evm_v1, send_bundle_calldata

    out_file = tmp_path / "devnet.json"
    proc = _start(tmp_path, "--port-base", "0", "--config-out", str(out_file), "--log-dir", "logs")
    lines: queue.Queue[str] = queue.Queue()
    try:
        _read_until_ready(proc)
        assert proc.stdout is not None
        stdout = proc.stdout
        threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
        description = json.loads(out_file.read_text())
        urls = {c["name"]: c["rpcUrl"] for c in description["chains"]}
        assert description["relay"] == "auto"
        assert description["systemContracts"]["l2"]["InteropCenter"] == "0x000000000000000000000000000000000001000d"
        alice = description["accounts"][0]["address"]

        def deploy(name: str) -> str:
            tx = _rpc(urls["zk-b"], "eth_sendTransaction", {"from": alice, "data": "0x" + load(name).bytecode.hex()})
            return str(_rpc(urls["zk-b"], "eth_getTransactionReceipt", tx)["contractAddress"])

        def send(to: str) -> str:
            starter = InteropCallStarter(to=format_evm_v1(None, bytes.fromhex(to[2:])), data=b"hi")
            data = "0x" + send_bundle_calldata(6566, [starter]).hex()
            fee = hex(description["interopFeeWei"])
            tx = _rpc(
                urls["zk-a"], "eth_sendTransaction", {"from": alice, "to": INTEROP_CENTER, "data": data, "value": fee}
            )
            return str(tx)

        good = send(deploy("RecordingRecipient"))
        bad = send(deploy("RevertingRecipient"))
        (good_entry,) = _rpc(urls["zk-a"], "zkdev_getMessagesByTx", good)
        (bad_entry,) = _rpc(urls["zk-a"], "zkdev_getMessagesByTx", bad)
        assert (good_entry["stage"], bad_entry["stage"]) == ("executed", "failed")

        streamed = []
        deadline = time.monotonic() + 30
        while not any("FAILED" in line for line in streamed) and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                streamed.append(lines.get(timeout=1))
        short = good_entry["id"][:8]
        mine = [line for line in streamed if f"bundle {short}" in line]
        stages = [s for s in ("SENT", "SEALED", "SETTLED", "EXECUTED") if any(f"zk-a -> zk-b {s}:" in m for m in mine)]
        assert stages == ["SENT", "SEALED", "SETTLED", "EXECUTED"], "".join(streamed)
        failed = next(line for line in streamed if "FAILED" in line)
        assert bad_entry["id"][:8] in failed and bad_entry["reason"] in failed

        runner = CliRunner()
        status = runner.invoke(cli, ["status", "--rpc-url", urls["l1"]])
        assert status.exit_code == 0, status.output
        assert "zk-a" in status.output and "relay: auto" in status.output and "executed: 1" in status.output
        assert "failed: 1" in status.output
        msgs = runner.invoke(cli, ["msgs", "--rpc-url", urls["zk-b"]], env={"COLUMNS": "400"})
        assert msgs.exit_code == 0, msgs.output
        assert good_entry["id"] in msgs.output and bad_entry["id"] in msgs.output and "zk-a -> zk-b" in msgs.output
        only_failed = runner.invoke(cli, ["msgs", "--rpc-url", urls["zk-b"], "--stage", "failed", "--json"])
        assert [e["id"] for e in json.loads(only_failed.output)] == [bad_entry["id"]]
        trace = runner.invoke(cli, ["trace", good, "--rpc-url", urls["zk-a"]])
        assert trace.exit_code == 0, trace.output
        for text in (good_entry["id"], "sealed", "settled", "executed", good_entry["destinationTx"]):
            assert text in trace.output
        missing = runner.invoke(cli, ["trace", "0x" + "ab" * 32, "--rpc-url", urls["zk-a"]])
        assert missing.exit_code == 1 and "no crosschain message or bundle matches" in missing.output
        malformed = runner.invoke(cli, ["trace", "0x12", "--rpc-url", urls["zk-a"]])
        assert malformed.exit_code == 1 and "zkdev_trace failed" in malformed.output

        log_a = (tmp_path / "logs" / "zk-a.log").read_text()
        log_b = (tmp_path / "logs" / "zk-b.log").read_text()
        assert good[2:] in log_a and "EXECUTED" in log_a
        assert good_entry["destinationTx"][2:] in log_b and "reverted" in log_b
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    assert proc.returncode == 0


def test_up_with_realistic_timing_mines_on_an_interval_and_delivers_after_gateway_finality(tmp_path):
    """Transactions wait in the pool until the next tick; a bundle lands a few intervals later, not at once."""
    from zkconnect.artifacts import load
    from zkconnect.protocol.messages import InteropCallStarter, format_evm_v1, send_bundle_calldata

    out_file = tmp_path / "devnet.json"
    proc = _start(tmp_path, "--port-base", "0", "--timing", "realistic", "--config-out", str(out_file), "--log-dir", "")
    try:
        _read_until_ready(proc)
        description = json.loads(out_file.read_text())
        urls = {c["name"]: c["rpcUrl"] for c in description["chains"]}
        alice = description["accounts"][0]["address"]

        def wait_receipt(url: str, tx: str) -> dict[str, Any]:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                receipt = _rpc(url, "eth_getTransactionReceipt", tx)
                if receipt:
                    return dict(receipt)
                time.sleep(0.1)
            raise AssertionError(f"{tx} never mined")

        deploy = _rpc(
            urls["zk-b"], "eth_sendTransaction", {"from": alice, "data": "0x" + load("Counter").bytecode.hex()}
        )
        assert _rpc(urls["zk-b"], "eth_getTransactionReceipt", deploy) is None  # pending until the tick
        assert _rpc(urls["zk-b"], "eth_getTransactionByHash", deploy)["blockNumber"] is None
        wait_receipt(urls["zk-b"], deploy)
        recorder_tx = _rpc(
            urls["zk-b"],
            "eth_sendTransaction",
            {"from": alice, "data": "0x" + load("RecordingRecipient").bytecode.hex()},
        )
        recorder = wait_receipt(urls["zk-b"], recorder_tx)["contractAddress"]

        starter = InteropCallStarter(to=format_evm_v1(None, bytes.fromhex(recorder[2:])), data=b"later")
        sent = _rpc(
            urls["zk-a"],
            "eth_sendTransaction",
            {
                "from": alice,
                "to": INTEROP_CENTER,
                "data": "0x" + send_bundle_calldata(6566, [starter]).hex(),
                "value": hex(description["interopFeeWei"]),
            },
        )
        sent_at = wait_receipt(urls["zk-a"], sent)
        (entry,) = _rpc(urls["zk-a"], "zkdev_getMessagesByTx", sent)
        assert entry["stage"] in ("sealed", "settled")  # not delivered in the block that sent it
        deadline = time.monotonic() + 30
        while entry["stage"] != "executed" and time.monotonic() < deadline:
            time.sleep(0.2)
            (entry,) = _rpc(urls["zk-a"], "zkdev_getMessagesByTx", sent)
        assert entry["stage"] == "executed", entry
        executed = _rpc(urls["zk-b"], "eth_getTransactionReceipt", entry["destinationTx"])
        source_block = _rpc(urls["zk-a"], "eth_getBlockByNumber", sent_at["blockNumber"], False)
        dest_block = _rpc(urls["zk-b"], "eth_getBlockByNumber", executed["blockNumber"], False)
        assert int(dest_block["timestamp"], 16) >= int(source_block["timestamp"], 16) + 2  # two intervals at least
        gateway_final = int(_rpc(urls["gateway"], "eth_getBlockByNumber", "finalized", False)["number"], 16)
        assert entry["gatewayBlock"] <= gateway_final  # the root came from a Gateway block final on L1
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)


def test_event_stream_detaches_everything_it_attached(tmp_path):
    devnet = Devnet()
    before = {name: len(chain.block_listeners) for name, chain in devnet.chains.items()}
    events = EventStream(devnet, Console(file=io.StringIO()), tmp_path / "logs")
    events.start()
    devnet["zk-a"].mine()
    events.close()
    assert {name: len(chain.block_listeners) for name, chain in devnet.chains.items()} == before
    assert events.on_entry not in devnet.ledger.listeners
    assert "block 1 0x" in (tmp_path / "logs" / "zk-a.log").read_text()
