"""A property test: random token transfers between zk-a and zk-b never create or lose tokens."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from zkconnect.accounts import DevAccount
from zkconnect.assets import (
    deploy_test_token,
    migrate_token_balance,
    predict_bridged_token,
    register_token,
    token_balance,
)
from zkconnect.devnet import Devnet
from zkconnect.testing import (
    ChainHandle,
    assert_supply_conserved,
    assert_token_supply_conserved,
    assert_trackers_consistent,
    send_token,
)

UNIT = 10**18


@pytest.fixture(scope="module")
def token(zk_devnet: Devnet, zk_accounts: tuple[DevAccount, ...]) -> bytes:
    """An ERC-20 native to zk-a, 1000 units for account 0, its balance migrated to Gateway."""
    address = deploy_test_token(zk_devnet, "zk-a", zk_accounts[0], mint=1000 * UNIT)
    migrate_token_balance(zk_devnet, "zk-a", register_token(zk_devnet, "zk-a", address, zk_accounts[0]))
    return address


@settings(max_examples=5, deadline=None, database=None)
@given(moves=st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=400)), min_size=1, max_size=3))
def test_transfers_conserve_the_token(
    zk_devnet: Devnet,
    zk_a: ChainHandle,
    zk_b: ChainHandle,
    zk_accounts: tuple[DevAccount, ...],
    token: bytes,
    moves: list[tuple[bool, int]],
) -> None:
    alice = zk_accounts[0]
    bridged = predict_bridged_token(zk_devnet, "zk-a", token, "zk-b")
    assert token_balance(zk_devnet, "zk-b", bridged, alice.address) == 0  # every example starts afresh
    for to_b, units in moves:
        source, destination, address = (zk_a, zk_b, token) if to_b else (zk_b, zk_a, bridged)
        if token_balance(zk_devnet, source.name, address, alice.address) >= units * UNIT:
            send_token(source, destination, address, units * UNIT)
        assert_token_supply_conserved(zk_devnet, zk_a, token)
        assert_trackers_consistent(zk_devnet, zk_a, token)
        assert_supply_conserved(zk_devnet)
