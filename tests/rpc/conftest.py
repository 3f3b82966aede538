"""Fixtures for the JSON-RPC tests: a devnet served over HTTP in a background thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from zkconnect import Devnet
from zkconnect.config import load_config
from zkconnect.rpc.provider import dispatcher_for
from zkconnect.rpc.server import RpcServer


class ServedDevnet:
    """A devnet whose chains are served on free ports by an RpcServer in its own event loop."""

    def __init__(self, read_timeout: float = 2.0, devnet: Devnet | None = None) -> None:
        self.devnet = devnet or Devnet(load_config(overrides={"port_base": 0}))
        dispatchers = {c.name: dispatcher_for(self.devnet, c.name) for c in self.devnet.config.all_chains}
        self.server = RpcServer(dispatchers, {n: 0 for n in dispatchers}, read_timeout=read_timeout)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)

    def url(self, chain: str, scheme: str = "http") -> str:
        return self.server.url(chain, scheme)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def served() -> Iterator[ServedDevnet]:
    s = ServedDevnet()
    try:
        yield s
    finally:
        s.close()
