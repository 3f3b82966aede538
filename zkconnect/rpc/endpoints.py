"""Where each chain's dispatcher is built, and the one owner of a devnet's dispatchers and endpoints.

:data:`DEFAULT_REGISTRY` holds every method table; :func:`build_dispatcher` gives a chain the
tables whose rule holds for it. :class:`RpcEndpoints` is the devnet's RPC side: one shared
dispatcher per chain (so every provider and the server of a chain share filters and
impersonation), rolled back with the devnet, and where a server serves them::

    endpoints = RpcEndpoints.of(devnet)              # the devnet's, created on first use
    endpoints.dispatcher("zk-a").call("eth_chainId") # '0x19a5'
    endpoints.listening("127.0.0.1", {"zk-a": 3050, ...})
"""

from __future__ import annotations

from collections.abc import Mapping

from zkconnect.devnet import Devnet
from zkconnect.engine.chain import Chain
from zkconnect.rpc.devmethods import TABLE as DEV_TABLE
from zkconnect.rpc.dispatcher import Dispatcher, DispatcherState, ServedAt
from zkconnect.rpc.eth_execution import TABLE as EXECUTION_TABLE
from zkconnect.rpc.eth_history import TABLE as HISTORY_TABLE
from zkconnect.rpc.eth_state import TABLE as STATE_TABLE
from zkconnect.rpc.json_types import JsonObject
from zkconnect.rpc.protocol import Limits
from zkconnect.rpc.registry import MethodRegistry
from zkconnect.rpc.zkdev import TABLE as ZKDEV_TABLE
from zkconnect.rpc.zkdev import describe
from zkconnect.rpc.zks import TABLE as ZKS_TABLE

__all__ = ["DEFAULT_REGISTRY", "RpcEndpoints", "build_dispatcher"]

DEFAULT_REGISTRY = MethodRegistry([STATE_TABLE, HISTORY_TABLE, EXECUTION_TABLE, DEV_TABLE, ZKS_TABLE, ZKDEV_TABLE])
"""The standard methods on every chain, dev methods, ``zks_*`` on a devnet's L2s, ``zkdev_*`` on a devnet's chains."""


def build_dispatcher(
    chain: Chain,
    *,
    devnet: Devnet | None = None,
    unlocked: Mapping[bytes, bytes] | None = None,
    limits: Limits | None = None,
    dev_methods: bool = True,
    served: ServedAt | None = None,
    registry: MethodRegistry = DEFAULT_REGISTRY,
) -> Dispatcher:
    """A dispatcher for ``chain`` with every table of ``registry`` that applies to it.

    Without ``devnet`` (an imported chain, a bare :class:`~zkconnect.engine.chain.Chain`) the chain
    gets the standard methods (and the dev methods unless ``dev_methods`` is False).
    """
    dispatcher = Dispatcher(chain, devnet=devnet, unlocked=unlocked, limits=limits, served=served)
    registry.install(dispatcher, dev_methods=dev_methods)
    return dispatcher


class RpcEndpoints:
    """A devnet's dispatchers (one per chain, built on first use) and where a server serves them.

    Get the devnet's own with :meth:`of`; it is registered with the devnet, so installed filters
    and impersonation roll back with ``devnet.revert``.
    """

    def __init__(self, devnet: Devnet, *, registry: MethodRegistry = DEFAULT_REGISTRY) -> None:
        self.devnet = devnet
        self.registry = registry
        self.served = ServedAt(devnet.config.host)
        self._dispatchers: dict[str, Dispatcher] = {}

    @classmethod
    def of(cls, devnet: Devnet) -> RpcEndpoints:
        """The devnet's endpoints, created and registered with it on first use."""
        found = devnet.component(cls)
        if found is None:
            found = cls(devnet)
            devnet.register(found)
        return found

    def dispatcher(self, chain: str | int) -> Dispatcher:
        """The shared dispatcher of one chain, by name or chain id."""
        name = self.devnet.chain_config(chain).name
        if name not in self._dispatchers:
            self._dispatchers[name] = build_dispatcher(
                self.devnet[name], devnet=self.devnet, served=self.served, registry=self.registry
            )
        return self._dispatchers[name]

    def dispatchers(self) -> dict[str, Dispatcher]:
        """Every chain's dispatcher, by name, in configuration order."""
        return {c.name: self.dispatcher(c.name) for c in self.devnet.config.all_chains}

    def configured_ports(self) -> dict[str, int]:
        """The port each chain is configured to listen on (0: any free port)."""
        return {c.name: c.port for c in self.devnet.config.all_chains}

    def listening(self, host: str, ports: Mapping[str, int]) -> None:
        """Record where a server really listens (``zkdev_getConfig`` and :meth:`describe` report it)."""
        self.served.listening(host, ports)

    def describe(self) -> JsonObject:
        """The devnet's description with the real ports (what ``zkdev up`` prints, ``zkdev_getConfig``)."""
        return describe(self.devnet, self.served)

    def snapshot_state(self) -> dict[str, DispatcherState]:
        """Every dispatcher's filters and impersonation."""
        return {name: d.snapshot_state() for name, d in self._dispatchers.items()}

    def restore_state(self, state: dict[str, DispatcherState]) -> None:
        """Put back what :meth:`snapshot_state` captured (a dispatcher built since keeps its state)."""
        for name, captured in state.items():
            self._dispatchers[name].restore_state(captured)
