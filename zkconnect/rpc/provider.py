"""An in-process web3 provider: ``Web3(ZkProvider(devnet, "zk-a"))`` without sockets.

Requests go through the same bytes-in/bytes-out path as the HTTP server (the chain's
:class:`~zkconnect.rpc.dispatcher.Dispatcher`), so results are identical to what a client gets
over the wire.
"""

from __future__ import annotations

from typing import Any, cast

from web3.providers.base import JSONBaseProvider
from web3.types import RPCEndpoint, RPCResponse

from zkconnect.devnet import Devnet
from zkconnect.rpc.dispatcher import Dispatcher
from zkconnect.rpc.endpoints import RpcEndpoints
from zkconnect.rpc.errors import RpcSetupError

__all__ = ["ZkProvider", "dispatcher_for"]


class ZkProvider(JSONBaseProvider):
    """A web3 provider answering from a chain's dispatcher in the same process.

    Pass a :class:`Dispatcher` (shared with a server, for instance) or a devnet and a chain
    name or id; a devnet's dispatchers are shared (:class:`~zkconnect.rpc.endpoints.RpcEndpoints`)
    so every provider of a chain shares filters and impersonation state.
    """

    def __init__(self, target: Devnet | Dispatcher, chain: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(target, Dispatcher):
            self.dispatcher = target
        else:
            if chain is None:
                raise RpcSetupError("ZkProvider(devnet, chain): name the chain (e.g. 'zk-a' or 6565)")
            self.dispatcher = dispatcher_for(target, chain)

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        """Encode, dispatch and decode one request."""
        raw = self.dispatcher.handle_bytes(self.encode_rpc_request(method, params))
        return self.decode_rpc_response(raw)

    def make_batch_request(self, requests: list[tuple[RPCEndpoint, Any]]) -> list[RPCResponse] | RPCResponse:
        """Encode, dispatch and decode a batch."""
        raw = self.dispatcher.handle_bytes(self.encode_batch_rpc_request(requests))
        response: object = self.decode_rpc_response(raw)
        if isinstance(response, list):
            return sorted(cast(list[RPCResponse], response), key=_request_order)
        return cast(RPCResponse, response)

    def is_connected(self, show_traceback: bool = False) -> bool:
        """Always connected: the chain is in this process."""
        return True


def _request_order(response: RPCResponse) -> int:
    rid = response.get("id")
    return rid if isinstance(rid, int) else 0


def dispatcher_for(devnet: Devnet, chain: str | int) -> Dispatcher:
    """The devnet's shared dispatcher for one chain (:meth:`RpcEndpoints.dispatcher`)."""
    return RpcEndpoints.of(devnet).dispatcher(chain)
