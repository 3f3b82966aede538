"""Solidity compilation with the pinned solc 0.8.37, through py-solc-x.

A native solc installed by py-solc-x is used when present. Otherwise the project's npm
``solc`` (solc-js, which ships its compiler as WebAssembly) is driven through
``scripts/solc-shim.js``; both give the same bytecode. Only ``compile_standard`` is used:
solc-js has no ``--combined-json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zkconnect.errors import CompilerError

__all__ = ["SOLC_VERSION", "CompiledContract", "compile_sources", "find_solc", "settings_for"]

SOLC_VERSION = "0.8.37"
EVM_VERSION = "prague"  # py-evm stops at Prague; solc 0.8.37 defaults to osaka.
_SHIM = Path(__file__).resolve().parent.parent / "scripts" / "solc-shim.js"


@dataclass(frozen=True)
class CompiledContract:
    """ABI and bytecode of one compiled contract."""

    name: str
    source: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    runtime_bytecode: bytes
    storage_layout: dict[str, Any]


def settings_for(optimize: bool = True) -> dict[str, Any]:
    """The standard-JSON settings every zkconnect compilation uses."""
    return {
        "evmVersion": EVM_VERSION,
        "optimizer": {"enabled": optimize, "runs": 200},
        "metadata": {"bytecodeHash": "none", "appendCBOR": False},
        "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "storageLayout"]}},
    }


def find_solc() -> Path:
    """Locate a solc for :data:`SOLC_VERSION`: py-solc-x's native install, else the npm shim."""
    import solcx

    try:
        for version in solcx.get_installed_solc_versions():
            if str(version) == SOLC_VERSION:
                return Path(solcx.install.get_executable(version))
    except Exception:
        pass
    if shutil.which("node") is None:
        raise CompilerError(
            "no Solidity compiler: install node and run `npm ci` in the zkconnect checkout "
            f"(it pins solc-js {SOLC_VERSION}), or `python -m solcx.install v{SOLC_VERSION}` with internet"
        )
    module = _SHIM.parent.parent / "node_modules" / "solc"
    if not module.exists() and "SOLCJS_MODULE" not in os.environ:
        raise CompilerError(f"solc-js is not installed: run `npm ci` in {_SHIM.parent.parent}")
    return _SHIM


def compile_sources(
    sources: dict[str, str], *, base_path: Path | None = None, optimize: bool = True
) -> dict[str, CompiledContract]:
    """Compile Solidity sources (unit name -> source text) and return contracts by name.

    Raises :class:`CompilerError` with solc's own messages when compilation fails, or when two
    contracts share a name (artifacts are keyed by contract name).
    """
    import solcx

    solc = find_solc()
    request = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sorted(sources.items())},
        "settings": settings_for(optimize),
    }
    kwargs: dict[str, Any] = {"solc_binary": str(solc)}
    if base_path is not None:
        kwargs["base_path"] = str(base_path)
        kwargs["allow_paths"] = str(base_path)
    try:
        output = solcx.compile_standard(request, **kwargs)
    except solcx.exceptions.SolcError as exc:
        raise CompilerError(_format_errors(getattr(exc, "stdout_data", "") or str(exc))) from exc
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise CompilerError("\n".join(e.get("formattedMessage", e.get("message", "")) for e in errors))
    result: dict[str, CompiledContract] = {}
    for unit, contracts in output.get("contracts", {}).items():
        for name, data in contracts.items():
            if name in result:
                raise CompilerError(
                    f"contract name {name!r} is defined in both {result[name].source} and {unit}; "
                    "rename one (artifacts are keyed by contract name)"
                )
            result[name] = CompiledContract(
                name=name,
                source=unit,
                abi=data["abi"],
                bytecode=bytes.fromhex(data["evm"]["bytecode"]["object"]),
                runtime_bytecode=bytes.fromhex(data["evm"]["deployedBytecode"]["object"]),
                storage_layout=data.get("storageLayout") or {},
            )
    return result


def source_hash(sources: dict[str, str], optimize: bool = True) -> str:
    """A hash of the sources, settings and compiler version: what an artifact set was built from."""
    digest = hashlib.sha256()
    digest.update(SOLC_VERSION.encode())
    digest.update(json.dumps(settings_for(optimize), sort_keys=True).encode())
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
    return digest.hexdigest()


def _format_errors(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text
    return "\n".join(e.get("formattedMessage", "") for e in data.get("errors", []))
