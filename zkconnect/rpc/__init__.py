"""JSON-RPC for zkconnect chains: a pure protocol layer, one error mapping, wire encoders, the
method tables and their registry, the per-devnet endpoints, an in-process web3 provider and the
aiohttp server (HTTP and WebSocket, with subscriptions apart).

>>> from zkconnect import Devnet
>>> from zkconnect.rpc import RpcEndpoints
>>> devnet = Devnet()
>>> RpcEndpoints.of(devnet).dispatcher("zk-a").call("eth_chainId")
'0x19a5'
"""

from zkconnect.rpc.dispatcher import Dispatcher, Handler, MethodSpec, rpc_method
from zkconnect.rpc.endpoints import DEFAULT_REGISTRY, RpcEndpoints, build_dispatcher
from zkconnect.rpc.errors import InvalidParams, MethodNotFound, RpcError
from zkconnect.rpc.json_types import JSON
from zkconnect.rpc.protocol import Limits
from zkconnect.rpc.registry import MethodRegistry, MethodTable

__all__ = [
    "DEFAULT_REGISTRY",
    "JSON",
    "Dispatcher",
    "Handler",
    "InvalidParams",
    "Limits",
    "MethodNotFound",
    "MethodRegistry",
    "MethodSpec",
    "MethodTable",
    "RpcEndpoints",
    "RpcError",
    "build_dispatcher",
    "rpc_method",
]
