"""Fixtures shared by the interop tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from zkconnect import Devnet
from zkconnect.config import ChainConfig

ZK_CUSTOM = ChainConfig("zk-custom", 6568, 3054, "zk", settlement="gateway", base_token="ZKT")


@pytest.fixture(scope="module")
def erc20_based(devnet_with: Callable[..., Devnet]) -> Devnet:
    """The default topology plus zk-custom (6568, Gateway-settled), whose base token ZKT is an L1 ERC20."""
    return devnet_with(ZK_CUSTOM)
