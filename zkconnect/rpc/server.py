"""The aiohttp transport: every chain on its own port, HTTP and WebSocket on the same port.

Transport policy (``adversarial.md`` B.4, S9-S13): bodies above the limit are refused with 413
before being read; methods other than POST (and GET for a WebSocket upgrade, OPTIONS for CORS
preflight) get 405; a content type other than JSON gets 415; a client that stalls while sending
its body is cut off after ``read_timeout`` seconds while others are served. Requests run one at
a time on a single worker thread, so the chains (which share a clock and devnet-wide
snapshots) never see concurrent requests; the event loop stays free for I/O meanwhile.

``eth_subscribe`` (``newHeads``, ``logs``) and ``eth_unsubscribe`` work over WebSocket; the subscriptions
themselves live in :mod:`zkconnect.rpc.subscriptions`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

from aiohttp import WSMsgType, web

import zkconnect.rpc.protocol as jsonrpc
from zkconnect.rpc.dispatcher import Dispatcher
from zkconnect.rpc.errors import RpcSetupError
from zkconnect.rpc.subscriptions import Outbox, Subscriber, SubscriptionFeed

__all__ = ["RpcServer"]

log = logging.getLogger("zkconnect.rpc.server")

_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
    "Access-Control-Allow-Headers": "*",
}

_RequestHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class RpcServer:
    """Serve several chains' dispatchers, one port each.

    ``ports`` maps chain names to ports (0 picks a free one); after :meth:`start`,
    :attr:`ports` holds the real ones and :meth:`url` gives each chain's HTTP URL.
    """

    def __init__(
        self,
        dispatchers: Mapping[str, Dispatcher],
        ports: Mapping[str, int],
        *,
        host: str = "127.0.0.1",
        read_timeout: float = 10.0,
    ) -> None:
        self.dispatchers = dict(dispatchers)
        self.host = host
        self.ports = dict(ports)
        self.read_timeout = read_timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zkdev-rpc")
        self._runners: list[web.AppRunner] = []
        ids = itertools.count(1)  # one numbering for the whole server: a subscription id names one chain
        self.feeds = {name: SubscriptionFeed(d, ids) for name, d in self.dispatchers.items()}
        self._websockets: set[web.WebSocketResponse] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def url(self, name: str, scheme: str = "http") -> str:
        """The URL of one chain (``scheme`` ``ws`` for WebSocket)."""
        return f"{scheme}://{self.host}:{self.ports[name]}"

    async def start(self) -> dict[str, int]:
        """Bind every chain's port; returns the real ports."""
        self._loop = asyncio.get_running_loop()
        for name, dispatcher in self.dispatchers.items():
            app = web.Application(client_max_size=dispatcher.limits.max_body)
            app.router.add_route("*", "/{tail:.*}", self._handler(name))
            runner = web.AppRunner(app, access_log=None, handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, self.host, self.ports.get(name, 0))
            await site.start()
            self._runners.append(runner)
            if runner.addresses:
                self.ports[name] = int(runner.addresses[0][1])
            self.feeds[name].attach()
        return dict(self.ports)

    def every(self, seconds: float, work: Callable[[], object]) -> None:
        """Run ``work`` every ``seconds`` (wall time) on the thread that serves requests, so it never races them.

        ``zkdev up --timing realistic`` ticks the devnet this way. Call after :meth:`start`; errors are printed
        to stderr and the ticking goes on.
        """
        if self._loop is None:
            raise RpcSetupError("start the server before scheduling work on it")

        async def ticker() -> None:
            loop = asyncio.get_running_loop()
            while True:
                await asyncio.sleep(seconds)
                try:
                    await loop.run_in_executor(self._executor, work)
                except Exception as exc:  # a failing tick must not stop the devnet
                    print(f"zkdev: interval tick failed: {exc}", file=sys.stderr)

        self._tasks.append(self._loop.create_task(ticker()))

    async def stop(self) -> None:
        """Close every connection and port; the chains' block listeners :meth:`start` added are removed."""
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()
        for feed in self.feeds.values():
            feed.detach()
        for ws in list(self._websockets):
            await ws.close()
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ HTTP

    def _handler(self, name: str) -> _RequestHandler:
        async def handle(request: web.Request) -> web.StreamResponse:
            if request.method == "OPTIONS":
                return web.Response(status=204, headers=_CORS)
            if request.method == "GET" and request.headers.get("Upgrade", "").lower() == "websocket":
                return await self._websocket(name, request)
            if request.method != "POST":
                return web.json_response(
                    {"error": f"method {request.method} not allowed: send JSON-RPC with POST"},
                    status=405,
                    headers={"Allow": "POST, OPTIONS", **_CORS},
                )
            ctype = request.content_type
            if ctype not in ("application/json", "application/json-rpc", "application/jsonrequest"):
                return web.json_response(
                    {"error": f"unsupported content type {ctype!r}: use application/json"},
                    status=415,
                    headers=_CORS,
                )
            limit = self.dispatchers[name].limits.max_body
            if request.content_length is not None and request.content_length > limit:
                return web.json_response({"error": f"body larger than {limit} bytes"}, status=413, headers=_CORS)
            try:
                body = await asyncio.wait_for(request.read(), self.read_timeout)
            except web.HTTPRequestEntityTooLarge:
                return web.json_response({"error": f"body larger than {limit} bytes"}, status=413, headers=_CORS)
            except TimeoutError:
                return web.json_response({"error": "timed out reading the request body"}, status=408)
            response = await self._run(name, body, self.dispatchers[name].call)
            if response is None:
                return web.Response(status=204, headers=_CORS)
            return web.Response(body=jsonrpc.encode(response), content_type="application/json", headers=_CORS)

        return handle

    async def _run(self, name: str, body: bytes | str, call: jsonrpc.Call) -> jsonrpc.Response:
        loop = asyncio.get_running_loop()
        limits = self.dispatchers[name].limits
        return await loop.run_in_executor(self._executor, jsonrpc.handle, body, call, limits)

    # ------------------------------------------------------------------ WebSocket

    async def _websocket(self, name: str, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=self.dispatchers[name].limits.max_body, heartbeat=30)
        await ws.prepare(request)
        feed = self.feeds[name]
        subscriber = feed.open(Outbox(asyncio.get_running_loop()))
        self._websockets.add(ws)
        sender = asyncio.create_task(self._sender(ws, subscriber))
        call = feed.call_for(subscriber)
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT or msg.type == WSMsgType.BINARY:
                    response = await self._run(name, msg.data, call)
                    if response is not None:
                        subscriber.outbox.put(jsonrpc.encode(response).decode())
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            feed.close(subscriber)
            self._websockets.discard(ws)
            sender.cancel()
        return ws

    async def _sender(self, ws: web.WebSocketResponse, subscriber: Subscriber) -> None:
        while True:
            text = await subscriber.outbox.next()
            if ws.closed:
                return
            await ws.send_str(text)
