"""The zkdev command line, in-process (CliRunner) and as a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from zkconnect.cli import cli


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
    proc.send_signal(sig)
    rest, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "stopping." in rest
    described = json.loads(out_file.read_text())
    assert [c["chainId"] for c in described["chains"]] == [31337, 506, 6565, 6566]
    assert described["relay"] == "auto"
