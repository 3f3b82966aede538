"""A chain-native token's round trip through Gateway and L1, end to end on the default Devnet in auto relay mode.

A token native to 6565 is registered, its balance migrated to Gateway through L1 (the migration message proven to
L1's L1AssetTracker, the confirmations sent back as service transactions), sent to 6566 (predicted bridged address,
same asset id), partly back to 6565, withdrawn to L1 from 6566 (L1 deploys the token's L1 copy and mints), finalized
only once, and deposited back from L1 (the L1 copy burned). After every step the balances on every chain and the
three trackers (L1AssetTracker, GWAssetTracker, the origin's L2AssetTracker) are checked against each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.assets import (
    MAX_TOKEN_BALANCE,
    AssetError,
    asset_id,
    chain_balance,
    deploy_test_token,
    migrate_token_balance,
    pending_interop_balance,
    predict_bridged_token,
    register_token,
    token_address,
    token_balance,
    token_migrated,
    transfer,
)
from zkconnect.bridge import (
    Withdrawal,
    claim_failed_deposit,
    deposit_erc20,
    finalize_withdrawal,
    l1_chain_balance,
    withdraw,
)
from zkconnect.errors import TransactionReverted
from zkconnect.protocol.addresses import GW_ASSET_TRACKER, L2_ASSET_TRACKER, L2_NATIVE_TOKEN_VAULT
from zkconnect.testing import assert_token_supply_conserved, assert_trackers_consistent

MAX = MAX_TOKEN_BALANCE
A, B, GW = 6565, 6566, 506
FINALIZE_PARAMS = "(uint256,uint256,uint256,address,uint16,bytes,bytes32[])"


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def read(devnet: Devnet, chain: str, to: bytes, signature: str, *args: object) -> bytes:
    types = signature[signature.index("(") + 1 : -1]
    return devnet[chain].call(to, sel(signature) + (encode(types.split(","), list(args)) if types else b""))


def uint(devnet: Devnet, chain: str, to: bytes, signature: str, *args: object) -> int:
    return int.from_bytes(read(devnet, chain, to, signature, *args), "big")


@dataclass
class Flow:
    devnet: Devnet
    alice: DevAccount
    bob: DevAccount
    token: bytes
    asset: bytes
    l1_tracker: bytes
    l1_vault: bytes

    def supply(self, chain: str, token: bytes) -> int:
        return uint(self.devnet, chain, token, "totalSupply()") if self.devnet[chain].code(token) else 0

    def check(
        self,
        *,
        holders: dict[tuple[str, bytes], int],
        locked_on_a: int,
        supply_b: int,
        supply_l1: int,
        l1_tracker: dict[int, int],
        gw_tracker: dict[int, int],
    ) -> None:
        """Token balances on every chain and the three trackers, and that they agree with each other."""
        devnet = self.devnet
        bridged_b = predict_bridged_token(devnet, "zk-a", self.token, "zk-b")
        bridged_l1 = predict_bridged_token(devnet, "zk-a", self.token, "l1")
        for (chain, holder), amount in holders.items():
            token = {"zk-a": self.token, "zk-b": bridged_b, "l1": bridged_l1}[chain]
            assert token_balance(devnet, chain, token, holder) == amount, (chain, holder.hex())
        assert token_balance(devnet, "zk-a", self.token, L2_NATIVE_TOKEN_VAULT) == locked_on_a
        assert self.supply("zk-b", bridged_b) == supply_b
        assert self.supply("l1", bridged_l1) == supply_l1
        # supply conservation: what the origin locks is exactly what exists elsewhere (nothing in flight)
        assert locked_on_a == supply_b + supply_l1

        # the origin's L2AssetTracker: MAX minus what is outside 6565
        assert chain_balance(devnet, "zk-a", self.asset, tracker="l2") == MAX - locked_on_a
        # Gateway: what each chain may still send; 6565 holds MAX minus what left it through Gateway
        for chain_id, expected in gw_tracker.items():
            assert chain_balance(devnet, chain_id, self.asset) == expected, chain_id
            assert pending_interop_balance(devnet, chain_id, self.asset) == 0
        assert gw_tracker[B] == supply_b
        # L1: every chain's chainBalance, summing to MAX once the asset is registered there
        balances = {c: l1_chain_balance(devnet, c, self.asset) for c in (31337, GW, A, B)}
        assert balances == l1_tracker
        if any(balances.values()):
            assert sum(balances.values()) == MAX
            # Gateway's ledger holds exactly what L1 credits Gateway with
            assert sum(gw_tracker.values()) == balances[GW]
        assert balances[31337] == supply_l1
        if self.asset:
            assert_token_supply_conserved(devnet, "zk-a", self.token)
            assert_trackers_consistent(devnet, "zk-a", self.token)


@pytest.fixture(scope="module")
def flow() -> Flow:
    devnet = Devnet()
    assert devnet.relayer.mode == "auto"
    bridge = devnet.contracts.l1_bridge
    assert bridge is not None
    alice, bob = devnet.accounts[0], devnet.accounts[1]
    token = deploy_test_token(devnet, "zk-a", alice, name="Alpha", symbol="ALP", decimals=6, mint=1_000)
    return Flow(devnet, alice, bob, token, b"", bridge.asset_tracker, bridge.native_token_vault)


def test_l2_native_token_round_trip_through_gateway_and_l1(flow: Flow) -> None:
    devnet, alice, bob, token = flow.devnet, flow.alice, flow.bob, flow.token

    # --- registered on 6565 under the v31 asset id; L1 has never heard of it
    flow.asset = asset = register_token(devnet, "zk-a", token, alice)
    assert asset == asset_id(A, token)
    assert uint(devnet, "l1", flow.l1_tracker, "isAssetRegistered(bytes32)", asset) == 0
    flow.check(
        holders={("zk-a", alice.address): 1_000},
        locked_on_a=0,
        supply_b=0,
        supply_l1=0,
        l1_tracker={31337: 0, GW: 0, A: 0, B: 0},
        gw_tracker={A: 0, B: 0},
    )

    # --- before migration the token cannot leave, with the real error
    with pytest.raises(AssetError) as refused:
        transfer(devnet, "zk-a", "zk-b", token, 1, alice, bob.address)
    expected_error = sel("TokenBalanceNotMigratedToGateway(bytes32,uint256,uint256)") + encode(
        ["bytes32", "uint256", "uint256"], [asset, 0, 1]
    )
    assert refused.value.revert_data == expected_error

    # --- migrated: proven on L1, L1 moves 6565's MAX to Gateway, confirmations run on Gateway and 6565
    migration = migrate_token_balance(devnet, "zk-a", asset)
    assert migration.confirmed and migration.l1_tx is not None
    assert migration.amount == MAX
    l1_receipt = devnet.l1.receipt(migration.l1_tx)
    assert l1_receipt is not None and l1_receipt.to == flow.l1_tracker
    services = [r for r in devnet.priority.requests_in(l1_receipt) if r.sender == b"\xff" * 20]
    assert {(r.chain_id, r.to) for r in services} == {(GW, GW_ASSET_TRACKER), (A, L2_ASSET_TRACKER)}
    assert all(devnet.priority.execution(r.canonical_hash).ok for r in services)  # type: ignore[union-attr]
    assert token_migrated(devnet, "zk-a", asset)
    assert uint(devnet, "l1", flow.l1_tracker, "assetMigrationNumber(uint256,bytes32)", A, asset) == 1
    assert uint(devnet, "gateway", GW_ASSET_TRACKER, "assetMigrationNumber(uint256,bytes32)", A, asset) == 1
    flow.check(
        holders={("zk-a", alice.address): 1_000},
        locked_on_a=0,
        supply_b=0,
        supply_l1=0,
        l1_tracker={31337: 0, GW: MAX, A: 0, B: 0},
        gw_tracker={A: MAX, B: 0},
    )

    # --- 400 to bob on 6566: arrives at the predicted bridged address, under the same asset id
    transfer(devnet, "zk-a", "zk-b", token, 400, alice, bob.address)
    bridged_b = predict_bridged_token(devnet, "zk-a", token, "zk-b")
    assert token_address(devnet, "zk-b", asset) == bridged_b
    (b_asset,) = decode(["bytes32"], read(devnet, "zk-b", bridged_b, "assetId()"))
    assert b_asset == asset
    flow.check(
        holders={("zk-a", alice.address): 600, ("zk-b", bob.address): 400},
        locked_on_a=400,
        supply_b=400,
        supply_l1=0,
        l1_tracker={31337: 0, GW: MAX, A: 0, B: 0},
        gw_tracker={A: MAX - 400, B: 400},
    )

    # --- 150 back to alice on 6565 (burned on 6566, released from 6565's vault)
    transfer(devnet, "zk-b", "zk-a", bridged_b, 150, bob, alice.address)
    flow.check(
        holders={("zk-a", alice.address): 750, ("zk-b", bob.address): 250},
        locked_on_a=250,
        supply_b=250,
        supply_l1=0,
        l1_tracker={31337: 0, GW: MAX, A: 0, B: 0},
        gw_tracker={A: MAX - 250, B: 250},
    )

    # --- bob withdraws 100 from 6566 to L1: L1 deploys the token's copy at its CREATE2 address and mints
    sent = withdraw(devnet, bob, asset, 100, chain="zk-b")
    devnet.relay()
    bridged_l1 = predict_bridged_token(devnet, "zk-a", token, "l1")
    assert not devnet.l1.code(bridged_l1)
    assert finalize_withdrawal(devnet, sent).ok
    assert token_address(devnet, "l1", asset) == bridged_l1
    (originated,) = decode(["address"], read(devnet, "l1", bridged_l1, "originToken()"))
    assert bytes.fromhex(originated[2:]) == token
    (name,) = decode(["string"], read(devnet, "l1", bridged_l1, "name()"))
    (symbol,) = decode(["string"], read(devnet, "l1", bridged_l1, "symbol()"))
    assert (name, symbol, uint(devnet, "l1", bridged_l1, "decimals()")) == ("Alpha", "ALP", 6)
    assert uint(devnet, "l1", flow.l1_vault, "originChainId(bytes32)", asset) == A
    flow.check(
        holders={("zk-a", alice.address): 750, ("zk-b", bob.address): 150, ("l1", bob.address): 100},
        locked_on_a=250,
        supply_b=150,
        supply_l1=100,
        l1_tracker={31337: 100, GW: MAX - 100, A: 0, B: 0},
        gw_tracker={A: MAX - 250, B: 150},
    )

    # --- the same withdrawal again is refused by the L1Nullifier
    with pytest.raises(TransactionReverted) as again:
        finalize_withdrawal(devnet, sent)
    assert again.value.data == sel("WithdrawalAlreadyFinalized()")
    assert token_balance(devnet, "l1", bridged_l1, bob.address) == 100

    # --- bob deposits 40 of the L1 copy back to alice on 6565 (burned on L1, released on the origin) and 10 to
    #     himself on 6566 (minted there); Gateway learns of both through the deposit's balance change
    to_a = deposit_erc20(devnet, bob, bridged_l1, 40, chain="zk-a", to=alice.address)
    assert to_a.execution is not None and to_a.execution.ok
    to_b = deposit_erc20(devnet, bob, bridged_l1, 10, chain="zk-b")
    assert to_b.execution is not None and to_b.execution.ok
    devnet.relay()
    flow.check(
        holders={("zk-a", alice.address): 790, ("zk-b", bob.address): 160, ("l1", bob.address): 50},
        locked_on_a=210,
        supply_b=160,
        supply_l1=50,
        l1_tracker={31337: 50, GW: MAX - 50, A: 0, B: 0},
        gw_tracker={A: MAX - 210, B: 160},
    )


def test_a_migration_message_is_processed_once_on_l1(flow: Flow) -> None:
    """Replaying the proven migration message to L1 is refused (the asset's migration number is already set)."""
    devnet = flow.devnet
    token = deploy_test_token(devnet, "zk-a", flow.alice, mint=10)
    asset = register_token(devnet, "zk-a", token, flow.alice)
    migration = migrate_token_balance(devnet, "zk-a", asset)
    assert migration.initiate_tx is not None
    proof = devnet.proof("zk-a", migration.initiate_tx, 0, mode="l1")
    assert proof.message is not None
    params = (
        A,
        proof.batch_number,
        proof.id,
        bytes.fromhex(proof.message.sender[2:]),
        proof.message.tx_number_in_batch,
        proof.message.data,
        list(proof.proof),
    )
    call = sel(f"receiveL1ToGatewayMigrationOnL1({FINALIZE_PARAMS})") + encode([FINALIZE_PARAMS], [params])
    replay = devnet.l1.transact(flow.bob.private_key, flow.l1_tracker, call)
    assert not replay.ok
    assert replay.output == sel("InvalidAssetMigrationNumber()")
    # a tampered proof (another chain id) does not prove, and nothing moved
    forged = (B, *params[1:])
    call = sel(f"receiveL1ToGatewayMigrationOnL1({FINALIZE_PARAMS})") + encode([FINALIZE_PARAMS], [forged])
    bad = devnet.l1.transact(flow.bob.private_key, flow.l1_tracker, call)
    assert not bad.ok and bad.output == sel("InvalidProof()")
    assert l1_chain_balance(devnet, GW, asset) == MAX
    assert chain_balance(devnet, "zk-a", asset) == MAX


@dataclass
class Spread:
    """zk-a's token migrated, 400 sent to bob on zk-b, 100 of it withdrawn by bob to L1 (finalized)."""

    devnet: Devnet
    alice: DevAccount
    bob: DevAccount
    token: bytes
    asset: bytes
    l1_copy: bytes


@pytest.fixture(scope="module")
def spread_world(migrated_token: Callable[..., tuple[bytes, bytes]]) -> Spread:
    devnet = Devnet()
    alice, bob = devnet.accounts[0], devnet.accounts[1]
    token, asset = migrated_token(devnet, "zk-a", alice, mint=1_000)
    transfer(devnet, "zk-a", "zk-b", token, 400, alice, bob.address)
    sent = withdraw(devnet, bob, asset, 100, chain="zk-b")
    devnet.relay()
    finalize_withdrawal(devnet, sent)
    return Spread(devnet, alice, bob, token, asset, predict_bridged_token(devnet, "zk-a", token, "l1"))


@pytest.fixture
def spread(spread_world: Spread) -> Iterator[Spread]:
    with spread_world.devnet.anchor():
        yield spread_world


def test_origin_chain_withdraws_its_own_token_to_l1(spread: Spread) -> None:
    """A withdrawal from the origin locks the token there and mints the same L1 copy."""
    devnet, alice, asset = spread.devnet, spread.alice, spread.asset
    sent = withdraw(devnet, alice, asset, 30, chain="zk-a")
    devnet.relay()
    assert finalize_withdrawal(devnet, sent).ok
    assert token_balance(devnet, "l1", spread.l1_copy, alice.address) == 30
    assert uint(devnet, "l1", spread.l1_copy, "totalSupply()") == 130
    assert token_balance(devnet, "zk-a", spread.token, L2_NATIVE_TOKEN_VAULT) == 430
    assert chain_balance(devnet, "zk-a", asset, tracker="l2") == MAX - 430
    assert chain_balance(devnet, "zk-a", asset) == MAX - 430
    assert l1_chain_balance(devnet, GW, asset) == MAX - 130
    assert l1_chain_balance(devnet, 31337, asset) == 130


def test_failed_deposit_of_the_l1_copy_is_minted_back(spread: Spread) -> None:
    devnet, bob, asset = spread.devnet, spread.bob, spread.asset
    # too little L2 gas: finalizeDeposit runs out of gas on zk-b
    deposit = deposit_erc20(devnet, bob, spread.l1_copy, 60, chain="zk-b", gas_limit=30_000)
    assert deposit.execution is not None and not deposit.execution.ok
    assert token_balance(devnet, "l1", spread.l1_copy, bob.address) == 40  # burned on L1
    assert l1_chain_balance(devnet, GW, asset) == MAX - 40
    devnet.relay()
    # Gateway undid the deposit's balance change when zk-b reported the failure
    assert chain_balance(devnet, "zk-b", asset) == 300
    assert claim_failed_deposit(devnet, deposit).ok
    assert token_balance(devnet, "l1", spread.l1_copy, bob.address) == 100
    assert uint(devnet, "l1", spread.l1_copy, "totalSupply()") == 100
    assert l1_chain_balance(devnet, GW, asset) == MAX - 100
    assert l1_chain_balance(devnet, 31337, asset) == 100
    with pytest.raises(TransactionReverted) as again:
        claim_failed_deposit(devnet, deposit)
    assert again.value.data == sel("DepositDoesNotExist()")


def test_l1_copy_is_minted_and_burned_only_by_the_l1_vault(spread: Spread) -> None:
    devnet, bob = spread.devnet, spread.bob
    for signature in ("bridgeMint(address,uint256)", "bridgeBurn(address,uint256)"):
        call = sel(signature) + encode(["address", "uint256"], [bob.address, 1])
        receipt = devnet.l1.transact(bob.private_key, spread.l1_copy, call)
        assert not receipt.ok
        assert receipt.output == sel("OnlyNativeTokenVault(address)") + encode(["address"], [bob.address])
    again = sel("bridgeInitialize(bytes32,address,bytes)") + encode(
        ["bytes32", "address", "bytes"], [spread.asset, bob.address, b"\x01"]
    )
    receipt = devnet.l1.transact(bob.private_key, spread.l1_copy, again)
    assert not receipt.ok and receipt.output == sel("AlreadyInitialized()")


def test_manual_mode_migration_runs_only_its_own_confirmations(spread: Spread) -> None:
    """In manual relay mode migrate_token_balance still completes, and a deposit queued before stays pending."""
    devnet, alice = spread.devnet, spread.alice
    devnet.relayer.set_mode("manual")
    queued = deposit_erc20(devnet, spread.bob, spread.l1_copy, 5, chain="zk-a")
    assert queued.execution is None
    token = deploy_test_token(devnet, "zk-a", alice, mint=10)
    asset = register_token(devnet, "zk-a", token, alice)
    migration = migrate_token_balance(devnet, "zk-a", asset)
    assert migration.confirmed and token_migrated(devnet, "zk-a", asset)
    assert chain_balance(devnet, "zk-a", asset) == MAX
    assert queued.execution is None
    assert queued.canonical_hash in {r.canonical_hash for r in devnet.priority.pending}
    devnet.relay()
    assert queued.execution is not None and queued.execution.ok


# ---------------------------------------------------------------------- stateful: every step keeps the books


class TokenBooks(RuleBasedStateMachine):
    """Transfers between 6565 and 6566, withdrawals to L1 from either (finalized later, in any order) and
    deposits of the L1 copy back to either chain, on one zk-a token. After every step: supply is conserved
    (what 6565 locks = bridged supply on 6566 + L1 copy supply + withdrawals not yet finalized), and the three
    trackers agree with the tokens that exist."""

    def __init__(self) -> None:
        super().__init__()
        self.world = _books_world()
        self.snapshot = self.world.devnet.snapshot()
        self.unfinalized: list[tuple[int, Withdrawal]] = []

    def teardown(self) -> None:
        self.world.devnet.revert(self.snapshot)

    # the copies of the token on each chain
    def _token(self, chain: str) -> bytes:
        if chain == "zk-a":
            return self.world.token
        return predict_bridged_token(self.world.devnet, "zk-a", self.world.token, chain)

    def _holder(self, chain: str) -> DevAccount:
        return self.world.alice if chain == "zk-a" else self.world.bob

    def _held(self, chain: str) -> int:
        return token_balance(self.world.devnet, chain, self._token(chain), self._holder(chain).address)

    @rule(forward=st.booleans(), amount=st.integers(min_value=1, max_value=300))
    def interop_transfer(self, forward: bool, amount: int) -> None:
        source, destination = ("zk-a", "zk-b") if forward else ("zk-b", "zk-a")
        if self._held(source) < amount:
            return
        w = self.world
        transfer(
            w.devnet,
            source,
            destination,
            self._token(source),
            amount,
            self._holder(source),
            self._holder(destination).address,
        )
        w.devnet.relay()

    @rule(from_a=st.booleans(), amount=st.integers(min_value=1, max_value=200))
    def withdraw_to_l1(self, from_a: bool, amount: int) -> None:
        chain = "zk-a" if from_a else "zk-b"
        if self._held(chain) < amount:
            return
        w = self.world
        sent = withdraw(w.devnet, self._holder(chain), w.asset, amount, chain=chain, to=w.bob.address)
        w.devnet.relay()
        self.unfinalized.append((amount, sent))

    @rule(data=st.data())
    def finalize(self, data: st.DataObject) -> None:
        if not self.unfinalized:
            return
        _, sent = self.unfinalized.pop(data.draw(st.integers(0, len(self.unfinalized) - 1)))
        assert finalize_withdrawal(self.world.devnet, sent).ok

    @rule(to_a=st.booleans(), amount=st.integers(min_value=1, max_value=100))
    def deposit_back(self, to_a: bool, amount: int) -> None:
        if self._held("l1") < amount:
            return
        w = self.world
        chain = "zk-a" if to_a else "zk-b"
        deposit = deposit_erc20(w.devnet, w.bob, self._token("l1"), amount, chain=chain, to=self._holder(chain).address)
        assert deposit.execution is not None and deposit.execution.ok
        w.devnet.relay()

    @invariant()
    def books_balance(self) -> None:
        w = self.world
        devnet = w.devnet
        locked = token_balance(devnet, "zk-a", w.token, L2_NATIVE_TOKEN_VAULT)
        supply_b = total_supply(devnet, "zk-b", self._token("zk-b"))
        supply_l1 = total_supply(devnet, "l1", self._token("l1"))
        in_flight = sum(amount for amount, _ in self.unfinalized)
        assert locked == supply_b + supply_l1 + in_flight
        assert self._held("zk-a") + locked == 1_000
        assert chain_balance(devnet, "zk-a", w.asset, tracker="l2") == MAX - locked
        assert chain_balance(devnet, "zk-a", w.asset) == MAX - locked
        assert chain_balance(devnet, "zk-b", w.asset) == supply_b
        for chain in ("zk-a", "zk-b"):
            assert pending_interop_balance(devnet, chain, w.asset) == 0
        assert l1_chain_balance(devnet, 31337, w.asset) == supply_l1
        assert l1_chain_balance(devnet, GW, w.asset) == MAX - supply_l1
        assert l1_chain_balance(devnet, A, w.asset) == l1_chain_balance(devnet, B, w.asset) == 0
        # the same books, as zkconnect.testing reads them (they count the L1 copy and unfinalized withdrawals)
        assert_token_supply_conserved(devnet, "zk-a", w.token)
        assert_trackers_consistent(devnet, "zk-a", w.token)


@dataclass
class _Books:
    devnet: Devnet
    alice: DevAccount
    bob: DevAccount
    token: bytes
    asset: bytes


_BOOKS: list[_Books] = []


def _books_world() -> _Books:
    if not _BOOKS:
        devnet = Devnet()
        alice, bob = devnet.accounts[0], devnet.accounts[1]
        token = deploy_test_token(devnet, "zk-a", alice, mint=1_000)
        asset = register_token(devnet, "zk-a", token, alice)
        migrate_token_balance(devnet, "zk-a", asset)
        _BOOKS.append(_Books(devnet, alice, bob, token, asset))
    return _BOOKS[0]


def total_supply(devnet: Devnet, chain: str, token: bytes) -> int:
    return uint(devnet, chain, token, "totalSupply()") if devnet[chain].code(token) else 0


def test_books_balance_after_every_step() -> None:
    run_state_machine_as_test(
        TokenBooks,
        settings=settings(
            max_examples=8, stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
