"""The ``zkdev`` command line: ``up`` starts a devnet; ``status``, ``msgs`` and ``trace`` inspect a running one.

Output uses rich (tables, colour, a spinner while starting) and is plain text when stdout is not
a terminal.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click
from eth_utils.address import to_checksum_address

from zkconnect.config import DevnetConfig, load_config
from zkconnect.errors import ZkConnectError
from zkconnect.protocol.addresses import (
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L1_MESSENGER,
    L2_ASSET_ROUTER,
    L2_INTEROP_ROOT_STORAGE,
    L2_MESSAGE_VERIFICATION,
    L2_NATIVE_TOKEN_VAULT,
)
from zkconnect.protocol.reverts import describe_revert

if TYPE_CHECKING:
    # Imported where used: ``zkdev status`` and friends start without building py-evm chains or rich.
    from rich.console import Console

    from zkconnect.devnet import Devnet
    from zkconnect.engine.chain import BlockRecord
    from zkconnect.interop.ledger import Entry
    from zkconnect.rpc.dispatcher import Dispatcher

__all__ = ["EventStream", "format_event", "main", "rpc_request"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zkconnect", prog_name="zkdev")
def cli() -> None:
    """zkdev: a local ZKsync Connect devnet (L1, Gateway and ZK chains) in one process."""


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="devnet.toml to load.")
@click.option(
    "--relay",
    type=click.Choice(["auto", "manual"]),
    help="Deliver crosschain messages automatically or on request.",
)
@click.option("--timing", type=click.Choice(["fast", "realistic"]), help="Immediate stages, or blocks on an interval.")
@click.option("--host", help="Interface to bind (default 127.0.0.1).")
@click.option("--port-base", type=int, help="Give chains consecutive ports from this one (0: free ports).")
@click.option("--accounts", type=int, help="Number of mnemonic dev accounts to fund.")
@click.option("--config-out", type=click.Path(dir_okay=False), help="Write the running devnet's description as JSON.")
@click.option(
    "--log-dir",
    type=click.Path(file_okay=False),
    default=".zkdev/logs",
    show_default=True,
    help="Directory for one log file per chain (blocks, transactions, crosschain events); '' for none.",
)
@click.option(
    "--import-chain",
    "import_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Serve one chain imported from DIR/genesis.json + DIR/chain.rlp instead of the devnet.",
)
@click.option("--port", type=int, help="Port of the --import-chain chain (default 8545; 0: a free port).")
def up(
    config_path: str | None,
    relay: str | None,
    timing: str | None,
    host: str | None,
    port_base: int | None,
    accounts: int | None,
    config_out: str | None,
    log_dir: str,
    import_dir: str | None,
    port: int | None,
) -> None:
    """Start the devnet, serve JSON-RPC on every chain, stream crosschain events until Ctrl-C."""
    if import_dir is not None:
        _serve_imported(import_dir, host or "127.0.0.1", 8545 if port is None else port, config_out)
        return
    from zkconnect.rpc.endpoints import RpcEndpoints

    console = _console()
    overrides: dict[str, str | int | None] = {
        "relay": relay,
        "timing": timing,
        "host": host,
        "port_base": port_base,
        "accounts": accounts,
    }
    try:
        config = load_config(config_path, overrides=overrides)
        started = time.perf_counter()
        devnet = _build_devnet(console, config)
        built = time.perf_counter() - started
    except ZkConnectError as exc:
        raise click.ClickException(str(exc)) from exc
    endpoints = RpcEndpoints.of(devnet)
    events = EventStream(devnet, console, Path(log_dir) if log_dir else None)

    def ready(real_ports: dict[str, int]) -> None:
        endpoints.listening(config.host, real_ports)
        description = endpoints.describe()
        _print_banner(console, description, built, events.log_dir)
        if config_out:
            Path(config_out).write_text(json.dumps(description, indent=2) + "\n")
        events.start()

    ticks: tuple[float, Callable[[], object]] | None = None
    if config.timing == "realistic":
        # Blocks on an interval of the shared clock: transactions wait in each chain's pool until the tick.
        for chain in devnet.chains.values():
            chain.automine = False
        ticks = (config.block_time, devnet.tick)
    try:
        _serve(endpoints.dispatchers(), endpoints.configured_ports(), config.host, ready, ticks)
    finally:
        events.close()


def _console() -> Console:
    from rich.console import Console

    # rich drops colour and animation by itself when stdout is not a terminal.
    return Console(highlight=False, soft_wrap=True)


def _build_devnet(console: Console, config: DevnetConfig) -> Devnet:
    from zkconnect.devnet import Devnet

    if console.is_terminal:
        with console.status("building the devnet (L1, Gateway, ZK chains)..."):
            return Devnet(config)
    return Devnet(config)


class EventStream:
    """Prints every crosschain event of a devnet on one line and keeps one log file per chain."""

    def __init__(self, devnet: Devnet, console: Console, log_dir: Path | None) -> None:
        self.devnet = devnet
        self.console = console
        self.log_dir = log_dir
        self._names = {c.chain_id: c.name for c in devnet.config.all_chains}
        self._files: dict[str, TextIO] = {}
        self._block_loggers: dict[str, Callable[[BlockRecord], None]] = {}
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        """Attach to the ledger and to every chain's new blocks."""
        if self._started:
            return
        self._started = True
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            for name, chain in self.devnet.chains.items():
                self._files[name] = (self.log_dir / f"{name}.log").open("a", buffering=1, encoding="utf-8")
                self._block_loggers[name] = self._block_logger(name)
                chain.block_listeners.append(self._block_loggers[name])
        self.devnet.ledger.listeners.append(self.on_entry)

    def close(self) -> None:
        """Detach and close the log files."""
        if self.on_entry in self.devnet.ledger.listeners:
            self.devnet.ledger.listeners.remove(self.on_entry)
        for name, logger in self._block_loggers.items():
            self.devnet.chains[name].block_listeners.remove(logger)
        self._block_loggers.clear()
        with self._lock:
            for handle in self._files.values():
                handle.close()
            self._files.clear()

    def on_entry(self, entry: Entry) -> None:
        """Print one ledger change, and log it on the source and destination chains."""
        line = format_event(entry, self._names)
        with self._lock:
            self.console.print(line, markup=False)
            sys.stdout.flush()
            for cid in (entry.source_chain_id, entry.destination_chain_id):
                handle = None if cid is None else self._files.get(self._names.get(cid, ""))
                if handle is not None:
                    handle.write(f"{_now()} {line}\n")

    def _block_logger(self, name: str) -> Callable[[BlockRecord], None]:
        def on_block(record: BlockRecord) -> None:
            with self._lock:
                handle = self._files.get(name)
                if handle is None:
                    return
                handle.write(f"{_now()} block {record.number} 0x{record.hash.hex()} ({len(record.transactions)} tx)\n")
                for receipt in record.receipts:
                    outcome = "ok" if receipt.ok else f"reverted: {describe_revert(receipt.output)}"
                    kind = "system " if receipt.system else ""
                    to = "create" if receipt.to is None else "0x" + receipt.to.hex()
                    handle.write(
                        f"{_now()}   {kind}tx 0x{receipt.tx_hash.hex()} 0x{receipt.sender.hex()} -> {to} "
                        f"gas {receipt.gas_used} {outcome}\n"
                    )

        return on_block


def _now() -> str:
    return time.strftime("%H:%M:%S")


def _short(value: str | None) -> str:
    if value is None:
        return "-"
    return value if len(value) <= 14 else f"{value[:8]}…{value[-4:]}"


def format_event(entry: Entry | Mapping[str, Any], names: Mapping[int, str]) -> str:
    """One line for a ledger entry's latest step (``bundle 0x12ab…cdef zk-a -> zk-b executed: tx 0x…``).

    ``entry`` is an :class:`~zkconnect.interop.ledger.Entry` or its JSON form (``zkdev_getMessages``).
    """
    data = entry if isinstance(entry, Mapping) else entry.as_json()
    source = names.get(data["sourceChainId"], str(data["sourceChainId"]))
    route = source
    if data.get("destinationChainId") is not None:
        route += " -> " + names.get(data["destinationChainId"], str(data["destinationChainId"]))
    history = data.get("history") or []
    detail = history[-1]["detail"] if history else ""
    stage = data["stage"]
    if stage == "failed":
        detail = f"{data.get('reason') or detail}" + (
            f" (tx {data['destinationTx']})" if data.get("destinationTx") else ""
        )
    return f"{_now()} {data['kind']} {_short(data['id'])} {route} {stage.upper().replace('_', ' ')}: {detail}"


def _serve_imported(directory: str, host: str, port: int, config_out: str | None) -> None:
    from zkconnect.engine.importer import import_chain
    from zkconnect.rpc.endpoints import build_dispatcher

    try:
        chain = import_chain(directory)
    except ZkConnectError as exc:
        raise click.ClickException(str(exc)) from exc
    # Like a node without a consensus client: transactions wait in the pool, no block is mined.
    chain.automine = False
    dispatcher = build_dispatcher(chain, unlocked={})

    def ready(real_ports: dict[str, int]) -> None:
        url = f"http://{host}:{real_ports[chain.name]}"
        click.echo(
            f"imported {directory}: chain id {chain.chain_id}, head {chain.block_number} "
            f"(0x{chain.head.hash.hex()}) = safe = finalized"
        )
        click.echo(f"RPC: {url}")
        if config_out:
            description = {"chains": [{"name": chain.name, "chainId": chain.chain_id, "rpcUrl": url}]}
            Path(config_out).write_text(json.dumps(description, indent=2) + "\n")

    _serve({chain.name: dispatcher}, {chain.name: port}, host, ready)


def _serve(
    dispatchers: Mapping[str, Dispatcher],
    ports: Mapping[str, int],
    host: str,
    ready: Callable[[dict[str, int]], None],
    ticks: tuple[float, Callable[[], object]] | None = None,
) -> None:
    """Run the RPC server until SIGINT/SIGTERM; ``ready(real_ports)`` prints the banner; ``ticks`` is
    ``(seconds, work)`` to run on the request thread on an interval (realistic timing)."""
    from zkconnect.rpc.server import RpcServer

    server = RpcServer(dispatchers, ports, host=host)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            real = await server.start()
        except OSError as exc:
            await server.stop()
            raise click.ClickException(f"cannot listen on {host}: {exc}") from exc
        ready(real)
        if ticks is not None:
            server.every(*ticks)
        click.echo("ready. Press Ctrl-C to stop.")
        sys.stdout.flush()
        await stop.wait()
        click.echo("stopping.")
        await server.stop()

    asyncio.run(main())


_KEY_L2_CONTRACTS = (
    ("L1Messenger", L1_MESSENGER),
    ("L2AssetRouter", L2_ASSET_ROUTER),
    ("L2NativeTokenVault", L2_NATIVE_TOKEN_VAULT),
    ("L2InteropRootStorage", L2_INTEROP_ROOT_STORAGE),
    ("L2MessageVerification", L2_MESSAGE_VERIFICATION),
    ("InteropCenter", INTEROP_CENTER),
    ("InteropHandler", INTEROP_HANDLER),
)


def _print_banner(console: Console, description: Mapping[str, Any], built_seconds: float, log_dir: Path | None) -> None:
    from rich.table import Table

    table = Table(title=f"zkconnect devnet (built in {built_seconds * 1000:.0f} ms)", title_justify="left")
    for column in ("chain", "chain id", "settles on", "base token", "RPC URL (HTTP and WebSocket)"):
        table.add_column(column)
    for c in description["chains"]:
        table.add_row(
            c["name"],
            str(c["chainId"]),
            c["settlementLayer"] or "-",
            c["baseToken"],
            c["rpcUrl"] or "-",
        )
    console.print(table)
    l1 = description["systemContracts"]["l1"]
    console.print("system contracts:")
    console.print(f"  L1 Bridgehub             {l1['bridgehub']}  (zks_getBridgehubContract)")
    console.print(f"  L1 MessageRoot           {l1['messageRoot']}")
    console.print(f"  L1 ChainTypeManager      {l1['chainTypeManager']}")
    if "assetRouter" in l1:
        console.print(f"  L1 AssetRouter           {l1['assetRouter']}")
        console.print(f"  L1 Nullifier             {l1['nullifier']}")
        console.print(f"  L1 NativeTokenVault      {l1['nativeTokenVault']}")
    for name, address in _KEY_L2_CONTRACTS:
        console.print(f"  {name:<24} {to_checksum_address(address)}  (every ZK chain and Gateway)")
    relay = description["relay"] + (" (paused)" if description.get("relayPaused") else "")
    console.print(f"relay: {relay}   timing: {description['timing']}   relayer: {description['relayer']}")
    console.print(
        "unlocked for eth_sendTransaction: every account below; dev methods: anvil_*, hardhat_*, evm_*, zkdev_*"
    )
    console.print(f"accounts (each funded with {description['accountBalanceEth']} ETH on every chain):")
    for i, a in enumerate(description["accounts"]):
        console.print(f"  ({i}) {a['address']}  {a['privateKey']}")
    if log_dir is not None:
        console.print(f"logs: {log_dir}/<chain>.log")
    console.print("crosschain events:")


# ---------------------------------------------------------------------------- commands against a running devnet


def _default_rpc_url(config_path: str | None) -> str:
    try:
        config = load_config(config_path)
    except ZkConnectError as exc:
        raise click.ClickException(str(exc)) from exc
    port = config.l1.port or 8545
    return f"http://{config.host}:{port}"


def rpc_request(url: str, method: str, params: Sequence[object] | None = None, timeout: float = 30.0) -> Any:
    """Call one JSON-RPC method over HTTP; a :class:`click.ClickException` says what went wrong."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params or [])}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise click.ClickException(
            f"cannot reach a devnet at {url} ({exc}); start one with `zkdev up` or pass --rpc-url"
        ) from exc
    if "error" in answer:
        error = answer["error"]
        hint = " (is this a zkdev devnet? zkdev_* methods exist only there)" if error.get("code") == -32601 else ""
        raise click.ClickException(f"{method} failed: {error.get('message')}{hint}")
    return answer.get("result")


_rpc_url_option = click.option(
    "--rpc-url", help="RPC URL of any chain of the running devnet (default: the first chain's URL from the config)."
)
_config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), help="devnet.toml used to find the default RPC URL."
)
_json_option = click.option("--json", "as_json", is_flag=True, help="Print the raw JSON result.")


def _route(entry: dict[str, Any], names: dict[int, str]) -> str:
    source = names.get(entry["sourceChainId"], str(entry["sourceChainId"]))
    dest = entry.get("destinationChainId")
    return source if dest is None else f"{source} -> {names.get(dest, str(dest))}"


def _entry_line(entry: dict[str, Any], names: dict[int, str]) -> str:
    parts = [entry["kind"], entry["id"], _route(entry, names), entry["stage"]]
    if entry.get("reason"):
        parts.append(f"reason: {entry['reason']}")
    return "  ".join(parts)


@cli.command()
@_rpc_url_option
@_config_option
@_json_option
def status(rpc_url: str | None, config_path: str | None, as_json: bool) -> None:
    """Chains, heads, finality, relay state and pending messages of a running devnet."""
    from rich.table import Table

    result = rpc_request(rpc_url or _default_rpc_url(config_path), "zkdev_status")
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    console = _console()
    table = Table(title="chains", title_justify="left")
    for column in ("chain", "chain id", "head", "finalized", "settled batch", "stalled"):
        table.add_column(column)
    for c in result["chains"]:
        settled = "-" if c["settledBatch"] is None else str(c["settledBatch"])
        table.add_row(c["name"], str(c["chainId"]), str(c["head"]), str(c["finalized"]), settled, c["stalled"] or "-")
    console.print(table)
    relay = result["relay"]
    console.print(f"relay: {relay['mode']}{' (paused)' if relay['paused'] else ''}")
    counts = ", ".join(f"{stage}: {n}" for stage, n in sorted(result["messages"].items())) or "none yet"
    console.print(f"messages: {counts}")
    console.print(f"pending: {len(result['pending'])}")
    names = {c["chainId"]: c["name"] for c in result["chains"]}
    for entry in result["pending"]:
        console.print("  " + _entry_line(entry, names), markup=False)
    for problem in result["problems"]:
        console.print(f"problem: {problem}", markup=False)


@cli.command()
@_rpc_url_option
@_config_option
@_json_option
@click.option("--pending", is_flag=True, help="Only messages and bundles still on their way.")
@click.option("--stage", help="Only entries at this stage (sent, sealed, settled, root_imported, executed, failed...).")
def msgs(rpc_url: str | None, config_path: str | None, as_json: bool, pending: bool, stage: str | None) -> None:
    """Every crosschain message and bundle of a running devnet, with its stage."""
    from rich.table import Table

    url = rpc_url or _default_rpc_url(config_path)
    flt: dict[str, bool | str] = {}
    if pending:
        flt["pending"] = True
    if stage:
        flt["stage"] = stage
    entries = rpc_request(url, "zkdev_getMessages", [flt] if flt else [])
    if as_json:
        click.echo(json.dumps(entries, indent=2))
        return
    names = {c["chainId"]: c["name"] for c in rpc_request(url, "zkdev_getConfig")["chains"]}
    console = _console()
    if not entries:
        console.print("no crosschain messages yet")
        return
    table = Table(title=f"{len(entries)} message(s)", title_justify="left")
    for column in ("kind", "id", "route", "stage", "batch", "gateway block", "destination tx", "reason"):
        table.add_column(column)
    for e in entries:
        table.add_row(
            e["kind"],
            e["id"],
            _route(e, names),
            e["stage"],
            "-" if e["batchNumber"] is None else str(e["batchNumber"]),
            "-" if e["gatewayBlock"] is None else str(e["gatewayBlock"]),
            e["destinationTx"] or "-",
            e["reason"] or "-",
        )
    console.print(table)


@cli.command()
@click.argument("tx_or_bundle")
@_rpc_url_option
@_config_option
@_json_option
def trace(tx_or_bundle: str, rpc_url: str | None, config_path: str | None, as_json: bool) -> None:
    """One message's whole lifecycle, by source tx hash, bundle hash, message hash or destination tx hash."""
    url = rpc_url or _default_rpc_url(config_path)
    entries = rpc_request(url, "zkdev_trace", [tx_or_bundle])
    if as_json:
        click.echo(json.dumps(entries, indent=2))
        return
    if not entries:
        raise click.ClickException(
            f"no crosschain message or bundle matches {tx_or_bundle}; give the hash of a transaction that sent "
            "one (through the L1Messenger or InteropCenter), a bundle hash, or an executing transaction"
        )
    names = {c["chainId"]: c["name"] for c in rpc_request(url, "zkdev_getConfig")["chains"]}
    console = _console()
    for e in entries:
        console.print(_entry_line(e, names), markup=False)
        console.print(f"  source tx {e['sourceTx']} (L2->L1 log {e['logIndex']}), sender {e['sender']}", markup=False)
        if e["batchNumber"] is not None:
            console.print(f"  batch {e['batchNumber']}, gateway block {e['gatewayBlock'] or '-'}", markup=False)
        if e["destinationTx"]:
            console.print(f"  destination tx {e['destinationTx']}", markup=False)
        for step in e["history"]:
            console.print(f"    {step['stage']:<16} {step['detail']}", markup=False)


def main() -> None:
    """Entry point of the ``zkdev`` console script."""
    cli(prog_name="zkdev")
