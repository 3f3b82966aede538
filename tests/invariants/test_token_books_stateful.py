"""T1 (adversarial.md B.5): a stateful Hypothesis run over L1, Gateway and three Gateway-settled chains.

zk-a (6565), zk-b (6566) and zk-c (6567) settle on Gateway; the relayer is in manual mode, so every step of the
pipeline is a rule of its own. Two tokens move: ``A``, native to zk-a (registered, its balance migrated to
Gateway), and ``L``, an ERC-20 native to L1. The rules mix

- interop bundles from any chain to any other: one token call through the L2AssetRouter (``indirectCall``), and
  sometimes a second call carrying base-token value to a recipient contract; every bundle names bob on its
  destination as its unbundler;
- settlement (batches on Gateway, Gateway's on L1, interop roots imported);
- executing one pending bundle (``InteropHandler.executeBundle``, anyone may);
- verifying and unbundling one (bob, partially or wholly: each call executed, cancelled or left for later);
- withdrawals to L1 from any chain, finalized later in any order;
- deposits from L1 (``L``, or the L1 copy of ``A``) to any chain, some with too little L2 gas so they fail, run
  when the priority queue is processed and claimed back on L1 once.

After every step the books balance, checked twice: against a ghost model this test keeps (what alice holds of each
token on each chain and what is in flight), and with ``zkconnect.testing``'s invariants, which read only the
devnet. A cancelled token call is lost in v31: the tokens stay locked (or burned) on the source and the amount
stays in Gateway's ``pendingInteropBalance`` of the destination for good, as era-contracts' own unbundle
accounting test says ("a cancelled call is expected to leave funds unrecoverable until a recovery mechanism is
implemented"). Both models count it as in flight forever.

``ZKCONNECT_STATEFUL_EXAMPLES`` and ``ZKCONNECT_STATEFUL_STEPS`` make the run bigger (defaults 8 and 12).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from eth_abi.abi import encode
from eth_utils.crypto import keccak
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.artifacts import load
from zkconnect.assets import (
    MAX_TOKEN_BALANCE,
    asset_id,
    chain_balance,
    deploy_test_token,
    migrate_token_balance,
    pending_interop_balance,
    predict_bridged_token,
    register_token,
    token_balance,
    transfer,
)
from zkconnect.bridge import (
    DEFAULT_L2_GAS_LIMIT,
    Deposit,
    Withdrawal,
    claim_failed_deposit,
    deposit_erc20,
    finalize_withdrawal,
    l1_asset_id,
    l1_chain_balance,
    withdraw,
)
from zkconnect.config import ChainConfig, DevnetConfig, default_config
from zkconnect.errors import TransactionReverted
from zkconnect.protocol.addresses import INTEROP_CENTER, INTEROP_HANDLER, L2_ASSET_ROUTER, L2_NATIVE_TOKEN_VAULT
from zkconnect.protocol.messages import (
    CallStatus,
    InteropCallStarter,
    NtvBurnData,
    execute_bundle_calldata,
    format_evm_v1,
    indirect_call,
    interop_call_value,
    second_bridge_data,
    send_bundle_calldata,
    unbundler_address,
    verify_bundle_calldata,
)
from zkconnect.protocol.reverts import error_name
from zkconnect.testing import assert_supply_conserved, assert_token_supply_conserved, assert_trackers_consistent

CHAINS = ("zk-a", "zk-b", "zk-c")
IDS = {"zk-a": 6565, "zk-b": 6566, "zk-c": 6567}
GW, L1 = 506, 31337
MINTED = 10_000
GAS = 8_000_000
PAIRS = [(s, d) for s in CHAINS for d in CHAINS if s != d]
EXAMPLES = int(os.environ.get("ZKCONNECT_STATEFUL_EXAMPLES", "8"))
STEPS = int(os.environ.get("ZKCONNECT_STATEFUL_STEPS", "12"))


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def three_gateway_chains() -> DevnetConfig:
    """The default topology plus zk-c (6567), a third chain settling on Gateway."""
    base = default_config()
    return DevnetConfig(
        l1=base.l1,
        gateway=base.gateway,
        chains=(*base.chains, ChainConfig("zk-c", IDS["zk-c"], 3053, "zk", settlement="gateway")),
    )


@dataclass
class World:
    devnet: Devnet
    alice: DevAccount  # holds every token everywhere
    bob: DevAccount  # the unbundler named in every bundle
    carol: DevAccount  # executes bundles (anyone may)
    tokens: dict[str, bytes]  # "A" -> its address on zk-a, "L" -> its address on L1
    assets: dict[str, bytes]
    recipients: dict[str, bytes]  # a RecordingRecipient per chain, for base-token value

    def origin(self, key: str) -> str:
        return "zk-a" if key == "A" else "l1"

    def token_on(self, key: str, chain: str) -> bytes:
        if chain == self.origin(key):
            return self.tokens[key]
        return predict_bridged_token(self.devnet, self.origin(key), self.tokens[key], chain)


_WORLD: list[World] = []


def world() -> World:
    """Built once per process; every example runs between a snapshot and a revert of it."""
    if not _WORLD:
        devnet = Devnet(three_gateway_chains())
        alice, bob, carol = devnet.accounts[0], devnet.accounts[1], devnet.accounts[2]
        a = deploy_test_token(devnet, "zk-a", alice, name="Alpha", symbol="A", mint=MINTED)
        a_asset = register_token(devnet, "zk-a", a, alice)
        migrate_token_balance(devnet, "zk-a", a_asset)
        approve = sel("approve(address,uint256)") + encode(["address", "uint256"], [L2_NATIVE_TOKEN_VAULT, MINTED])
        assert devnet["zk-a"].transact(alice.private_key, a, approve).ok
        l1_token = deploy_test_token(devnet, "l1", alice, name="Ell", symbol="L", mint=MINTED)
        recipients = {c: devnet[c].deploy(alice.private_key, load("RecordingRecipient").bytecode) for c in CHAINS}
        # a spread to start from (auto relay): L deposited to every chain, A sent to zk-b and zk-c
        for chain in CHAINS:
            arrived = deposit_erc20(devnet, alice, l1_token, 1_500, chain=chain).execution
            assert arrived is not None and arrived.ok
        for chain in ("zk-b", "zk-c"):
            transfer(devnet, "zk-a", chain, a, 1_000, alice, alice.address)
        devnet.relay()
        devnet.relayer.set_mode("manual")
        _WORLD.append(
            World(
                devnet,
                alice,
                bob,
                carol,
                {"A": a, "L": l1_token},
                {"A": a_asset, "L": l1_asset_id(devnet, l1_token)},
                recipients,
            )
        )
    return _WORLD[0]


@dataclass
class Call:
    key: str | None  # the token a token call carries; None for a base-token value call
    amount: int


@dataclass
class Bundle:
    hash: bytes
    encoded: bytes
    tx: bytes
    source: str
    destination: str
    calls: list[Call]
    statuses: list[int]
    verified: bool = False

    @property
    def open(self) -> bool:
        return any(s == CallStatus.UNPROCESSED for s in self.statuses)


def send(w: World, source: str, destination: str, key: str, amount: int, value: int = 0) -> Bundle:
    """alice sends ``amount`` of token ``key`` to herself on ``destination`` (an ``indirectCall`` to the
    L2AssetRouter) and, with ``value``, base token to the destination's recipient contract; bob unbundles."""
    burn = NtvBurnData(amount=amount, remote_receiver="0x" + w.alice.address.hex()).encode()
    starters = [
        InteropCallStarter(
            to=format_evm_v1(address=L2_ASSET_ROUTER),
            data=second_bridge_data(w.assets[key], burn),
            call_attributes=(indirect_call(0),),
        )
    ]
    calls = [Call(key, amount)]
    if value:
        starters.append(
            InteropCallStarter(
                to=format_evm_v1(address=w.recipients[destination]),
                data=b"value",
                call_attributes=(interop_call_value(value),),
            )
        )
        calls.append(Call(None, value))
    attributes = [unbundler_address(format_evm_v1(IDS[destination], w.bob.address))]
    calldata = send_bundle_calldata(IDS[destination], starters, attributes)
    fee = int.from_bytes(w.devnet[source].call(INTEROP_CENTER, sel("interopProtocolFee()")), "big")
    receipt = w.devnet[source].transact(
        w.alice.private_key, INTEROP_CENTER, calldata, value=fee * len(starters) + value, gas=GAS
    )
    assert receipt.ok, error_name(receipt.output)
    (entry,) = [e for e in w.devnet.messages(receipt.tx_hash) if e.kind == "bundle"]
    return Bundle(entry.id, entry.payload[1:], receipt.tx_hash, source, destination, calls, [0] * len(calls))


def deliver(w: World, bundle: Bundle) -> None:
    """Settle the source batch and import its Gateway root on the destination (nothing is executed)."""
    w.devnet.relayer.settle()
    w.devnet.relayer.import_roots()
    entry = w.devnet.bundle(bundle.hash)
    assert entry.gateway_block in w.devnet.settlement.imported_roots(IDS[bundle.destination])


def proof_call(w: World, bundle: Bundle, verify: bool) -> bytes:
    """``executeBundle`` (or ``verifyBundle``) calldata with the bundle's real proof."""
    proof = w.devnet.proof(bundle.source, bundle.tx).inclusion_proof()
    build = verify_bundle_calldata if verify else execute_bundle_calldata
    return build(bundle.encoded, proof)


def unbundle_calldata(bundle: Bundle, statuses: Sequence[int]) -> bytes:
    return sel("unbundleBundle(bytes,uint8[])") + encode(["bytes", "uint8[]"], [bundle.encoded, statuses])


@dataclass
class Queued:
    deposit: Deposit
    key: str
    amount: int
    chain: str


@dataclass
class Ghost:
    """What this test expects, kept without reading the trackers."""

    held: dict[tuple[str, str], int] = field(default_factory=dict)  # (token, chain) -> alice's balance
    bundles: list[Bundle] = field(default_factory=list)
    withdrawals: list[tuple[str, Withdrawal]] = field(default_factory=list)
    queued: list[Queued] = field(default_factory=list)
    failed: list[Queued] = field(default_factory=list)

    def in_flight(self, key: str) -> int:
        calls = sum(
            c.amount
            for b in self.bundles
            for c, s in zip(b.calls, b.statuses, strict=True)
            if c.key == key and s != CallStatus.EXECUTED
        )
        withdrawn = sum(w.amount for k, w in self.withdrawals if k == key)
        deposits = sum(q.amount for q in (*self.queued, *self.failed) if q.key == key)
        return calls + withdrawn + deposits


class TokenBooks(RuleBasedStateMachine):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.w = world()
        self.snapshot = self.w.devnet.snapshot()
        self.ghost = Ghost()
        w = self.w
        self.ghost.held = {
            (k, c): token_balance(w.devnet, c, w.token_on(k, c), w.alice.address)
            for k in ("A", "L")
            for c in (*CHAINS, "l1")
        }

    def teardown(self) -> None:
        self.w.devnet.revert(self.snapshot)

    @initialize()
    def start_in_manual_mode(self) -> None:
        assert self.w.devnet.relayer.mode == "manual"

    # ------------------------------------------------------------------ helpers

    def _arrive(self, bundle: Bundle, index: int) -> None:
        call = bundle.calls[index]
        if call.key is not None:
            self.ghost.held[(call.key, bundle.destination)] += call.amount

    # ------------------------------------------------------------------ rules

    def _holdings(self, chains: tuple[str, ...]) -> list[tuple[str, str]]:
        return sorted((k, c) for (k, c), n in self.ghost.held.items() if n > 0 and c in chains)

    @precondition(lambda self: bool(self._holdings(CHAINS)))
    @rule(data=st.data(), value=st.sampled_from([0, 0, 7, 1_000]))
    def send_bundle(self, data: st.DataObject, value: int) -> None:
        key, source = data.draw(st.sampled_from(self._holdings(CHAINS)))
        destination = data.draw(st.sampled_from([c for c in CHAINS if c != source]))
        amount = data.draw(st.integers(1, min(400, self.ghost.held[(key, source)])))
        self.ghost.bundles.append(send(self.w, source, destination, key, amount, value))
        self.ghost.held[(key, source)] -= amount

    @rule()
    def settle(self) -> None:
        """Every sealed batch executed on Gateway, Gateway's on L1, the roots imported. Then, with nothing sent
        but unsettled, Gateway's chainBalance of every non-origin chain is exactly what exists there."""
        devnet = self.w.devnet
        devnet.relayer.settle()
        devnet.relayer.import_roots()
        for key in ("A", "L"):
            for chain in CHAINS:
                if chain == self.w.origin(key):
                    continue
                supply = total_supply(devnet, chain, self.w.token_on(key, chain))
                assert chain_balance(devnet, chain, self.w.assets[key]) == supply, (key, chain)
                coming = sum(
                    c.amount
                    for b in self.ghost.bundles
                    if b.destination == chain
                    for c, s in zip(b.calls, b.statuses, strict=True)
                    if c.key == key and s != CallStatus.EXECUTED
                )
                assert pending_interop_balance(devnet, chain, self.w.assets[key]) == coming, (key, chain)

    @precondition(lambda self: any(b.open and not b.verified for b in self.ghost.bundles))
    @rule(data=st.data())
    def execute_bundle(self, data: st.DataObject) -> None:
        candidates = [b for b in self.ghost.bundles if b.open and not b.verified]
        bundle = data.draw(st.sampled_from(candidates))
        deliver(self.w, bundle)
        receipt = self.w.devnet[bundle.destination].transact(
            self.w.carol.private_key, INTEROP_HANDLER, proof_call(self.w, bundle, verify=False), gas=GAS
        )
        assert receipt.ok, error_name(receipt.output)
        bundle.statuses = [CallStatus.EXECUTED] * len(bundle.calls)
        for index in range(len(bundle.calls)):
            self._arrive(bundle, index)
        assert self.w.devnet.bundle(bundle.hash).stage == "executed"

    @precondition(lambda self: any(b.open for b in self.ghost.bundles))
    @rule(data=st.data())
    def unbundle(self, data: st.DataObject) -> None:
        """bob verifies (if needed) and unbundles: each open call executed, cancelled or left for later."""
        bundle = data.draw(st.sampled_from([b for b in self.ghost.bundles if b.open]))
        devnet, chain = self.w.devnet, self.w.devnet[bundle.destination]
        if not bundle.verified:
            deliver(self.w, bundle)
            receipt = chain.transact(self.w.carol.private_key, INTEROP_HANDLER, proof_call(self.w, bundle, verify=True))
            assert receipt.ok, error_name(receipt.output)
            bundle.verified = True
        wanted = [
            data.draw(st.sampled_from(list(CallStatus))) if s == CallStatus.UNPROCESSED else CallStatus.UNPROCESSED
            for s in bundle.statuses
        ]
        unbundle = unbundle_calldata(bundle, wanted)
        # only the named unbundler may
        refused = chain.transact(self.w.carol.private_key, INTEROP_HANDLER, unbundle, gas=GAS)
        assert not refused.ok and error_name(refused.output) == "UnbundlingNotAllowed"
        receipt = chain.transact(self.w.bob.private_key, INTEROP_HANDLER, unbundle, gas=GAS)
        assert receipt.ok, error_name(receipt.output)
        for index, status in enumerate(wanted):
            if status != CallStatus.UNPROCESSED:
                bundle.statuses[index] = status
                if status == CallStatus.EXECUTED:
                    self._arrive(bundle, index)
        assert devnet.bundle(bundle.hash).stage == "unbundled"

    @precondition(lambda self: any(CallStatus.CANCELLED in b.statuses or not b.open for b in self.ghost.bundles))
    @rule(data=st.data())
    def replays_are_refused(self, data: st.DataObject) -> None:
        """T4: a processed bundle is never executed again, and a cancelled call never runs (nothing paid twice)."""
        done = [b for b in self.ghost.bundles if CallStatus.CANCELLED in b.statuses or not b.open]
        bundle = data.draw(st.sampled_from(done))
        chain = self.w.devnet[bundle.destination]
        again = chain.transact(self.w.carol.private_key, INTEROP_HANDLER, proof_call(self.w, bundle, verify=False))
        assert not again.ok and error_name(again.output) == "BundleAlreadyProcessed"
        if CallStatus.CANCELLED in bundle.statuses:
            wanted = [CallStatus.EXECUTED if s == CallStatus.CANCELLED else 0 for s in bundle.statuses]
            refused = chain.transact(
                self.w.bob.private_key, INTEROP_HANDLER, unbundle_calldata(bundle, wanted), gas=GAS
            )
            assert not refused.ok and error_name(refused.output) == "CallNotExecutable"

    @precondition(lambda self: bool(self._holdings(CHAINS)))
    @rule(data=st.data())
    def withdraw_to_l1(self, data: st.DataObject) -> None:
        key, chain = data.draw(st.sampled_from(self._holdings(CHAINS)))
        amount = data.draw(st.integers(1, min(300, self.ghost.held[(key, chain)])))
        sent = withdraw(self.w.devnet, self.w.alice, self.w.assets[key], amount, chain=chain)
        self.ghost.held[(key, chain)] -= amount
        self.ghost.withdrawals.append((key, sent))

    @precondition(lambda self: bool(self.ghost.withdrawals))
    @rule(data=st.data())
    def finalize_withdrawal(self, data: st.DataObject) -> None:
        index = data.draw(st.integers(0, len(self.ghost.withdrawals) - 1))
        key, sent = self.ghost.withdrawals.pop(index)
        self.w.devnet.relayer.settle()
        assert finalize_withdrawal(self.w.devnet, sent).ok
        self.ghost.held[(key, "l1")] += sent.amount

    @precondition(lambda self: bool(self._holdings(("l1",))))
    @rule(data=st.data(), chain=st.sampled_from(CHAINS), fail=st.booleans())
    def deposit(self, data: st.DataObject, chain: str, fail: bool) -> None:
        """A deposit from L1 (``L`` itself or the L1 copy of ``A``), queued until the priority queue runs."""
        key, _ = data.draw(st.sampled_from(self._holdings(("l1",))))
        amount = data.draw(st.integers(1, min(500, self.ghost.held[(key, "l1")])))
        token = self.w.token_on(key, "l1")
        gas = 30_000 if fail else DEFAULT_L2_GAS_LIMIT
        sent = deposit_erc20(self.w.devnet, self.w.alice, token, amount, chain=chain, gas_limit=gas)
        assert sent.execution is None  # manual mode: queued
        self.ghost.held[(key, "l1")] -= amount
        self.ghost.queued.append(Queued(sent, key, amount, chain))

    @precondition(lambda self: bool(self.ghost.queued))
    @rule()
    def process_deposits(self) -> None:
        self.w.devnet.priority.process()
        for queued in self.ghost.queued:
            execution = queued.deposit.execution
            assert execution is not None
            if execution.ok:
                self.ghost.held[(queued.key, queued.chain)] += queued.amount
            else:
                self.ghost.failed.append(queued)
        self.ghost.queued.clear()

    @precondition(lambda self: bool(self.ghost.failed))
    @rule(data=st.data())
    def claim_failed_deposit(self, data: st.DataObject) -> None:
        """T4: a failed deposit is paid back on L1 once; a second claim reverts ``DepositDoesNotExist``."""
        queued = self.ghost.failed.pop(data.draw(st.integers(0, len(self.ghost.failed) - 1)))
        self.w.devnet.relayer.settle()
        assert claim_failed_deposit(self.w.devnet, queued.deposit).ok
        self.ghost.held[(queued.key, "l1")] += queued.amount
        try:
            claim_failed_deposit(self.w.devnet, queued.deposit)
        except TransactionReverted as again:
            assert again.data == sel("DepositDoesNotExist()")
        else:
            raise AssertionError("a failed deposit was claimed back twice")

    # ------------------------------------------------------------------ invariants

    @invariant()
    def nothing_stalls(self) -> None:
        assert not self.w.devnet.settlement.stalled()

    @invariant()
    def ghost_books_balance(self) -> None:
        """What alice holds is what the ghost says, and the origin's lock = copies + what is in flight."""
        w, devnet = self.w, self.w.devnet
        for (key, chain), expected in self.ghost.held.items():
            assert token_balance(devnet, chain, w.token_on(key, chain), w.alice.address) == expected, (key, chain)
        for key, vault in (("A", L2_NATIVE_TOKEN_VAULT), ("L", w.devnet.contracts.l1_bridge.native_token_vault)):  # type: ignore[union-attr]
            origin = w.origin(key)
            locked = token_balance(devnet, origin, w.tokens[key], vault)
            assert self.ghost.held[(key, origin)] + locked == MINTED
            copies = sum(total_supply(devnet, c, w.token_on(key, c)) for c in (*CHAINS, "l1") if c != origin)
            assert copies == sum(self.ghost.held[(key, c)] for c in (*CHAINS, "l1") if c != origin)
            assert locked == copies + self.ghost.in_flight(key), key

    @invariant()
    def trackers_within_bounds(self) -> None:
        """L1: chainBalance sums to 2^256-1 per asset; Gateway: chainBalance + pending summed over its chains is at
        most L1's chainBalance[Gateway], and never below what exists on a chain (it could not spend it)."""
        w, devnet = self.w, self.w.devnet
        for key, asset in w.assets.items():
            l1 = {c: l1_chain_balance(devnet, c, asset) for c in (L1, GW, *IDS.values())}
            if any(l1.values()):
                assert sum(l1.values()) == MAX_TOKEN_BALANCE, key
            books = 0
            for chain in CHAINS:
                balance = chain_balance(devnet, chain, asset)
                pending = pending_interop_balance(devnet, chain, asset)
                books += balance + pending
                if chain != w.origin(key):
                    assert balance + pending >= total_supply(devnet, chain, w.token_on(key, chain)), (key, chain)
            assert books <= l1[GW], key

    @invariant()
    def zkconnect_invariants(self) -> None:
        w = self.w
        assert_token_supply_conserved(w.devnet, "zk-a", w.tokens["A"])
        assert_trackers_consistent(w.devnet, "zk-a", w.tokens["A"])
        assert_token_supply_conserved(w.devnet, "l1", w.tokens["L"])
        assert_trackers_consistent(w.devnet, "l1", w.tokens["L"])
        assert_supply_conserved(w.devnet)


def total_supply(devnet: Devnet, chain: str, token: bytes) -> int:
    if not devnet[chain].code(token):
        return 0
    return int.from_bytes(devnet[chain].call(token, sel("totalSupply()")), "big")


def test_books_balance_after_every_step_across_three_gateway_chains() -> None:
    run_state_machine_as_test(
        TokenBooks,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_asset_ids_of_the_two_tokens() -> None:
    """The two tokens the state machine moves: ``A`` under zk-a's asset id, ``L`` under L1's."""
    w = world()
    assert w.assets["A"] == asset_id(IDS["zk-a"], w.tokens["A"])
    assert w.assets["L"] == asset_id(L1, w.tokens["L"]) != w.assets["A"]


def test_a_cancelled_token_call_stays_in_flight_and_progressive_unbundling_confirms_per_call() -> None:
    """zk-b sends 100 A and 1000 wei to zk-c; bob first executes only the value call, later cancels the token call.

    Gateway moves each executed call from ``pendingInteropBalance`` into zk-c's ``chainBalance`` when zk-c's
    batch settles; the cancelled 100 A stay pending for zk-c for good (v31 has no recovery: the tokens were burned
    on zk-b and are never minted), and both invariants count them as in flight. Nothing can run them later.
    """
    w = world()
    devnet, a_asset = w.devnet, w.assets["A"]
    sid = devnet.snapshot()
    try:
        c_copy = w.token_on("A", "zk-c")
        supply_c = total_supply(devnet, "zk-c", c_copy)
        bundle = send(w, "zk-b", "zk-c", "A", 100, value=1_000)
        deliver(w, bundle)
        chain = devnet["zk-c"]
        assert pending_interop_balance(devnet, "zk-c", a_asset) == 100
        assert chain.transact(w.carol.private_key, INTEROP_HANDLER, proof_call(w, bundle, verify=True)).ok
        first = chain.transact(w.bob.private_key, INTEROP_HANDLER, unbundle_calldata(bundle, [0, CallStatus.EXECUTED]))
        assert first.ok, error_name(first.output)
        assert chain.balance(w.recipients["zk-c"]) == 1_000
        devnet.relayer.settle()
        eth = l1_asset_id(devnet, bytes(19) + b"\x01")
        assert pending_interop_balance(devnet, "zk-c", eth) == 0  # the executed value call is confirmed
        assert pending_interop_balance(devnet, "zk-c", a_asset) == 100  # the token call is still open
        assert_token_supply_conserved(devnet, "zk-a", w.tokens["A"])
        assert_trackers_consistent(devnet, "zk-a", w.tokens["A"])

        second = chain.transact(
            w.bob.private_key, INTEROP_HANDLER, unbundle_calldata(bundle, [CallStatus.CANCELLED, 0])
        )
        assert second.ok, error_name(second.output)
        devnet.relay()  # nothing left to do for it: the ledger has it unbundled
        assert devnet.bundle(bundle.hash).stage == "unbundled"
        assert total_supply(devnet, "zk-c", c_copy) == supply_c  # never minted
        assert chain_balance(devnet, "zk-c", a_asset) == supply_c
        assert pending_interop_balance(devnet, "zk-c", a_asset) == 100  # for good
        assert_token_supply_conserved(devnet, "zk-a", w.tokens["A"])
        assert_trackers_consistent(devnet, "zk-a", w.tokens["A"])
        assert_supply_conserved(devnet)
        # the cancelled call never runs, and the bundle never executes again
        again = chain.transact(w.bob.private_key, INTEROP_HANDLER, unbundle_calldata(bundle, [CallStatus.EXECUTED, 0]))
        assert not again.ok and error_name(again.output) == "CallNotExecutable"
        replay = chain.transact(w.carol.private_key, INTEROP_HANDLER, proof_call(w, bundle, verify=False))
        assert not replay.ok and error_name(replay.output) == "BundleAlreadyProcessed"
    finally:
        devnet.revert(sid)
