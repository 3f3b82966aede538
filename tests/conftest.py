"""Shared fixtures for zkconnect's own test suite.

Two ways to get a devnet: ``devnet`` builds a fresh one per test (cheap: the genesis is cached), and
``devnet_module`` + ``isolated_devnet`` build one per module and roll it back after each test, for modules whose
tests share an expensive setup. ``devnet_with`` and ``migrated_token`` are the setup steps many modules repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from zkconnect import Devnet
from zkconnect.accounts import DevAccount, dev_accounts
from zkconnect.assets import deploy_test_token, migrate_token_balance, register_token
from zkconnect.config import ChainConfig, default_config

pytest_plugins = ["pytester"]

DevnetWith = Callable[..., Devnet]
MigratedToken = Callable[..., tuple[bytes, bytes]]


@pytest.fixture
def devnet() -> Devnet:
    """A fresh default-topology devnet (chains only; cheap to build)."""
    return Devnet()


@pytest.fixture(scope="module")
def devnet_module() -> Devnet:
    """The default topology, built once per test module (override it in a module for another topology)."""
    return Devnet()


@pytest.fixture
def isolated_devnet(devnet_module: Devnet) -> Iterator[Devnet]:
    """The module's devnet, rolled back (chains, clock, ledger, settlement, relayer) after the test."""
    sid = devnet_module.snapshot()
    try:
        yield devnet_module
    finally:
        devnet_module.revert(sid)


@pytest.fixture(scope="session")
def devnet_with() -> DevnetWith:
    """Build a devnet of the default topology plus ``chains``, with ``settings`` replaced (e.g. ``timing``)."""

    def build(*chains: ChainConfig, **settings: Any) -> Devnet:
        base = default_config()
        return Devnet(replace(base, chains=(*base.chains, *chains), **settings))

    return build


@pytest.fixture(scope="session")
def migrated_token() -> MigratedToken:
    """Deploy a test token on ``chain``, register it with the vault and migrate its balance to Gateway.

    Called as ``migrated_token(devnet, chain, owner, **token_options)``; returns ``(token address, asset id)``.
    """

    def make(devnet: Devnet, chain: str | int, owner: DevAccount, **token_options: Any) -> tuple[bytes, bytes]:
        token = deploy_test_token(devnet, chain, owner, **token_options)
        asset = register_token(devnet, chain, token, owner)
        migrate_token_balance(devnet, chain, asset)
        return token, asset

    return make


@pytest.fixture
def alice() -> DevAccount:
    """The first mnemonic dev account (anvil's account 0)."""
    return dev_accounts()[0]


@pytest.fixture
def bob() -> DevAccount:
    """The second mnemonic dev account."""
    return dev_accounts()[1]
