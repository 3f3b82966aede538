"""Compiled contract artifacts shipped as package data (``zkconnect/artifacts/*.json``).

Artifacts are produced by ``scripts/compile_contracts.py`` and committed, so neither
``zkdev up`` nor the tests need a compiler. ``scripts/check_artifacts.py`` fails CI when
they no longer match ``contracts/src``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from zkconnect.errors import ArtifactError

__all__ = ["ARTIFACTS_DIR", "Artifact", "available", "load"]

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"


@dataclass(frozen=True)
class Artifact:
    """One compiled contract: its ABI, creation code and runtime code."""

    name: str
    source: str
    abi: tuple[dict[str, Any], ...]
    bytecode: bytes
    runtime_bytecode: bytes
    storage_layout: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The committed JSON form of this artifact."""
        return {
            "contractName": self.name,
            "sourceName": self.source,
            "abi": list(self.abi),
            "bytecode": "0x" + self.bytecode.hex(),
            "deployedBytecode": "0x" + self.runtime_bytecode.hex(),
            "storageLayout": self.storage_layout,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Artifact:
        """Read an artifact back from its committed JSON form."""
        return cls(
            name=data["contractName"],
            source=data["sourceName"],
            abi=tuple(data["abi"]),
            bytecode=bytes.fromhex(data["bytecode"][2:]),
            runtime_bytecode=bytes.fromhex(data["deployedBytecode"][2:]),
            storage_layout=data.get("storageLayout") or {},
        )

    def storage_slot(self, variable: str) -> int:
        """The storage slot of a top-level state variable (from solc's storage layout)."""
        for entry in self.storage_layout.get("storage", []):
            if entry["label"] == variable:
                return int(entry["slot"])
        raise ArtifactError(f"{self.name} has no state variable {variable!r}")


@cache
def load(name: str) -> Artifact:
    """Load the committed artifact of contract ``name``.

    Raises :class:`ArtifactError` naming the closest known contracts when it does not exist.
    """
    path = ARTIFACTS_DIR / f"{name}.json"
    if not path.is_file():
        import difflib

        close = difflib.get_close_matches(name, available(), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ArtifactError(
            f"no compiled artifact for contract {name!r} in {ARTIFACTS_DIR}.{hint} "
            "If you added it to contracts/src, run `python scripts/compile_contracts.py`."
        )
    return Artifact.from_json(json.loads(path.read_text()))


def available() -> list[str]:
    """Names of every contract with a committed artifact."""
    return sorted(p.stem for p in ARTIFACTS_DIR.glob("*.json") if p.stem != "manifest")
