"""Crosschain assets on a :class:`~zkconnect.devnet.Devnet`: plain functions a test calls.

An ERC-20 native to one ZK chain is registered in that chain's L2NativeTokenVault, its balance
migrated to Gateway, then sent to another ZK chain as an interop bundle whose one call is an
``indirectCall`` to the L2AssetRouter; on the destination the router's ``finalizeDeposit`` mints
the BridgedStandardERC20 copy at its predicted CREATE2 address. In ``auto`` relay mode the
relayer settles, imports roots and executes the bundle before :func:`transfer` returns; in
``manual`` mode call ``devnet.relay()``.

>>> from zkconnect import Devnet
>>> from zkconnect.assets import (deploy_test_token, register_token, migrate_token_balance, transfer,
...     predict_bridged_token, token_balance)
>>> devnet = Devnet()
>>> alice = devnet.accounts[0]
>>> token = deploy_test_token(devnet, "zk-a", alice, mint=10**21)
>>> asset = register_token(devnet, "zk-a", token, alice)
>>> _ = migrate_token_balance(devnet, "zk-a", asset)
>>> sent = transfer(devnet, "zk-a", "zk-b", token, 10**18, alice, alice.address)
>>> bridged = predict_bridged_token(devnet, "zk-a", token, "zk-b")
>>> token_balance(devnet, "zk-b", bridged, alice.address) == 10**18
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak

from zkconnect.accounts import DevAccount
from zkconnect.artifacts import load
from zkconnect.bridge import FINALIZE_L1_DEPOSIT_PARAMS, finalize_l1_params
from zkconnect.engine.chain import Chain, Receipt
from zkconnect.errors import AssetError, InteropError
from zkconnect.genesis.asset_contracts import BRIDGED_TOKEN_BEACON
from zkconnect.protocol.abi import selector
from zkconnect.protocol.addresses import (
    GW_ASSET_TRACKER,
    INTEROP_CENTER,
    L2_ASSET_ROUTER,
    L2_ASSET_TRACKER,
    L2_NATIVE_TOKEN_VAULT,
    ntv_asset_id,
)
from zkconnect.protocol.messages import (
    InteropCallStarter,
    NtvBurnData,
    format_evm_v1,
    indirect_call,
    second_bridge_data,
    send_bundle_calldata,
)
from zkconnect.protocol.reverts import describe_revert

if TYPE_CHECKING:
    from zkconnect.devnet import Devnet

__all__ = [
    "MAX_TOKEN_BALANCE",
    "AssetError",
    "Migration",
    "Transfer",
    "asset_id",
    "chain_balance",
    "confirm_migration",
    "confirm_migration_to_l1",
    "deploy_test_token",
    "initiate_migration",
    "initiate_migration_to_l1",
    "migrate_token_balance",
    "migrate_token_balance_to_l1",
    "pending_interop_balance",
    "predict_bridged_token",
    "register_token",
    "token_address",
    "token_balance",
    "token_migrated",
    "transfer",
]

MAX_TOKEN_BALANCE = 2**256 - 1
"""The balance a token's origin chain starts with in the trackers."""

ChainRef = str | int
Sender = DevAccount | bytes

_MIGRATION_DATA = "(bytes1,address,uint256,bytes32,uint256,uint256,uint256,uint256,uint256,uint256)"
_MIGRATION_PROCESSED = keccak(b"L1ToGatewayMigrationProcessed(uint256,bytes32,uint256,uint256,uint256)")
_BACK_MIGRATION_DATA = "(bytes1,address,uint256,bytes32,uint256,uint256,uint256,uint256)"
_BACK_MIGRATION_PROCESSED = keccak(b"GatewayToL1MigrationProcessed(uint256,bytes32,uint256,uint256,uint256)")
_L1_MESSAGE_SENT = keccak(b"L1MessageSent(address,bytes32,bytes)")
_BUNDLE_SENT = keccak(
    b"InteropBundleSent(bytes32,bytes32,(bytes1,uint256,uint256,bytes32,bytes32,(bytes1,bool,address,address,uint256,bytes)[],(bytes,bytes,bool)))"
)


def _key(sender: Sender) -> bytes:
    return sender.private_key if isinstance(sender, DevAccount) else bytes(sender)


def _send(chain: Chain, sender: Sender, to: bytes, data: bytes, what: str, *, value: int = 0) -> Receipt:
    receipt = chain.transact(_key(sender), to, data, value=value)
    if not receipt.ok:
        reason = describe_revert(receipt.output)
        hint = _HINTS.get(reason.split("(", 1)[0], "")
        raise AssetError(f"{what} on chain {chain.chain_id} reverted: {reason}{hint}", receipt=receipt)
    return receipt


_HINTS = {
    "TokenBalanceNotMigratedToGateway": (
        ". The token's balance is not migrated to Gateway yet: "
        "call migrate_token_balance(devnet, chain, asset_id) first"
    ),
    "TokensWithFeesNotSupported": ". Fee-on-transfer tokens cannot be bridged by the native token vault",
    "TokenNotSupported": ". The native token vault bridges ERC-20s only; give an NFT its own asset handler",
    "InsufficientBalance": ". The sender holds less than the amount",
    "DestinationChainNotRegistered": ". The destination must be a ZK chain of this devnet settling on Gateway",
    "InvalidChainMigrationNumber": (
        ". The chain has not migrated back to L1 (chain migration number 2): call devnet.migrate_chain_to_l1(chain) "
        "first"
    ),
    "InvalidAssetMigrationNumber": (
        ". Nothing to migrate: this balance already moved (a migration is processed once), or, from Gateway to L1, "
        "the chain still settles on Gateway: call devnet.migrate_chain_to_l1(chain) first"
    ),
}


def _call(chain: Chain, to: bytes, signature: str, types: list[str], args: list[object], out: list[str]) -> tuple:  # type: ignore[type-arg]
    data = selector(signature) + (encode(types, args) if types else b"")
    return decode(out, chain.call(to, data))


# ---------------------------------------------------------------------- identifiers and reads


def asset_id(origin_chain_id: int, token: bytes) -> bytes:
    """``keccak256(abi.encode(originChainId, 0x…010004, token))``: the asset id of a vault token."""
    return ntv_asset_id(origin_chain_id, bytes(token))


def predict_bridged_token(devnet: Devnet, origin_chain: ChainRef, token: bytes, on_chain: ChainRef) -> bytes:
    """Where the BridgedStandardERC20 copy of ``token`` (native to ``origin_chain``) lives on ``on_chain``.

    CREATE2 by the vault (``0x10004``) with salt ``keccak256(abi.encode(originChainId, token))``
    (the token address itself, left-padded, for L1 tokens) and the BeaconProxy creation code with
    ``abi.encode(beacon, "")``; on L1 the deployer is the L1NativeTokenVault (same salt rule and beacon
    address). Computed here, independently of the contracts.
    """
    origin_id = devnet[origin_chain].chain_id
    target_id = devnet[on_chain].chain_id
    deployer = L2_NATIVE_TOKEN_VAULT
    if target_id == devnet.l1.chain_id:
        l1_bridge = devnet.contracts.l1_bridge
        if l1_bridge is None:
            raise InteropError("this devnet was built without the L1 shared bridge")
        deployer = l1_bridge.native_token_vault
    if origin_id == target_id:
        raise InteropError(f"chain {target_id} is the token's origin: it has no bridged copy there")
    if origin_id == devnet.l1.chain_id:
        salt = bytes(12) + bytes(token)
    else:
        salt = keccak(encode(["uint256", "address"], [origin_id, bytes(token)]))
    init_code = load("BeaconProxy").bytecode + encode(["address", "bytes"], [BRIDGED_TOKEN_BEACON, b""])
    return keccak(b"\xff" + deployer + salt + keccak(init_code))[12:]


def token_address(devnet: Devnet, chain: ChainRef, asset: bytes) -> bytes:
    """The token of ``asset`` on ``chain`` (L1 included: its L1NativeTokenVault), zero if the vault does not know it
    yet."""
    target = devnet[chain]
    vault = L2_NATIVE_TOKEN_VAULT
    if target.chain_id == devnet.l1.chain_id and devnet.contracts.l1_bridge is not None:
        vault = devnet.contracts.l1_bridge.native_token_vault
    (address,) = _call(target, vault, "tokenAddress(bytes32)", ["bytes32"], [asset], ["address"])
    return bytes.fromhex(address[2:])


def token_balance(devnet: Devnet, chain: ChainRef, token: bytes, holder: bytes) -> int:
    """``token.balanceOf(holder)`` on ``chain`` (0 if the token is not deployed there)."""
    target = devnet[chain]
    if not target.code(token):
        return 0
    (balance,) = _call(target, token, "balanceOf(address)", ["address"], [holder], ["uint256"])
    return int(balance)


def chain_balance(
    devnet: Devnet, chain: ChainRef, asset: bytes, *, tracker: Literal["gateway", "l2"] = "gateway"
) -> int:
    """``chainBalance[chain][asset]`` in Gateway's GWAssetTracker (default) or in the chain's own L2AssetTracker.

    Gateway: what ``chain`` may still send of ``asset`` (its supply there, MAX on its origin after
    migration). L2: kept only for tokens native to the chain (MAX minus what is outside).
    """
    chain_id = devnet[chain].chain_id
    where = devnet.gateway if tracker == "gateway" else devnet[chain]
    address = GW_ASSET_TRACKER if tracker == "gateway" else L2_ASSET_TRACKER
    (value,) = _call(
        where, address, "chainBalance(uint256,bytes32)", ["uint256", "bytes32"], [chain_id, asset], ["uint256"]
    )
    return int(value)


def pending_interop_balance(devnet: Devnet, chain: ChainRef, asset: bytes) -> int:
    """Gateway's ``pendingInteropBalance[chain][asset]``: sent to ``chain``, not yet reported executed there."""
    chain_id = devnet[chain].chain_id
    (value,) = _call(
        devnet.gateway,
        GW_ASSET_TRACKER,
        "pendingInteropBalance(uint256,bytes32)",
        ["uint256", "bytes32"],
        [chain_id, asset],
        ["uint256"],
    )
    return int(value)


def token_migrated(devnet: Devnet, chain: ChainRef, asset: bytes) -> bool:
    """Whether ``chain`` may send ``asset`` out (its balance is migrated to Gateway)."""
    target = devnet[chain]
    (value,) = _call(
        target,
        L2_ASSET_TRACKER,
        "tokenMigrated(uint256,bytes32)",
        ["uint256", "bytes32"],
        [target.chain_id, asset],
        ["bool"],
    )
    return bool(value)


# ---------------------------------------------------------------------- tokens


def deploy_test_token(
    devnet: Devnet,
    chain: ChainRef,
    deployer: Sender,
    *,
    name: str = "Test Token",
    symbol: str = "TEST",
    decimals: int = 18,
    mint: int = 0,
    mint_to: bytes | None = None,
) -> bytes:
    """Deploy the sample ``TestERC20`` (anyone can mint) on ``chain``; optionally mint to ``mint_to`` (the deployer)."""
    target = devnet[chain]
    code = load("TestERC20").bytecode + encode(["string", "string", "uint8"], [name, symbol, decimals])
    token = target.deploy(_key(deployer), code)
    if mint:
        holder = mint_to if mint_to is not None else _address(deployer)
        _send(
            target,
            deployer,
            token,
            selector("mint(address,uint256)") + encode(["address", "uint256"], [holder, mint]),
            "mint",
        )
    return token


def _address(sender: Sender) -> bytes:
    if isinstance(sender, DevAccount):
        return sender.address
    from eth_keys.datatypes import PrivateKey

    return PrivateKey(bytes(sender)).public_key.to_canonical_address()


def register_token(devnet: Devnet, chain: ChainRef, token: bytes, sender: Sender) -> bytes:
    """Register ``token`` (native to ``chain``) in its vault with ``ensureTokenIsRegistered``; returns its asset id."""
    target = devnet[chain]
    _send(
        target,
        sender,
        L2_NATIVE_TOKEN_VAULT,
        selector("ensureTokenIsRegistered(address)") + encode(["address"], [token]),
        "ensureTokenIsRegistered",
    )
    (found,) = _call(target, L2_NATIVE_TOKEN_VAULT, "assetId(address)", ["address"], [token], ["bytes32"])
    return bytes(found)


# ---------------------------------------------------------------------- migration


@dataclass(frozen=True)
class Migration:
    """A token balance migration of ``asset_id`` of ``chain_id``, from L1's accounting to Gateway's or (``to_l1``)
    back from Gateway's to L1's after the chain migrated back.

    ``message`` is the L2->L1 message sent: ``receiveL1ToGatewayMigrationOnL1(L1ToGatewayTokenBalanceMigrationData)``
    by the chain, or ``receiveGatewayToL1MigrationOnL1(GatewayToL1TokenBalanceMigrationData)`` by Gateway (then
    ``initiate_tx`` is a Gateway transaction); ``amount`` what moved; ``confirmed`` whether both service
    confirmations (Gateway and the chain) ran; ``l1_tx`` the L1 transaction that processed the message.
    """

    chain_id: int
    asset_id: bytes
    initiate_tx: bytes | None
    message: bytes | None
    amount: int
    confirmed: bool
    l1_tx: bytes | None = None
    to_l1: bool = False


def initiate_migration(devnet: Devnet, chain: ChainRef, asset: bytes, sender: Sender | None = None) -> Migration:
    """Step 1 on the chain: ``L2AssetTracker.initiateL1ToGatewayMigrationOnL2(asset)`` (permissionless).

    Returns the migration with the message sent (none if the asset was already migrated).
    """
    target = devnet[chain]
    who: Sender = sender if sender is not None else devnet.contracts.relayer
    receipt = _send(
        target,
        who,
        L2_ASSET_TRACKER,
        selector("initiateL1ToGatewayMigrationOnL2(bytes32)") + bytes(asset),
        "initiateL1ToGatewayMigrationOnL2",
    )
    message = None
    for log in receipt.logs:
        if log.topics and log.topics[0] == _L1_MESSAGE_SENT and log.topics[1][12:] == L2_ASSET_TRACKER:
            (message,) = decode(["bytes"], log.data)
    return Migration(target.chain_id, bytes(asset), receipt.tx_hash, message, 0, False)


def confirm_migration(devnet: Devnet, migration: Migration, sender: Sender | None = None) -> Migration:
    """Steps 2-3 on L1: once the message's batch is final on L1 (settled here if needed: the chain's batch on
    Gateway, Gateway's batch on L1), prove it to ``L1AssetTracker.receiveL1ToGatewayMigrationOnL1`` with the L1
    proof. L1 moves the chain's balance of the asset to Gateway and sends the two service transactions
    ``GWAssetTracker.confirmMigrationOnGateway`` and ``L2AssetTracker.confirmMigrationOnL2``
    (``MigrationConfirmationData{chainId, assetId, tokenOriginChainId, originToken, amount,
    assetMigrationNumber, isL1ToGateway=true}``) through the priority queue; they are executed before this
    returns, in any relay mode. Raises :class:`AssetError` naming the contract error if L1 refuses.
    """
    if migration.message is None or migration.initiate_tx is None:
        return migration
    if migration.message[:4] != selector(f"receiveL1ToGatewayMigrationOnL1({_MIGRATION_DATA})"):
        raise InteropError("not a receiveL1ToGatewayMigrationOnL1 message")
    chain_id = migration.chain_id
    tx = migration.initiate_tx
    _ensure_final_on_l1(devnet, chain_id, tx)
    receipt = _prove_on_l1(
        devnet,
        chain_id,
        tx,
        f"receiveL1ToGatewayMigrationOnL1({FINALIZE_L1_DEPOSIT_PARAMS})",
        "L1AssetTracker.receiveL1ToGatewayMigrationOnL1",
        sender,
    )
    l1_bridge = devnet.contracts.l1_bridge
    assert l1_bridge is not None
    amount = 0
    for log in receipt.logs:
        if log.address == l1_bridge.asset_tracker and log.topics and log.topics[0] == _MIGRATION_PROCESSED:
            amount, _ = decode(["uint256", "uint256"], log.data)
    _run_confirmations(devnet, receipt)
    return Migration(chain_id, migration.asset_id, tx, migration.message, int(amount), True, receipt.tx_hash)


def _ensure_final_on_l1(devnet: Devnet, chain_id: int, tx_hash: bytes) -> None:
    chain = devnet[chain_id]
    found = chain.transaction(tx_hash)
    if found is None or found[1] is None:
        raise InteropError(f"migration transaction 0x{tx_hash.hex()} is not mined on chain {chain_id}")
    block = found[1].header.block_number
    settlement = devnet.settlement
    if settlement.settled_batch(chain_id) < block:
        if settlement.layer_of(chain_id) == devnet.l1.chain_id:
            settlement.settle_on_l1({chain_id: block})
        else:
            settlement.settle({chain_id: block})
    execution = settlement.execution(chain_id, block)
    if execution is None:
        raise InteropError(
            f"chain {chain_id} batch {block} is not executed on its settlement layer; the chain may be stalled"
        )
    layer = execution.layer_chain_id
    if layer != devnet.l1.chain_id and settlement.settled_batch(layer) < execution.block_number:
        settlement.settle_on_l1({layer: execution.block_number})
    if settlement.l1_finalized_block(chain_id) < block:
        raise InteropError(
            f"chain {chain_id} batch {block} is not final on L1 (Gateway block {execution.block_number} did not "
            "settle on L1); see devnet.settlement.stalled()"
        )


def migrate_token_balance(devnet: Devnet, chain: ChainRef, asset: bytes, sender: Sender | None = None) -> Migration:
    """Migrate ``asset``'s balance of ``chain`` to Gateway: initiate on the chain, settle the batch on Gateway and
    Gateway's batch on L1, prove the message to L1's L1AssetTracker, and run its confirmations on Gateway and on
    the chain. After this the token may leave the chain."""
    return confirm_migration(devnet, initiate_migration(devnet, chain, asset, sender), sender)


def initiate_migration_to_l1(devnet: Devnet, chain: ChainRef, asset: bytes, sender: Sender | None = None) -> Migration:
    """Step 1 on Gateway, once ``chain`` has migrated back to L1 (``devnet.migrate_chain_to_l1``):
    ``GWAssetTracker.initiateGatewayToL1MigrationOnGateway(chainId, asset)`` (permissionless). Gateway sends its
    whole ``chainBalance`` of the asset for the chain to L1 in ``receiveGatewayToL1MigrationOnL1(...)`` and zeroes
    it. Raises :class:`AssetError` with ``InvalidChainMigrationNumber`` while the chain still settles on Gateway,
    ``InvalidAssetMigrationNumber`` if this balance already left.
    """
    chain_id = devnet[chain].chain_id
    who: Sender = sender if sender is not None else devnet.contracts.relayer
    receipt = _send(
        devnet.gateway,
        who,
        GW_ASSET_TRACKER,
        selector("initiateGatewayToL1MigrationOnGateway(uint256,bytes32)")
        + encode(["uint256", "bytes32"], [chain_id, asset]),
        "initiateGatewayToL1MigrationOnGateway",
    )
    message = None
    for log in receipt.logs:
        if log.topics and log.topics[0] == _L1_MESSAGE_SENT and log.topics[1][12:] == GW_ASSET_TRACKER:
            (message,) = decode(["bytes"], log.data)
    amount = 0
    if message is not None:
        (data,) = decode([_BACK_MIGRATION_DATA], bytes(message)[4:])
        amount = int(data[5])
    return Migration(chain_id, bytes(asset), receipt.tx_hash, message, amount, False, to_l1=True)


def confirm_migration_to_l1(devnet: Devnet, migration: Migration, sender: Sender | None = None) -> Migration:
    """Steps 2-3 on L1: once Gateway's batch holding the message is final on L1 (settled here if needed), prove it
    to ``L1AssetTracker.receiveGatewayToL1MigrationOnL1`` with the L1 proof of Gateway's batch. L1 moves ``amount``
    from Gateway's balance back to the chain's and sends ``GWAssetTracker.confirmMigrationOnGateway`` and
    ``L2AssetTracker.confirmMigrationOnL2`` (``isL1ToGateway=false``) as service transactions, executed before this
    returns in any relay mode. Raises :class:`AssetError` naming the contract error if L1 refuses (for example
    ``InvalidAssetMigrationNumber`` for a replay).
    """
    if migration.message is None or migration.initiate_tx is None:
        return migration
    if migration.message[:4] != selector(f"receiveGatewayToL1MigrationOnL1({_BACK_MIGRATION_DATA})"):
        raise InteropError("not a receiveGatewayToL1MigrationOnL1 message")
    gateway_id = devnet.gateway.chain_id
    _ensure_final_on_l1(devnet, gateway_id, migration.initiate_tx)
    receipt = _prove_on_l1(
        devnet,
        gateway_id,
        migration.initiate_tx,
        f"receiveGatewayToL1MigrationOnL1({FINALIZE_L1_DEPOSIT_PARAMS})",
        "L1AssetTracker.receiveGatewayToL1MigrationOnL1",
        sender,
    )
    amount = migration.amount
    l1_bridge = devnet.contracts.l1_bridge
    assert l1_bridge is not None
    for log in receipt.logs:
        if log.address == l1_bridge.asset_tracker and log.topics and log.topics[0] == _BACK_MIGRATION_PROCESSED:
            amount, _ = decode(["uint256", "uint256"], log.data)
    _run_confirmations(devnet, receipt)
    return Migration(
        migration.chain_id,
        migration.asset_id,
        migration.initiate_tx,
        migration.message,
        int(amount),
        True,
        receipt.tx_hash,
        to_l1=True,
    )


def _prove_on_l1(devnet: Devnet, chain_id: int, tx: bytes, signature: str, what: str, sender: Sender | None) -> Receipt:
    params = finalize_l1_params(devnet, chain_id, tx)
    l1_bridge = devnet.contracts.l1_bridge
    if l1_bridge is None:
        raise InteropError("this devnet was built without the L1 shared bridge: balances cannot migrate")
    who: Sender = sender if sender is not None else devnet.contracts.relayer
    return _send(
        devnet.l1,
        who,
        l1_bridge.asset_tracker,
        selector(signature) + encode([FINALIZE_L1_DEPOSIT_PARAMS], [params]),
        what,
    )


def _run_confirmations(devnet: Devnet, receipt: Receipt) -> None:
    requests = [r.canonical_hash for r in devnet.priority.requests_in(receipt)]
    devnet.priority.process(only=requests)
    for canonical in requests:
        execution = devnet.priority.execution(canonical)
        if execution is None or not execution.ok:
            target = execution.request.chain_id if execution is not None else "?"
            raise AssetError(
                f"the migration confirmation (service transaction 0x{canonical.hex()}) failed on chain {target}; "
                f"see that chain's receipt for the reason"
            )


def migrate_token_balance_to_l1(
    devnet: Devnet, chain: ChainRef, asset: bytes, sender: Sender | None = None
) -> Migration:
    """Migrate ``asset``'s balance of ``chain`` from Gateway back to L1, after the chain itself migrated back
    (``devnet.migrate_chain_to_l1(chain)``): initiate on Gateway, settle Gateway's batch on L1, prove the message
    to L1's L1AssetTracker, and run its confirmations on Gateway and on the chain. After this L1 holds the chain's
    balance again and its withdrawals of the asset finalize on L1."""
    return confirm_migration_to_l1(devnet, initiate_migration_to_l1(devnet, chain, asset, sender), sender)


# ---------------------------------------------------------------------- transfers


@dataclass(frozen=True)
class Transfer:
    """An interop token transfer: the source receipt, the bundle hash and the asset id."""

    receipt: Receipt
    bundle_hash: bytes
    asset_id: bytes
    source_chain_id: int
    destination_chain_id: int


def transfer(
    devnet: Devnet,
    from_chain: ChainRef,
    to_chain: ChainRef,
    token: bytes,
    amount: int,
    sender: Sender,
    recipient: bytes,
) -> Transfer:
    """Send ``amount`` of ``token`` (its address on ``from_chain``) to ``recipient`` on ``to_chain``.

    A token native to ``from_chain`` is registered if needed and the vault approved for it (it is
    locked); a bridged token is burned. The bundle carries one ``indirectCall`` to the
    L2AssetRouter and pays the interop protocol fee. In ``auto`` relay mode it is executed on the
    destination before this returns. Raises :class:`AssetError` naming the contract error
    (for example ``TokenBalanceNotMigratedToGateway``).
    """
    source = devnet[from_chain]
    destination = devnet[to_chain]
    (registered,) = _call(source, L2_NATIVE_TOKEN_VAULT, "assetId(address)", ["address"], [token], ["bytes32"])
    asset = bytes(registered)
    if asset == bytes(32):
        asset = register_token(devnet, from_chain, token, sender)
    (origin,) = _call(source, L2_NATIVE_TOKEN_VAULT, "originChainId(bytes32)", ["bytes32"], [asset], ["uint256"])
    owner = _address(sender)
    if origin == source.chain_id:
        (allowance,) = _call(
            source,
            token,
            "allowance(address,address)",
            ["address", "address"],
            [owner, L2_NATIVE_TOKEN_VAULT],
            ["uint256"],
        )
        if allowance < amount:
            _send(
                source,
                sender,
                token,
                selector("approve(address,uint256)") + encode(["address", "uint256"], [L2_NATIVE_TOKEN_VAULT, amount]),
                "approve",
            )
    burn = NtvBurnData(amount=amount, remote_receiver="0x" + bytes(recipient).hex()).encode()
    starter = InteropCallStarter(
        to=format_evm_v1(address=L2_ASSET_ROUTER),
        data=second_bridge_data(asset, burn),
        call_attributes=(indirect_call(0),),
    )
    (fee,) = _call(source, INTEROP_CENTER, "interopProtocolFee()", [], [], ["uint256"])
    receipt = _send(
        source,
        sender,
        INTEROP_CENTER,
        send_bundle_calldata(destination.chain_id, [starter]),
        "sendBundle",
        value=int(fee),
    )
    bundle_hash = next(
        (
            log.data[32:64]
            for log in receipt.logs
            if log.address == INTEROP_CENTER and log.topics and log.topics[0] == _BUNDLE_SENT
        ),
        b"",
    )
    return Transfer(receipt, bundle_hash, asset, source.chain_id, destination.chain_id)
