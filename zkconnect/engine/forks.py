"""A chain's fork schedule and its EIP-7910 description (``eth_config``), computed as geth computes it.

Every devnet chain runs py-evm's Prague (its newest fork) from genesis; a chain imported with
``--import-chain`` follows its ``genesis.json`` schedule. The precompiles, blob parameters and
system-contract addresses reported for a fork are those of the py-evm VM that executes it, so the
answer describes what the chain really runs.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eth.abc import VirtualMachineAPI
from eth.vm.forks.cancun import CancunVM
from eth.vm.forks.cancun import constants as cancun
from eth.vm.forks.prague import PragueVM
from eth.vm.forks.prague import constants as prague
from eth.vm.forks.shanghai import ShanghaiVM

__all__ = ["BLOCK_FORK_KEYS", "TIME_FORKS", "ForkSchedule"]

#: geth's block-numbered fork keys (``ChainConfig`` fields ending in ``Block``), in activation order.
BLOCK_FORK_KEYS: tuple[str, ...] = (
    "homesteadBlock",
    "daoForkBlock",
    "eip150Block",
    "eip155Block",
    "eip158Block",
    "byzantiumBlock",
    "constantinopleBlock",
    "petersburgBlock",
    "istanbulBlock",
    "muirGlacierBlock",
    "berlinBlock",
    "londonBlock",
    "arrowGlacierBlock",
    "grayGlacierBlock",
    "mergeNetsplitBlock",
)
#: The timestamp-scheduled forks py-evm can execute, in geth's fork order, with their VM.
TIME_FORKS: tuple[tuple[str, type[VirtualMachineAPI]], ...] = (
    ("shanghaiTime", ShanghaiVM),
    ("cancunTime", CancunVM),
    ("pragueTime", PragueVM),
)
_MAX_UINT64 = 2**64 - 1

# geth's precompile names (PrecompiledContract.Name()), by address.
_PRECOMPILE_NAMES = {
    0x01: "ECREC",
    0x02: "SHA256",
    0x03: "RIPEMD160",
    0x04: "ID",
    0x05: "MODEXP",
    0x06: "BN254_ADD",
    0x07: "BN254_MUL",
    0x08: "BN254_PAIRING",
    0x09: "BLAKE2F",
    0x0A: "KZG_POINT_EVALUATION",
    0x0B: "BLS12_G1ADD",
    0x0C: "BLS12_G1MSM",
    0x0D: "BLS12_G2ADD",
    0x0E: "BLS12_G2MSM",
    0x0F: "BLS12_PAIRING_CHECK",
    0x10: "BLS12_MAP_FP_TO_G1",
    0x11: "BLS12_MAP_FP2_TO_G2",
    0x100: "P256VERIFY",
}


def _blob_schedule(vm: type[VirtualMachineAPI]) -> dict[str, int] | None:
    """EIP-7840 blob parameters of the fork ``vm`` executes (None before Cancun)."""
    if issubclass(vm, PragueVM):
        target, most, fraction = (
            prague.TARGET_BLOB_GAS_PER_BLOCK,
            prague.MAX_BLOB_GAS_PER_BLOCK,
            prague.BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE,
        )
    elif issubclass(vm, CancunVM):
        target, most, fraction = (
            cancun.TARGET_BLOB_GAS_PER_BLOCK,
            cancun.MAX_BLOB_GAS_PER_BLOCK,
            cancun.BLOB_BASE_FEE_UPDATE_FRACTION,
        )
    else:
        return None
    per_blob = cancun.GAS_PER_BLOB
    return {"baseFeeUpdateFraction": fraction, "max": most // per_blob, "target": target // per_blob}


def _address(raw: bytes | int) -> str:
    value = raw if isinstance(raw, int) else int.from_bytes(raw, "big")
    return "0x" + value.to_bytes(20, "big").hex()


@dataclass(frozen=True)
class ForkSchedule:
    """When each fork activates, keyed as in geth's ``genesis.json`` ``config``.

    ``block_forks`` maps block-numbered forks (``londonBlock``...) to their block, ``time_forks``
    maps ``shanghaiTime``/``cancunTime``/``pragueTime`` to their timestamp; ``deposit_contract`` is
    the EIP-6110 deposit contract the chain's config names.
    """

    block_forks: tuple[tuple[str, int], ...]
    time_forks: tuple[tuple[str, int], ...]
    deposit_contract: bytes

    @classmethod
    def prague_from_genesis(cls) -> ForkSchedule:
        """Every fork up to Prague active from genesis: what a devnet chain runs."""
        return cls(
            block_forks=tuple((key, 0) for key in BLOCK_FORK_KEYS if key != "daoForkBlock"),
            time_forks=tuple((key, 0) for key, _ in TIME_FORKS),
            deposit_contract=bytes(prague.DEPOSIT_CONTRACT_ADDRESS),
        )

    @classmethod
    def from_geth_config(cls, config: Mapping[str, Any]) -> ForkSchedule:
        """The schedule of a geth ``genesis.json`` ``config`` object (unknown keys are ignored)."""
        deposit = str(config.get("depositContractAddress") or "0x" + "00" * 20)
        return cls(
            block_forks=tuple((key, int(config[key])) for key in BLOCK_FORK_KEYS if config.get(key) is not None),
            time_forks=tuple((key, int(config[key])) for key, _ in TIME_FORKS if config.get(key) is not None),
            deposit_contract=bytes.fromhex(deposit.removeprefix("0x").rjust(40, "0")),
        )

    def _fork_index_at(self, timestamp: int) -> int | None:
        """geth's ``LatestFork``: the newest time fork active at ``timestamp`` (index in TIME_FORKS)."""
        times = dict(self.time_forks)
        for index in range(len(TIME_FORKS) - 1, -1, -1):
            at = times.get(TIME_FORKS[index][0])
            if at is not None and at <= timestamp:
                return index
        return None

    def _activation(self, index: int | None) -> int | None:
        if index is None or index >= len(TIME_FORKS):
            return None
        return dict(self.time_forks).get(TIME_FORKS[index][0])

    def fork_id(self, genesis_hash: bytes, genesis_time: int, timestamp: int) -> bytes:
        """The EIP-2124/6122 fork hash at ``timestamp``, every block-numbered fork counted as passed."""
        checksum = zlib.crc32(genesis_hash)
        blocks = sorted({number for _, number in self.block_forks if number > 0})
        times = sorted({at for _, at in self.time_forks if at > genesis_time})
        for fork in [*blocks, *(at for at in times if at <= timestamp)]:
            checksum = zlib.crc32(fork.to_bytes(8, "big"), checksum)
        return checksum.to_bytes(4, "big")

    def _describe(
        self, activation: int | None, chain_id: int, genesis_hash: bytes, genesis_time: int
    ) -> dict[str, Any] | None:
        if activation is None:
            return None
        index = self._fork_index_at(activation)
        if index is None:
            return None
        vm = TIME_FORKS[index][1]
        precompiles = vm.get_state_class().computation_class.get_precompiles()
        named = {}
        for address in precompiles:
            number = int.from_bytes(bytes(address), "big")
            named[_PRECOMPILE_NAMES.get(number, f"0x{number:x}")] = _address(number)
        system: dict[str, str] = {}
        if issubclass(vm, CancunVM):
            system["BEACON_ROOTS_ADDRESS"] = _address(bytes(cancun.BEACON_ROOTS_ADDRESS))
        if issubclass(vm, PragueVM):
            system["CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS"] = _address(
                bytes(prague.CONSOLIDATION_REQUEST_PREDEPLOY_ADDRESS)
            )
            system["DEPOSIT_CONTRACT_ADDRESS"] = _address(self.deposit_contract)
            system["HISTORY_STORAGE_ADDRESS"] = _address(bytes(prague.HISTORY_STORAGE_ADDRESS))
            system["WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS"] = _address(
                bytes(prague.WITHDRAWAL_REQUEST_PREDEPLOY_ADDRESS)
            )
        return {
            "activationTime": 0 if genesis_time >= activation else activation,
            "blobSchedule": _blob_schedule(vm),
            "chainId": hex(chain_id),
            "forkId": "0x" + self.fork_id(genesis_hash, genesis_time, activation).hex(),
            "precompiles": dict(sorted(named.items())),
            "systemContracts": dict(sorted(system.items())),
        }

    def eth_config(self, chain_id: int, genesis_hash: bytes, genesis_time: int, head_time: int) -> dict[str, Any]:
        """The ``eth_config`` result: the current, next and last fork (``next``/``last`` null when none is scheduled).

        As geth answers: ``current`` is null before Shanghai (EIP-7910 covers post-merge forks).
        """
        current = self._fork_index_at(head_time)
        last = self._fork_index_at(_MAX_UINT64)
        after = 0 if current is None else current + 1  # geth: LatestFork(t) + 1 (Shanghai after Paris)
        out: dict[str, Any] = {
            "current": self._describe(self._activation(current), chain_id, genesis_hash, genesis_time),
            "next": self._describe(self._activation(after), chain_id, genesis_hash, genesis_time),
            "last": self._describe(self._activation(last), chain_id, genesis_hash, genesis_time),
        }
        if out["next"] is None:
            out["last"] = None
        return out
