"""Building blocks on a py-evm chain: executing transactions into a block, its records and receipts, and the
system path (transactions that act *as* an address without its key, as ZKsync's bootloader does).

The :class:`BlockBuilder` keeps no pool and no index: it is handed what to mine and returns what it mined,
what the block had no room for and what must wait on a nonce gap again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import rlp
from eth import constants
from eth._utils.address import generate_contract_address
from eth.abc import BlockHeaderAPI, ReceiptAPI, SignedTransactionAPI, StateAPI
from eth.chains.base import MiningChain
from eth.db.atomic import AtomicDB
from eth.db.chain import ChainDB
from eth.typing import AccountDetails, AccountState, HeaderParams
from eth.vm.forks.prague import PragueVM
from eth_keys.datatypes import PrivateKey
from eth_typing import Address, BlockNumber
from eth_utils.crypto import keccak
from eth_utils.exceptions import ValidationError

from zkconnect.engine.clock import Clock
from zkconnect.engine.records import BlockRecord, GenesisAccount, Log, Receipt, SystemCall, TxResult
from zkconnect.errors import ChainError, ChainIdMismatch, InvalidTransaction

__all__ = ["BlockBuilder", "DevMiningChain", "MinedBlock", "new_dev_chain", "record_block"]

PreTransactionHook = Callable[[StateAPI, int], None]


class DevMiningChain(MiningChain):
    """A post-merge chain whose gas limit stays constant."""

    def create_header_from_parent(self, parent_header: BlockHeaderAPI, **header_params: HeaderParams) -> BlockHeaderAPI:
        """The next header, with the parent's gas limit."""
        header_params["gas_limit"] = parent_header.gas_limit
        return super().create_header_from_parent(parent_header, **header_params)


@dataclass(frozen=True)
class MinedBlock:
    """A block just mined, with the pool transactions it left out: ``deferred`` (no room left in the block)
    and ``requeued`` (an earlier transaction of their sender was dropped, so they wait on that gap again)."""

    record: BlockRecord
    deferred: tuple[SignedTransactionAPI, ...]
    requeued: tuple[SignedTransactionAPI, ...]


def _logs(raw: ReceiptAPI, number: int, block_hash: bytes, tx_hash: bytes, tx_index: int, first: int) -> list[Log]:
    return [
        Log(
            address=bytes(entry.address),
            topics=tuple(t.to_bytes(32, "big") for t in entry.topics),
            data=bytes(entry.data),
            block_number=number,
            block_hash=block_hash,
            tx_hash=tx_hash,
            tx_index=tx_index,
            log_index=first + k,
        )
        for k, entry in enumerate(raw.logs)
    ]


def record_block(
    header: BlockHeaderAPI,
    txs: tuple[SignedTransactionAPI, ...],
    receipts: Sequence[ReceiptAPI],
    results: Sequence[TxResult],
    system: set[bytes],
) -> BlockRecord:
    """The :class:`BlockRecord` of a mined block; ``system`` holds the hashes of its system transactions."""
    number = int(header.block_number)
    block_hash = bytes(header.hash)
    base_fee = int(getattr(header, "base_fee_per_gas", 0) or 0)
    out: list[Receipt] = []
    log_index = 0
    previous_cumulative = 0
    for i, (tx, raw, result) in enumerate(zip(txs, receipts, results, strict=True)):
        tx_hash = bytes(tx.hash)
        logs = _logs(raw, number, block_hash, tx_hash, i, log_index)
        log_index += len(logs)
        creation = tx.to == constants.CREATE_CONTRACT_ADDRESS
        contract = bytes(generate_contract_address(Address(result.sender), result.nonce)) if creation else None
        max_fee = getattr(tx, "max_fee_per_gas", None)
        if max_fee is not None:
            price = min(int(max_fee), base_fee + int(tx.max_priority_fee_per_gas))
        else:
            price = int(tx.gas_price)
        cumulative = int(raw.gas_used)
        out.append(
            Receipt(
                tx_hash=tx_hash,
                tx_index=i,
                block_number=number,
                block_hash=block_hash,
                sender=result.sender,
                to=None if creation else bytes(tx.to),
                contract_address=contract if result.status == 1 else None,
                status=result.status,
                gas_used=cumulative - previous_cumulative,
                cumulative_gas_used=cumulative,
                effective_gas_price=price,
                logs=tuple(logs),
                output=result.output,
                tx_type=int(getattr(tx, "type_id", None) or 0),
                system=tx_hash in system,
                post_state_root=result.post_state_root,
            )
        )
        previous_cumulative = cumulative
    return BlockRecord(header, txs, tuple(out))


def new_dev_chain(
    chain_id: int,
    alloc: Mapping[bytes, GenesisAccount],
    gas_limit: int,
    base_fee: int,
    timestamp: int,
    genesis_state: tuple[bytes, Mapping[bytes, bytes]] | None,
) -> MiningChain:
    """A fresh Prague :class:`DevMiningChain` with id ``chain_id`` (a subclass of its own, so no two chains share
    the class attribute), its genesis built from ``alloc`` or from a stored state (root and database entries)."""
    chain_class = DevMiningChain.configure(
        __name__=f"ZkDevChain{chain_id}",
        vm_configuration=((0, PragueVM),),
        chain_id=chain_id,
    )
    params: dict[str, HeaderParams] = {
        "coinbase": constants.ZERO_ADDRESS,
        "difficulty": 0,
        "extra_data": b"",
        "gas_limit": gas_limit,
        "mix_hash": constants.ZERO_HASH32,
        "nonce": b"\x00" * 8,
        "timestamp": timestamp,
        "base_fee_per_gas": base_fee,
    }
    if genesis_state is None:
        state: AccountState = {
            Address(bytes(addr)): AccountDetails(
                balance=acct.balance, nonce=acct.nonce, code=acct.code, storage=dict(acct.storage)
            )
            for addr, acct in alloc.items()
        }
        return cast(MiningChain, chain_class.from_genesis(AtomicDB(), params, state))
    if alloc:
        raise ChainError("pass either alloc or genesis_state, not both")
    root, entries = genesis_state
    db = AtomicDB()
    for key, value in entries.items():
        db[key] = value
    if not db.exists(root):
        raise ChainError(f"genesis state root 0x{root.hex()} is not in the given entries")
    header = PragueVM.create_genesis_header(**params, state_root=root)
    return cast(MiningChain, chain_class.from_genesis_header(db, header))


class BlockBuilder:
    """Mines blocks on ``evm`` (a chain with id ``chain_id``) with timestamps from ``clock``."""

    def __init__(self, evm: MiningChain, chain_id: int, clock: Clock) -> None:
        self._evm = evm
        self._chain_id = chain_id
        self._clock = clock
        self._system_tx_class: dict[type[SignedTransactionAPI], type[SignedTransactionAPI]] = {}

    def stored_blocks(self) -> Iterator[BlockRecord]:
        """Records of the canonical blocks ``evm`` already holds (stored receipts carry no return data)."""
        head = self._evm.get_canonical_head()
        for number in range(int(head.block_number) + 1):
            block = self._evm.get_canonical_block_by_number(BlockNumber(number))
            txs = tuple(block.transactions)
            receipts = self.stored_receipts(block.header) if txs else ()
            results = [TxResult.from_stored(tx, r) for tx, r in zip(txs, receipts, strict=True)]
            yield record_block(block.header, txs, receipts, results, set())

    def stored_receipts(self, header: BlockHeaderAPI) -> tuple[ReceiptAPI, ...]:
        """The receipts stored for the block of ``header``."""
        builder = self._evm.get_vm_class(header).get_receipt_builder()
        return self._evm.chaindb.get_receipts(header, builder)

    def raw_receipts(self, header: BlockHeaderAPI) -> list[bytes]:
        """The consensus encoding of every receipt of the block of ``header``."""
        out = []
        for receipt in self.stored_receipts(header):
            encode = getattr(receipt, "encode", None)
            out.append(bytes(encode()) if callable(encode) else bytes(rlp.encode(receipt)))
        return out

    def decode(self, raw: bytes, name: str) -> SignedTransactionAPI:
        """Decode a signed raw transaction and check it was signed for this chain (``name`` appears in errors)."""
        try:
            tx = self._evm.get_vm().get_transaction_builder().decode(raw)
            tx.check_signature_validity()
        except Exception as exc:
            raise InvalidTransaction(f"cannot decode transaction: {exc}") from exc
        signed_for = tx.chain_id
        if signed_for is None:
            raise ChainIdMismatch(
                f"transaction is not replay-protected (pre-EIP-155 signature); sign it for chain {self._chain_id}"
            )
        if signed_for != self._chain_id:
            raise ChainIdMismatch(
                f"transaction was signed for chain {signed_for} but sent to chain {name} ({self._chain_id}); "
                "sign it with this chain's id"
            )
        return tx

    def sign(
        self,
        key: PrivateKey,
        to: bytes | None,
        data: bytes,
        *,
        value: int,
        gas: int,
        nonce: int,
        fees: tuple[int, int],
    ) -> SignedTransactionAPI:
        """An EIP-1559 transaction signed with ``key``; ``fees`` is (max fee per gas, max priority fee per gas)."""
        builder = self._evm.get_vm().get_transaction_builder()
        unsigned = builder.new_unsigned_dynamic_fee_transaction(  # type: ignore[attr-defined]
            chain_id=self._chain_id,
            nonce=nonce,
            max_priority_fee_per_gas=fees[1],
            max_fee_per_gas=fees[0],
            gas=gas,
            to=Address(to) if to is not None else constants.CREATE_CONTRACT_ADDRESS,
            value=value,
            data=data,
            access_list=(),
        )
        signed: SignedTransactionAPI = unsigned.as_signed_transaction(key)
        return signed

    def impersonate(
        self, sender: bytes, to: bytes | None, data: bytes, *, value: int, gas: int, nonce: int, gas_price: int
    ) -> SignedTransactionAPI:
        """A legacy transaction that claims ``sender`` without its key (see ``Chain.impersonated_transaction``)."""
        vm = self._evm.get_vm()
        dummy = PrivateKey(keccak(b"zkconnect-system-path" + sender))
        signed = vm.create_unsigned_transaction(
            nonce=nonce,
            gas_price=gas_price,
            gas=gas,
            to=Address(to) if to is not None else constants.CREATE_CONTRACT_ADDRESS,
            value=value,
            data=data,
        ).as_signed_transaction(dummy, chain_id=self._chain_id)
        base = type(signed)
        cls = self._system_tx_class.get(base)
        if cls is None:
            # a subclass whose sender is the claimed one and whose signature is not checked
            cls = type(
                "SystemTransaction",
                (base,),
                {
                    "sender": property(lambda tx: tx._zk_sender),
                    "get_sender": lambda tx: tx._zk_sender,
                    "check_signature_validity": lambda tx: None,
                },
            )
            self._system_tx_class[base] = cls
        fields = cast(rlp.Serializable, signed)._meta.fields
        tx = cls(**{name: getattr(signed, name) for name, _ in fields})
        object.__setattr__(tx, "_zk_sender", bytes(sender))
        return tx

    def system_transactions(
        self, calls: Sequence[SystemCall], nonce: Callable[[bytes], int], gas_price: int
    ) -> list[SignedTransactionAPI]:
        """The impersonated transactions of ``calls``, their nonces following ``nonce`` of each sender."""
        used: dict[bytes, int] = {}  # a sender's nonces taken by earlier calls of this block
        txs = []
        for call in calls:
            sender = bytes(call.sender)
            at = nonce(sender) + used.get(sender, 0)
            used[sender] = used.get(sender, 0) + 1
            txs.append(
                self.impersonate(
                    sender, call.to, call.data, value=call.value, gas=call.gas, nonce=at, gas_price=gas_price
                )
            )
        return txs

    def mine(
        self,
        parent: BlockHeaderAPI,
        pending_root: bytes,
        txs: Sequence[SignedTransactionAPI],
        system_txs: Sequence[SignedTransactionAPI],
        hooks: Sequence[PreTransactionHook],
    ) -> MinedBlock:
        """Mine one block on the head: ``system_txs`` first (gas paid from a transient top-up, never deferred),
        then ``txs`` as far as they fit, on top of ``parent`` (the head) from the state ``pending_root`` (which
        may hold unmined dev edits).

        ``hooks`` run before each transaction with the state and the transaction's index in the block.
        """
        system = {bytes(tx.hash) for tx in system_txs}
        timestamp = self._clock.block_timestamp(int(parent.timestamp))
        header = self._evm.header.copy(timestamp=timestamp, state_root=pending_root)
        vm = self._evm.get_vm(header)
        state = vm.state
        receipts: list[ReceiptAPI] = []
        results: list[TxResult] = []
        deferred: list[SignedTransactionAPI] = []
        blocked: set[bytes] = set()
        dropped: set[bytes] = set()
        requeued: list[SignedTransactionAPI] = []
        included: list[SignedTransactionAPI] = []
        for tx in [*system_txs, *txs]:
            sender = Address(bytes(tx.sender))
            is_system = bytes(tx.hash) in system
            if not is_system and sender in dropped:
                requeued.append(tx)  # its sender's earlier transaction was dropped: it waits on that gap again
                continue
            if not is_system and (sender in blocked or tx.gas > int(header.gas_limit) - int(header.gas_used)):
                deferred.append(tx)  # the block is full for it: next block, with its sender's later nonces
                blocked.add(sender)
                continue
            for hook in hooks:
                hook(state, len(included))
            before = state.get_balance(sender) if is_system else 0
            if is_system:
                state.set_balance(sender, before + tx.gas * tx.gas_price + tx.value)
            try:
                receipt, computation = vm.apply_transaction(header, tx)
            except ValidationError as exc:
                if is_system:
                    raise InvalidTransaction(str(exc)) from exc
                # accepted earlier, no longer valid (funds spent, nonce moved by a dev edit): geth's miner skips
                # it and its pool drops it
                dropped.add(sender)
                continue
            included.append(tx)
            if is_system:
                state.set_balance(sender, before)
            header = vm.add_receipt_to_header(header, receipt)
            receipts.append(receipt)
            results.append(TxResult.of(computation, sender, int(tx.nonce)))
        state.persist()
        header = header.copy(state_root=state.state_root)
        block = vm.set_block_transactions_and_withdrawals(vm.get_block(), header, included, receipts)
        mined = vm.mine_block(block, mix_hash=keccak(bytes(parent.hash) + b"prevrandao")).block
        self._evm.persist_block(mined, perform_validation=False)
        self._evm.header = self._evm.create_header_from_parent(mined.header)
        record = record_block(mined.header, tuple(included), receipts, results, system)
        return MinedBlock(record, tuple(deferred), tuple(requeued))

    def rewind(self, head: BlockHeaderAPI) -> None:
        """Make ``head`` the canonical head again (blocks after it are kept in the database, never re-run)."""
        chaindb = cast(ChainDB, self._evm.chaindb)
        chaindb._set_as_canonical_chain_head(chaindb.db, head, constants.GENESIS_PARENT_HASH)
        self._evm.header = self._evm.create_header_from_parent(head)
