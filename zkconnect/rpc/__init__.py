"""JSON-RPC for zkconnect chains: a pure protocol layer, one error mapping, wire encoders, the
method tables, an in-process web3 provider and the aiohttp server (HTTP and WebSocket).

>>> from zkconnect import Devnet
>>> from zkconnect.rpc import Dispatcher
>>> devnet = Devnet()
>>> Dispatcher(devnet["zk-a"], devnet=devnet).call("eth_chainId")
'0x19a5'
"""

from zkconnect.rpc.dispatcher import Dispatcher, Handler, MethodSpec, rpc_method
from zkconnect.rpc.errors import InvalidParams, MethodNotFound, RpcError
from zkconnect.rpc.protocol import Limits

__all__ = ["Dispatcher", "Handler", "InvalidParams", "Limits", "MethodNotFound", "MethodSpec", "RpcError", "rpc_method"]
