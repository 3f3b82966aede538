"""Committed contract artifacts, the compiler pipeline and the package surface."""

from __future__ import annotations

import json

import pytest

import zkconnect
from zkconnect import artifacts
from zkconnect.errors import ArtifactError, ZkConnectError


def test_manifest_lists_every_committed_artifact_with_compiler_and_settings():
    manifest = json.loads((artifacts.ARTIFACTS_DIR / "manifest.json").read_text())
    assert manifest["compiler"] == "0.8.37"
    assert manifest["settings"]["evmVersion"] == "prague"
    assert sorted(manifest["contracts"]) == artifacts.available()
    assert len(manifest["sourceHash"]) == 64


def test_sample_contract_artifact_has_abi_and_both_bytecodes():
    counter = artifacts.load("Counter")
    assert {e.get("name") for e in counter.abi} >= {
        "increment",
        "count",
        "chainId",
        "Incremented",
        "CountOverflow",
    }
    assert counter.bytecode and counter.runtime_bytecode
    assert counter.storage_slot("count") == 0


def test_unknown_artifact_suggests_close_names():
    with pytest.raises(ArtifactError, match="Did you mean Counter"):
        artifacts.load("Countr")


def test_every_public_error_derives_from_the_root():
    errors = [
        getattr(zkconnect, n)
        for n in zkconnect.__all__
        if n.endswith(("Error", "Mismatch", "Reverted", "Snapshot", "Unavailable", "Transaction"))
    ]
    assert errors
    for cls in errors:
        assert issubclass(cls, ZkConnectError), cls


def test_exported_names_exist():
    for name in zkconnect.__all__:
        assert hasattr(zkconnect, name), name
