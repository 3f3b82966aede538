"""The ``zkdev`` command line."""

from __future__ import annotations

import json
import signal
import sys
import threading
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
def up(
    config_path: str | None,
    relay: str | None,
    timing: str | None,
    host: str | None,
    port_base: int | None,
    accounts: int | None,
    config_out: str | None,
) -> None:
    """Start the devnet and keep it running until Ctrl-C."""
    from zkconnect.devnet import Devnet

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
    description = describe(devnet.config, devnet)
    _print_banner(description, built)
    if config_out:
        Path(config_out).write_text(json.dumps(description, indent=2) + "\n")
    stop = threading.Event()

    def _stop(signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    click.echo("ready. Press Ctrl-C to stop.")
    sys.stdout.flush()
    while not stop.wait(0.2):
        pass
    click.echo("stopping.")


def describe(config: DevnetConfig, devnet: Any) -> dict[str, Any]:
    """A JSON-ready description of a running devnet (chains, accounts, modes)."""
    chains = []
    for c in config.all_chains:
        chains.append(
            {
                "name": c.name,
                "chainId": c.chain_id,
                "role": c.role,
                "settlementLayer": c.settlement,
                "baseToken": c.base_token,
                "port": c.port,
                "rpcUrl": f"http://{config.host}:{c.port}" if c.port else None,
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
    for column in ("chain", "chain id", "settles on", "base token", "port"):
        table.add_column(column)
    for c in description["chains"]:
        table.add_row(
            c["name"],
            str(c["chainId"]),
            c["settlementLayer"] or "-",
            c["baseToken"],
            str(c["port"] or "auto"),
        )
    console.print(table)
    console.print(f"relay: {description['relay']}   timing: {description['timing']}")
    console.print("JSON-RPC serving is not part of this build yet: use the Python API (zkconnect.Devnet).")
    console.print(f"accounts (each funded with {description['accountBalanceEth']} ETH on every chain):")
    for i, a in enumerate(description["accounts"]):
        console.print(f"  ({i}) {a['address']}  {a['privateKey']}")


def main() -> None:
    """Entry point of the ``zkdev`` console script."""
    cli(prog_name="zkdev")
