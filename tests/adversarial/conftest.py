"""The adversarial catalogue (``adversarial.md`` B.5) run against the integrated :class:`zkconnect.Devnet`.

One default-topology devnet is built per module (l1, gateway, zk-a 6565, zk-b 6566, relayer in
``auto`` mode) and every test runs between ``devnet.snapshot()`` and ``devnet.revert()``. Bundles
are sent through the real InteropCenter, settled through the real Gateway executors and proven
with the devnet's own proofs; ``adversarial_helpers`` only builds calldata and reads state.
"""

from __future__ import annotations

import pytest

from zkconnect import Devnet
from zkconnect.accounts import DevAccount


@pytest.fixture
def devnet(isolated_devnet: Devnet) -> Devnet:
    """The module's devnet (``devnet_module``), rolled back after the test."""
    return isolated_devnet


@pytest.fixture
def alice(devnet: Devnet) -> DevAccount:
    return devnet.accounts[0]


@pytest.fixture
def bob(devnet: Devnet) -> DevAccount:
    return devnet.accounts[1]
