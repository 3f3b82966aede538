"""Invariants for users' own property tests: the base token and each bridged token are conserved across
L1, Gateway and the ZK chains, in flight included, and the asset trackers agree with the vaults.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eth_abi.abi import encode
from eth_utils.crypto import keccak

from zkconnect.assets import (
    MAX_TOKEN_BALANCE,
    asset_id,
    chain_balance,
    pending_interop_balance,
    predict_bridged_token,
    token_balance,
    token_migrated,
)
from zkconnect.bridge import l1_asset_id, l1_chain_balance
from zkconnect.config import ChainConfig
from zkconnect.engine.chain import Chain
from zkconnect.errors import ZkConnectError
from zkconnect.genesis.l1_bridge import L1Bridge
from zkconnect.interop.ledger import Entry, Stage
from zkconnect.protocol.addresses import (
    BASE_TOKEN_HOLDER,
    BASE_TOKEN_HOLDER_INITIAL_BALANCE,
    ETH_TOKEN_ADDRESS,
    INTEROP_HANDLER,
    L2_ASSET_ROUTER,
    L2_BASE_TOKEN,
    L2_NATIVE_TOKEN_VAULT,
)
from zkconnect.protocol.assets import FINALIZE_DEPOSIT_SELECTOR, TOTAL_SUPPLY_SELECTOR
from zkconnect.protocol.messages import (
    CALL_STATUS_SELECTOR,
    BridgeMintData,
    CallStatus,
    InteropBundle,
    InteropCall,
    decode_finalize_deposit_calldata,
)
from zkconnect.testing.frames import hide_internal_frames
from zkconnect.testing.handles import ChainHandle, Contract, address_of

if TYPE_CHECKING:
    from zkconnect.devnet import Devnet

__all__ = ["assert_supply_conserved", "assert_token_supply_conserved", "assert_trackers_consistent"]

__tracebackhide__ = hide_internal_frames


def _undelivered(net: Devnet, entry: Entry, amount: Callable[[InteropCall], int]) -> int:
    """What ``amount`` counts in a bundle's calls that have not run on the destination."""
    if entry.stage == Stage.EXECUTED:
        return 0
    bundle = InteropBundle.decode(entry.payload[1:])
    if entry.stage != Stage.UNBUNDLED or entry.destination_chain_id is None:
        return sum(amount(call) for call in bundle.calls)
    pending = 0
    for index, call in enumerate(bundle.calls):
        query = CALL_STATUS_SELECTOR + entry.id + index.to_bytes(32, "big")
        out = net[entry.destination_chain_id].call(INTEROP_HANDLER, query)
        if int.from_bytes(out, "big") != CallStatus.EXECUTED:
            pending += amount(call)
    return pending


def _call_value(call: InteropCall) -> int:
    return call.value


def _gateway_chains(devnet: Devnet) -> list[ChainConfig]:
    gateway = devnet.config.gateway
    if gateway is None:
        return []
    return [c for c in devnet.config.chains if c.settlement == gateway.name]


def assert_supply_conserved(devnet: Devnet) -> None:
    """Fail unless the base token (ETH) was neither created nor lost across the Gateway-settled chains.

    Each ETH-based chain (Gateway included) starts with its dev accounts' genesis ETH, which L1 holds
    for it, and the same ``BaseTokenHolder`` balance; it releases from the holder what arrives
    (deposits, interop call values) and takes back what leaves (interop values, withdrawals).
    ``L1AssetTracker.chainBalance[gateway][ETH]`` on L1 counts what L1 holds for them. So the genesis
    ETH, plus what the holders released, plus interop values still in flight, plus deposits L1
    accepted that have not run on their chain yet, plus ``L2BaseToken`` withdrawals not finalized on
    L1 yet, must equal L1's balance. Usable in property tests after every step.
    """
    gateway = devnet.config.gateway
    if gateway is None:
        raise ZkConnectError("assert_supply_conserved needs a Gateway: it checks the Gateway-settled chains")
    chains = [c for c in (gateway, *_gateway_chains(devnet)) if c.base_token == "ETH"]
    ids = {c.chain_id for c in chains}
    released = {c.name: BASE_TOKEN_HOLDER_INITIAL_BALANCE - devnet[c.name].balance(BASE_TOKEN_HOLDER) for c in chains}
    in_flight = sum(
        _undelivered(devnet, e, _call_value) for e in devnet.ledger if e.kind == "bundle" and e.source_chain_id in ids
    )
    queue = getattr(devnet, "priority", None)
    deposits = sum(r.mint_value for r in queue.pending if r.chain_id in ids) if queue is not None else 0
    on_l1 = l1_chain_balance(devnet, gateway.name, l1_asset_id(devnet, ETH_TOKEN_ADDRESS))
    genesis = sum(amount for chain_id, _, amount in _l1_bridge(devnet).genesis_balances if chain_id in ids)
    withdrawing = _unfinalized_base_token_withdrawals(devnet, ids)
    counted = genesis + sum(released.values()) + in_flight + deposits + withdrawing
    if counted != on_l1:
        detail = ", ".join(f"{n}: {v}" for n, v in released.items())
        raise AssertionError(
            f"base token not conserved: genesis + released by the holders + in flight + pending deposits + "
            f"unfinalized withdrawals = {counted} wei, but L1 holds {on_l1} wei for Gateway's chains (off by "
            f"{counted - on_l1}; genesis {genesis}; released {detail}; interop in flight {in_flight}; deposits not "
            f"yet executed {deposits}; withdrawals not finalized {withdrawing})"
        )


def _unfinalized_base_token_withdrawals(devnet: Devnet, chain_ids: set[int]) -> int:
    """What ``L2BaseToken.withdraw`` sent to L1 from ``chain_ids`` and L1 has not paid out yet."""
    total = 0
    for entry in devnet.ledger:
        if entry.kind != "message" or entry.sender != L2_BASE_TOKEN or entry.source_chain_id not in chain_ids:
            continue
        if not _finalized_on_l1(devnet, entry):
            total += int.from_bytes(entry.payload[24:56], "big")
    return total


def _finalized_on_l1(devnet: Devnet, entry: Entry) -> bool:
    """Whether L1's nullifier has finalized the withdrawal message ``entry`` (never before its batch is sealed)."""
    if entry.batch_number is None:
        return False
    messages = [m for m in devnet.settlement.sealers[entry.source_chain_id].logs_of(entry.source_tx) if m.message]
    leaf = messages[entry.log_index].leaf_index
    return bool(
        _uint_call(
            devnet.l1,
            _l1_bridge(devnet).nullifier,
            "isWithdrawalFinalized(uint256,uint256,uint256)",
            ["uint256"] * 3,
            [entry.source_chain_id, entry.batch_number, leaf],
        )
    )


def _mint_amount(asset: bytes, data: bytes) -> int:
    """The amount a ``finalizeDeposit(chainId, assetId, bridgeMintData)`` call carries of ``asset`` (0 for another)."""
    if data[:4] != FINALIZE_DEPOSIT_SELECTOR:
        return 0
    try:
        _, carried, mint = decode_finalize_deposit_calldata(data)
        return BridgeMintData.decode(mint).amount if carried == asset else 0
    except ZkConnectError:
        return 0


def _token_amount(asset: bytes) -> Callable[[InteropCall], int]:
    def amount(call: InteropCall) -> int:
        return _mint_amount(asset, call.data)

    return amount


@dataclass(frozen=True)
class _Withdrawal:
    """A withdrawal of the asset to L1 (an L2AssetRouter ``finalizeDeposit`` message), not finalized on L1 yet."""

    chain_id: int
    amount: int
    settled: bool  # the source batch is executed on Gateway (which debited the chain)


@dataclass(frozen=True)
class _Deposit:
    """An L1->L2 deposit of the asset that has not arrived: queued on L1, or failed on L2 and not claimed back."""

    chain_id: int
    amount: int
    relayed: bool  # its balance change ran on Gateway (InteropCenter.forwardTransactionOnGatewayWithBalanceChange)
    failure_settled: bool  # it failed, and the batch with the bootloader's failure log is executed on Gateway


@dataclass(frozen=True)
class _TokenView:
    origin: ChainConfig
    token: bytes
    asset: bytes
    locked: int
    supply: dict[str, int]
    bundles: list[tuple[Entry, int]]
    withdrawals: list[_Withdrawal]
    deposits: list[_Deposit]

    @property
    def in_flight(self) -> int:
        return (
            sum(n for _, n in self.bundles)
            + sum(w.amount for w in self.withdrawals)
            + sum(d.amount for d in self.deposits)
        )


def _uint_call(chain: Chain, to: bytes, signature: str, types: Sequence[str], args: Sequence[object]) -> int:
    return int.from_bytes(chain.call(to, keccak(signature.encode())[:4] + encode(list(types), list(args))), "big")


def _l1_bridge(devnet: Devnet) -> L1Bridge:
    bridge = devnet.contracts.l1_bridge
    if bridge is None:
        raise ZkConnectError("the token invariants need the L1 shared bridge; this devnet was built without it")
    return bridge


def _pending_withdrawals(devnet: Devnet, asset: bytes) -> list[_Withdrawal]:
    out = []
    for entry in devnet.ledger:
        if entry.kind != "message" or entry.sender != L2_ASSET_ROUTER or entry.payload[:4] != FINALIZE_DEPOSIT_SELECTOR:
            continue
        if entry.payload[36:68] != asset or entry.batch_number is None:
            continue
        amount = BridgeMintData.decode(entry.payload[68:]).amount
        if not _finalized_on_l1(devnet, entry):
            out.append(_Withdrawal(entry.source_chain_id, amount, entry.gateway_block is not None))
    return out


def _pending_deposits(devnet: Devnet, asset: bytes) -> list[_Deposit]:
    queue = devnet.priority
    gateway = devnet.config.gateway
    gateway_id = gateway.chain_id if gateway is not None else None
    relayed_l1_txs = {e.request.l1_tx_hash for e in queue.executions() if e.request.chain_id == gateway_id}
    nullifier = _l1_bridge(devnet).nullifier
    out = []
    for request in queue.pending:
        if request.to == L2_ASSET_ROUTER and (amount := _mint_amount(asset, request.data)):
            out.append(_Deposit(request.chain_id, amount, request.l1_tx_hash in relayed_l1_txs, False))
    for execution in queue.executions():
        request = execution.request
        if execution.ok or request.to != L2_ASSET_ROUTER or not (amount := _mint_amount(asset, request.data)):
            continue
        claimable = _uint_call(
            devnet.l1,
            nullifier,
            "depositHappened(uint256,bytes32)",
            ["uint256", "bytes32"],
            [request.chain_id, request.canonical_hash],
        )
        if not claimable:
            continue  # claimed back on L1 already
        settled = False
        if execution.status_log_tx_hash is not None:
            log_receipt = devnet[request.chain_id].receipt(execution.status_log_tx_hash)
            settled = (
                log_receipt is not None
                and devnet.settlement.settled_batch(request.chain_id) >= log_receipt.block_number
            )
        out.append(_Deposit(request.chain_id, amount, request.l1_tx_hash in relayed_l1_txs, settled))
    return out


def _token_view(devnet: Devnet, origin: ChainHandle | str | int, token: bytes | str | Contract) -> _TokenView:
    config = devnet.chain_config(origin.chain_id if isinstance(origin, ChainHandle) else origin)
    address = address_of(token)
    asset = asset_id(config.chain_id, address)
    vault = _l1_bridge(devnet).native_token_vault if config.chain_id == devnet.l1.chain_id else L2_NATIVE_TOKEN_VAULT
    supply = {}
    for chain in devnet.config.all_chains:
        if chain.name != config.name:
            bridged = predict_bridged_token(devnet, config.name, address, chain.name)
            code = devnet[chain.name].code(bridged)
            supply[chain.name] = (
                int.from_bytes(devnet[chain.name].call(bridged, TOTAL_SUPPLY_SELECTOR), "big") if code else 0
            )
    amount = _token_amount(asset)
    bundles = [(e, _undelivered(devnet, e, amount)) for e in devnet.ledger if e.kind == "bundle"]
    return _TokenView(
        config,
        address,
        asset,
        token_balance(devnet, config.name, address, vault),
        supply,
        [(e, n) for e, n in bundles if n],
        _pending_withdrawals(devnet, asset),
        _pending_deposits(devnet, asset),
    )


def assert_token_supply_conserved(
    devnet: Devnet, origin: ChainHandle | str | int, token: bytes | str | Contract
) -> None:
    """Fail unless an ERC-20 native to ``origin`` (a ZK chain or ``"l1"``) was neither minted nor burned
    out of thin air.

    Checks one equation: what ``origin``'s native token vault holds locked (the L2NativeTokenVault at ``0x…10004``,
    or the L1NativeTokenVault for an L1 token) equals

    - the total supply of the token's bridged copy on every other chain of the devnet, L1 included (the L1 copy
      the L1 vault deploys when a ZK-chain token is first withdrawn), plus
    - the amounts of interop bundles not delivered: not executed yet (in flight, failed) or, for unbundled
      bundles, calls not executed (cancelled calls included: v31 has no refund for them), plus
    - withdrawals to L1 not finalized on L1 (``L1Nullifier.isWithdrawalFinalized``), plus
    - deposits from L1 still queued, and failed deposits not claimed back on L1 (``L1Nullifier.depositHappened``).

    Holds after every transaction and relay step, in auto and manual relay mode. Not for a chain's base token.
    """
    view = _token_view(devnet, origin, token)
    copies = sum(view.supply.values())
    if view.locked != copies + view.in_flight:
        detail = ", ".join(f"{name}: {n}" for name, n in view.supply.items() if n)
        raise AssertionError(
            f"token 0x{view.token.hex()} of {view.origin.name} not conserved: {view.locked} locked on "
            f"{view.origin.name}, but bridged supply {copies} ({detail or 'none'}) + in flight {view.in_flight} "
            f"(bundles {sum(n for _, n in view.bundles)}, withdrawals {sum(w.amount for w in view.withdrawals)}, "
            f"deposits {sum(d.amount for d in view.deposits)}) = {copies + view.in_flight}"
        )


def assert_trackers_consistent(devnet: Devnet, origin: ChainHandle | str | int, token: bytes | str | Contract) -> None:
    """Fail unless the three asset trackers agree with the tokens that exist, for an ERC-20 native to ``origin``
    (a ZK chain or ``"l1"``). Checks:

    - ``origin``'s L2AssetTracker (a ZK-chain token): ``MAX - chainBalance[origin]`` equals what its vault locks.
    - Gateway's GWAssetTracker (for a ZK-chain token once its balance is migrated; always for an L1 token), for each
      chain ``c`` settling on Gateway: ``chainBalance[c] + pendingInteropBalance[c]`` equals what ``c`` holds (the
      bridged supply; ``MAX - locked`` on the origin) plus what Gateway has not seen leave yet (bundles and
      withdrawals from ``c`` whose batch is not executed on Gateway) plus what is on its way to ``c`` (settled
      bundles not executed, cancelled calls included; deposits whose balance change reached Gateway but which have
      not run on ``c``, or failed there and the failure is not settled). With nothing in flight this is
      ``chainBalance[c] == totalSupply on c``.
    - L1's L1AssetTracker, once the asset is registered there: the ``chainBalance`` of L1 and every chain sums to
      ``2^256-1`` (so none went below zero); ``chainBalance[L1]`` is the L1 copy's supply (``MAX - locked`` in the
      L1 vault for an L1 token); and ``chainBalance[Gateway]`` equals Gateway's ``chainBalance + pending`` summed
      over its chains plus deposits L1 accepted that Gateway has not credited, withdrawals Gateway settled that L1
      has not finalized, and failed deposits Gateway settled that L1 has not paid back (so the Gateway sum never
      exceeds it).

    Chains settling directly on L1 count for supply but their L1 ``chainBalance`` is not checked one by one.
    """
    view = _token_view(devnet, origin, token)
    name = view.origin.name
    l1_id = devnet.l1.chain_id
    on_l1 = view.origin.chain_id == l1_id
    problems = []
    if not on_l1:
        l2 = chain_balance(devnet, name, view.asset, tracker="l2")
        if MAX_TOKEN_BALANCE - l2 != view.locked:
            problems.append(
                f"{name}'s L2AssetTracker says {MAX_TOKEN_BALANCE - l2} is outside, the vault locks {view.locked}"
            )
    chains = _gateway_chains(devnet)
    gw_ids = {c.chain_id for c in chains}
    gateway_total: int | None = None
    if chains and (on_l1 or name not in {c.name for c in chains} or token_migrated(devnet, name, view.asset)):
        gateway_total = 0
        for chain in chains:
            cid = chain.chain_id
            held = MAX_TOKEN_BALANCE - view.locked if chain.name == name else view.supply[chain.name]
            not_left = sum(n for e, n in view.bundles if e.source_chain_id == cid and e.gateway_block is None)
            not_left += sum(w.amount for w in view.withdrawals if w.chain_id == cid and not w.settled)
            coming = sum(n for e, n in view.bundles if e.destination_chain_id == cid and e.gateway_block is not None)
            coming += sum(d.amount for d in view.deposits if d.chain_id == cid and d.relayed and not d.failure_settled)
            balance = chain_balance(devnet, cid, view.asset)
            pending = pending_interop_balance(devnet, cid, view.asset)
            gateway_total += balance + pending
            if balance + pending != held + not_left + coming:
                problems.append(
                    f"GWAssetTracker for {chain.name}: chainBalance {balance} + pending {pending} != held {held} "
                    f"+ not yet settled out of it {not_left} + on its way to it {coming}"
                )
    l1_balances = {c.chain_id: l1_chain_balance(devnet, c.chain_id, view.asset) for c in devnet.config.all_chains}
    if any(l1_balances.values()):
        total = sum(l1_balances.values())
        if total != MAX_TOKEN_BALANCE:
            problems.append(f"L1AssetTracker chainBalance sums to {total}, not 2^256-1 ({l1_balances})")
        expected_l1 = MAX_TOKEN_BALANCE - view.locked if on_l1 else view.supply[devnet.l1.name]
        if l1_balances[l1_id] != expected_l1:
            what = "MAX - locked in the L1 vault" if on_l1 else "the L1 copy's supply"
            problems.append(f"L1AssetTracker chainBalance[L1] is {l1_balances[l1_id]}, {what} is {expected_l1}")
        gateway = devnet.config.gateway
        if gateway is not None and gateway_total is not None:
            accepted = sum(d.amount for d in view.deposits if d.chain_id in gw_ids and not d.relayed)
            unfinalized = sum(w.amount for w in view.withdrawals if w.chain_id in gw_ids and w.settled)
            unclaimed = sum(d.amount for d in view.deposits if d.chain_id in gw_ids and d.failure_settled)
            expected = gateway_total + accepted + unfinalized + unclaimed
            if l1_balances[gateway.chain_id] != expected:
                problems.append(
                    f"L1AssetTracker chainBalance[Gateway] is {l1_balances[gateway.chain_id]}, but Gateway holds "
                    f"{gateway_total} (chainBalance + pending) + deposits not yet on Gateway {accepted} + settled "
                    f"withdrawals not finalized {unfinalized} + settled failed deposits not claimed {unclaimed}"
                )
    if problems:
        raise AssertionError(f"asset trackers disagree for token 0x{view.token.hex()}:\n  " + "\n  ".join(problems))
