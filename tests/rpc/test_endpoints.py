"""Which chain gets which method table, the per-devnet endpoints, subscriptions without a transport,
and the server's start/stop leaving the chains as it found them."""

from __future__ import annotations

import ast
import asyncio
import itertools
import json
from pathlib import Path

import pytest

import zkconnect.rpc
from zkconnect import Devnet
from zkconnect.config import load_config
from zkconnect.rpc.dispatcher import Dispatcher, rpc_method
from zkconnect.rpc.endpoints import DEFAULT_REGISTRY, RpcEndpoints, build_dispatcher
from zkconnect.rpc.errors import RpcError, RpcSetupError
from zkconnect.rpc.provider import ZkProvider, dispatcher_for
from zkconnect.rpc.registry import MethodRegistry, MethodTable
from zkconnect.rpc.subscriptions import Outbox, SubscriptionFeed

from .conftest import ServedDevnet

RPC_DIR = Path(zkconnect.rpc.__file__).parent


def _imports(module_file: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(module_file.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_dispatcher_and_the_registry_import_no_method_table():
    tables = {t.methods[0].fn.__module__ for t in DEFAULT_REGISTRY}
    assert {"zkconnect.rpc.eth_state", "zkconnect.rpc.zks", "zkconnect.rpc.zkdev"} <= tables
    for module in ("dispatcher", "registry", "filters", "protocol", "encoding", "errors"):
        assert not _imports(RPC_DIR / f"{module}.py") & tables, module


def test_rpc_modules_import_each_other_without_a_cycle():
    names = {p.stem: f"zkconnect.rpc.{p.stem}" for p in RPC_DIR.glob("*.py") if p.stem != "__init__"}
    graph = {
        module: {m for m in _imports(RPC_DIR / f"{stem}.py") if m in names.values() or m == "zkconnect.rpc"}
        for stem, module in names.items()
    }

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for dep in graph.get(todo.pop(), set()):
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    assert all("zkconnect.rpc" not in deps for deps in graph.values()), "import submodules, not the package"
    assert [m for m in graph if m in reachable(m)] == []


def test_no_rpc_module_is_over_600_lines():
    sizes = {p.name: len(p.read_text().splitlines()) for p in RPC_DIR.glob("*.py")}
    assert max(sizes.values()) <= 600, sizes


@pytest.fixture(scope="module")
def devnet() -> Devnet:
    return Devnet()


def test_tables_go_to_the_chains_their_rule_names(devnet):
    l1, zk_a = RpcEndpoints.of(devnet).dispatcher("l1"), RpcEndpoints.of(devnet).dispatcher("zk-a")
    assert "zks_L1ChainId" not in l1.methods and "zkdev_status" in l1.methods
    assert {"zks_L1ChainId", "zkdev_status", "anvil_mine", "eth_call"} <= set(zk_a.methods)
    quiet = build_dispatcher(devnet["zk-a"], devnet=devnet, dev_methods=False)
    assert "zks_L1ChainId" in quiet.methods
    assert not [m for m in quiet.methods if m.startswith(("anvil_", "hardhat_", "evm_", "zkdev_"))]
    lone = build_dispatcher(devnet["zk-a"])
    assert "eth_chainId" in lone.methods and "anvil_mine" in lone.methods
    assert not [m for m in lone.methods if m.startswith(("zks_", "zkdev_"))]


def test_a_registry_takes_new_tables_with_their_own_rule(devnet):
    @rpc_method("demo_chainName")
    def chain_name(d: Dispatcher) -> str:
        return d.chain.name

    registry = MethodRegistry(DEFAULT_REGISTRY)
    registry.add(MethodTable("demo", (chain_name,), applies=lambda d: d.chain.name == "zk-b"))
    with pytest.raises(RpcSetupError, match="already registered"):
        registry.add(MethodTable("demo", ()))
    assert build_dispatcher(devnet["zk-b"], devnet=devnet, registry=registry).call("demo_chainName") == "zk-b"
    assert "demo_chainName" not in build_dispatcher(devnet["zk-a"], devnet=devnet, registry=registry).methods


def test_endpoints_are_shared_and_attach_nothing_to_the_devnet_or_its_chains():
    devnet = Devnet()
    before = {"devnet": set(vars(devnet)), **{n: set(vars(c)) for n, c in devnet.chains.items()}}
    endpoints = RpcEndpoints.of(devnet)
    assert RpcEndpoints.of(devnet) is endpoints
    assert dispatcher_for(devnet, 6565) is endpoints.dispatcher("zk-a")
    assert ZkProvider(devnet, "zk-a").dispatcher is ZkProvider(devnet, 6565).dispatcher
    endpoints.dispatchers()
    after = {"devnet": set(vars(devnet)), **{n: set(vars(c)) for n, c in devnet.chains.items()}}
    assert after == before


def test_filters_and_impersonation_roll_back_with_the_devnet():
    devnet = Devnet()
    d = RpcEndpoints.of(devnet).dispatcher("zk-a")
    sid = devnet.snapshot()
    fid = d.call("eth_newBlockFilter")
    d.call("anvil_impersonateAccount", ["0x" + "42" * 20])
    devnet.revert(sid)
    with pytest.raises(RpcError, match="filter not found"):
        d.call("eth_getFilterChanges", [fid])
    assert not d.impersonation.allows(bytes.fromhex("42" * 20))


def test_zkdev_get_config_reports_where_the_devnet_is_listening():
    devnet = Devnet(load_config(overrides={"port_base": 0}))
    endpoints = RpcEndpoints.of(devnet)
    endpoints.listening("127.0.0.2", {"zk-a": 43050})
    for chain in ("l1", "zk-b"):
        config = endpoints.dispatcher(chain).call("zkdev_getConfig")
        assert isinstance(config, dict)
        zk_a = next(c for c in config["chains"] if c["name"] == "zk-a")
        assert zk_a["port"] == 43050 and zk_a["rpcUrl"] == "http://127.0.0.2:43050"
    assert endpoints.describe() == config


def test_subscriptions_notify_new_heads_and_pending_transactions_without_a_transport(devnet):
    loop = asyncio.new_event_loop()
    try:
        d = RpcEndpoints.of(devnet).dispatcher("zk-b")
        feed = SubscriptionFeed(d, itertools.count(1))
        listeners = len(d.chain.block_listeners)
        feed.attach()
        assert len(d.chain.block_listeners) == listeners + 1
        subscriber = feed.open(Outbox(loop))
        call = feed.call_for(subscriber)
        heads, pending = call("eth_subscribe", ["newHeads"]), call("eth_subscribe", ["newPendingTransactions"])
        assert (heads, pending) == ("0x1", "0x2")
        with pytest.raises(RpcError, match="unsupported subscription"):
            call("eth_subscribe", ["syncing"])
        alice = devnet.accounts[0]
        tx = call("eth_sendTransaction", [{"from": alice.checksum_address, "to": alice.checksum_address}])

        def next_note() -> dict[str, object]:
            return dict(json.loads(loop.run_until_complete(asyncio.wait_for(subscriber.outbox.next(), 5))))

        notes = [next_note(), next_note()]
        by_id = {n["params"]["subscription"]: n["params"]["result"] for n in notes}  # type: ignore[index]
        assert by_id[pending] == tx
        assert by_id[heads]["number"] == hex(d.chain.block_number)
        assert call("eth_unsubscribe", [heads]) is True and call("eth_unsubscribe", [heads]) is False
        assert call("eth_chainId", []) == hex(d.chain.chain_id)
        feed.close(subscriber)
        feed.detach()
        assert len(d.chain.block_listeners) == listeners
    finally:
        loop.close()


def test_starting_and_stopping_a_server_leaves_the_block_listeners_as_they_were():
    devnet = Devnet(load_config(overrides={"port_base": 0}))
    before = {name: len(chain.block_listeners) for name, chain in devnet.chains.items()}
    for _ in range(3):
        served = ServedDevnet(devnet=devnet)
        running = {name: len(chain.block_listeners) for name, chain in devnet.chains.items()}
        served.close()
        assert running == {name: n + 1 for name, n in before.items()}
        assert {name: len(chain.block_listeners) for name, chain in devnet.chains.items()} == before
