"""Compile contracts/src with the pinned solc and write artifacts into zkconnect/artifacts.

Usage: python scripts/compile_contracts.py
Needs node and `npm ci` (solc-js) or a native solc 0.8.37 installed by py-solc-x.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zkconnect.artifacts import ARTIFACTS_DIR, Artifact  # noqa: E402
from zkconnect.compiler import SOLC_VERSION, compile_sources, settings_for, source_hash  # noqa: E402

SOURCES_DIR = ROOT / "contracts" / "src"


def read_sources() -> dict[str, str]:
    """Every .sol file under contracts/src, keyed by its path relative to it."""
    return {p.relative_to(SOURCES_DIR).as_posix(): p.read_text() for p in sorted(SOURCES_DIR.rglob("*.sol"))}


def build() -> dict[str, dict[str, Any]]:
    """Compile and return the JSON documents to write, keyed by file name."""
    sources = read_sources()
    contracts = compile_sources(sources, base_path=SOURCES_DIR)
    files: dict[str, dict[str, Any]] = {}
    for name, c in sorted(contracts.items()):
        art = Artifact(name, c.source, tuple(c.abi), c.bytecode, c.runtime_bytecode, c.storage_layout)
        files[f"{name}.json"] = art.to_json()
    files["manifest.json"] = {
        "compiler": SOLC_VERSION,
        "settings": settings_for(),
        "sourceHash": source_hash(sources),
        "contracts": sorted(contracts),
    }
    return files


def dump(doc: dict[str, Any]) -> str:
    """Stable JSON text, so artifacts diff cleanly."""
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def main() -> int:
    files = build()
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACTS_DIR.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
    for fname, doc in files.items():
        (ARTIFACTS_DIR / fname).write_text(dump(doc))
    print(f"wrote {len(files) - 1} artifacts to {ARTIFACTS_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
