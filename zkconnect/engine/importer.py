"""Build a :class:`~zkconnect.engine.chain.Chain` from a geth ``genesis.json`` and a ``chain.rlp`` of blocks.

Used by ``zkdev up --import-chain DIR`` to serve the ethereum/execution-apis test chain (the
data hive's rpc-compat simulator replays). Forks are scheduled from the genesis ``config`` by
block number, and by timestamp from Shanghai on; pre-merge blocks are imported without checking
their proof-of-work seal (the test chain's seals are fake).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import rlp
from eth.abc import BlockHeaderAPI, VirtualMachineAPI
from eth.chains.base import MiningChain
from eth.consensus.noproof import NoProofConsensus
from eth.db.atomic import AtomicDB
from eth.typing import AccountDetails, AccountState, HeaderParams
from eth.vm.forks.arrow_glacier import ArrowGlacierVM
from eth.vm.forks.berlin import BerlinVM
from eth.vm.forks.byzantium import ByzantiumVM
from eth.vm.forks.cancun import CancunVM
from eth.vm.forks.constantinople import ConstantinopleVM
from eth.vm.forks.frontier import FrontierVM
from eth.vm.forks.gray_glacier import GrayGlacierVM
from eth.vm.forks.homestead import HomesteadVM
from eth.vm.forks.istanbul import IstanbulVM
from eth.vm.forks.london import LondonVM
from eth.vm.forks.muir_glacier import MuirGlacierVM
from eth.vm.forks.paris import ParisVM
from eth.vm.forks.petersburg import PetersburgVM
from eth.vm.forks.prague import PragueVM
from eth.vm.forks.shanghai import ShanghaiVM
from eth.vm.forks.spurious_dragon import SpuriousDragonVM
from eth.vm.forks.tangerine_whistle import TangerineWhistleVM
from eth_typing import Address, BlockNumber
from rlp.codec import consume_length_prefix

from zkconnect.engine.chain import Chain
from zkconnect.engine.clock import Clock
from zkconnect.engine.forks import ForkSchedule
from zkconnect.errors import ChainError

__all__ = ["import_chain"]

VMClass = type[VirtualMachineAPI]
GethConfig = dict[str, Any]  # a genesis.json "config" object, as parsed from JSON

_BLOCK_FORKS: tuple[tuple[str, VMClass], ...] = (
    ("homesteadBlock", HomesteadVM.configure(support_dao_fork=False)),
    ("eip150Block", TangerineWhistleVM),
    ("eip158Block", SpuriousDragonVM),
    ("byzantiumBlock", ByzantiumVM),
    ("constantinopleBlock", ConstantinopleVM),
    ("petersburgBlock", PetersburgVM),
    ("istanbulBlock", IstanbulVM),
    ("muirGlacierBlock", MuirGlacierVM),
    ("berlinBlock", BerlinVM),
    ("londonBlock", LondonVM),
    ("arrowGlacierBlock", ArrowGlacierVM),
    ("grayGlacierBlock", GrayGlacierVM),
    ("mergeNetsplitBlock", ParisVM),
)
_TIME_FORKS: tuple[tuple[str, VMClass], ...] = (
    ("shanghaiTime", ShanghaiVM),
    ("cancunTime", CancunVM),
    ("pragueTime", PragueVM),
)


class _ImportedChain(MiningChain):
    """Keeps the gas limit of the imported head for blocks mined on top of it."""

    def create_header_from_parent(self, parent_header: BlockHeaderAPI, **header_params: HeaderParams) -> BlockHeaderAPI:
        header_params.setdefault("gas_limit", parent_header.gas_limit)
        return super().create_header_from_parent(parent_header, **header_params)


def _hex_int(value: int | str) -> int:
    if isinstance(value, int):
        return value
    return int(str(value), 16) if str(value).startswith("0x") else int(str(value))


def _hex_bytes(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("0x"))


def _split_blocks(data: bytes) -> list[bytes]:
    out = []
    pos = 0
    while pos < len(data):
        _, _, length, start = consume_length_prefix(data, pos)
        out.append(data[pos : start + length])
        pos = start + length
    return out


def _schedule(config: GethConfig, raw_blocks: list[bytes]) -> tuple[tuple[int, VMClass], ...]:
    """Fork activation block numbers; timestamp forks are resolved against the blocks' headers."""
    schedule: list[tuple[int, VMClass]] = [(0, FrontierVM)]
    for key, vm in _BLOCK_FORKS:
        if key in config:
            schedule.append((int(config[key]), vm))
    timed = [(int(config[key]), vm) for key, vm in _TIME_FORKS if key in config]
    if timed:
        timestamps = [0] + [int.from_bytes(rlp.decode(raw)[0][11], "big") for raw in raw_blocks]
        for activation, vm in timed:
            number = next((n for n, ts in enumerate(timestamps) if ts >= activation), None)
            if number is not None:
                schedule.append((number, vm))
    merged: dict[int, VMClass] = {}
    for number, vm in schedule:
        merged[number] = vm
    return tuple((n, vm.configure(consensus_class=NoProofConsensus)) for n, vm in sorted(merged.items()))


def import_chain(directory: str | Path, *, clock: Clock | None = None, name: str = "imported") -> Chain:
    """Build a chain from ``DIR/genesis.json`` and import every block of ``DIR/chain.rlp``.

    Raises :class:`ChainError` naming the file and block when something does not import.
    """
    root = Path(directory)
    try:
        genesis = json.loads((root / "genesis.json").read_text())
        raw_blocks = _split_blocks((root / "chain.rlp").read_bytes()) if (root / "chain.rlp").exists() else []
    except (OSError, ValueError) as exc:
        raise ChainError(f"{root}: cannot read genesis.json / chain.rlp: {exc}") from exc
    config = genesis.get("config", {})
    chain_id = int(config.get("chainId", 1))
    chain_class = _ImportedChain.configure(
        __name__=f"ImportedChain{chain_id}",
        vm_configuration=_schedule(config, raw_blocks),
        chain_id=chain_id,
    )
    params: dict[str, HeaderParams] = {
        "coinbase": _hex_bytes(genesis.get("coinbase", "0x" + "00" * 20)),
        "difficulty": _hex_int(genesis.get("difficulty", "0x0")),
        "extra_data": _hex_bytes(genesis.get("extraData", "0x")),
        "gas_limit": _hex_int(genesis.get("gasLimit", "0x0")),
        "mix_hash": _hex_bytes(genesis.get("mixHash", "0x" + "00" * 32)),
        "nonce": _hex_int(genesis.get("nonce", "0x0")).to_bytes(8, "big"),
        "timestamp": _hex_int(genesis.get("timestamp", "0x0")),
    }
    if genesis.get("baseFeePerGas") is not None:
        params["base_fee_per_gas"] = _hex_int(genesis["baseFeePerGas"])
    state: AccountState = {
        Address(_hex_bytes(address)): AccountDetails(
            balance=_hex_int(acct.get("balance", "0x0")),
            nonce=_hex_int(acct.get("nonce", "0x0")),
            code=_hex_bytes(acct.get("code", "0x")),
            storage={_hex_int(k): _hex_int(v) for k, v in acct.get("storage", {}).items()},
        )
        for address, acct in genesis.get("alloc", {}).items()
    }
    evm = cast(MiningChain, chain_class.from_genesis(AtomicDB(), params, state))
    for number, raw in enumerate(raw_blocks, start=1):
        block_class = evm.get_vm_class_for_block_number(BlockNumber(number)).get_block_class()
        try:
            evm.import_block(rlp.decode(raw, sedes=block_class))
        except Exception as exc:
            raise ChainError(f"{root / 'chain.rlp'}: block {number} does not import: {exc}") from exc
    head_time = int(evm.get_canonical_head().timestamp)
    clock = clock or Clock(start=head_time + 1)
    return Chain.from_py_evm(evm, clock, name=name, forks=ForkSchedule.from_geth_config(config))
