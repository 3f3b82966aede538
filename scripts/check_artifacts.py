"""Fail when the committed artifacts in zkconnect/artifacts do not match contracts/src.

Usage: python scripts/check_artifacts.py   (CI runs it after `npm ci`)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compile_contracts import build, dump

from zkconnect.artifacts import ARTIFACTS_DIR


def main() -> int:
    expected = build()
    present = {p.name for p in ARTIFACTS_DIR.glob("*.json")}
    stale = sorted(n for n, doc in expected.items() if n not in present or (ARTIFACTS_DIR / n).read_text() != dump(doc))
    extra = sorted(present - set(expected))
    if stale or extra:
        print("contract artifacts are stale:", file=sys.stderr)
        for n in stale:
            print(f"  out of date or missing: zkconnect/artifacts/{n}", file=sys.stderr)
        for n in extra:
            print(f"  no longer built from contracts/src: zkconnect/artifacts/{n}", file=sys.stderr)
        print("run `python scripts/compile_contracts.py` and commit zkconnect/artifacts/", file=sys.stderr)
        return 1
    print(f"artifacts are fresh ({len(expected) - 1} contracts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
