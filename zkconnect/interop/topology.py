"""The topology the interop parts are built from: which chains exist, where the contracts are, one clock.

:class:`~zkconnect.devnet.Devnet` builds a :class:`Topology` once and hands it to the sealers, the settlement
pipeline, the relayer, the priority queue and the migration; none of them ever sees the devnet itself, so the
interop layer sits strictly below it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from zkconnect.config import ChainConfig, DevnetConfig
from zkconnect.engine.chain import Chain
from zkconnect.engine.clock import Clock
from zkconnect.errors import InteropError
from zkconnect.genesis.build import DevnetContracts

__all__ = ["Topology"]


@dataclass(frozen=True)
class Topology:
    """The chains of one devnet (by name and by chain id), its L1 and optional Gateway, its installed contracts,
    the shared clock and the block interval of realistic timing. Build it with :meth:`of`."""

    config: DevnetConfig
    chains: Mapping[str, Chain]
    by_id: Mapping[int, Chain]
    l1: Chain
    gateway: Chain | None
    contracts: DevnetContracts
    clock: Clock
    block_interval: int

    @classmethod
    def of(
        cls, config: DevnetConfig, chains: Mapping[str, Chain], contracts: DevnetContracts, clock: Clock
    ) -> Topology:
        """The topology of ``config`` over its built ``chains`` (by name)."""
        frozen = MappingProxyType(dict(chains))
        return cls(
            config=config,
            chains=frozen,
            by_id=MappingProxyType({chain.chain_id: chain for chain in frozen.values()}),
            l1=frozen[config.l1.name],
            gateway=frozen[config.gateway.name] if config.gateway is not None else None,
            contracts=contracts,
            clock=clock,
            block_interval=max(1, round(config.block_time)),
        )

    @property
    def gateway_chain_id(self) -> int | None:
        """Gateway's chain id, or None if this topology has no Gateway."""
        return self.gateway.chain_id if self.gateway is not None else None

    def is_gateway(self, chain_id: int) -> bool:
        """True if ``chain_id`` is this topology's Gateway."""
        return self.gateway is not None and chain_id == self.gateway.chain_id

    def chain(self, name_or_id: str | int) -> Chain:
        """A chain by name or chain id (:class:`~zkconnect.errors.ConfigError` naming the chains if unknown)."""
        return self.chains[self.config.chain(name_or_id).name]

    def chain_config(self, name_or_id: str | int) -> ChainConfig:
        """The configuration of one chain, by name or chain id."""
        return self.config.chain(name_or_id)

    def l2(self, chain_id: int) -> Chain:
        """An L2 (ZK chain or Gateway) by chain id; :class:`InteropError` if there is none."""
        chain = self.by_id.get(chain_id)
        if chain is None or chain is self.l1:
            raise InteropError(f"chain {chain_id} is not an L2 of this devnet")
        return chain
