"""The method registry: the tables of methods register here, and say which chains get them.

A :class:`MethodTable` is a module's methods with a rule: every chain, only dev dispatchers, only
a devnet's chains, only its L2s... and an optional ``setup`` that adapts the dispatcher (block-tag
resolvers, receipt fields). A :class:`MethodRegistry` holds tables in order and installs on a
dispatcher those whose rule holds, so the dispatcher itself knows no table and no chain kind::

    registry = MethodRegistry()
    registry.add(MethodTable("mine", (my_method,), applies=lambda d: d.on_devnet))
    registry.install(dispatcher, dev_methods=True)

:data:`zkconnect.rpc.endpoints.DEFAULT_REGISTRY` holds the standard, dev, ``zks_*`` and ``zkdev_*``
tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from zkconnect.rpc.dispatcher import Dispatcher, MethodSpec
from zkconnect.rpc.errors import RpcSetupError

__all__ = ["MethodRegistry", "MethodTable", "every_chain"]


def every_chain(d: Dispatcher) -> bool:
    """The rule of the standard tables: every chain gets them."""
    return True


@dataclass(frozen=True)
class MethodTable:
    """A named group of methods, the rule of which dispatchers get it, and what to set up on them.

    ``dev`` tables (anvil/hardhat/evm and ``zkdev_*``) are left out of dispatchers built without
    dev methods.
    """

    name: str
    methods: tuple[MethodSpec, ...]
    applies: Callable[[Dispatcher], bool] = every_chain
    dev: bool = False
    setup: Callable[[Dispatcher], None] | None = None

    def install(self, dispatcher: Dispatcher) -> None:
        """Register the methods on ``dispatcher`` and run ``setup``."""
        dispatcher.register_methods(self.methods)
        if self.setup is not None:
            self.setup(dispatcher)


class MethodRegistry:
    """Method tables in installation order."""

    def __init__(self, tables: Iterable[MethodTable] = ()) -> None:
        self._tables: dict[str, MethodTable] = {}
        for table in tables:
            self.add(table)

    def add(self, table: MethodTable) -> None:
        """Register a table; its name must be new."""
        if table.name in self._tables:
            raise RpcSetupError(f"a method table named {table.name!r} is already registered; give yours another name")
        self._tables[table.name] = table

    def __iter__(self) -> Iterator[MethodTable]:
        return iter(self._tables.values())

    def tables_for(self, dispatcher: Dispatcher, *, dev_methods: bool = True) -> list[MethodTable]:
        """The tables ``dispatcher`` gets."""
        return [t for t in self if (dev_methods or not t.dev) and t.applies(dispatcher)]

    def install(self, dispatcher: Dispatcher, *, dev_methods: bool = True) -> None:
        """Install on ``dispatcher`` every table whose rule holds for it."""
        for table in self.tables_for(dispatcher, dev_methods=dev_methods):
            table.install(dispatcher)
