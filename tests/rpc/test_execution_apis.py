"""Replay ethereum/execution-apis (hive rpc-compat) fixtures against `--import-chain`, with hive's rules.

Rules: responses must match exactly, except that when both sides carry an ``error`` its
message is ignored (the code still counts); ``speconly`` tests only need the same shape
(result vs error). ``eth_simulateV1``, ``debug_trace*`` and ``testing_buildBlockV1`` are
stretch goals and not replayed. Files are replayed in hive's order (sorted) against one chain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zkconnect.engine.importer import import_chain
from zkconnect.rpc.dispatcher import Dispatcher
from zkconnect.rpc.endpoints import build_dispatcher

DATA = Path(__file__).resolve().parent.parent / "conformance-data" / "execution-apis"
STRETCH = ("eth_simulateV1", "debug_trace", "testing_buildBlockV1")
# Every replayed fixture passes (eth_config, eth_createAccessList and queued transactions included).
FLOOR = 125


def _cases() -> list[Path]:
    return sorted(p for p in DATA.glob("*/*.io") if not any(s in str(p) for s in STRETCH))


def replay(dispatcher: Dispatcher, path: Path) -> str | None:
    """None when the file passes, else why it failed."""
    lines = path.read_text().splitlines()
    speconly = any(line.startswith("//") and "speconly" in line for line in lines)
    requests = [line[3:] for line in lines if line.startswith(">>")]
    expected = [json.loads(line[3:]) for line in lines if line.startswith("<<")]
    for request, want in zip(requests, expected, strict=True):
        got = dispatcher.handle(request)
        if not isinstance(got, dict):
            return f"no single response to {request[:80]}"
        if "error" in want and "error" in got:
            if want["error"]["code"] != got["error"]["code"]:
                return f"error code {got['error']} != {want['error']}"
        elif speconly:
            if ("error" in want) != ("error" in got):
                return f"shape: got {json.dumps(got)[:200]}"
        elif got != want:
            return f"got {json.dumps(got)[:300]}\nwant {json.dumps(want)[:300]}"
    return None


def test_execution_apis_replay_with_hive_rules(capsys):
    chain = import_chain(DATA)
    chain.automine = False
    assert chain.head.hash.hex() == "e27a3e81bd7cfe2aec2cc9e832c73a17c93e7efcf659cf4b39883b96c48708c2"
    dispatcher = build_dispatcher(chain, unlocked={})
    failures = {}
    cases = _cases()
    for path in cases:
        why = replay(dispatcher, path)
        if why is not None:
            failures[f"{path.parent.name}/{path.name}"] = why
    passed = len(cases) - len(failures)
    with capsys.disabled():
        print(f"\nexecution-apis conformance: {passed} passed, {len(failures)} failed")
        for name, why in failures.items():
            print(f"  FAIL {name}: {why.splitlines()[0][:160]}")
    assert passed >= FLOOR, failures


@pytest.mark.slow
@pytest.mark.parametrize("name", ["eth_chainId/get-chain-id.io", "eth_getBlockByNumber/get-genesis.io"])
def test_import_chain_over_http_cli(tmp_path, name):
    """`zkdev up --import-chain DIR --port 0` answers the fixtures over real HTTP."""
    import os
    import re
    import signal
    import subprocess
    import sys
    import urllib.request

    proc = subprocess.Popen(
        [sys.executable, "-m", "zkconnect", "up", "--import-chain", str(DATA), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    try:
        assert proc.stdout is not None
        url = None
        for line in proc.stdout:
            m = re.search(r"RPC: (http://\S+)", line)
            url = m.group(1) if m else url
            if line.startswith("ready."):
                break
        assert url
        path = DATA / name
        lines = path.read_text().splitlines()
        request = next(line[3:] for line in lines if line.startswith(">>"))
        want = json.loads(next(line[3:] for line in lines if line.startswith("<<")))
        req = urllib.request.Request(url, data=request.encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert json.loads(resp.read()) == want
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert proc.returncode == 0
