"""The ``zkdev`` command line."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

import click

from zkconnect.config import DevnetConfig, load_config
from zkconnect.errors import ZkConnectError

__all__ = ["main"]


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
    import_dir: str | None,
    port: int | None,
) -> None:
    """Start the devnet, serve JSON-RPC on every chain, and keep running until Ctrl-C."""
    if import_dir is not None:
        _serve_imported(import_dir, host or "127.0.0.1", 8545 if port is None else port, config_out)
        return
    from zkconnect.devnet import Devnet
    from zkconnect.rpc.provider import dispatcher_for

    overrides: dict[str, Any] = {
        "relay": relay,
        "timing": timing,
        "host": host,
        "port_base": port_base,
        "accounts": accounts,
    }
    try:
        config = load_config(config_path, overrides=overrides)
        started = time.perf_counter()
        devnet = Devnet(config)
        built = time.perf_counter() - started
    except ZkConnectError as exc:
        raise click.ClickException(str(exc)) from exc
    dispatchers = {c.name: dispatcher_for(devnet, c.name) for c in config.all_chains}
    ports = {c.name: c.port for c in config.all_chains}

    def ready(real_ports: dict[str, int]) -> None:
        description = describe(devnet.config, devnet, real_ports)
        _print_banner(description, built)
        if config_out:
            Path(config_out).write_text(json.dumps(description, indent=2) + "\n")

    _serve(dispatchers, ports, config.host, ready)


def _serve_imported(directory: str, host: str, port: int, config_out: str | None) -> None:
    from zkconnect.importer import import_chain
    from zkconnect.rpc.dispatcher import Dispatcher

    try:
        chain = import_chain(directory)
    except ZkConnectError as exc:
        raise click.ClickException(str(exc)) from exc
    # Like a node without a consensus client: transactions wait in the pool, no block is mined.
    chain.automine = False
    dispatcher = Dispatcher(chain, unlocked={})

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


def _serve(dispatchers: dict[str, Any], ports: dict[str, int], host: str, ready: Any) -> None:
    """Run the RPC server until SIGINT/SIGTERM; ``ready(real_ports)`` prints the banner."""
    import asyncio

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
        click.echo("ready. Press Ctrl-C to stop.")
        sys.stdout.flush()
        await stop.wait()
        click.echo("stopping.")
        await server.stop()

    asyncio.run(main())


def describe(config: DevnetConfig, devnet: Any, ports: dict[str, int] | None = None) -> dict[str, Any]:
    """A JSON-ready description of a running devnet (chains, accounts, modes); ``ports`` are the real ones."""
    chains = []
    for c in config.all_chains:
        port = (ports or {}).get(c.name, c.port)
        chains.append(
            {
                "name": c.name,
                "chainId": c.chain_id,
                "role": c.role,
                "settlementLayer": c.settlement,
                "baseToken": c.base_token,
                "port": port,
                "rpcUrl": f"http://{config.host}:{port}" if port else None,
                "wsUrl": f"ws://{config.host}:{port}" if port else None,
            }
        )
    return {
        "chains": chains,
        "accounts": [{"address": a.checksum_address, "privateKey": a.key_hex} for a in devnet.accounts],
        "accountBalanceEth": config.account_balance_eth,
        "relay": config.relay,
        "timing": config.timing,
    }


def _print_banner(description: dict[str, Any], built_seconds: float) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
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
    console.print(f"relay: {description['relay']}   timing: {description['timing']}")
    console.print("unlocked for eth_sendTransaction: every account below; dev methods: anvil_*, hardhat_*, evm_*")
    console.print(f"accounts (each funded with {description['accountBalanceEth']} ETH on every chain):")
    for i, a in enumerate(description["accounts"]):
        console.print(f"  ({i}) {a['address']}  {a['privateKey']}")


def main() -> None:
    """Entry point of the ``zkdev`` console script."""
    cli(prog_name="zkdev")
