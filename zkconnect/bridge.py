"""Deposits from L1, withdrawals to L1 and failed-deposit claims, as plain functions over a :class:`Devnet`.

>>> from zkconnect import Devnet
>>> from zkconnect.bridge import deposit_eth
>>> devnet = Devnet()
>>> alice = devnet.accounts[0]
>>> deposit = deposit_eth(devnet, alice, 10**18, chain="zk-a")
>>> deposit.execution is not None and deposit.execution.ok     # auto relay mode: it already arrived
True

Every function sends real transactions: ``Bridgehub.requestL2TransactionDirect`` / ``TwoBridges`` on L1, the
L2AssetRouter's ``withdraw`` on the ZK chain, ``L1Nullifier.finalizeDeposit`` / ``bridgeRecoverFailedTransfer``
with proofs the L1MessageRoot checks. In ``manual`` relay mode a deposit waits until ``devnet.relay()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_abi.abi import decode, encode

from zkconnect.accounts import DevAccount
from zkconnect.engine.chain import Chain, Receipt
from zkconnect.errors import InteropError, TransactionReverted
from zkconnect.genesis.l1_bridge import L1Bridge
from zkconnect.interop.priority import PriorityExecution, PriorityRequest
from zkconnect.protocol.abi import selector
from zkconnect.protocol.addresses import (
    ETH_TOKEN_ADDRESS,
    L2_ASSET_ROUTER,
    L2_BASE_TOKEN,
    L2_NATIVE_TOKEN_VAULT,
    ntv_asset_id,
)
from zkconnect.protocol.reverts import describe_revert

if TYPE_CHECKING:
    from zkconnect.devnet import Devnet

__all__ = [
    "DEFAULT_L2_GAS_LIMIT",
    "FINALIZE_L1_DEPOSIT_PARAMS",
    "Deposit",
    "Withdrawal",
    "claim_failed_deposit",
    "deposit_erc20",
    "deposit_eth",
    "finalize_l1_params",
    "finalize_withdrawal",
    "l1_asset_id",
    "l1_chain_balance",
    "l1_chain_balances",
    "l2_token_address",
    "request_l2_call",
    "withdraw",
    "withdraw_base_token",
]

DEFAULT_L2_GAS_LIMIT = 1_000_000
"""Gas limit of deposits on L2 unless told otherwise."""
_GAS_PER_PUBDATA = 800
_DIRECT = "(uint256,uint256,address,uint256,bytes,uint256,uint256,bytes[],address)"
_TWO_BRIDGES = "(uint256,uint256,uint256,uint256,uint256,address,address,uint256,bytes)"
FINALIZE_L1_DEPOSIT_PARAMS = "(uint256,uint256,uint256,address,uint16,bytes,bytes32[])"
"""ABI type of ``FinalizeL1DepositParams`` (chainId, l2BatchNumber, l2MessageIndex, l2Sender, l2TxNumberInBatch,
message, merkleProof): what L1 takes to prove an L2->L1 message (withdrawals, balance migrations)."""


def _bridge(devnet: Devnet) -> L1Bridge:
    bridge = devnet.contracts.l1_bridge
    if bridge is None:
        raise InteropError("this devnet was built without the L1 shared bridge")
    return bridge


def _send(chain: Chain, who: DevAccount, to: bytes, data: bytes, value: int = 0, what: str = "") -> Receipt:
    receipt = chain.transact(who.private_key, to, data, value=value, gas=5_000_000)
    if not receipt.ok:
        reason = describe_revert(receipt.output)
        raise TransactionReverted(receipt.output, f"{what} reverted on {chain.name}: {reason}", tx_hash=receipt.tx_hash)
    return receipt


@dataclass(frozen=True)
class Deposit:
    """An L1->L2 request: the L1 receipt, the canonical hash and, once executed, the L2 execution."""

    devnet: Devnet
    chain_id: int
    l1_receipt: Receipt
    request: PriorityRequest
    sender: bytes
    asset_id: bytes | None = None
    transfer_data: bytes | None = None

    @property
    def canonical_hash(self) -> bytes:
        """The L2 transaction hash L1 reported (``NewPriorityRequest.txHash``)."""
        return self.request.canonical_hash

    @property
    def execution(self) -> PriorityExecution | None:
        """The L2 execution, or None while it waits (manual relay mode)."""
        return self.devnet.priority.execution(self.canonical_hash)

    @property
    def l2_receipt(self) -> Receipt | None:
        """The L2 receipt, found by the canonical hash."""
        return self.devnet[self.chain_id].receipt(self.canonical_hash)


@dataclass(frozen=True)
class Withdrawal:
    """A withdrawal sent on a ZK chain (one L2->L1 message from the L2AssetRouter)."""

    chain_id: int
    l2_receipt: Receipt
    asset_id: bytes
    amount: int
    receiver: bytes
    message_index: int = 0

    @property
    def tx_hash(self) -> bytes:
        """The L2 transaction hash."""
        return self.l2_receipt.tx_hash


def _request_of(devnet: Devnet, receipt: Receipt, chain_id: int) -> PriorityRequest:
    for request in devnet.priority.requests_in(receipt):
        if request.chain_id == chain_id:
            return request
    raise InteropError(f"L1 transaction 0x{receipt.tx_hash.hex()} made no priority request for chain {chain_id}")


def _base_token(devnet: Devnet, chain_id: int) -> bytes:
    return _addr(
        devnet.l1.call(_bridge(devnet).bridgehub, selector("baseToken(uint256)") + encode(["uint256"], [chain_id]))
    )


def _addr(word: bytes) -> bytes:
    return word[12:32]


def _approve(devnet: Devnet, who: DevAccount, token: bytes, amount: int) -> None:
    vault = _bridge(devnet).native_token_vault
    _send(devnet.l1, who, token, selector("approve(address,uint256)") + encode(["address", "uint256"], [vault, amount]))


def _mint_value(devnet: Devnet, chain_id: int, l2_value: int, gas_limit: int) -> int:
    cost = devnet.l1.call(
        _bridge(devnet).bridgehub,
        selector("l2TransactionBaseCost(uint256,uint256,uint256,uint256)")
        + encode(["uint256"] * 4, [chain_id, devnet.l1.next_base_fee, gas_limit, _GAS_PER_PUBDATA]),
    )
    return int.from_bytes(cost, "big") + l2_value


def request_l2_call(
    devnet: Devnet,
    sender: DevAccount,
    chain: str | int,
    to: bytes,
    data: bytes = b"",
    *,
    value: int = 0,
    gas_limit: int = DEFAULT_L2_GAS_LIMIT,
    refund_recipient: bytes | None = None,
) -> Deposit:
    """An L1->L2 transaction (``requestL2TransactionDirect``): call ``to`` on ``chain`` with ``value`` of its base
    token, paying the L2 gas on L1. The call runs as ``sender`` (an EOA is not aliased)."""
    chain_id = devnet[chain].chain_id
    bridge = _bridge(devnet)
    mint = _mint_value(devnet, chain_id, value, gas_limit)
    base_token = _base_token(devnet, chain_id)
    if base_token != ETH_TOKEN_ADDRESS:
        _approve(devnet, sender, base_token, mint)
    request: tuple[object, ...] = (
        chain_id,
        mint,
        to,
        value,
        data,
        gas_limit,
        _GAS_PER_PUBDATA,
        [],
        refund_recipient or sender.address,
    )
    call = selector(f"requestL2TransactionDirect({_DIRECT})") + encode([_DIRECT], [request])
    eth = mint if base_token == ETH_TOKEN_ADDRESS else 0
    receipt = _send(devnet.l1, sender, bridge.bridgehub, call, eth, "Bridgehub.requestL2TransactionDirect")
    return Deposit(devnet, chain_id, receipt, _request_of(devnet, receipt, chain_id), sender.address)


def deposit_eth(
    devnet: Devnet,
    sender: DevAccount,
    amount: int,
    *,
    chain: str | int = "zk-a",
    to: bytes | None = None,
    gas_limit: int = DEFAULT_L2_GAS_LIMIT,
) -> Deposit:
    """Deposit ``amount`` wei of ETH from L1 to ``to`` (default: the sender) on an ETH-based chain."""
    chain_id = devnet[chain].chain_id
    if _base_token(devnet, chain_id) != ETH_TOKEN_ADDRESS:
        raise InteropError(
            f"chain {chain_id}'s base token is not ETH; use deposit_erc20 to send ETH there as a bridged token"
        )
    return request_l2_call(devnet, sender, chain_id, to or sender.address, value=amount, gas_limit=gas_limit)


def deposit_erc20(
    devnet: Devnet,
    sender: DevAccount,
    token: bytes,
    amount: int,
    *,
    chain: str | int = "zk-a",
    to: bytes | None = None,
    gas_limit: int = DEFAULT_L2_GAS_LIMIT,
) -> Deposit:
    """Deposit ``amount`` of the L1 ERC20 ``token`` to ``to`` (default: the sender) on ``chain`` through the
    L1AssetRouter (``requestL2TransactionTwoBridges``); approves the L1 vault and registers the token first.
    ``token`` may also be the L1 copy of a token native to a ZK chain (it is burned on L1, and released on its
    origin chain or minted on another)."""
    chain_id = devnet[chain].chain_id
    bridge = _bridge(devnet)
    l1 = devnet.l1
    _send(
        l1,
        sender,
        bridge.native_token_vault,
        selector("ensureTokenIsRegistered(address)") + encode(["address"], [token]),
    )
    # an L1 token's id, or the origin's id for the L1 copy of a token native to a ZK chain
    asset_id = l1.call(bridge.native_token_vault, selector("assetId(address)") + encode(["address"], [token]))
    _approve(devnet, sender, token, amount)
    mint = _mint_value(devnet, chain_id, 0, gas_limit)
    base_token = _base_token(devnet, chain_id)
    if base_token != ETH_TOKEN_ADDRESS:
        if base_token == token:
            _approve(devnet, sender, token, amount + mint)
        else:
            _approve(devnet, sender, base_token, mint)
    transfer_data = encode(["uint256", "address", "address"], [amount, to or sender.address, token])
    second = b"\x01" + encode(["bytes32", "bytes"], [asset_id, transfer_data])
    request = (chain_id, mint, 0, gas_limit, _GAS_PER_PUBDATA, sender.address, bridge.asset_router, 0, second)
    call = selector(f"requestL2TransactionTwoBridges({_TWO_BRIDGES})") + encode([_TWO_BRIDGES], [request])
    eth = mint if base_token == ETH_TOKEN_ADDRESS else 0
    receipt = _send(l1, sender, bridge.bridgehub, call, eth, "Bridgehub.requestL2TransactionTwoBridges")
    return Deposit(
        devnet, chain_id, receipt, _request_of(devnet, receipt, chain_id), sender.address, asset_id, transfer_data
    )


def withdraw(
    devnet: Devnet,
    sender: DevAccount,
    asset_id: bytes,
    amount: int,
    *,
    chain: str | int,
    to: bytes | None = None,
) -> Withdrawal:
    """Withdraw ``amount`` of an asset from ``chain`` to ``to`` (default: the sender) on L1, through the
    L2AssetRouter (``withdraw(assetId, abi.encode(amount, receiver, 0))``); a token native to ``chain`` is
    locked in its vault, which is approved first if needed. Finalize it on L1 with
    :func:`finalize_withdrawal` once the batch is final there (``devnet.relay()``)."""
    l2 = devnet[chain]
    receiver = to or sender.address
    _approve_native(l2, sender, asset_id, amount)
    data = encode(["uint256", "address", "address"], [amount, receiver, bytes(20)])
    call = selector("withdraw(bytes32,bytes)") + encode(["bytes32", "bytes"], [asset_id, data])
    receipt = _send(l2, sender, L2_ASSET_ROUTER, call, 0, "L2AssetRouter.withdraw")
    return Withdrawal(l2.chain_id, receipt, asset_id, amount, receiver)


def withdraw_base_token(
    devnet: Devnet,
    sender: DevAccount,
    amount: int,
    *,
    chain: str | int,
    to: bytes | None = None,
) -> Withdrawal:
    """Withdraw ``amount`` of ``chain``'s base token (ETH, or its L1 ERC20) to ``to`` (default: the sender) on L1
    with ``L2BaseToken.withdraw{value: amount}(receiver)`` (0x800a). Finalize it on L1 with
    :func:`finalize_withdrawal` once the batch is final there (``devnet.relay()``)."""
    l2 = devnet[chain]
    receiver = to or sender.address
    call = selector("withdraw(address)") + encode(["address"], [receiver])
    receipt = _send(l2, sender, L2_BASE_TOKEN, call, amount, "L2BaseToken.withdraw")
    asset_id = devnet.contracts.base_token_asset_id(l2.chain_id)
    return Withdrawal(l2.chain_id, receipt, asset_id, amount, receiver)


def _approve_native(l2: Chain, owner: DevAccount, asset_id: bytes, amount: int) -> None:
    """A token native to ``l2`` is locked in its vault with transferFrom: approve the vault if needed."""
    (origin,) = decode(["uint256"], l2.call(L2_NATIVE_TOKEN_VAULT, selector("originChainId(bytes32)") + asset_id))
    (token,) = decode(["address"], l2.call(L2_NATIVE_TOKEN_VAULT, selector("tokenAddress(bytes32)") + asset_id))
    if origin != l2.chain_id or not l2.code(bytes.fromhex(token[2:])):
        return
    address = bytes.fromhex(token[2:])
    allowed = l2.call(
        address,
        selector("allowance(address,address)") + encode(["address"] * 2, [owner.address, L2_NATIVE_TOKEN_VAULT]),
    )
    if int.from_bytes(allowed, "big") < amount:
        call = selector("approve(address,uint256)") + encode(["address", "uint256"], [L2_NATIVE_TOKEN_VAULT, amount])
        _send(l2, owner, address, call, 0, "approve")


def finalize_l1_params(devnet: Devnet, chain_id: int, tx_hash: bytes, index: int = 0) -> tuple[Any, ...]:
    """``FinalizeL1DepositParams`` proving the ``index``-th L1Messenger message of ``tx_hash`` on ``chain_id`` to L1
    (the Gateway-batch proof variant for a batch Gateway executed). Raises
    :class:`~zkconnect.errors.ProofUnavailable` until the batch is final on L1."""
    proof = devnet.proof(chain_id, tx_hash, index, mode="l1")
    if proof.message is None:
        raise InteropError(f"the L2->L1 log {index} of 0x{tx_hash.hex()} is not an L1Messenger message")
    return (
        chain_id,
        proof.batch_number,
        proof.id,
        bytes.fromhex(proof.message.sender[2:]),
        proof.message.tx_number_in_batch,
        proof.message.data,
        list(proof.proof),
    )


def finalize_withdrawal(devnet: Devnet, withdrawal: Withdrawal, sender: DevAccount | None = None) -> Receipt:
    """Finalize a withdrawal on L1 (``L1Nullifier.finalizeDeposit``) with its L1 proof (the Gateway-batch variant
    for a chain settling on Gateway). Raises :class:`~zkconnect.errors.ProofUnavailable` until the batch is final
    on L1, :class:`~zkconnect.errors.TransactionReverted` if L1 refuses (e.g. ``WithdrawalAlreadyFinalized``)."""
    params = finalize_l1_params(devnet, withdrawal.chain_id, withdrawal.tx_hash, withdrawal.message_index)
    call = selector(f"finalizeDeposit({FINALIZE_L1_DEPOSIT_PARAMS})") + encode([FINALIZE_L1_DEPOSIT_PARAMS], [params])
    who = sender or devnet.accounts[0]
    return _send(devnet.l1, who, _bridge(devnet).nullifier, call, 0, "L1Nullifier.finalizeDeposit")


def claim_failed_deposit(devnet: Devnet, deposit: Deposit, sender: DevAccount | None = None) -> Receipt:
    """Return a failed token deposit to its sender on L1 (``L1Nullifier.bridgeRecoverFailedTransfer``), proving the
    bootloader's failure log for the deposit's canonical hash."""
    execution = deposit.execution
    if execution is None:
        raise InteropError("the deposit has not been executed on L2 yet; relay it first (devnet.relay())")
    if execution.ok:
        raise InteropError("the deposit succeeded on L2; there is nothing to claim back")
    if deposit.asset_id is None or deposit.transfer_data is None:
        raise InteropError("only token deposits are claimed back on L1; a failed base-token deposit was refunded on L2")
    if execution.status_log_tx_hash is None:
        raise InteropError(
            "this devnet's L1Messenger cannot carry the bootloader's status logs (no sendL2ToL1Log), so a failed "
            "deposit cannot be proven on L1"
        )
    proof = devnet.proof(deposit.chain_id, execution.status_log_tx_hash, 0, mode="l1")
    sealer = devnet.settlement.sealers[deposit.chain_id]
    _, entry = sealer.locate(execution.status_log_tx_hash, 0)
    args: list[object] = [
        deposit.chain_id,
        deposit.sender,
        deposit.asset_id,
        deposit.transfer_data,
        deposit.canonical_hash,
        proof.batch_number,
        proof.id,
        entry.log.tx_number_in_batch,
        list(proof.proof),
    ]
    types = ["uint256", "address", "bytes32", "bytes", "bytes32", "uint256", "uint256", "uint16", "bytes32[]"]
    call = selector(f"bridgeRecoverFailedTransfer({','.join(types)})") + encode(types, args)
    who = sender or devnet.accounts[0]
    return _send(devnet.l1, who, _bridge(devnet).nullifier, call, 0, "L1Nullifier.bridgeRecoverFailedTransfer")


# ---- readers ----------------------------------------------------------------------------------------------


def l1_asset_id(devnet: Devnet, token: bytes) -> bytes:
    """The asset id of an L1 token (``address(1)`` for ETH): keccak256(abi.encode(L1 chain id, 0x…010004, token))."""
    return ntv_asset_id(devnet.l1.chain_id, token)


def l1_chain_balance(devnet: Devnet, chain: str | int, asset_id: bytes) -> int:
    """``L1AssetTracker.chainBalance(chainId, assetId)``: what ``chain`` may still send of the asset to L1."""
    chain_id = devnet[chain].chain_id
    out = devnet.l1.call(
        _bridge(devnet).asset_tracker,
        selector("chainBalance(uint256,bytes32)") + encode(["uint256", "bytes32"], [chain_id, asset_id]),
    )
    return int.from_bytes(out, "big")


def l1_chain_balances(devnet: Devnet, asset_id: bytes) -> dict[int, int]:
    """``chainBalance`` of the asset for L1 and every chain of the devnet (their sum is 2^256-1 once registered)."""
    return {c.chain_id: l1_chain_balance(devnet, c.chain_id, asset_id) for c in devnet.config.all_chains}


def l2_token_address(devnet: Devnet, chain: str | int, asset_id: bytes) -> bytes:
    """The token of an asset on an L2 (``L2NativeTokenVault.tokenAddress``), zero if it has not arrived."""
    out = devnet[chain].call(L2_NATIVE_TOKEN_VAULT, selector("tokenAddress(bytes32)") + asset_id)
    (address,) = decode(["address"], out)
    return bytes.fromhex(str(address)[2:])
