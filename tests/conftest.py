"""Shared fixtures for zkconnect's own test suite."""

from __future__ import annotations

import pytest

from zkconnect import Devnet
from zkconnect.accounts import DevAccount, dev_accounts

pytest_plugins = ["pytester"]


@pytest.fixture
def devnet() -> Devnet:
    """A fresh default-topology devnet (chains only; cheap to build)."""
    return Devnet()


@pytest.fixture
def alice() -> DevAccount:
    """The first mnemonic dev account (anvil's account 0)."""
    return dev_accounts()[0]


@pytest.fixture
def bob() -> DevAccount:
    """The second mnemonic dev account."""
    return dev_accounts()[1]
