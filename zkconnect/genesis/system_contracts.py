"""Canonical addresses of the ZKsync interop contracts, and installers that put them on chains.

Every ZK chain and Gateway get the L2 system contracts at their canonical addresses: the runtime
code is placed at genesis (no constructor runs) and each contract is then initialised through the
privileged caller ZKsync uses for it (the ComplexUpgrader ``0x800f`` for ``initL2``, the bootloader
``0x8001`` for the settlement layer and the interop fee, the service-transaction sender for chain
registration), through :meth:`Chain.system_call`. Gateway additionally gets one
``GatewayChainExecutor`` per chain settling on it; L1 gets the Bridgehub, the L1MessageRoot, a
chain type manager and one ``L1ChainSettlement`` per chain. Those are deployed normally (their
constructors run), keylessly from :data:`DEVNET_DEPLOYER`.

>>> from zkconnect.engine.chain import Chain
>>> from zkconnect.engine.clock import Clock
>>> chain = Chain(6565, Clock())
>>> l2 = install_l2_system_contracts(chain, l1_chain_id=31337, settlement_layer_chain_id=506,
...     gateway_chain_id=506, base_token_asset_id=eth_asset_id(31337))
>>> l2.interop_center == INTEROP_CENTER
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from eth.abc import StateAPI
from eth_typing import Address

from zkconnect.artifacts import load
from zkconnect.engine.chain import Chain
from zkconnect.errors import ConfigError
from zkconnect.genesis.installer import calldata, deploy, system_call
from zkconnect.protocol.addresses import (
    BASE_TOKEN_HOLDER,
    BASE_TOKEN_HOLDER_INITIAL_BALANCE,
    BOOTLOADER,
    COMPLEX_UPGRADER,
    DEFAULT_MAX_NUMBER_OF_ZK_CHAINS,
    DEVNET_DEPLOYER,
    DEVNET_OWNER,
    ETH_TOKEN_ADDRESS,
    GW_ASSET_TRACKER,
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L1_MESSENGER,
    L1_ZK_TOKEN_PLACEHOLDER,
    L2_BRIDGEHUB,
    L2_CHAIN_ASSET_HANDLER,
    L2_INTEROP_ROOT_STORAGE,
    L2_MESSAGE_ROOT,
    L2_MESSAGE_VERIFICATION,
    L2_SYSTEM_CONTRACTS,
    SERVICE_TRANSACTION_SENDER,
    SYSTEM_CONTEXT,
    ntv_asset_id,
)

__all__ = [
    "GatewayContracts",
    "GatewaySettledChain",
    "InteropPeer",
    "L1Contracts",
    "L1SettledChain",
    "L2SystemContracts",
    "install_gateway_contracts",
    "install_l1_contracts",
    "install_l2_system_contracts",
    "install_tx_number_hook",
]


# ---- txNumberInBlock ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _TxNumberHook:
    """Writes the transaction's index in its block into SystemContext's ``txNumberInBlock`` slot."""

    slot: int

    def __call__(self, state: StateAPI, index: int) -> None:
        state.set_storage(Address(SYSTEM_CONTEXT), self.slot, index)


def install_tx_number_hook(chain: Chain) -> None:
    """Make SystemContext's ``txNumberInBlock`` equal each transaction's index in its block.

    The L1Messenger stamps that value into every L2->L1 log; one block is one batch, so it is the
    transaction's number in its batch. Installing twice is harmless.
    """
    if any(isinstance(hook, _TxNumberHook) for hook in chain.pre_transaction_hooks):
        return
    chain.pre_transaction_hooks.append(_TxNumberHook(load("SystemContext").storage_slot("txNumberInBlock")))


# ---- L2 and Gateway -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InteropPeer:
    """A chain registered as an interop destination, with its base-token asset id."""

    chain_id: int
    base_token_asset_id: bytes


@dataclass(frozen=True)
class L2SystemContracts:
    """What :func:`install_l2_system_contracts` set up on one chain (addresses are canonical)."""

    chain_id: int
    l1_chain_id: int
    settlement_layer_chain_id: int
    gateway_chain_id: int
    base_token_asset_id: bytes
    zk_token_asset_id: bytes
    interop_fee: int
    owner: bytes
    peers: tuple[InteropPeer, ...]
    system_context: bytes = SYSTEM_CONTEXT
    l1_messenger: bytes = L1_MESSENGER
    l2_bridgehub: bytes = L2_BRIDGEHUB
    l2_message_root: bytes = L2_MESSAGE_ROOT
    l2_interop_root_storage: bytes = L2_INTEROP_ROOT_STORAGE
    l2_message_verification: bytes = L2_MESSAGE_VERIFICATION
    interop_center: bytes = INTEROP_CENTER
    interop_handler: bytes = INTEROP_HANDLER
    gw_asset_tracker: bytes = GW_ASSET_TRACKER
    base_token_holder: bytes = BASE_TOKEN_HOLDER


def install_l2_system_contracts(
    chain: Chain,
    *,
    l1_chain_id: int,
    settlement_layer_chain_id: int,
    gateway_chain_id: int,
    base_token_asset_id: bytes,
    interop_fee: int = 0,
    peers: Iterable[InteropPeer] = (),
    chain_id: int | None = None,
    owner: bytes = DEVNET_OWNER,
    zk_token_asset_id: bytes | None = None,
    max_number_of_zk_chains: int = DEFAULT_MAX_NUMBER_OF_ZK_CHAINS,
) -> L2SystemContracts:
    """Place and initialise the L2 system contracts on a ZK chain (or on Gateway).

    ``settlement_layer_chain_id`` is where the chain settles (the Gateway, or L1 for Gateway itself
    and for L1-settled chains: interop is then refused). ``peers`` are registered as interop
    destinations. The BaseTokenHolder is funded with :data:`BASE_TOKEN_HOLDER_INITIAL_BALANCE` and
    SystemContext's ``txNumberInBlock`` is kept up to date (:func:`install_tx_number_hook`).
    ``zk_token_asset_id`` defaults to the asset id of a notional L1 ZK token, which is not available
    on the chain until the NativeTokenVault knows it, so ``useFixedFee`` reverts ``ZKTokenNotAvailable``.
    Mines one block per initialisation call.
    """
    if chain_id is not None and chain_id != chain.chain_id:
        raise ConfigError(f"installing chain {chain_id}'s contracts on chain {chain.chain_id}")
    for value, what in ((l1_chain_id, "l1_chain_id"), (settlement_layer_chain_id, "settlement_layer_chain_id")):
        if value <= 0:
            raise ConfigError(f"{what} must be positive, got {value}")
    if len(base_token_asset_id) != 32 or base_token_asset_id == bytes(32):
        raise ConfigError("base_token_asset_id must be a non-zero bytes32")
    zk_asset = ntv_asset_id(l1_chain_id, L1_ZK_TOKEN_PLACEHOLDER) if zk_token_asset_id is None else zk_token_asset_id
    peer_list = tuple(peers)

    for address, name in L2_SYSTEM_CONTRACTS.items():
        chain.place(address, load(name).runtime_bytecode)
    if chain.balance(BASE_TOKEN_HOLDER) == 0:
        chain.set_balance(BASE_TOKEN_HOLDER, BASE_TOKEN_HOLDER_INITIAL_BALANCE)
    install_tx_number_hook(chain)

    steps: list[tuple[bytes, bytes, bytes, str]] = [
        (
            COMPLEX_UPGRADER,
            L2_CHAIN_ASSET_HANDLER,
            calldata("initL2(uint256)", l1_chain_id),
            "L2ChainAssetHandler.initL2",
        ),
        (
            BOOTLOADER,
            SYSTEM_CONTEXT,
            calldata("setSettlementLayerChainId(uint256)", settlement_layer_chain_id),
            "SystemContext.setSettlementLayerChainId",
        ),
        (
            COMPLEX_UPGRADER,
            L2_BRIDGEHUB,
            calldata("initL2(uint256,address,uint256)", l1_chain_id, owner, max_number_of_zk_chains),
            "L2Bridgehub.initL2",
        ),
        (
            COMPLEX_UPGRADER,
            L2_BRIDGEHUB,
            calldata("setLocalBaseTokenAssetId(bytes32)", base_token_asset_id),
            "L2Bridgehub.setLocalBaseTokenAssetId",
        ),
        (COMPLEX_UPGRADER, L2_MESSAGE_ROOT, calldata("initL2(uint256)", l1_chain_id), "L2MessageRoot.initL2"),
        (
            COMPLEX_UPGRADER,
            INTEROP_CENTER,
            calldata("initL2(uint256,address,bytes32)", l1_chain_id, owner, zk_asset),
            "InteropCenter.initL2",
        ),
        (COMPLEX_UPGRADER, INTEROP_HANDLER, calldata("initL2(uint256)", l1_chain_id), "InteropHandler.initL2"),
        (
            COMPLEX_UPGRADER,
            GW_ASSET_TRACKER,
            calldata("initL2(uint256,address)", l1_chain_id, owner),
            "GWAssetTracker.initL2",
        ),
        (BOOTLOADER, INTEROP_CENTER, calldata("setInteropFee(uint256)", interop_fee), "InteropCenter.setInteropFee"),
    ]
    for peer in peer_list:
        steps.append(
            (
                SERVICE_TRANSACTION_SENDER,
                L2_BRIDGEHUB,
                calldata("registerChainForInterop(uint256,bytes32)", peer.chain_id, peer.base_token_asset_id),
                f"L2Bridgehub.registerChainForInterop({peer.chain_id})",
            )
        )
    for sender, to, data, what in steps:
        system_call(chain, sender, to, data, what)

    return L2SystemContracts(
        chain_id=chain.chain_id,
        l1_chain_id=l1_chain_id,
        settlement_layer_chain_id=settlement_layer_chain_id,
        gateway_chain_id=gateway_chain_id,
        base_token_asset_id=base_token_asset_id,
        zk_token_asset_id=zk_asset,
        interop_fee=interop_fee,
        owner=owner,
        peers=peer_list,
    )


@dataclass(frozen=True)
class GatewaySettledChain:
    """A chain that settles on Gateway: its executor there accepts batches only from ``validator``.

    ``starting_batch_number`` is the last batch considered settled when the executor is deployed
    (the next batch executed must be ``starting_batch_number + 1``).
    """

    chain_id: int
    validator: bytes
    base_token_asset_id: bytes
    starting_batch_number: int = 0
    base_token_balance: int = BASE_TOKEN_HOLDER_INITIAL_BALANCE
    """What GWAssetTracker credits the chain of its base token at genesis (default: the BaseTokenHolder reserve)."""


@dataclass(frozen=True)
class GatewayContracts:
    """Gateway's system contracts and the executor of each chain settling on it."""

    system: L2SystemContracts
    executors: tuple[tuple[int, bytes], ...]

    def executor(self, chain_id: int) -> bytes:
        """The GatewayChainExecutor of ``chain_id``."""
        for cid, address in self.executors:
            if cid == chain_id:
                return address
        raise KeyError(f"chain {chain_id} does not settle on Gateway {self.system.chain_id}")


def install_gateway_contracts(
    chain: Chain,
    *,
    l1_chain_id: int,
    base_token_asset_id: bytes,
    settled_chains: Iterable[GatewaySettledChain],
    gateway_chain_id: int | None = None,
    interop_fee: int = 0,
    owner: bytes = DEVNET_OWNER,
    deployer: bytes = DEVNET_DEPLOYER,
    zk_token_asset_id: bytes | None = None,
) -> GatewayContracts:
    """Install Gateway: the L2 system contracts (settling on L1), plus, for each chain settling on it, a
    ``GatewayChainExecutor`` registered in the L2Bridgehub (``getZKChain``) and in the L2MessageRoot."""
    system = install_l2_system_contracts(
        chain,
        chain_id=gateway_chain_id,
        l1_chain_id=l1_chain_id,
        settlement_layer_chain_id=l1_chain_id,
        gateway_chain_id=chain.chain_id,
        base_token_asset_id=base_token_asset_id,
        interop_fee=interop_fee,
        owner=owner,
        zk_token_asset_id=zk_token_asset_id,
    )
    executors: list[tuple[int, bytes]] = []
    for settled in settled_chains:
        executor = deploy(
            chain,
            deployer,
            "GatewayChainExecutor",
            ["uint256", "address", "uint256"],
            [settled.chain_id, settled.validator, settled.starting_batch_number],
        )
        system_call(
            chain,
            SERVICE_TRANSACTION_SENDER,
            L2_BRIDGEHUB,
            calldata(
                "registerSettledChain(uint256,address,bytes32,uint256)",
                settled.chain_id,
                executor,
                settled.base_token_asset_id,
                settled.starting_batch_number,
            ),
            f"L2Bridgehub.registerSettledChain({settled.chain_id})",
        )
        system_call(
            chain,
            SERVICE_TRANSACTION_SENDER,
            L2_CHAIN_ASSET_HANDLER,
            calldata("recordMigrationToSettlementLayer(uint256)", settled.chain_id),
            f"L2ChainAssetHandler.recordMigrationToSettlementLayer({settled.chain_id})",
        )
        system_call(
            chain,
            COMPLEX_UPGRADER,
            GW_ASSET_TRACKER,
            calldata(
                "initializeChainBalance(uint256,bytes32,uint256)",
                settled.chain_id,
                settled.base_token_asset_id,
                settled.base_token_balance,
            ),
            f"GWAssetTracker.initializeChainBalance({settled.chain_id})",
        )
        executors.append((settled.chain_id, executor))
    return GatewayContracts(system=system, executors=tuple(executors))


# ---- L1 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class L1SettledChain:
    """A chain registered on L1.

    ``settlement_layer_chain_id`` is None for a chain settling on L1 itself (its batches are executed
    by its ``L1ChainSettlement``), else the Gateway it settles on. ``is_settlement_layer`` marks
    Gateway (whitelisted as a settlement layer; register it before the chains that settle on it).
    """

    chain_id: int
    validator: bytes
    base_token_asset_id: bytes
    base_token: bytes = ETH_TOKEN_ADDRESS
    settlement_layer_chain_id: int | None = None
    is_settlement_layer: bool = False
    starting_batch_number: int = 0


@dataclass(frozen=True)
class L1Contracts:
    """The L1 contracts: Bridgehub, L1MessageRoot, chain type manager and per-chain settlement."""

    l1_chain_id: int
    bridgehub: bytes
    message_root: bytes
    chain_type_manager: bytes
    settlements: tuple[tuple[int, bytes], ...]

    def settlement(self, chain_id: int) -> bytes:
        """The L1ChainSettlement of ``chain_id`` (also what ``Bridgehub.getZKChain`` returns)."""
        for cid, address in self.settlements:
            if cid == chain_id:
                return address
        raise KeyError(f"chain {chain_id} is not registered on L1")


def install_l1_contracts(
    chain: Chain,
    *,
    chains: Iterable[L1SettledChain],
    owner: bytes = DEVNET_DEPLOYER,
    deployer: bytes = DEVNET_DEPLOYER,
    protocol_minor_version: int = 31,
) -> L1Contracts:
    """Deploy the L1 contracts and register ``chains`` (settlement layers first).

    ``owner`` administers the Bridgehub; the installer acts as it through ``system_call``.
    """
    l1_chain_id = chain.chain_id
    bridgehub = deploy(chain, deployer, "L1Bridgehub", ["address"], [owner])
    message_root = deploy(chain, deployer, "L1MessageRoot", ["address"], [bridgehub])
    ctm = deploy(chain, deployer, "L1ChainTypeManager", ["uint32", "uint32"], [protocol_minor_version, 0])
    system_call(
        chain,
        owner,
        bridgehub,
        calldata("setAddresses(address,address)", bytes(20), message_root),
        "L1Bridgehub.setAddresses",
    )
    ordered = sorted(chains, key=lambda c: not c.is_settlement_layer)
    settlements: list[tuple[int, bytes]] = []
    for settled in ordered:
        settlement = deploy(
            chain,
            deployer,
            "L1ChainSettlement",
            ["uint256", "address", "address", "uint256"],
            [settled.chain_id, settled.validator, bridgehub, settled.starting_batch_number],
        )
        if settled.is_settlement_layer:
            system_call(
                chain,
                owner,
                bridgehub,
                calldata("registerSettlementLayer(uint256,bool)", settled.chain_id, True),
                f"L1Bridgehub.registerSettlementLayer({settled.chain_id})",
            )
        settlement_layer = settled.settlement_layer_chain_id or l1_chain_id
        system_call(
            chain,
            owner,
            bridgehub,
            calldata(
                "registerChain(uint256,address,address,address,bytes32,uint256,uint256)",
                settled.chain_id,
                settlement,
                ctm,
                settled.base_token,
                settled.base_token_asset_id,
                settlement_layer,
                settled.starting_batch_number,
            ),
            f"L1Bridgehub.registerChain({settled.chain_id})",
        )
        settlements.append((settled.chain_id, settlement))
    return L1Contracts(
        l1_chain_id=l1_chain_id,
        bridgehub=bridgehub,
        message_root=message_root,
        chain_type_manager=ctm,
        settlements=tuple(settlements),
    )
