"""The genesis disk cache: a second process deploys nothing, and a damaged or stale file is never trusted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zkconnect.config import default_config
from zkconnect.devnet import Devnet
from zkconnect.genesis import build as genesis


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ZKCONNECT_CACHE_DIR", str(tmp_path))
    genesis._cached.cache_clear()
    yield tmp_path
    genesis._cached.cache_clear()


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    builds: list[int] = []
    real = genesis._build

    def counting(key: genesis._Key) -> genesis.Genesis:
        builds.append(1)
        return real(key)

    monkeypatch.setattr(genesis, "_build", counting)
    return builds


def test_a_new_process_takes_the_genesis_from_disk(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = _count_builds(monkeypatch)
    first = genesis.devnet_genesis(default_config())
    assert builds == [1] and len(list(cache.glob("genesis-*.pickle"))) == 1
    genesis._cached.cache_clear()  # as if a new process started
    second = genesis.devnet_genesis(default_config())
    assert builds == [1]
    assert second.states == first.states and second.contracts == first.contracts
    assert Devnet()["zk-a"].block_number == 0


@pytest.mark.slow
def test_a_damaged_cache_file_is_rebuilt_and_replaced(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    genesis.devnet_genesis(default_config())
    (path,) = cache.glob("genesis-*.pickle")
    path.write_bytes(b"not a pickle")
    genesis._cached.cache_clear()
    builds = _count_builds(monkeypatch)
    assert genesis.devnet_genesis(default_config()).states
    assert builds == [1] and path.read_bytes() != b"not a pickle"


@pytest.mark.slow
def test_another_topology_or_changed_sources_use_another_file(cache: Path) -> None:
    genesis.devnet_genesis(default_config())
    from dataclasses import replace

    genesis.devnet_genesis(replace(default_config(), interop_fee_wei=7))
    assert len(list(cache.glob("genesis-*.pickle"))) == 2
    key = genesis._Key.of(default_config())
    assert genesis._fingerprint(key) != genesis._fingerprint(genesis._Key.of(replace(default_config(), accounts=3)))


def test_the_disk_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZKCONNECT_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    genesis._cached.cache_clear()
    try:
        assert genesis.devnet_genesis(default_config()).states
        assert not list(tmp_path.rglob("genesis-*.pickle"))
    finally:
        genesis._cached.cache_clear()
