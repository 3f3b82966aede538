"""A small interop topology on raw chains, with the settlement steps done by hand.

L1 (31337), Gateway (506) and two ZK chains A (6565) and B (6566) settling on Gateway, plus C
(6567) settling on L1. Contracts come from the installers of ``zkconnect.genesis.system_contracts``;
batches are read from the L1Messenger events of a block (one block = one batch), executed on Gateway by their executor,
interop roots imported by the bootloader, and proofs built with ``zkconnect.protocol.merkle`` from the
``MessageRootTwin``. The topology is built once per module and rolled back after each test.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from eth_abi.abi import decode, encode

from zkconnect.accounts import DevAccount, dev_accounts
from zkconnect.artifacts import load
from zkconnect.engine.chain import Chain, GenesisAccount, Receipt
from zkconnect.engine.clock import Clock
from zkconnect.errors import TransactionReverted
from zkconnect.genesis.system_contracts import (
    GatewayContracts,
    GatewaySettledChain,
    InteropPeer,
    L1Contracts,
    L1SettledChain,
    L2SystemContracts,
    install_gateway_contracts,
    install_l1_contracts,
    install_l2_system_contracts,
)
from zkconnect.protocol.addresses import (
    BOOTLOADER,
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L1_MESSENGER,
    L2_INTEROP_ROOT_STORAGE,
    L2_MESSAGE_ROOT,
    eth_asset_id,
)
from zkconnect.protocol.merkle import (
    DynamicIncrementalMerkle,
    FullMerkle,
    L2ToL1Log,
    LogTree,
    batch_root,
    batch_root_leaf,
    build_gateway_interop_proof,
    chain_id_leaf,
    empty_multichain_batch_root,
    keccak,
    message_log,
)
from zkconnect.protocol.messages import (
    INTEROP_BUNDLE_ABI_TYPE,
    MESSAGE_INCLUSION_PROOF_ABI_TYPE,
    BundleAttributes,
    InteropBundle,
    InteropCall,
    L2Message,
    MessageInclusionProof,
    format_evm_v1,
)
from zkconnect.protocol.roots import MessageRootTwin

L1_ID, GW_ID, A_ID, B_ID, C_ID = 31337, 506, 6565, 6566, 6567
ETH = eth_asset_id(L1_ID)
OTHER_BASE_ASSET = keccak(b"some other base token")
INTEROP_FEE = 10**12
ACCOUNTS = dev_accounts()
ALICE, BOB, VALIDATOR, OWNER = ACCOUNTS[0], ACCOUNTS[1], ACCOUNTS[2], ACCOUNTS[3]
TX_GAS = 8_000_000

MESSAGE_INCLUSION_PROOF = MESSAGE_INCLUSION_PROOF_ABI_TYPE
CALL_STARTERS = "(bytes,bytes,bytes[])[]"
L2_LOG = "(uint8,bool,uint16,address,bytes32,bytes32)"
INTEROP_ROOT = "(uint256,uint256,bytes32[])"


# ---------------------------------------------------------------------- ABI helpers


def selector(signature: str) -> bytes:
    """First four bytes of keccak(signature)."""
    return keccak(signature.encode())[:4]


def split_types(types: str) -> list[str]:
    """Split a comma-separated ABI type list, respecting tuples."""
    out, depth, current = [], 0, ""
    for ch in types:
        if ch == "," and depth == 0:
            out.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current:
        out.append(current)
    return out


def calldata(signature: str, *args: Any) -> bytes:
    """Selector + ABI-encoded arguments of ``signature``."""
    return selector(signature) + encode(split_types(signature[signature.index("(") + 1 : -1]), list(args))


def error(signature: str, *args: Any) -> bytes:
    """The revert data of a custom error."""
    return calldata(signature, *args)


def string_error(message: str) -> bytes:
    """The revert data of ``require(..., message)``."""
    return selector("Error(string)") + encode(["string"], [message])


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def addr(value: int) -> bytes:
    return value.to_bytes(20, "big")


def reverts(chain: Chain, to: bytes, data: bytes, *, sender: bytes | None = None, value: int = 0) -> bytes:
    """Revert data of an eth_call that must revert."""
    with pytest.raises(TransactionReverted) as info:
        chain.call(to, data, sender=sender, value=value)
    return info.value.data


def assert_reverted(receipt: Receipt, expected: bytes) -> None:
    assert receipt.status == 0, "transaction did not revert"
    assert receipt.output == expected, f"reverted with 0x{receipt.output.hex()}, expected 0x{expected.hex()}"


def topic(signature: str) -> bytes:
    return keccak(signature.encode())


def logs_with(receipt: Receipt, address: bytes, signature: str) -> list[Any]:
    """The logs of ``receipt`` emitted by ``address`` with event ``signature``."""
    t = topic(signature)
    return [log for log in receipt.logs if log.address == address and log.topics and log.topics[0] == t]


# ---------------------------------------------------------------------- bundles and proofs


@dataclass(frozen=True)
class SentBundle:
    """A bundle as InteropCenter emitted it."""

    receipt: Receipt
    encoded: bytes
    bundle_hash: bytes
    msg_hash: bytes

    @property
    def bundle(self) -> InteropBundle:
        return InteropBundle.decode(self.encoded)


def execute_data(bundle: bytes, proof: MessageInclusionProof) -> bytes:
    return calldata(f"executeBundle(bytes,{MESSAGE_INCLUSION_PROOF})", bundle, proof.as_abi_tuple())


def verify_data(bundle: bytes, proof: MessageInclusionProof) -> bytes:
    return calldata(f"verifyBundle(bytes,{MESSAGE_INCLUSION_PROOF})", bundle, proof.as_abi_tuple())


def unbundle_data(bundle: bytes, statuses: Sequence[int]) -> bytes:
    return calldata("unbundleBundle(bytes,uint8[])", bundle, list(statuses))


def encode_bundle(bundle: InteropBundle) -> bytes:
    return encode([INTEROP_BUNDLE_ABI_TYPE], [bundle.as_abi_tuple()])


@dataclass
class SyntheticGateway:
    """Gateway trees built in Python only: proofs for bundles that no chain really sent.

    Used for cases the real InteropCenter can never produce (wrong versions, wrong base token,
    other senders) and to keep the handler tests fast. Each :meth:`prove` appends a fresh batch
    of a fictitious source-chain position and returns the root to import and the proof.
    """

    source_chain_id: int
    gateway_block: int = 10_000
    batch_number: int = 0

    def prove(
        self, data: bytes, sender: bytes = INTEROP_CENTER, tx_number: int = 0, leaf_index: int = 0, extra_logs: int = 2
    ) -> tuple[bytes, int, MessageInclusionProof]:
        self.batch_number += 1
        self.gateway_block += 1
        logs = [message_log(i, addr(0x4242 + i), b"filler %d" % i) for i in range(extra_logs)]
        logs.insert(leaf_index, message_log(tx_number, sender, data))
        tree = LogTree(logs)
        root = batch_root(tree.root(), empty_multichain_batch_root(self.source_chain_id))
        chain_tree = DynamicIncrementalMerkle([keccak(b"older batch %d" % i) for i in range(3)])
        batch_leaf_index = chain_tree.push(batch_root_leaf(root, self.batch_number))
        shared = FullMerkle([chain_id_leaf(bytes(32), GW_ID), keccak(b"another chain")])
        chain_index = shared.push(chain_id_leaf(chain_tree.root(), self.source_chain_id))
        built = build_gateway_interop_proof(
            logs=tree,
            leaf_index=leaf_index,
            chain_id=self.source_chain_id,
            batch_number=self.batch_number,
            chain_tree=chain_tree,
            batch_leaf_index=batch_leaf_index,
            shared_tree=shared,
            chain_index=chain_index,
            gateway_chain_id=GW_ID,
            gateway_block_number=self.gateway_block,
        )
        proof = MessageInclusionProof(
            chain_id=self.source_chain_id,
            l1_batch_number=self.batch_number,
            l2_message_index=leaf_index,
            message=L2Message(tx_number_in_batch=tx_number, sender="0x" + sender.hex(), data=data),
            proof=built.proof,
        )
        return built.target.root, self.gateway_block, proof


def make_bundle(
    calls: Sequence[InteropCall],
    *,
    source: int = A_ID,
    destination: int = B_ID,
    base_asset: bytes = ETH,
    execution: bytes = b"",
    unbundler: bytes | None = None,
    salt: bytes | None = None,
    version: bytes = b"\x01",
) -> InteropBundle:
    return InteropBundle(
        source_chain_id=source,
        destination_chain_id=destination,
        destination_base_token_asset_id=base_asset,
        interop_bundle_salt=salt or keccak(b"salt" + encode(["uint256"], [len(calls)])),
        calls=tuple(calls),
        bundle_attributes=BundleAttributes(
            execution_address=execution,
            unbundler_address=format_evm_v1(source, ALICE.address) if unbundler is None else unbundler,
            use_fixed_fee=False,
        ),
        version=version,
    )


@dataclass(frozen=True)
class BatchEntry:
    """One L2->L1 log of a batch, with its message preimage and origin."""

    log: L2ToL1Log
    message: bytes | None
    tx_hash: bytes
    leaf_index: int


@dataclass(frozen=True)
class Batch:
    """A block's L2->L1 logs, read back from the L1Messenger's events."""

    chain_id: int
    number: int
    logs: tuple[BatchEntry, ...]

    @property
    def tree(self) -> LogTree:
        return LogTree([entry.log for entry in self.logs])

    @property
    def messages(self) -> tuple[bytes, ...]:
        return tuple(entry.message for entry in self.logs if entry.message is not None)

    def root(self, aggregated_root: bytes | None = None) -> bytes:
        aggregated = empty_multichain_batch_root(self.chain_id) if aggregated_root is None else aggregated_root
        return batch_root(self.tree.root(), aggregated)


def seal(chain: Chain, number: int) -> Batch:
    """The batch of block ``number``."""
    entries: list[BatchEntry] = []
    sent_topic, log_topic = topic("L1MessageSent(address,bytes32,bytes)"), topic(f"L2ToL1LogSent({L2_LOG})")
    for receipt in chain.block(number).receipts:
        messages: dict[bytes, bytes] = {}
        for log in receipt.logs:
            if log.address == L1_MESSENGER and log.topics[0] == sent_topic:
                messages[log.topics[2]] = bytes(decode(["bytes"], log.data)[0])
        for log in receipt.logs:
            if log.address == L1_MESSENGER and log.topics[0] == log_topic:
                ((shard, service, tx_number, sender, key, value),) = decode([L2_LOG], log.data)
                l2log = L2ToL1Log(shard, service, tx_number, sender, bytes(key), bytes(value))
                entries.append(BatchEntry(l2log, messages.get(bytes(value)), receipt.tx_hash, len(entries)))
    return Batch(chain.chain_id, number, tuple(entries))


def locate(chain: Chain, tx_hash: bytes, index: int) -> tuple[Batch, BatchEntry]:
    """The batch and entry of the ``index``-th L2->L1 log of a transaction."""
    receipt = chain.receipt(tx_hash)
    assert receipt is not None
    batch = seal(chain, receipt.block_number)
    return batch, [e for e in batch.logs if e.tx_hash == tx_hash][index]


# ---------------------------------------------------------------------- the topology


class Net:
    """The chains, their contracts and a hand-driven settlement pipeline."""

    def __init__(self) -> None:
        clock = Clock()
        alloc = {a.address: GenesisAccount(balance=10**24) for a in ACCOUNTS}
        self.l1 = Chain(L1_ID, clock, alloc, name="l1")
        self.gw = Chain(GW_ID, clock, alloc, name="gateway")
        self.a = Chain(A_ID, clock, alloc, name="zk-a")
        self.b = Chain(B_ID, clock, alloc, name="zk-b")
        self.c = Chain(C_ID, clock, alloc, name="zk-l1-settled")
        self.chains = {L1_ID: self.l1, GW_ID: self.gw, A_ID: self.a, B_ID: self.b, C_ID: self.c}

        peers_a = [InteropPeer(B_ID, ETH), InteropPeer(C_ID, ETH)]
        peers_b = [InteropPeer(A_ID, ETH)]
        self.sa: L2SystemContracts = install_l2_system_contracts(
            self.a,
            l1_chain_id=L1_ID,
            settlement_layer_chain_id=GW_ID,
            gateway_chain_id=GW_ID,
            base_token_asset_id=ETH,
            interop_fee=INTEROP_FEE,
            peers=peers_a,
            owner=OWNER.address,
        )
        self.sb: L2SystemContracts = install_l2_system_contracts(
            self.b,
            l1_chain_id=L1_ID,
            settlement_layer_chain_id=GW_ID,
            gateway_chain_id=GW_ID,
            base_token_asset_id=ETH,
            interop_fee=INTEROP_FEE,
            peers=peers_b,
            owner=OWNER.address,
        )
        self.sc: L2SystemContracts = install_l2_system_contracts(
            self.c,
            l1_chain_id=L1_ID,
            settlement_layer_chain_id=L1_ID,
            gateway_chain_id=GW_ID,
            base_token_asset_id=ETH,
            interop_fee=INTEROP_FEE,
            peers=[InteropPeer(A_ID, ETH)],
            owner=OWNER.address,
        )
        self.gwc: GatewayContracts = install_gateway_contracts(
            self.gw,
            l1_chain_id=L1_ID,
            base_token_asset_id=ETH,
            settled_chains=[
                GatewaySettledChain(A_ID, VALIDATOR.address, ETH, self.a.block_number),
                GatewaySettledChain(B_ID, VALIDATOR.address, ETH, self.b.block_number),
            ],
        )
        self.l1c: L1Contracts = install_l1_contracts(
            self.l1,
            chains=[
                L1SettledChain(
                    GW_ID, VALIDATOR.address, ETH, is_settlement_layer=True, starting_batch_number=self.gw.block_number
                ),
                L1SettledChain(A_ID, VALIDATOR.address, ETH, settlement_layer_chain_id=GW_ID),
                L1SettledChain(B_ID, VALIDATOR.address, ETH, settlement_layer_chain_id=GW_ID),
                L1SettledChain(C_ID, VALIDATOR.address, ETH, starting_batch_number=self.c.block_number),
            ],
        )
        self.settled = {A_ID: self.a.block_number, B_ID: self.b.block_number}
        self.gw_settled_on_l1 = self.gw.block_number
        self.twin = MessageRootTwin(GW_ID)
        self.twin.add_chain(A_ID)
        self.twin.add_chain(B_ID)
        self._snapshots: dict[int, tuple[Any, ...]] = {}

    # -- snapshots

    def snapshot(self) -> int:
        sid = len(self._snapshots) + 1
        self._snapshots[sid] = (
            {cid: ch.snapshot() for cid, ch in self.chains.items()},
            self.twin.snapshot_state(),
            dict(self.settled),
            self.gw_settled_on_l1,
        )
        return sid

    def revert(self, sid: int) -> None:
        chains, twin, settled, gw_settled = self._snapshots.pop(sid)
        for cid, ch in self.chains.items():
            ch.revert(chains[cid])
        self.twin.restore_state(twin)
        self.settled = settled
        self.gw_settled_on_l1 = gw_settled

    # -- user actions

    def transact(self, chain: Chain, who: DevAccount, to: bytes, data: bytes, value: int = 0) -> Receipt:
        return chain.transact(who.private_key, to, data, value=value, gas=TX_GAS)

    def deploy(self, chain: Chain, name: str, types: Sequence[str] = (), args: Sequence[Any] = ()) -> bytes:
        return chain.deploy(ALICE.private_key, load(name).bytecode + encode(list(types), list(args)), gas=TX_GAS)

    def send_bundle(
        self,
        chain: Chain,
        who: DevAccount,
        destination: int,
        starters: Sequence[tuple[bytes, bytes, Sequence[bytes]]],
        bundle_attributes: Sequence[bytes] = (),
        value: int | None = None,
    ) -> SentBundle:
        """sendBundle from ``who``; ``value`` defaults to the protocol fee."""
        data = calldata(
            f"sendBundle(bytes,{CALL_STARTERS},bytes[])",
            format_evm_v1(destination),
            [(to, payload, list(attrs)) for to, payload, attrs in starters],
            list(bundle_attributes),
        )
        receipt = self.transact(
            chain, who, INTEROP_CENTER, data, INTEROP_FEE * len(starters) if value is None else value
        )
        assert receipt.ok, f"sendBundle reverted: 0x{receipt.output.hex()}"
        return self.sent_bundle(receipt)

    @staticmethod
    def sent_bundle(receipt: Receipt) -> SentBundle:
        """Read the bundle back the way the SDKs do: the L1Messenger payload after ``0x01``."""
        (event,) = logs_with(receipt, INTEROP_CENTER, f"InteropBundleSent(bytes32,bytes32,{INTEROP_BUNDLE_ABI_TYPE})")
        msg_hash, bundle_hash, _ = decode(["bytes32", "bytes32", INTEROP_BUNDLE_ABI_TYPE], event.data)
        messages = [
            log
            for log in logs_with(receipt, L1_MESSENGER, "L1MessageSent(address,bytes32,bytes)")
            if log.topics[1][12:] == INTEROP_CENTER
        ]
        (payload,) = decode(["bytes"], messages[0].data)
        assert payload[:1] == b"\x01"
        return SentBundle(receipt, bytes(payload[1:]), bytes(bundle_hash), bytes(msg_hash))

    # -- settlement

    def batch_args(self, batch: Batch) -> tuple[Any, ...]:
        logs = [
            (e.log.l2_shard_id, e.log.is_service, e.log.tx_number_in_batch, e.log.sender, e.log.key, e.log.value)
            for e in batch.logs
        ]
        return batch.root(), logs, list(batch.messages), empty_multichain_batch_root(batch.chain_id)

    def execute_batch_data(self, batch: Batch, dependency_roots: Sequence[tuple[int, int, list[bytes]]] = ()) -> bytes:
        root, logs, messages, multichain = self.batch_args(batch)
        return calldata(
            f"executeBatch(uint256,bytes32,{L2_LOG}[],bytes[],bytes32,{INTEROP_ROOT}[])",
            batch.number,
            root,
            logs,
            messages,
            multichain,
            list(dependency_roots),
        )

    def settle(self, chain_id: int, through: int | None = None) -> Receipt:
        """Execute the chain's batches on Gateway up to block ``through`` (default: its head).
        Returns the receipt of the last execution (one Gateway block per batch)."""
        chain = self.chains[chain_id]
        through = chain.block_number if through is None else through
        receipt = None
        for number in range(self.settled[chain_id] + 1, through + 1):
            batch = seal(chain, number)
            receipt = self.transact(self.gw, VALIDATOR, self.gwc.executor(chain_id), self.execute_batch_data(batch))
            assert receipt.ok, f"executeBatch({chain_id}, {number}) reverted: 0x{receipt.output.hex()}"
            self.twin.add_batch(chain_id, number, batch.root(), receipt.block_number)
            self.settled[chain_id] = number
        assert receipt is not None, "nothing to settle"
        return receipt

    def historical_root(self, gw_block: int) -> bytes:
        return self.gw.call(L2_MESSAGE_ROOT, calldata("historicalRoot(uint256)", gw_block))

    def import_root(self, chain: Chain, gw_block: int, root: bytes | None = None) -> Receipt:
        root = self.historical_root(gw_block) if root is None else root
        receipt = chain.system_call(
            BOOTLOADER,
            L2_INTEROP_ROOT_STORAGE,
            calldata("addInteropRoot(uint256,uint256,bytes32[])", GW_ID, gw_block, [root]),
        )
        assert receipt.ok, f"addInteropRoot reverted: 0x{receipt.output.hex()}"
        return receipt

    def proof_for(self, chain_id: int, tx_hash: bytes, index: int = 0) -> tuple[MessageInclusionProof, int]:
        """The proof_based_gw proof of the ``index``-th L2->L1 log of a transaction, and its Gateway block."""
        batch, entry = locate(self.chains[chain_id], tx_hash, index)
        placement = self.twin.placement(chain_id, batch.number)
        assert placement is not None, "batch not settled"
        gw_block, batch_leaf_index = placement
        trees = self.twin.trees_at(chain_id, gw_block)
        built = build_gateway_interop_proof(
            logs=batch.tree,
            leaf_index=entry.leaf_index,
            chain_id=chain_id,
            batch_number=batch.number,
            chain_tree=trees.chain_tree,
            batch_leaf_index=batch_leaf_index,
            shared_tree=trees.shared_tree,
            chain_index=trees.chain_index,
            gateway_chain_id=GW_ID,
            gateway_block_number=gw_block,
        )
        assert entry.message is not None
        key = entry.log.key
        proof = MessageInclusionProof(
            chain_id=chain_id,
            l1_batch_number=batch.number,
            l2_message_index=entry.leaf_index,
            message=L2Message(
                tx_number_in_batch=entry.log.tx_number_in_batch, sender="0x" + key[12:].hex(), data=entry.message
            ),
            proof=built.proof,
        )
        return proof, gw_block

    def deliver(self, sent: SentBundle, destination: Chain) -> MessageInclusionProof:
        """Settle the source batch, import the Gateway root on the destination, return the proof."""
        source_id = sent.bundle.source_chain_id
        self.settle(source_id, sent.receipt.block_number)
        proof, gw_block = self.proof_for(source_id, sent.receipt.tx_hash)
        self.import_root(destination, gw_block)
        return proof

    def import_synthetic(self, chain: Chain, root: bytes, gw_block: int) -> None:
        self.import_root(chain, gw_block, root)

    def bundle_status(self, chain: Chain, bundle_hash: bytes) -> int:
        return int.from_bytes(chain.call(INTEROP_HANDLER, calldata("bundleStatus(bytes32)", bundle_hash)), "big")

    def call_status(self, chain: Chain, bundle_hash: bytes, index: int) -> int:
        out = chain.call(INTEROP_HANDLER, calldata("callStatus(bytes32,uint256)", bundle_hash, index))
        return int.from_bytes(out, "big")


@pytest.fixture(scope="module")
def net_module() -> Net:
    return Net()


@pytest.fixture
def net(net_module: Net) -> Iterator[Net]:
    sid = net_module.snapshot()
    try:
        yield net_module
    finally:
        net_module.revert(sid)
