"""examples/interop-dapp runs with plain ``pytest``, as a downstream project would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "interop-dapp"


@pytest.mark.slow
@pytest.mark.parametrize("options", [[], ["--zk-timing", "realistic"]], ids=["fast", "realistic"])
def test_the_example_project_passes_with_plain_pytest(options: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed" in result.stdout
