"""The priority queue: L1->L2 transactions announced on L1 and executed on their chain.

Every chain's L1 Mailbox (its ``L1ChainSettlement``) emits ``NewPriorityRequest(txId, txHash,
expirationTimestamp, L2CanonicalTransaction, factoryDeps)`` for each deposit or L1->L2 call requested through
the Bridgehub. :class:`PriorityQueue` watches L1 blocks for those events and executes each request on its
target chain, as ZKsync's bootloader does:

* ``mintValue`` (``reserved[0]``) of the base token leaves the chain's BaseTokenHolder (0x10011);
* the call runs from ``from`` (already aliased on L1 for contract senders) to ``to`` with ``l2Value`` and at
  most ``gasLimit`` gas;
* what is not spent as ``l2Value`` goes to the refund recipient (``reserved[1]``): everything if the call fails;
* the bootloader then sends the L2->L1 status log (sender 0x8001, key = canonical hash, value = 1 or 0) that
  a failed deposit is claimed back with on L1 (``L1Nullifier.bridgeRecoverFailedTransfer``);
* the L2 receipt is also found under the canonical hash L1 reported (``Chain.receipt(canonical_hash)``).

A deposit to a chain that settles on Gateway also queues, on Gateway's Mailbox, the free Gateway transaction
that carries its balance change to ``InteropCenter.forwardTransactionOnGatewayWithBalanceChange`` (spec 7.3);
it is executed on Gateway before the deposit itself. The transport is simplified: the chain executes the
deposit from the L1 request directly rather than from a Gateway priority tree.

In ``auto`` relay mode every request is executed right after the L1 block that announced it; in ``manual``
mode, on :meth:`PriorityQueue.process` (which ``Devnet.relay()`` calls).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from eth_abi.abi import decode, encode
from eth_utils.crypto import keccak

from zkconnect.artifacts import load
from zkconnect.engine.chain import BlockRecord, Chain, Log, Receipt, SystemCall
from zkconnect.errors import InteropError
from zkconnect.interop.topology import Topology
from zkconnect.protocol.addresses import BASE_TOKEN_HOLDER, BOOTLOADER, L1_MESSENGER
from zkconnect.protocol.messages import selector

__all__ = [
    "L2_CANONICAL_TRANSACTION",
    "NEW_PRIORITY_REQUEST_TOPIC",
    "PriorityExecution",
    "PriorityQueue",
    "PriorityRequest",
    "RelaySwitch",
    "canonical_tx_hash",
]

L2_CANONICAL_TRANSACTION = (
    "(uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256,uint256[4],bytes,bytes,"
    "uint256[],bytes,bytes)"
)
"""ABI type of ``L2CanonicalTransaction``."""
NEW_PRIORITY_REQUEST_TOPIC = keccak(
    f"NewPriorityRequest(uint256,bytes32,uint64,{L2_CANONICAL_TRANSACTION},bytes[])".encode()
)
_SEND_LOG = selector("sendL2ToL1Log(bool,bytes32,bytes32)")
_MAX_L2_GAS = 50_000_000
_MIN_L2_GAS = 21_000


def canonical_tx_hash(transaction: tuple[object, ...]) -> bytes:
    """keccak256(abi.encode(L2CanonicalTransaction)), the hash an L1->L2 transaction has on both layers."""
    return keccak(encode([L2_CANONICAL_TRANSACTION], [transaction]))


@dataclass(frozen=True)
class PriorityRequest:
    """One ``NewPriorityRequest`` seen on L1."""

    chain_id: int
    tx_id: int
    canonical_hash: bytes
    sender: bytes
    to: bytes
    gas_limit: int
    l2_value: int
    mint_value: int
    refund_recipient: bytes
    data: bytes
    l1_tx_hash: bytes
    l1_block: int


@dataclass(frozen=True)
class PriorityExecution:
    """A request executed on its chain: the L2 transaction, its status, and the bootloader's status log."""

    request: PriorityRequest
    l2_tx_hash: bytes
    block_number: int
    status: int
    status_log_tx_hash: bytes | None

    @property
    def ok(self) -> bool:
        """True when the L2 call succeeded."""
        return self.status == 1


@dataclass
class _State:
    pending: list[PriorityRequest] = field(default_factory=list)
    executed: dict[bytes, PriorityExecution] = field(default_factory=dict)
    order: list[bytes] = field(default_factory=list)

    def copy(self) -> _State:
        return _State(list(self.pending), dict(self.executed), list(self.order))


PriorityState = _State
"""A capture of :meth:`PriorityQueue.snapshot_state` (an independent copy of the queue's records)."""


class RelaySwitch(Protocol):
    """What the queue asks the relayer: whether it acts on its own now (``auto`` mode, not paused)."""

    @property
    def automatic(self) -> bool:
        """True when requests should be executed right after the L1 block that announced them."""
        ...


class PriorityQueue:
    """Watches L1 for priority requests and executes them on their chains. A devnet snapshot component.

    ``relay`` (the devnet's relayer) decides whether requests run at once or wait for :meth:`process`.
    """

    def __init__(self, topology: Topology, relay: RelaySwitch) -> None:
        self.topology = topology
        self._relay = relay
        self._mailboxes = {address: chain_id for chain_id, address in topology.contracts.l1.settlements}
        self._state = _State()
        self._busy = False
        self.status_logs = "sendL2ToL1Log" in {entry.get("name") for entry in load("L1Messenger").abi}
        """Whether the L1Messenger can take the bootloader's status logs (needed to claim failed deposits)."""
        topology.l1.block_listeners.append(self._on_l1_block)
        topology.l1.after_mine.append(self._after_l1_mine)

    # ------------------------------------------------------------------ queries

    @property
    def pending(self) -> tuple[PriorityRequest, ...]:
        """Requests seen on L1 and not yet executed."""
        return tuple(self._state.pending)

    def execution(self, canonical_hash: bytes) -> PriorityExecution | None:
        """The execution of a request by its canonical hash, or None if it has not run (yet)."""
        return self._state.executed.get(bytes(canonical_hash))

    def executions(self) -> list[PriorityExecution]:
        """Every executed request, in execution order."""
        return [self._state.executed[h] for h in self._state.order]

    def requests_in(self, l1_receipt: Receipt) -> list[PriorityRequest]:
        """The priority requests an L1 transaction made (Gateway relays included)."""
        return [r for r in (self._parse(log, l1_receipt.block_number) for log in l1_receipt.logs) if r is not None]

    # ------------------------------------------------------------------ watching

    def _parse(self, log: Log, block: int) -> PriorityRequest | None:
        if not log.topics or log.topics[0] != NEW_PRIORITY_REQUEST_TOPIC:
            return None
        chain_id = self._mailboxes.get(log.address)
        if chain_id is None:
            return None
        tx_id, tx_hash, _, transaction, _ = decode(
            ["uint256", "bytes32", "uint64", L2_CANONICAL_TRANSACTION, "bytes[]"], log.data
        )
        if canonical_tx_hash(transaction) != bytes(tx_hash):
            raise InteropError(
                f"chain {chain_id}'s Mailbox announced priority tx {tx_id} under a hash that is not its canonical "
                "hash; this is a zkconnect bug: please report it"
            )
        reserved = transaction[10]
        return PriorityRequest(
            chain_id=chain_id,
            tx_id=tx_id,
            canonical_hash=bytes(tx_hash),
            sender=transaction[1].to_bytes(32, "big")[12:],
            to=transaction[2].to_bytes(32, "big")[12:],
            gas_limit=transaction[3],
            l2_value=transaction[9],
            mint_value=reserved[0],
            refund_recipient=reserved[1].to_bytes(32, "big")[12:],
            data=bytes(transaction[11]),
            l1_tx_hash=log.tx_hash,
            l1_block=block,
        )

    def _on_l1_block(self, record: BlockRecord) -> None:
        found: list[PriorityRequest] = []
        for receipt in record.receipts:
            if receipt.ok:
                found.extend(self.requests_in(receipt))
        gateway = self.topology.gateway_chain_id
        # a Gateway relay runs on Gateway before the deposit it carries runs on the chain
        found.sort(key=lambda r: r.chain_id != gateway)
        self._state.pending.extend(found)

    def _after_l1_mine(self, chain: Chain) -> None:
        if self._relay.automatic and self._state.pending:
            self.process()

    # ------------------------------------------------------------------ executing

    def process(self, only: Iterable[bytes] | None = None) -> list[PriorityExecution]:
        """Execute every pending request on its chain, in order; returns the executions.

        ``only`` limits this to the requests with those canonical hashes (and the Gateway relays L1 queued for
        them), leaving the others pending.
        """
        if self._busy:
            return []
        self._busy = True
        done: list[PriorityExecution] = []
        try:
            if only is None:
                while self._state.pending:
                    request = self._state.pending.pop(0)
                    done.append(self._execute(request))
            else:
                wanted = {bytes(h) for h in only}
                relays = {r.l1_tx_hash for r in self._state.pending if r.canonical_hash in wanted}
                chosen = [r for r in self._state.pending if r.canonical_hash in wanted or self._relays(r, relays)]
                for request in chosen:
                    self._state.pending.remove(request)
                    done.append(self._execute(request))
        finally:
            self._busy = False
        return done

    def _relays(self, request: PriorityRequest, l1_txs: set[bytes]) -> bool:
        return self.topology.is_gateway(request.chain_id) and request.l1_tx_hash in l1_txs

    def _execute(self, request: PriorityRequest) -> PriorityExecution:
        chain = self.topology.by_id[request.chain_id]
        if chain.pending_transactions:
            chain.mine()
        holder = chain.balance(BASE_TOKEN_HOLDER)
        if holder < request.mint_value:
            raise InteropError(
                f"chain {chain.name}'s BaseTokenHolder holds {holder} wei, less than the {request.mint_value} a "
                f"deposit mints (priority tx {request.tx_id}); the chain's base-token reserve is exhausted"
            )
        chain.set_balance(BASE_TOKEN_HOLDER, holder - request.mint_value)
        # a gas limit below the intrinsic cost still runs (and fails at once) instead of being unexecutable
        tokens = sum(4 if b else 1 for b in request.data)
        intrinsic = _MIN_L2_GAS + max(4 * tokens, 10 * tokens)  # Prague's calldata floor (EIP-7623)
        gas = max(intrinsic, min(request.gas_limit, _MAX_L2_GAS))
        call = SystemCall(request.sender, request.to, request.data, request.l2_value, gas)
        receipt = chain.system_calls([call])[-1]
        refund = request.mint_value - (request.l2_value if receipt.ok else 0)
        if refund:
            chain.set_balance(request.refund_recipient, chain.balance(request.refund_recipient) + refund)
        # the canonical hash L1 reported finds the L2 receipt too
        chain.alias_transaction(request.canonical_hash, receipt.tx_hash)
        log_tx = None
        if self.status_logs:
            status_word = (1 if receipt.ok else 0).to_bytes(32, "big")
            data = _SEND_LOG + encode(["bool", "bytes32", "bytes32"], [True, request.canonical_hash, status_word])
            log_receipt = chain.system_call(BOOTLOADER, L1_MESSENGER, data)
            if not log_receipt.ok:
                raise InteropError(f"chain {chain.name}: the bootloader's status log for priority tx was refused")
            log_tx = log_receipt.tx_hash
        execution = PriorityExecution(request, receipt.tx_hash, receipt.block_number, receipt.status, log_tx)
        self._state.executed[request.canonical_hash] = execution
        self._state.order.append(request.canonical_hash)
        return execution

    # ------------------------------------------------------------------ snapshots

    def snapshot_state(self) -> PriorityState:
        """Pending and executed requests."""
        return self._state.copy()

    def restore_state(self, state: PriorityState) -> None:
        """Go back to a capture of :meth:`snapshot_state`, dropping canonical-hash aliases of undone executions."""
        kept = set(state.executed)
        for canonical, execution in self._state.executed.items():
            if canonical not in kept:
                self.topology.by_id[execution.request.chain_id].forget_alias(canonical)
        self._state = state.copy()
