"""Matter Labs' own multichain scenarios (era-contracts ``l1-contracts/test/anvil-interop/``, spec §9.2), on zkconnect.

Their harness runs five Anvil chains with mocked proofs and Gateway settlement simulated by impersonation; here the
same topology runs in one :class:`~zkconnect.Devnet` and every case goes through real settlement (batches executed by
Gateway's executors, Gateway's batches by L1) and real Merkle proofs checked on-chain:

    l1 (31337) ── zk-l1 (6567, settles on L1: Matter Labs' chain 10)
      └─ gateway (506) ─┬─ zk-a (6565)       Gateway-settled (their 12)
                        ├─ zk-b (6566)       Gateway-settled (their 13)
                        └─ zk-custom (6568)  Gateway-settled, base token ZKT, an L1 ERC20 (their 14)

One devnet per module; every test runs inside ``devnet.anchor()`` (snapshot, then revert). Each §9.2 bullet and the
test(s) that cover it:

- 02 deposits/withdrawals direct (L1-settled chain), L1AssetTracker net flow:
  ``test_02_deposit_eth_direct_l1_settled``, ``test_02_withdraw_eth_direct_l1_settled``,
  ``test_02_l1_asset_tracker_reflects_net_flow``, ``test_02_erc20_deposit_and_withdrawal_direct``
- 05 deposits/withdrawals via Gateway, "sum of GW per-chain balances <= L1 GW balance":
  ``test_05_deposit_eth_via_gateway``, ``test_05_withdraw_eth_via_gateway_debits_gateway_tracker``,
  ``test_05_erc20_deposit_and_withdrawal_via_gateway``, ``test_05_sum_of_gw_chain_balances_le_l1_gw_balance``
  (an L1 ERC20) and ``test_05_sum_of_gw_chain_balances_le_l1_gw_balance_eth``; genesis base token (ETH, ZKT) is
  backed on L1 and withdraws like deposited funds: ``test_05_genesis_base_token_withdraws_to_l1``
- 03 unsupported routes revert (Gateway<->L2, L1-settled<->Gateway-settled); only Gateway-settled L2 <-> L2 works:
  ``test_03_transfer_between_gateway_settled_chains``, ``test_03_unsupported_route_reverts``
- 06 after the source settles: source chainBalance -amount, destination pending +amount, destination chainBalance
  unchanged; after the destination's confirmation pending -> chainBalance; both directions:
  ``test_06_pending_moves_to_chain_balance_after_confirmation_both_directions``
- 07 bundles: ``test_07_single_direct_call_bundle``, ``test_07_two_direct_call_bundle``,
  ``test_07_single_indirect_call_bundle``, ``test_07_two_indirect_call_bundle``, ``test_07_mixed_call_bundle``,
  ``test_07_fixed_zk_fee_bundle`` (and ``test_07_fixed_zk_fee_needs_the_zk_token``), ``test_07_replay_rejected``,
  ``test_07_wrong_execution_address_rejected``, ``test_07_zero_call_bundle_accepted``,
  ``test_07_excess_msg_value_rejected``,
  ``test_07_chain_native_token_migrated_and_round_tripped``
- 08 messages: ``test_08_base_token_message_direct_with_value``, ``test_08_erc20_message_via_asset_router``,
  ``test_08_base_token_to_chain_with_different_base_token``, ``test_08_custom_base_token_to_eth_chain``,
  ``test_08_bridged_erc20_message``
- 09 unbundling: ``test_09_cannot_unbundle_before_verify``, ``test_09_verify_bundle``,
  ``test_09_wrong_unbundler_rejected``, ``test_09_failing_call_cannot_be_unbundled_as_executed``,
  ``test_09_partial_unbundle_on_destination``, ``test_09_processed_call_cannot_be_reprocessed``,
  ``test_09_cancelled_call_cannot_be_reprocessed``, ``test_09_unbundle_via_bundle_from_source_chain``
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak

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
    token_address,
    token_balance,
    transfer,
)
from zkconnect.bridge import (
    deposit_erc20,
    deposit_eth,
    finalize_withdrawal,
    l1_asset_id,
    l1_chain_balance,
    l1_chain_balances,
    withdraw,
    withdraw_base_token,
)
from zkconnect.config import ChainConfig
from zkconnect.engine.chain import Receipt
from zkconnect.errors import TransactionReverted
from zkconnect.genesis.l1_bridge import base_token_l1_address
from zkconnect.interop.ledger import Entry, Stage
from zkconnect.protocol.addresses import (
    BASE_TOKEN_HOLDER,
    ETH_TOKEN_ADDRESS,
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L2_ASSET_ROUTER,
    L2_NATIVE_TOKEN_VAULT,
)
from zkconnect.protocol.messages import (
    InteropCallStarter,
    MessageInclusionProof,
    NtvBurnData,
    execute_bundle_calldata,
    execution_address,
    format_evm_v1,
    indirect_call,
    interop_call_value,
    second_bridge_data,
    unbundler_address,
    use_fixed_fee,
    verify_bundle_calldata,
)
from zkconnect.protocol.reverts import describe_revert, error_name

MAX = MAX_TOKEN_BALANCE
A, B, DIRECT, CUSTOM = "zk-a", "zk-b", "zk-l1", "zk-custom"
A_ID, B_ID, GW_ID, L1_ID, DIRECT_ID, CUSTOM_ID = 6565, 6566, 506, 31337, 6567, 6568
GW_SETTLED = (A, B, CUSTOM)
MINTED = 10**24
GAS = 8_000_000

UNPROCESSED, EXECUTED, CANCELLED = 0, 1, 2  # CallStatus
VERIFIED, FULLY_EXECUTED, UNBUNDLED = 1, 2, 3  # BundleStatus


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


# ---------------------------------------------------------------------- the world


@dataclass
class World:
    """The devnet and what every scenario starts from: a migrated test token native to each of zk-a and zk-b (as
    Matter Labs' ``state.testTokens``), two recording recipients and a reverting one on zk-b."""

    devnet: Devnet
    alice: DevAccount
    bob: DevAccount
    carol: DevAccount
    token_a: bytes
    asset_a: bytes
    token_b: bytes
    asset_b: bytes
    recipient1: bytes
    recipient2: bytes
    failing: bytes

    @property
    def eth(self) -> bytes:
        return l1_asset_id(self.devnet, ETH_TOKEN_ADDRESS)


@pytest.fixture(scope="module")
def world_module(devnet_with: Callable[..., Devnet]) -> World:
    devnet = devnet_with(
        ChainConfig(DIRECT, DIRECT_ID, 3053, "zk", settlement="l1"),
        ChainConfig(CUSTOM, CUSTOM_ID, 3054, "zk", settlement="gateway", base_token="ZKT"),
    )
    assert devnet.relayer.mode == "auto"
    alice, bob, carol = devnet.accounts[0], devnet.accounts[1], devnet.accounts[2]
    tokens: list[tuple[bytes, bytes]] = []
    for chain in (A, B):
        token = deploy_test_token(devnet, chain, alice, name=f"Test {chain}", symbol="TST", mint=MINTED)
        asset = register_token(devnet, chain, token, alice)
        assert migrate_token_balance(devnet, chain, asset).confirmed
        tokens.append((token, asset))
    (token_a, asset_a), (token_b, asset_b) = tokens
    zk_b = devnet[B]
    recipient1 = zk_b.deploy(alice.private_key, load("RecordingRecipient").bytecode)
    recipient2 = zk_b.deploy(alice.private_key, load("RecordingRecipient").bytecode)
    failing = zk_b.deploy(alice.private_key, load("RevertingRecipient").bytecode)
    return World(devnet, alice, bob, carol, token_a, asset_a, token_b, asset_b, recipient1, recipient2, failing)


@pytest.fixture
def w(world_module: World) -> Iterator[World]:
    with world_module.devnet.anchor():
        yield world_module


# ---------------------------------------------------------------------- helpers


def gw_balances(devnet: Devnet, chain: str, asset: bytes) -> tuple[int, int]:
    """Gateway's ``(chainBalance, pendingInteropBalance)`` of ``chain`` for ``asset``."""
    return chain_balance(devnet, chain, asset), pending_interop_balance(devnet, chain, asset)


def evm(address: bytes) -> bytes:
    """An ERC-7930 address with an empty chain reference (valid on any chain)."""
    return format_evm_v1(None, address)


def direct(to: bytes, value: int = 0, data: bytes = b"") -> InteropCallStarter:
    return InteropCallStarter(to=evm(to), data=data, call_attributes=(interop_call_value(value),))


def token_call(asset: bytes, amount: int, receiver: bytes) -> InteropCallStarter:
    """An indirect call to the L2AssetRouter carrying ``amount`` of ``asset`` to ``receiver``."""
    burn = NtvBurnData(amount=amount, remote_receiver="0x" + receiver.hex()).encode()
    return InteropCallStarter(
        to=evm(L2_ASSET_ROUTER), data=second_bridge_data(asset, burn), call_attributes=(indirect_call(0),)
    )


def approve_vault(w: World, chain: str, token: bytes, amount: int) -> None:
    """alice lets ``chain``'s L2NativeTokenVault lock ``amount`` of a token native to ``chain``."""
    call = sel("approve(address,uint256)") + encode(["address", "uint256"], [L2_NATIVE_TOKEN_VAULT, amount])
    w.devnet[chain].transact(w.alice.private_key, token, call).raise_for_status()


def source_receipt(w: World, entry: Entry) -> Receipt:
    receipt = w.devnet[entry.source_chain_id].receipt(entry.source_tx)
    assert receipt is not None
    return receipt


def native_spend(receipt: Receipt) -> int:
    return receipt.gas_used * receipt.effective_gas_price


def proof_of(w: World, entry: Entry) -> MessageInclusionProof:
    return w.devnet.proof(entry.source_chain_id, entry.source_tx, entry.log_index).inclusion_proof()


def ready(w: World, entry: Entry) -> Entry:
    """Relay until ``entry`` has settled and its Gateway root is imported on its destination; the relayer leaves a
    bundle whose ``executionAddress`` is someone else's to that executor."""
    w.devnet.relay()
    entry = w.devnet.bundle(entry.id)
    assert entry.gateway_block is not None and entry.destination_chain_id is not None
    assert entry.gateway_block in w.devnet.settlement.imported_roots(entry.destination_chain_id)
    return entry


def execute_as(w: World, entry: Entry, who: DevAccount) -> Receipt:
    """``InteropHandler.executeBundle`` on the destination, sent by ``who`` with the real proof."""
    entry = ready(w, entry)
    assert entry.destination_chain_id is not None
    data = execute_bundle_calldata(entry.payload[1:], proof_of(w, entry))
    return w.devnet[entry.destination_chain_id].transact(who.private_key, INTEROP_HANDLER, data, gas=GAS)


def verify_as(w: World, entry: Entry, who: DevAccount) -> Receipt:
    entry = ready(w, entry)
    assert entry.destination_chain_id is not None
    data = verify_bundle_calldata(entry.payload[1:], proof_of(w, entry))
    return w.devnet[entry.destination_chain_id].transact(who.private_key, INTEROP_HANDLER, data, gas=GAS)


def unbundle_calldata(entry: Entry, statuses: Sequence[int]) -> bytes:
    return sel("unbundleBundle(bytes,uint8[])") + encode(["bytes", "uint8[]"], [entry.payload[1:], list(statuses)])


def unbundle_as(w: World, entry: Entry, who: DevAccount, statuses: Sequence[int]) -> Receipt:
    assert entry.destination_chain_id is not None
    data = unbundle_calldata(entry, statuses)
    return w.devnet[entry.destination_chain_id].transact(who.private_key, INTEROP_HANDLER, data, gas=GAS)


def bundle_status(w: World, entry: Entry) -> int:
    assert entry.destination_chain_id is not None
    out = w.devnet[entry.destination_chain_id].call(INTEROP_HANDLER, sel("bundleStatus(bytes32)") + entry.id)
    return int.from_bytes(out, "big")


def call_statuses(w: World, entry: Entry, count: int) -> list[int]:
    assert entry.destination_chain_id is not None
    chain = w.devnet[entry.destination_chain_id]
    status = sel("callStatus(bytes32,uint256)")
    return [
        int.from_bytes(chain.call(INTEROP_HANDLER, status + entry.id + i.to_bytes(32, "big")), "big")
        for i in range(count)
    ]


def reverted_with(receipt: Receipt, name: str) -> str:
    assert not receipt.ok, f"expected {name}, but the transaction succeeded"
    assert error_name(receipt.output) == name, f"expected {name}, got {describe_revert(receipt.output)}"
    return describe_revert(receipt.output)


def send_message(
    w: World, source: str, destination: str, to: bytes, payload: bytes, attributes: Sequence[bytes], value: int
) -> tuple[Receipt, Entry]:
    """``InteropCenter.sendMessage`` (ERC-7786) from alice: one call to ``to`` on ``destination``."""
    devnet = w.devnet
    data = sel("sendMessage(bytes,bytes,bytes[])") + encode(
        ["bytes", "bytes", "bytes[]"], [format_evm_v1(devnet[destination].chain_id, to), payload, list(attributes)]
    )
    receipt = devnet[source].transact(w.alice.private_key, INTEROP_CENTER, data, value=value, gas=GAS)
    assert receipt.ok, describe_revert(receipt.output)
    (entry,) = [e for e in devnet.messages(receipt.tx_hash) if e.kind == "bundle"]
    return receipt, devnet.bundle(entry.id)


def executed(w: World, entry: Entry) -> Entry:
    """The entry now, asserting the relayer executed it on its destination."""
    current = w.devnet.bundle(entry.id)
    assert current.stage == Stage.EXECUTED, (current.stage, current.reason)
    return current


# ---------------------------------------------------------------------- 02: direct bridge (L1-settled chain)


def test_02_deposit_eth_direct_l1_settled(w: World) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    tracker_before = l1_chain_balance(devnet, DIRECT, w.eth)
    gateway_before = l1_chain_balance(devnet, GW_ID, w.eth)
    sender_before = devnet.l1.balance(alice.address)
    recipient_before = devnet[DIRECT].balance(bob.address)

    deposit = deposit_eth(devnet, alice, 10**18, chain=DIRECT, to=bob.address)

    assert deposit.execution is not None and deposit.execution.ok
    mint = deposit.request.mint_value
    # L1AssetTracker.chainBalance[zk-l1] grows by the whole mintValue: a chain settling on L1 is credited itself
    assert l1_chain_balance(devnet, DIRECT, w.eth) == tracker_before + mint
    assert l1_chain_balance(devnet, GW_ID, w.eth) == gateway_before  # not Gateway's
    assert devnet.l1.balance(alice.address) <= sender_before - mint
    assert devnet[DIRECT].balance(bob.address) == recipient_before + 10**18
    assert sum(l1_chain_balances(devnet, w.eth).values()) == MAX


def test_02_withdraw_eth_direct_l1_settled(w: World) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    deposit_eth(devnet, alice, 10**18, chain=DIRECT)
    tracker_before = l1_chain_balance(devnet, DIRECT, w.eth)
    recipient_before = devnet.l1.balance(bob.address)

    holder_before = devnet[DIRECT].balance(BASE_TOKEN_HOLDER)
    l2_before = devnet[DIRECT].balance(alice.address)

    sent = withdraw_base_token(devnet, alice, 5 * 10**17, chain=DIRECT, to=bob.address)
    # L2BaseToken.withdraw moved the value back into the chain's reserve
    assert devnet[DIRECT].balance(BASE_TOKEN_HOLDER) == holder_before + 5 * 10**17
    assert devnet[DIRECT].balance(alice.address) == l2_before - 5 * 10**17 - native_spend(sent.l2_receipt)
    devnet.relay()
    proof = devnet.proof(DIRECT, sent.tx_hash, 0, mode="l1")
    assert proof.gateway_block_number is None
    assert finalize_withdrawal(devnet, sent).ok

    assert l1_chain_balance(devnet, DIRECT, w.eth) == tracker_before - 5 * 10**17
    assert devnet.l1.balance(bob.address) == recipient_before + 5 * 10**17
    with pytest.raises(TransactionReverted) as again:
        finalize_withdrawal(devnet, sent)
    assert again.value.data == sel("WithdrawalAlreadyFinalized()")


def test_02_l1_asset_tracker_reflects_net_flow(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    before = l1_chain_balances(devnet, w.eth)
    deposit = deposit_eth(devnet, alice, 10**18, chain=DIRECT)
    sent = withdraw_base_token(devnet, alice, 3 * 10**17, chain=DIRECT)
    devnet.relay()
    finalize_withdrawal(devnet, sent)

    net = deposit.request.mint_value - 3 * 10**17
    after = l1_chain_balances(devnet, w.eth)
    assert after[DIRECT_ID] == before[DIRECT_ID] + net
    total = sum(v for chain_id, v in after.items() if chain_id != L1_ID)
    assert total == sum(v for chain_id, v in before.items() if chain_id != L1_ID) + net
    assert sum(after.values()) == MAX


def test_02_erc20_deposit_and_withdrawal_direct(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    token = deploy_test_token(devnet, "l1", alice, mint=1_000)
    asset = l1_asset_id(devnet, token)
    deposit = deposit_erc20(devnet, alice, token, 600, chain=DIRECT)
    assert deposit.execution is not None and deposit.execution.ok
    l2_token = token_address(devnet, DIRECT, asset)
    assert token_balance(devnet, DIRECT, l2_token, alice.address) == 600
    assert l1_chain_balance(devnet, DIRECT, asset) == 600

    sent = withdraw(devnet, alice, asset, 250, chain=DIRECT)
    devnet.relay()
    assert finalize_withdrawal(devnet, sent).ok
    assert token_balance(devnet, "l1", token, alice.address) == 650
    assert token_balance(devnet, DIRECT, l2_token, alice.address) == 350
    assert l1_chain_balance(devnet, DIRECT, asset) == 350
    assert l1_chain_balance(devnet, GW_ID, asset) == 0
    assert sum(l1_chain_balances(devnet, asset).values()) == MAX


# ---------------------------------------------------------------------- 05: bridge via Gateway


def test_05_deposit_eth_via_gateway(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    l1_gw_before = l1_chain_balance(devnet, GW_ID, w.eth)
    gw_a_before = chain_balance(devnet, A, w.eth)
    sender_before = devnet.l1.balance(alice.address)

    deposit = deposit_eth(devnet, alice, 5 * 10**17, chain=A)

    assert deposit.execution is not None and deposit.execution.ok
    mint = deposit.request.mint_value
    # L1 tracks a Gateway-settled chain under Gateway's chain id, never its own
    assert l1_chain_balance(devnet, GW_ID, w.eth) == l1_gw_before + mint
    assert l1_chain_balance(devnet, A, w.eth) == 0
    assert devnet.l1.balance(alice.address) <= sender_before - mint
    # Gateway's tracker learned of it through the deposit's relayed balance change
    assert chain_balance(devnet, A, w.eth) == gw_a_before + mint


def test_05_withdraw_eth_via_gateway_debits_gateway_tracker(w: World) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    deposit_eth(devnet, alice, 10**18, chain=A)
    l1_gw_before = l1_chain_balance(devnet, GW_ID, w.eth)
    gw_a_before = chain_balance(devnet, A, w.eth)
    recipient_before = devnet.l1.balance(bob.address)

    sent = withdraw_base_token(devnet, alice, 2 * 10**17, chain=A, to=bob.address)
    devnet.relay()
    # Gateway executed zk-a's batch: processLogsAndMessages debited zk-a's balance of the withdrawn base token
    assert chain_balance(devnet, A, w.eth) == gw_a_before - 2 * 10**17
    proof = devnet.proof(A, sent.tx_hash, 0, mode="l1")
    assert proof.gateway_block_number is None and len(proof.proof) > 20  # the two-level Gateway-batch proof
    assert finalize_withdrawal(devnet, sent).ok

    assert l1_chain_balance(devnet, GW_ID, w.eth) == l1_gw_before - 2 * 10**17
    assert devnet.l1.balance(bob.address) == recipient_before + 2 * 10**17


def test_05_erc20_deposit_and_withdrawal_via_gateway(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    token = deploy_test_token(devnet, "l1", alice, mint=1_000)
    asset = l1_asset_id(devnet, token)
    deposit = deposit_erc20(devnet, alice, token, 500, chain=A)
    assert deposit.execution is not None and deposit.execution.ok
    assert l1_chain_balance(devnet, GW_ID, asset) == 500
    assert l1_chain_balance(devnet, A, asset) == 0
    assert chain_balance(devnet, A, asset) == 500

    sent = withdraw(devnet, alice, asset, 120, chain=A)
    devnet.relay()
    assert chain_balance(devnet, A, asset) == 380
    assert finalize_withdrawal(devnet, sent).ok
    assert l1_chain_balance(devnet, GW_ID, asset) == 380
    assert token_balance(devnet, "l1", token, alice.address) == 620
    assert sum(l1_chain_balances(devnet, asset).values()) == MAX


def _gw_sum_vs_l1(w: World, asset: bytes) -> tuple[int, int]:
    total = sum(chain_balance(w.devnet, chain, asset) for chain in GW_SETTLED)
    return total, l1_chain_balance(w.devnet, GW_ID, asset)


def test_05_sum_of_gw_chain_balances_le_l1_gw_balance(w: World) -> None:
    """An L1 ERC20 deposited to two Gateway-settled chains, moved between them and partly withdrawn."""
    devnet, alice, bob = w.devnet, w.alice, w.bob
    token = deploy_test_token(devnet, "l1", alice, mint=1_000)
    asset = l1_asset_id(devnet, token)
    deposit_erc20(devnet, alice, token, 400, chain=A)
    deposit_erc20(devnet, alice, token, 300, chain=B)
    transfer(devnet, A, B, token_address(devnet, A, asset), 150, alice, bob.address)
    sent = withdraw(devnet, bob, asset, 100, chain=B)
    devnet.relay()
    finalize_withdrawal(devnet, sent)
    total, on_l1 = _gw_sum_vs_l1(w, asset)
    assert (chain_balance(devnet, A, asset), chain_balance(devnet, B, asset)) == (250, 350)
    assert total <= on_l1
    assert total == on_l1 == 600


def test_05_sum_of_gw_chain_balances_le_l1_gw_balance_eth(w: World) -> None:
    """Genesis ETH on Gateway's chains is backed on L1 (booked to Gateway), and stays so through a deposit."""
    total, on_l1 = _gw_sum_vs_l1(w, w.eth)
    assert 0 < total <= on_l1
    mint = deposit_eth(w.devnet, w.alice, 10**18, chain=A).request.mint_value  # the amount and the L2 gas
    after, on_l1_after = _gw_sum_vs_l1(w, w.eth)
    assert (after - total, on_l1_after - on_l1) == (mint, mint)
    assert total <= on_l1, f"Gateway's chains hold {total} wei of ETH, L1 holds {on_l1} wei for Gateway"


@pytest.mark.parametrize("chain", [A, DIRECT, CUSTOM])
def test_05_genesis_base_token_withdraws_to_l1(w: World, chain: str) -> None:
    """The dev accounts' genesis base token, never deposited, withdraws to L1 like deposited funds: L1 holds it
    for every chain (ETH in the L1 vault, ZKT as the L1 ERC20), booked to the chain or its settlement layer."""
    devnet, alice, bob = w.devnet, w.alice, w.bob
    amount = 3 * 10**18
    custom = chain == CUSTOM
    zkt = base_token_l1_address("ZKT")
    asset = l1_asset_id(devnet, zkt) if custom else w.eth
    booked_to = DIRECT_ID if chain == DIRECT else GW_ID
    booked_before = l1_chain_balance(devnet, booked_to, asset)
    assert booked_before >= amount
    received_before = token_balance(devnet, "l1", zkt, bob.address) if custom else devnet.l1.balance(bob.address)

    sent = withdraw_base_token(devnet, alice, amount, chain=chain, to=bob.address)
    devnet.relay()
    assert finalize_withdrawal(devnet, sent).ok

    received = token_balance(devnet, "l1", zkt, bob.address) if custom else devnet.l1.balance(bob.address)
    assert received == received_before + amount
    assert l1_chain_balance(devnet, booked_to, asset) == booked_before - amount
    assert sum(l1_chain_balances(devnet, asset).values()) == MAX


# ---------------------------------------------------------------------- 03: interop routes


@pytest.mark.parametrize(("source", "destination"), [(A, B), (B, A)])
def test_03_transfer_between_gateway_settled_chains(w: World, source: str, destination: str) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    token, asset = (w.token_a, w.asset_a) if source == A else (w.token_b, w.asset_b)
    bridged = predict_bridged_token(devnet, source, token, destination)
    before = token_balance(devnet, source, token, alice.address)

    sent = transfer(devnet, source, destination, token, 10, alice, bob.address)

    assert devnet.bundle(sent.bundle_hash).stage == Stage.EXECUTED
    assert token_balance(devnet, source, token, alice.address) == before - 10
    assert token_balance(devnet, destination, bridged, bob.address) == 10
    assert token_address(devnet, destination, asset) == bridged


@pytest.mark.parametrize(
    ("source", "destination", "error"),
    [
        ("gateway", A, "NotInGatewayMode()"),  # Gateway -> L2
        (A, "gateway", f"DestinationChainNotRegistered({GW_ID})"),  # L2 -> Gateway
        (DIRECT, A, "NotInGatewayMode()"),  # L1-settled -> Gateway-settled
        (A, DIRECT, f"DestinationChainNotRegistered({DIRECT_ID})"),  # Gateway-settled -> L1-settled
    ],
)
def test_03_unsupported_route_reverts(w: World, source: str, destination: str, error: str) -> None:
    devnet, alice = w.devnet, w.alice
    recipient = devnet[destination].deploy(alice.private_key, load("RecordingRecipient").bytecode)
    balance_before = devnet[source].balance(alice.address)
    with pytest.raises(TransactionReverted) as refused:
        devnet.send_bundle(source, alice, destination, [direct(recipient, 7)])
    assert describe_revert(refused.value.data) == error
    assert devnet[destination].balance(recipient) == 0
    assert devnet[source].balance(alice.address) < balance_before  # only the failed transaction's gas


# ---------------------------------------------------------------------- 06: Gateway interop accounting


@pytest.mark.parametrize(("source", "destination"), [(A, B), (B, A)])
def test_06_pending_moves_to_chain_balance_after_confirmation_both_directions(
    w: World, source: str, destination: str
) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    token, asset = (w.token_a, w.asset_a) if source == A else (w.token_b, w.asset_b)
    bridged = predict_bridged_token(devnet, source, token, destination)
    l1_before = l1_chain_balances(devnet, asset)
    devnet.relayer.set_mode("manual")
    src_before = gw_balances(devnet, source, asset)
    dst_before = gw_balances(devnet, destination, asset)
    origin_before = chain_balance(devnet, source, asset, tracker="l2")  # the token is native to the source

    sent = transfer(devnet, source, destination, token, 5, alice, bob.address)
    assert devnet.bundle(sent.bundle_hash).stage == Stage.SEALED
    # the origin's L2AssetTracker moves with the burn; Gateway's waits for the batch
    assert chain_balance(devnet, source, asset, tracker="l2") == origin_before - 5
    assert gw_balances(devnet, source, asset) == src_before

    # the source's batch executes on Gateway
    devnet.relayer.settle()
    assert devnet.bundle(sent.bundle_hash).stage == Stage.SETTLED
    assert gw_balances(devnet, source, asset) == (src_before[0] - 5, src_before[1])
    assert gw_balances(devnet, destination, asset) == (dst_before[0], dst_before[1] + 5)

    # executed on the destination: minted there, but Gateway still counts it pending until that batch settles
    devnet.relayer.import_roots()
    devnet.relayer.execute()
    assert devnet.bundle(sent.bundle_hash).stage == Stage.EXECUTED
    assert token_balance(devnet, destination, bridged, bob.address) == 5
    assert gw_balances(devnet, destination, asset) == (dst_before[0], dst_before[1] + 5)

    # the destination's batch (with receiveInteropCallExecuted) executes on Gateway: pending -> chainBalance
    devnet.relayer.settle()
    assert gw_balances(devnet, destination, asset) == (dst_before[0] + 5, dst_before[1])
    assert gw_balances(devnet, source, asset) == (src_before[0] - 5, src_before[1])
    # interop between Gateway-settled chains never touches L1's accounting
    assert l1_chain_balances(devnet, asset) == l1_before
    assert chain_balance(devnet, source, asset, tracker="l2") == origin_before - 5


# ---------------------------------------------------------------------- 07: bundles


def _exec_attrs(w: World) -> list[bytes]:
    return [execution_address(evm(w.alice.address))]


def test_07_single_direct_call_bundle(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    amount = 123_456_789
    fee = devnet.interop_fee(A)
    balance_before = devnet[A].balance(alice.address)
    entry = devnet.send_bundle(
        A, alice, B, [direct(w.recipient1, amount)], attributes=_exec_attrs(w), value=fee + amount
    )
    receipt = source_receipt(w, entry)
    assert devnet[A].balance(alice.address) == balance_before - fee - amount - native_spend(receipt)
    # the relayer leaves a bundle with someone else's executionAddress to that executor
    assert devnet.bundle(entry.id).stage == Stage.AWAITING_EXECUTOR

    before = devnet[B].balance(w.recipient1)
    assert execute_as(w, entry, alice).ok
    assert devnet[B].balance(w.recipient1) == before + amount
    assert bundle_status(w, entry) == FULLY_EXECUTED


def test_07_two_direct_call_bundle(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    amount = 5_000
    fee = devnet.interop_fee(A)
    calls = [direct(w.recipient1, amount), direct(w.recipient2, amount)]
    balance_before = devnet[A].balance(alice.address)
    entry = devnet.send_bundle(A, alice, B, calls, attributes=_exec_attrs(w), value=2 * fee + 2 * amount)
    assert devnet[A].balance(alice.address) == balance_before - 2 * (fee + amount) - native_spend(
        source_receipt(w, entry)
    )
    before = (devnet[B].balance(w.recipient1), devnet[B].balance(w.recipient2))
    assert execute_as(w, entry, alice).ok
    assert (devnet[B].balance(w.recipient1), devnet[B].balance(w.recipient2)) == (
        before[0] + amount,
        before[1] + amount,
    )
    assert call_statuses(w, entry, 2) == [EXECUTED, EXECUTED]


def test_07_single_indirect_call_bundle(w: World) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    approve_vault(w, A, w.token_a, 700)
    fee = devnet.interop_fee(A)
    native_before = devnet[A].balance(alice.address)
    tokens_before = token_balance(devnet, A, w.token_a, alice.address)
    entry = devnet.send_bundle(A, alice, B, [token_call(w.asset_a, 700, bob.address)], value=fee)
    assert devnet[A].balance(alice.address) == native_before - fee - native_spend(source_receipt(w, entry))
    assert token_balance(devnet, A, w.token_a, alice.address) == tokens_before - 700
    executed(w, entry)
    bridged = token_address(devnet, B, w.asset_a)
    assert bridged == predict_bridged_token(devnet, A, w.token_a, B)
    assert token_balance(devnet, B, bridged, bob.address) == 700


def test_07_two_indirect_call_bundle(w: World) -> None:
    devnet, alice, bob, carol = w.devnet, w.alice, w.bob, w.carol
    approve_vault(w, A, w.token_a, 2 * 300)
    tokens_before = token_balance(devnet, A, w.token_a, alice.address)
    calls = [token_call(w.asset_a, 300, bob.address), token_call(w.asset_a, 300, carol.address)]
    entry = devnet.send_bundle(A, alice, B, calls)
    assert token_balance(devnet, A, w.token_a, alice.address) == tokens_before - 600
    executed(w, entry)
    bridged = token_address(devnet, B, w.asset_a)
    assert token_balance(devnet, B, bridged, bob.address) == 300
    assert token_balance(devnet, B, bridged, carol.address) == 300


def test_07_mixed_call_bundle(w: World) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    approve_vault(w, A, w.token_a, 250)
    fee = devnet.interop_fee(A)
    calls = [token_call(w.asset_a, 250, bob.address), direct(w.recipient2, 9_999)]
    native_before = devnet[A].balance(alice.address)
    entry = devnet.send_bundle(A, alice, B, calls, attributes=_exec_attrs(w), value=2 * fee + 9_999)
    assert devnet[A].balance(alice.address) == native_before - 2 * fee - 9_999 - native_spend(source_receipt(w, entry))
    before = devnet[B].balance(w.recipient2)
    assert execute_as(w, entry, alice).ok
    assert token_balance(devnet, B, token_address(devnet, B, w.asset_a), bob.address) == 250
    assert devnet[B].balance(w.recipient2) == before + 9_999


def _bridge_zk_token_to(w: World, chain: str, amount: int) -> bytes:
    """Bring the ZK token to ``chain`` for the fixed fee, as Matter Labs' harness seeds it.

    zk-a's InteropCenter names the ZK token by its asset id (an L1 token at a fixed address, which the devnet does
    not deploy). An L1TestnetERC20 ("ZKsync", "ZK", 18) is put at that address, minted to alice and deposited to
    ``chain`` through the L1 shared bridge: ``InteropCenter.getZKTokenAddress()`` then finds its bridged copy.
    """
    devnet, alice = w.devnet, w.alice
    zk_asset = devnet[chain].call(INTEROP_CENTER, sel("ZK_TOKEN_ASSET_ID()"))
    l1_zk = keccak(b"zkconnect:zk-token")[12:]
    assert asset_id(L1_ID, l1_zk) == zk_asset
    model = devnet.l1.deploy(
        alice.private_key, load("L1TestnetERC20").bytecode + encode(["string", "string", "uint8"], ["ZKsync", "ZK", 18])
    )
    devnet.l1.place(l1_zk, devnet.l1.code(model), {slot: devnet.l1.storage(model, slot) for slot in (0, 1)})
    mint = sel("mint(address,uint256)") + encode(["address", "uint256"], [alice.address, amount])
    devnet.l1.transact(alice.private_key, l1_zk, mint).raise_for_status()
    deposit = deposit_erc20(devnet, alice, l1_zk, amount, chain=chain)
    assert deposit.execution is not None and deposit.execution.ok
    zk_on_chain = devnet[chain].call(INTEROP_CENTER, sel("getZKTokenAddress()"))[12:]
    assert zk_on_chain == token_address(devnet, chain, zk_asset) != bytes(20)
    return zk_on_chain


def test_07_fixed_zk_fee_bundle(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    zk_fee = int.from_bytes(devnet[A].call(INTEROP_CENTER, sel("ZK_INTEROP_FEE()")), "big")
    assert zk_fee == 10 * 10**18
    zk = _bridge_zk_token_to(w, A, 25 * 10**18)
    approve = sel("approve(address,uint256)") + encode(["address", "uint256"], [INTEROP_CENTER, zk_fee])
    devnet[A].transact(alice.private_key, zk, approve).raise_for_status()
    amount = 2_024
    coinbase = bytes(devnet[A].py_evm_block(devnet[A].block_number).header.coinbase)

    def accumulated(view: str) -> int:
        return int.from_bytes(devnet[A].call(INTEROP_CENTER, sel(f"{view}(address)") + bytes(12) + coinbase), "big")

    zk_fees_before, protocol_before = accumulated("accumulatedZKFees"), accumulated("accumulatedProtocolFees")
    native_before = devnet[A].balance(alice.address)
    attrs = [*_exec_attrs(w), use_fixed_fee(True)]
    # no base-token fee: msg.value is the call's value alone
    entry = devnet.send_bundle(A, alice, B, [direct(w.recipient1, amount)], attributes=attrs, value=amount)
    receipt = source_receipt(w, entry)
    assert devnet[A].balance(alice.address) == native_before - amount - native_spend(receipt)
    assert token_balance(devnet, A, zk, alice.address) == 15 * 10**18
    assert accumulated("accumulatedZKFees") == zk_fees_before + zk_fee
    assert accumulated("accumulatedProtocolFees") == protocol_before

    before = devnet[B].balance(w.recipient1)
    assert execute_as(w, entry, alice).ok
    assert devnet[B].balance(w.recipient1) == before + amount


def test_07_fixed_zk_fee_needs_the_zk_token(w: World) -> None:
    """Without the ZK token on the chain (the devnet's default), asking for the fixed fee is refused."""
    with pytest.raises(TransactionReverted) as refused:
        w.devnet.send_bundle(A, w.alice, B, [direct(w.recipient1, 1)], attributes=[use_fixed_fee(True)], value=1)
    assert describe_revert(refused.value.data) == "ZKTokenNotAvailable()"


def test_07_replay_rejected(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    entry = devnet.send_bundle(A, alice, B, [direct(w.recipient1, 1_000)], attributes=_exec_attrs(w))
    assert execute_as(w, entry, alice).ok
    before = devnet[B].balance(w.recipient1)
    again = execute_as(w, entry, alice)
    assert reverted_with(again, "BundleAlreadyProcessed") == f"BundleAlreadyProcessed(0x{entry.id.hex()})"
    assert devnet[B].balance(w.recipient1) == before


def test_07_wrong_execution_address_rejected(w: World) -> None:
    devnet, alice, carol = w.devnet, w.alice, w.carol
    attrs = [execution_address(evm(carol.address))]
    entry = devnet.send_bundle(A, alice, B, [direct(w.recipient1, 1_000)], attributes=attrs)
    reverted_with(execute_as(w, entry, alice), "ExecutingNotAllowed")
    assert bundle_status(w, entry) == 0
    assert execute_as(w, entry, carol).ok  # the named executor can


def test_07_zero_call_bundle_accepted(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    entry = devnet.send_bundle(A, alice, B, [], attributes=_exec_attrs(w), value=0)
    assert execute_as(w, entry, alice).ok
    assert bundle_status(w, entry) == FULLY_EXECUTED


def test_07_excess_msg_value_rejected(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    fee = devnet.interop_fee(A)
    with pytest.raises(TransactionReverted) as refused:
        devnet.send_bundle(A, alice, B, [direct(w.recipient1, 1_000)], attributes=_exec_attrs(w), value=fee + 1_001)
    assert describe_revert(refused.value.data) == f"MsgValueMismatch({fee + 1_000}, {fee + 1_001})"


def test_07_chain_native_token_migrated_and_round_tripped(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    token = deploy_test_token(devnet, A, alice, name="Chain A Native", symbol="LIA", mint=1_000 * 10**18)
    asset = register_token(devnet, A, token, alice)
    assert asset == asset_id(A_ID, token)
    assert migrate_token_balance(devnet, A, asset).confirmed

    transfer(devnet, A, B, token, 10**18, alice, alice.address)
    on_b = predict_bridged_token(devnet, A, token, B)
    assert token_balance(devnet, B, on_b, alice.address) == 10**18
    transfer(devnet, B, A, on_b, 10**18, alice, alice.address)
    assert token_balance(devnet, B, on_b, alice.address) == 0
    assert token_balance(devnet, A, token, alice.address) == 1_000 * 10**18
    assert gw_balances(devnet, A, asset) == (MAX, 0)
    assert gw_balances(devnet, B, asset) == (0, 0)


# ---------------------------------------------------------------------- 08: messages


def test_08_base_token_message_direct_with_value(w: World) -> None:
    devnet, alice = w.devnet, w.alice
    fee = devnet.interop_fee(A)
    before = devnet[B].balance(w.recipient1)
    native_before = devnet[A].balance(alice.address)
    receipt, entry = send_message(w, A, B, w.recipient1, b"", [interop_call_value(54_321)], fee + 54_321)
    assert devnet[A].balance(alice.address) == native_before - fee - 54_321 - native_spend(receipt)
    executed(w, entry)
    assert devnet[B].balance(w.recipient1) == before + 54_321


def test_08_erc20_message_via_asset_router(w: World) -> None:
    devnet, alice, bob = w.devnet, w.alice, w.bob
    approve_vault(w, A, w.token_a, 10**18)
    fee = devnet.interop_fee(A)
    tokens_before = token_balance(devnet, A, w.token_a, alice.address)
    burn = NtvBurnData(amount=10**18, remote_receiver="0x" + bob.address.hex()).encode()
    _, entry = send_message(w, A, B, L2_ASSET_ROUTER, second_bridge_data(w.asset_a, burn), [indirect_call(0)], fee)
    assert token_balance(devnet, A, w.token_a, alice.address) == tokens_before - 10**18
    executed(w, entry)
    assert token_balance(devnet, B, token_address(devnet, B, w.asset_a), bob.address) == 10**18


def test_08_base_token_to_chain_with_different_base_token(w: World) -> None:
    """ETH from zk-a to zk-custom (base token ZKT) arrives as a BridgedStandardERC20 of ETH."""
    devnet, alice, bob = w.devnet, w.alice, w.bob
    amount = 777_000
    fee = devnet.interop_fee(A)
    native_before = devnet[A].balance(alice.address)
    burn = NtvBurnData(amount=amount, remote_receiver="0x" + bob.address.hex()).encode()
    # ETH is zk-a's base token: the router takes it as the indirect call's msg.value
    receipt, entry = send_message(
        w, A, CUSTOM, L2_ASSET_ROUTER, second_bridge_data(w.eth, burn), [indirect_call(amount)], fee + amount
    )
    assert devnet[A].balance(alice.address) == native_before - fee - amount - native_spend(receipt)
    executed(w, entry)
    bridged_eth = token_address(devnet, CUSTOM, w.eth)
    assert bridged_eth != bytes(20)
    assert bridged_eth == predict_bridged_token(devnet, "l1", ETH_TOKEN_ADDRESS, CUSTOM)
    assert token_balance(devnet, CUSTOM, bridged_eth, bob.address) == amount
    assert devnet[CUSTOM].balance(bob.address) == 10_000 * 10**18  # zk-custom's own base token is untouched
    assert gw_balances(devnet, CUSTOM, w.eth) == (amount, 0)


def test_08_custom_base_token_to_eth_chain(w: World) -> None:
    """ZKT, zk-custom's base token, to zk-a (base token ETH) arrives as a BridgedStandardERC20 of ZKT."""
    devnet, alice, bob = w.devnet, w.alice, w.bob
    zkt = l1_asset_id(devnet, base_token_l1_address("ZKT"))
    amount = 4_242
    fee = devnet.interop_fee(CUSTOM)
    native_before = devnet[CUSTOM].balance(alice.address)
    burn = NtvBurnData(amount=amount, remote_receiver="0x" + bob.address.hex()).encode()
    receipt, entry = send_message(
        w, CUSTOM, A, L2_ASSET_ROUTER, second_bridge_data(zkt, burn), [indirect_call(amount)], fee + amount
    )
    assert devnet[CUSTOM].balance(alice.address) == native_before - fee - amount - native_spend(receipt)
    executed(w, entry)
    bridged_zkt = token_address(devnet, A, zkt)
    assert bridged_zkt == predict_bridged_token(devnet, "l1", base_token_l1_address("ZKT"), A)
    assert token_balance(devnet, A, bridged_zkt, bob.address) == amount
    assert gw_balances(devnet, A, zkt) == (amount, 0)


def test_08_bridged_erc20_message(w: World) -> None:
    """zk-b's token, held on zk-a as its bridged copy, sent back to zk-b: burned on zk-a, released on zk-b."""
    devnet, alice, bob = w.devnet, w.alice, w.bob
    transfer(devnet, B, A, w.token_b, 5 * 10**18, alice, alice.address)
    copy_on_a = token_address(devnet, A, w.asset_b)
    assert copy_on_a == predict_bridged_token(devnet, B, w.token_b, A)
    fee = devnet.interop_fee(A)
    burn = NtvBurnData(amount=2 * 10**18, remote_receiver="0x" + bob.address.hex()).encode()
    _, entry = send_message(w, A, B, L2_ASSET_ROUTER, second_bridge_data(w.asset_b, burn), [indirect_call(0)], fee)
    assert token_balance(devnet, A, copy_on_a, alice.address) == 3 * 10**18
    executed(w, entry)
    assert token_balance(devnet, B, w.token_b, bob.address) == 2 * 10**18
    devnet.relay()
    assert gw_balances(devnet, A, w.asset_b) == (3 * 10**18, 0)


# ---------------------------------------------------------------------- 09: unbundling


@dataclass(frozen=True)
class Prepared:
    entry: Entry
    base_amount: int
    token_amount: int


def _three_call_bundle(w: World, *, with_unbundler: bool) -> Prepared:
    """Matter Labs' bundle: [value to recipient1, a call that always reverts, a token transfer to bob]."""
    devnet, alice = w.devnet, w.alice
    base_amount, token_amount = 31_337, 3 * 10**18
    approve_vault(w, A, w.token_a, token_amount)
    calls = [
        direct(w.recipient1, base_amount),
        direct(w.failing, 0, b"\xde\xad\xbe\xef"),
        token_call(w.asset_a, token_amount, w.bob.address),
    ]
    attrs = _exec_attrs(w)
    if with_unbundler:
        attrs.append(unbundler_address(evm(w.carol.address)))
    entry = devnet.send_bundle(A, alice, B, calls, attributes=attrs)
    return Prepared(ready(w, entry), base_amount, token_amount)


def test_09_cannot_unbundle_before_verify(w: World) -> None:
    prepared = _three_call_bundle(w, with_unbundler=True)
    receipt = unbundle_as(w, prepared.entry, w.carol, [EXECUTED, CANCELLED, EXECUTED])
    assert reverted_with(receipt, "CanNotUnbundle") == f"CanNotUnbundle(0x{prepared.entry.id.hex()})"


def test_09_verify_bundle(w: World) -> None:
    prepared = _three_call_bundle(w, with_unbundler=True)
    atomic = execute_as(w, prepared.entry, w.alice)
    reverted_with(atomic, "MessageRejected")  # call 1 reverts, so the whole bundle does
    assert bundle_status(w, prepared.entry) == 0
    assert verify_as(w, prepared.entry, w.alice).ok
    assert bundle_status(w, prepared.entry) == VERIFIED


def test_09_wrong_unbundler_rejected(w: World) -> None:
    prepared = _three_call_bundle(w, with_unbundler=True)
    assert verify_as(w, prepared.entry, w.alice).ok
    receipt = unbundle_as(w, prepared.entry, w.alice, [EXECUTED, CANCELLED, EXECUTED])
    reverted_with(receipt, "UnbundlingNotAllowed")
    assert call_statuses(w, prepared.entry, 3) == [UNPROCESSED] * 3


def test_09_failing_call_cannot_be_unbundled_as_executed(w: World) -> None:
    prepared = _three_call_bundle(w, with_unbundler=True)
    assert verify_as(w, prepared.entry, w.alice).ok
    receipt = unbundle_as(w, prepared.entry, w.carol, [UNPROCESSED, EXECUTED, UNPROCESSED])
    reverted_with(receipt, "MessageRejected")
    assert call_statuses(w, prepared.entry, 3) == [UNPROCESSED] * 3
    assert bundle_status(w, prepared.entry) == VERIFIED


def test_09_partial_unbundle_on_destination(w: World) -> None:
    devnet = w.devnet
    prepared = _three_call_bundle(w, with_unbundler=True)
    entry = prepared.entry
    assert verify_as(w, entry, w.alice).ok

    # round 1: cancel the failing call, run the token transfer
    assert unbundle_as(w, entry, w.carol, [UNPROCESSED, CANCELLED, EXECUTED]).ok
    assert bundle_status(w, entry) == UNBUNDLED
    assert call_statuses(w, entry, 3) == [UNPROCESSED, CANCELLED, EXECUTED]
    bridged = token_address(devnet, B, w.asset_a)
    assert token_balance(devnet, B, bridged, w.bob.address) == prepared.token_amount
    before = devnet[B].balance(w.recipient1)

    # round 2: run the value transfer; the processed calls are left alone
    assert unbundle_as(w, entry, w.carol, [EXECUTED, UNPROCESSED, UNPROCESSED]).ok
    assert bundle_status(w, entry) == UNBUNDLED
    assert call_statuses(w, entry, 3) == [EXECUTED, CANCELLED, EXECUTED]
    assert devnet[B].balance(w.recipient1) == before + prepared.base_amount

    # Gateway confirms exactly what ran: the token amount and the value, nothing pending for zk-b
    devnet.relay()
    assert gw_balances(devnet, B, w.asset_a)[1] == 0
    assert gw_balances(devnet, B, w.asset_a)[0] == prepared.token_amount


def test_09_processed_call_cannot_be_reprocessed(w: World) -> None:
    prepared = _three_call_bundle(w, with_unbundler=True)
    entry = prepared.entry
    assert verify_as(w, entry, w.alice).ok
    assert unbundle_as(w, entry, w.carol, [EXECUTED, CANCELLED, EXECUTED]).ok
    assert call_statuses(w, entry, 3) == [EXECUTED, CANCELLED, EXECUTED]
    receipt = unbundle_as(w, entry, w.carol, [EXECUTED, UNPROCESSED, EXECUTED])
    assert reverted_with(receipt, "CallNotExecutable") == f"CallNotExecutable(0x{entry.id.hex()}, 0)"


def test_09_cancelled_call_cannot_be_reprocessed(w: World) -> None:
    prepared = _three_call_bundle(w, with_unbundler=True)
    entry = prepared.entry
    assert verify_as(w, entry, w.alice).ok
    assert unbundle_as(w, entry, w.carol, [UNPROCESSED, CANCELLED, UNPROCESSED]).ok
    assert call_statuses(w, entry, 3) == [UNPROCESSED, CANCELLED, UNPROCESSED]
    receipt = unbundle_as(w, entry, w.carol, [UNPROCESSED, EXECUTED, UNPROCESSED])
    assert reverted_with(receipt, "CallNotExecutable") == f"CallNotExecutable(0x{entry.id.hex()}, 1)"


def test_09_unbundle_via_bundle_from_source_chain(w: World) -> None:
    """No unbundlerAddress: the default unbundler is the sender on the source chain, who unbundles with a second
    bundle whose calls ask the destination's InteropHandler to verifyBundle and unbundleBundle."""
    devnet, alice = w.devnet, w.alice
    prepared = _three_call_bundle(w, with_unbundler=False)
    entry = prepared.entry
    reverted_with(execute_as(w, entry, alice), "MessageRejected")
    # on the destination, alice is not the unbundler: the default one is alice on the source chain
    reverted_with(unbundle_as(w, entry, alice, [EXECUTED, CANCELLED, EXECUTED]), "UnbundlingNotAllowed")

    final = [EXECUTED, CANCELLED, EXECUTED]
    verify = verify_bundle_calldata(entry.payload[1:], proof_of(w, entry))
    meta_calls = [
        InteropCallStarter(to=evm(INTEROP_HANDLER), data=verify, call_attributes=(interop_call_value(0),)),
        InteropCallStarter(
            to=evm(INTEROP_HANDLER), data=unbundle_calldata(entry, final), call_attributes=(interop_call_value(0),)
        ),
    ]
    meta = devnet.send_bundle(A, alice, B, meta_calls, attributes=_exec_attrs(w))
    before = devnet[B].balance(w.recipient1)
    assert execute_as(w, meta, alice).ok
    assert bundle_status(w, entry) == UNBUNDLED
    assert call_statuses(w, entry, 3) == final
    assert devnet[B].balance(w.recipient1) == before + prepared.base_amount
    assert token_balance(devnet, B, token_address(devnet, B, w.asset_a), w.bob.address) == prepared.token_amount
