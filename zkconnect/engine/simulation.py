"""Running calls against a chain's state without mining: ``eth_call``, gas estimation, access lists.

Every run happens on a throwaway state built from a header (the :class:`Simulator` asks its chain for the
header of a block, or of the pending state), so nothing here changes the chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import cast

from eth import constants
from eth._utils.address import generate_contract_address
from eth.abc import BlockHeaderAPI, ComputationAPI, OpcodeAPI, SignedTransactionAPI, StateAPI
from eth.chains.base import MiningChain
from eth.exceptions import OutOfGas, Revert
from eth.vm.computation import BaseComputation
from eth.vm.forks.frontier import FrontierVM
from eth.vm.spoof import SpoofTransaction
from eth.vm.stack import Stack, to_int
from eth_typing import Address
from eth_utils.exceptions import ValidationError

from zkconnect.engine.records import AccessListResult
from zkconnect.errors import ChainError, InvalidTransaction, TransactionReverted
from zkconnect.protocol.reverts import decode_revert_reason

__all__ = ["Simulator"]

_MAX_ACCESS_LIST_ROUNDS = 64
_SLOT_OPS = {0x54, 0x55}  # SLOAD, SSTORE: the slot is on top of the stack
_ADDRESS_OPS = {0x31, 0x3B, 0x3C, 0x3F, 0xFF}  # BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH, SELFDESTRUCT
_CALL_OPS = {0xF1, 0xF2, 0xF4, 0xFA}  # CALL, CALLCODE, DELEGATECALL, STATICCALL: the address is second

# geth's texts of VM errors (core/vm/errors.go), by py-evm exception class name.
_GETH_VM_ERRORS = {
    "Revert": "execution reverted",
    "OutOfGas": "out of gas",
    "InsufficientStack": "stack underflow",
    "FullStack": "stack limit reached 1024",
    "InvalidJumpDestination": "invalid jump destination",
    "InsufficientFunds": "insufficient balance for transfer",
    "StackDepthLimit": "max call depth exceeded",
    "ContractCreationCollision": "contract address collision",
    "WriteProtection": "write protection",
    "OutOfBoundsRead": "return data out of bounds",
    "ReservedBytesInCode": "invalid code: must not begin with 0xef",
}


def _vm_error_text(error: BaseException) -> str:
    name = type(error).__name__
    if name == "InvalidInstruction":
        found = re.search(r"0x([0-9a-fA-F]+)", str(error))
        if found is None:
            return "invalid opcode"
        code = int(found.group(1), 16)
        return "invalid opcode: INVALID" if code == 0xFE else f"invalid opcode: opcode {code:#x} not defined"
    return _GETH_VM_ERRORS.get(name, str(error) or name)


def _reverted(computation: ComputationAPI) -> TransactionReverted:
    output = bytes(computation.output) if isinstance(computation.error, Revert) else b""
    return TransactionReverted(output, decode_revert_reason(output) or str(computation.error))


class _AccessTracer:
    """The addresses and slots a run touched (geth's ``AccessListTracer``), seeded with an access list."""

    def __init__(self, excluded: set[bytes], seed: Sequence[tuple[bytes, Sequence[int]]]) -> None:
        self.excluded = excluded
        self.entries: dict[bytes, set[int]] = {}
        for address, slots in seed:
            if bytes(address) not in excluded:
                self.add_address(bytes(address))
            for slot in slots:
                self.add_slot(bytes(address), int(slot))

    def add_address(self, address: bytes) -> None:
        self.entries.setdefault(address, set())

    def add_slot(self, address: bytes, slot: int) -> None:
        self.entries.setdefault(address, set()).add(slot)

    def access_list(self) -> tuple[tuple[bytes, tuple[int, ...]], ...]:
        return tuple((address, tuple(sorted(self.entries[address]))) for address in sorted(self.entries))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _AccessTracer) and self.entries == other.entries

    __hash__ = None  # type: ignore[assignment]


class _RecordingOpcode:
    """Wraps one opcode: records what it touches into ``tracer`` once the opcode paid its gas."""

    def __init__(self, inner: OpcodeAPI, code: int, tracer: _AccessTracer) -> None:
        self.inner = inner
        self.code = code
        self.tracer = tracer
        self.mnemonic = getattr(inner, "mnemonic", hex(code))
        self.gas_cost = getattr(inner, "gas_cost", 0)

    def __call__(self, computation: ComputationAPI) -> None:
        # py-evm offers no way to peek at the stack: read the operand before the opcode pops it
        stack = cast(Stack, cast(BaseComputation, computation)._stack).values
        depth = 2 if self.code in _CALL_OPS else 1
        word = to_int(stack[-depth]) if len(stack) >= depth else None
        try:
            self.inner(computation=computation)
        except OutOfGas:
            raise  # geth records an opcode only once its gas is paid
        except Exception:
            self._record(computation, word)
            raise
        self._record(computation, word)

    def _record(self, computation: ComputationAPI, word: int | None) -> None:
        if word is None:
            return
        if self.code in _SLOT_OPS:
            self.tracer.add_slot(bytes(computation.msg.storage_address), word)
            return
        address = (word % 2**160).to_bytes(20, "big")
        if address not in self.tracer.excluded:
            self.tracer.add_address(address)


def _traced_computation(base: type[ComputationAPI], tracer: _AccessTracer) -> type[ComputationAPI]:
    """A subclass of ``base`` (child frames reuse it) whose state-touching opcodes report to ``tracer``."""
    opcodes = dict(base.opcodes)
    for code in _SLOT_OPS | _ADDRESS_OPS | _CALL_OPS:
        if code in opcodes:
            opcodes[code] = cast(OpcodeAPI, _RecordingOpcode(opcodes[code], code, tracer))
    return type(f"AccessTraced{base.__name__}", (base,), {"opcodes": opcodes})


class Simulator:
    """Calls, gas estimates and access lists on ``evm``'s state at the header ``header_at`` gives for a block
    (None: the pending state). ``chain_id`` signs the access-list transactions, ``name`` appears in errors."""

    def __init__(
        self,
        evm: MiningChain,
        header_at: Callable[[int | None], BlockHeaderAPI],
        chain_id: int,
        name: str,
    ) -> None:
        self._evm = evm
        self._header_at = header_at
        self._chain_id = chain_id
        self._name = name

    def call(
        self,
        to: bytes | None,
        data: bytes,
        *,
        sender: bytes | None,
        value: int,
        gas: int | None,
        block: int | None,
        gas_price: int | None,
    ) -> bytes:
        """The output of the call; raises :class:`TransactionReverted` with the exact revert bytes."""
        computation = self.execute(to, data, sender=sender, value=value, gas=gas, block=block, gas_price=gas_price)
        if computation.is_error:
            raise _reverted(computation)
        return bytes(computation.output)

    def estimate_gas(
        self, to: bytes | None, data: bytes, *, sender: bytes | None, value: int, block: int | None, gas_cap: int
    ) -> int:
        """The smallest gas limit up to ``gas_cap`` with which the call succeeds (binary search, like geth)."""
        first = self.execute(to, data, sender=sender, value=value, gas=gas_cap, block=block)
        if first.is_error:
            raise _reverted(first)
        # The gas the first run consumed is a lower bound: one less than it must fail.
        low = int(gas_cap - first.get_gas_remaining()) - 1
        high = gas_cap
        guess = min(gas_cap, max(low + 1, (low + 1) * 64 // 63 + 5000))
        if not self.execute(to, data, sender=sender, value=value, gas=guess, block=block).is_error:
            high = guess
        while low + 1 < high:
            mid = (low + high) // 2
            if self.execute(to, data, sender=sender, value=value, gas=mid, block=block).is_error:
                low = mid
            else:
                high = mid
        return high

    def create_access_list(
        self,
        to: bytes | None,
        data: bytes,
        *,
        sender: bytes | None,
        value: int,
        gas: int | None,
        block: int | None,
        gas_price: int | None,
        nonce: int | None,
        access_list: Sequence[tuple[bytes, Sequence[int]]],
    ) -> AccessListResult:
        """The EIP-2930 access list of a call (see :meth:`~zkconnect.engine.chain.Chain.create_access_list`)."""
        header = self._header_at(block)
        base_fee = getattr(header, "base_fee_per_gas", None)
        if base_fee is not None and (gas_price is None or gas_price < base_fee):
            header = header.copy(base_fee_per_gas=gas_price or 0)  # geth runs it with NoBaseFee
        from_ = sender if sender is not None else constants.ZERO_ADDRESS
        vm = self._evm.get_vm(header)
        if to is None:
            start_nonce = nonce if nonce is not None else int(vm.state.get_nonce(Address(from_)))
            target = bytes(generate_contract_address(Address(from_), start_nonce))
        else:
            target = to
        excluded = {bytes(from_), bytes(target)}
        excluded.update(bytes(a) for a in vm.state.computation_class.get_precompiles())
        previous = _AccessTracer(excluded, access_list)
        gas = gas if gas is not None else int(header.gas_limit)
        for _ in range(_MAX_ACCESS_LIST_ROUNDS):
            listed = previous.access_list()
            vm = self._evm.get_vm(header)
            state = vm.state
            self._top_up(state, from_, value + gas * (gas_price or 0))
            builder = vm.get_transaction_builder()
            if not hasattr(builder, "new_unsigned_access_list_transaction"):
                raise ChainError(f"chain {self._name}: access lists need Berlin or later at this block")
            tx = builder.new_unsigned_access_list_transaction(
                chain_id=self._chain_id,
                nonce=state.get_nonce(Address(from_)),
                gas_price=gas_price or 0,
                gas=gas,
                to=Address(to) if to is not None else constants.CREATE_CONTRACT_ADDRESS,
                value=value,
                data=data,
                access_list=listed,
            )
            spoofed = cast(SignedTransactionAPI, SpoofTransaction(tx, from_=from_))
            tracer = _AccessTracer(excluded, listed)
            state.computation_class = _traced_computation(state.computation_class, tracer)
            try:
                computation = state.apply_transaction(spoofed)
            except ValidationError as exc:
                raise InvalidTransaction(str(exc)) from exc
            if tracer == previous:
                gas_used = int(cast(type[FrontierVM], type(vm)).finalize_gas_used(spoofed, computation))
                error = _vm_error_text(computation.error) if computation.is_error else None
                return AccessListResult(listed, gas_used, error)
            previous = tracer
        raise ChainError(
            f"chain {self._name}: the access list did not settle after {_MAX_ACCESS_LIST_ROUNDS} runs "
            "(the call's path keeps changing with it); pass an accessList to start from"
        )

    @staticmethod
    def _top_up(state: StateAPI, account: bytes, needed: int) -> None:
        if needed and state.get_balance(Address(account)) < needed:
            state.set_balance(Address(account), needed)

    def execute(
        self,
        to: bytes | None,
        data: bytes,
        *,
        sender: bytes | None,
        value: int,
        gas: int | None,
        block: int | None,
        gas_price: int | None = None,
    ) -> ComputationAPI:
        """Run the call on a throwaway state; without ``gas_price`` no fee is charged (base fee 0)."""
        header = self._header_at(block)
        if gas_price is None and getattr(header, "base_fee_per_gas", None) is not None:
            header = header.copy(base_fee_per_gas=0)
        vm = self._evm.get_vm(header)
        from_ = sender if sender is not None else constants.ZERO_ADDRESS
        state = vm.state
        gas = gas if gas is not None else int(header.gas_limit)
        self._top_up(state, from_, value + gas * (gas_price or 0))
        tx = vm.create_unsigned_transaction(
            nonce=state.get_nonce(Address(from_)),
            gas_price=gas_price or 0,
            gas=gas,
            to=Address(to) if to is not None else constants.CREATE_CONTRACT_ADDRESS,
            value=value,
            data=data,
        )
        spoofed = cast(SignedTransactionAPI, SpoofTransaction(tx, from_=from_))
        if gas_price:
            # The fee is real here (BASEFEE and GASPRICE must show it); the state is thrown away.
            return state.apply_transaction(spoofed)
        return state.costless_execute_transaction(spoofed)
