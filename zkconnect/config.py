"""Devnet topology and settings: ``devnet.toml`` loaded into frozen, validated dataclasses.

Precedence, highest first: explicit overrides (CLI flags) > ``ZKDEV_*`` environment variables >
the TOML file > built-in defaults. The defaults mirror ZKsync's own v31 multi-chain local setup:
L1 31337 on port 8545, Gateway 506 on 3052, and two ZK chains settling on Gateway, 6565 on 3050
and 6566 on 3051.

Every error names the source (file or environment variable), the key and the bad value, and
nothing starts.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from zkconnect.errors import ConfigError

__all__ = [
    "ChainConfig",
    "DevnetConfig",
    "default_config",
    "load_config",
]

RelayMode = Literal["auto", "manual"]
TimingMode = Literal["fast", "realistic"]
Role = Literal["l1", "gateway", "zk"]

_DEVNET_KEYS = {
    "accounts": int,
    "account_balance_eth": int,
    "mnemonic": str,
    "relay": str,
    "timing": str,
    "host": str,
    "block_time": float,
    "interop_fee_wei": int,
}
_CHAIN_KEYS = {"name": str, "chain_id": int, "port": int, "settlement": str, "base_token": str}
_TOP_KEYS = ("devnet", "l1", "gateway", "chains")
_ENV = {
    "ZKDEV_RELAY": "relay",
    "ZKDEV_TIMING": "timing",
    "ZKDEV_HOST": "host",
    "ZKDEV_ACCOUNTS": "accounts",
    "ZKDEV_BLOCK_TIME": "block_time",
    "ZKDEV_PORT_BASE": "port_base",
}


@dataclass(frozen=True)
class ChainConfig:
    """One chain of the devnet.

    ``settlement`` names the chain this one settles on (``None`` for L1 itself);
    ``base_token`` is ``"ETH"`` or the symbol of an ERC20 that lives on L1.
    """

    name: str
    chain_id: int
    port: int
    role: Role
    settlement: str | None = None
    base_token: str = "ETH"

    @property
    def is_l2(self) -> bool:
        """True for Gateway and ZK chains (everything but L1)."""
        return self.role != "l1"


@dataclass(frozen=True)
class DevnetConfig:
    """The whole devnet: settings plus the L1, the optional Gateway and the ZK chains."""

    l1: ChainConfig
    gateway: ChainConfig | None
    chains: tuple[ChainConfig, ...]
    accounts: int = 10
    account_balance_eth: int = 10_000
    mnemonic: str = "test test test test test test test test test test test junk"
    relay: RelayMode = "auto"
    timing: TimingMode = "fast"
    host: str = "127.0.0.1"
    block_time: float = 1.0
    interop_fee_wei: int = 1_000_000_000
    source: str = field(default="<defaults>", compare=False)

    @property
    def all_chains(self) -> tuple[ChainConfig, ...]:
        """L1, then Gateway (if any), then the ZK chains."""
        return (self.l1, *((self.gateway,) if self.gateway else ()), *self.chains)

    def chain(self, name_or_id: str | int) -> ChainConfig:
        """Look up a chain by name or chain id, with a did-you-mean on failure."""
        for c in self.all_chains:
            if c.name == name_or_id or c.chain_id == name_or_id:
                return c
        names = [c.name for c in self.all_chains]
        close = difflib.get_close_matches(str(name_or_id), names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"no chain {name_or_id!r} in this devnet (chains: {', '.join(names)}).{hint}")


def default_config() -> DevnetConfig:
    """The built-in default topology (the same as the repository's ``devnet.toml``)."""
    return DevnetConfig(
        l1=ChainConfig("l1", 31337, 8545, "l1"),
        gateway=ChainConfig("gateway", 506, 3052, "gateway", settlement="l1"),
        chains=(
            ChainConfig("zk-a", 6565, 3050, "zk", settlement="gateway"),
            ChainConfig("zk-b", 6566, 3051, "zk", settlement="gateway"),
        ),
    )


def load_config(
    path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> DevnetConfig:
    """Load the devnet configuration.

    ``path`` is a TOML file (``None``: the ``ZKDEV_CONFIG`` variable if set, else the defaults).
    ``env`` defaults to ``os.environ``. ``overrides`` carries CLI flags: any ``[devnet]`` key,
    and ``port_base`` (chains get consecutive ports from it, in order L1, Gateway, ZK chains).
    Raises :class:`ConfigError` naming the source, key and value of the first problem.
    """
    env = os.environ if env is None else env
    if path is None and env.get("ZKDEV_CONFIG"):
        path = env["ZKDEV_CONFIG"]
    config = default_config() if path is None else _from_file(Path(path))
    layered: dict[str, tuple[str, Any]] = {}
    for var, key in _ENV.items():
        if var in env and env[var] != "":
            layered[key] = (f"environment variable {var}", env[var])
    for key, value in (overrides or {}).items():
        if value is not None:
            layered[key] = ("command line", value)
    return _apply_layers(config, layered)


def _apply_layers(config: DevnetConfig, layered: Mapping[str, tuple[str, Any]]) -> DevnetConfig:
    changes: dict[str, Any] = {}
    for key, (origin, raw) in layered.items():
        if key == "port_base":
            base = _coerce(origin, "port_base", raw, int)
            ports = [base + i if base else 0 for i in range(len(config.all_chains))]
            _check_port(origin, "port_base", base)
            if base and ports[-1] > 65535:
                raise ConfigError(f"{origin}: port_base = {base} leaves no room for {len(ports)} chains below 65536")
            config = _with_ports(config, ports)
            continue
        if key not in _DEVNET_KEYS:
            raise ConfigError(f"{origin}: unknown setting {key!r}{_did_you_mean(key, _DEVNET_KEYS)}")
        changes[key] = _coerce(origin, key, raw, _DEVNET_KEYS[key])
    config = replace(config, **changes)
    _validate_settings(config, "; ".join(sorted({o for o, _ in layered.values()})) or config.source)
    return config


def _with_ports(config: DevnetConfig, ports: list[int]) -> DevnetConfig:
    chains = [replace(c, port=p) for c, p in zip(config.all_chains, ports, strict=True)]
    l1, rest = chains[0], chains[1:]
    gateway = None
    if config.gateway is not None:
        gateway, rest = rest[0], rest[1:]
    return replace(config, l1=l1, gateway=gateway, chains=tuple(rest))


def _coerce(origin: str, key: str, raw: Any, kind: type) -> Any:
    if kind is int:
        if isinstance(raw, bool):
            raise ConfigError(f"{origin}: {key} = {raw!r} is not an integer")
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str):
            try:
                return int(raw, 0)
            except ValueError:
                pass
        raise ConfigError(f"{origin}: {key} = {raw!r} is not an integer")
    if kind is float:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        if isinstance(raw, str):
            try:
                return float(raw)
            except ValueError:
                pass
        raise ConfigError(f"{origin}: {key} = {raw!r} is not a number")
    if not isinstance(raw, str):
        raise ConfigError(f"{origin}: {key} = {raw!r} must be a string")
    return raw


def _did_you_mean(key: str, known: Mapping[str, Any] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(sorted(known))})"


def _check_port(origin: str, key: str, port: int) -> None:
    if not 0 <= port <= 65535:
        raise ConfigError(f"{origin}: {key} = {port} is not a TCP port (0-65535; 0 picks a free one)")


def _from_file(path: Path) -> DevnetConfig:
    where = str(path)
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(f"{where}: unknown section [{key}]{_did_you_mean(key, _TOP_KEYS)}")
    defaults = default_config()
    settings: dict[str, Any] = {}
    devnet = _table(where, "devnet", data.get("devnet", {}))
    for key, raw in devnet.items():
        if key not in _DEVNET_KEYS:
            raise ConfigError(f"{where}: [devnet] unknown key {key!r}{_did_you_mean(key, _DEVNET_KEYS)}")
        settings[key] = _coerce(f"{where}: [devnet]", key, raw, _DEVNET_KEYS[key])

    l1 = _chain(where, "[l1]", _table(where, "l1", data.get("l1", {})), "l1", defaults.l1)
    gateway = None
    gw_table = _table(where, "gateway", data.get("gateway", {}))
    enabled = gw_table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: [gateway] enabled = {enabled!r} must be true or false")
    if enabled:
        gw_table = {k: v for k, v in gw_table.items() if k != "enabled"}
        assert defaults.gateway is not None
        gateway = _chain(where, "[gateway]", gw_table, "gateway", defaults.gateway)
    raw_chains = data.get("chains", [])
    if not isinstance(raw_chains, list):
        raise ConfigError(f"{where}: chains must be an array of tables ([[chains]])")
    chains = []
    for i, raw in enumerate(raw_chains):
        chains.append(_chain(where, f"[[chains]] #{i + 1}", _table(where, f"chains[{i}]", raw), "zk", None))
    if "chains" not in data:
        chains = list(defaults.chains) if gateway is not None else []
    config = DevnetConfig(l1=l1, gateway=gateway, chains=tuple(chains), source=where, **settings)
    _validate_topology(config, where)
    return _canonical_settlement(config)


def _canonical_settlement(config: DevnetConfig) -> DevnetConfig:
    """Replace the role aliases 'l1' / 'gateway' in ``settlement`` by the layers' configured names."""
    aliases = {"l1": config.l1.name} | ({"gateway": config.gateway.name} if config.gateway else {})

    def named(c: ChainConfig) -> ChainConfig:
        return c if c.settlement is None else replace(c, settlement=aliases.get(c.settlement, c.settlement))

    gateway = named(config.gateway) if config.gateway else None
    return replace(config, gateway=gateway, chains=tuple(named(c) for c in config.chains))


def _table(where: str, key: str, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: {key} must be a table, got {raw!r}")
    return raw


def _chain(where: str, label: str, table: dict[str, Any], role: Role, default: ChainConfig | None) -> ChainConfig:
    for key in table:
        if key not in _CHAIN_KEYS:
            raise ConfigError(f"{where}: {label} unknown key {key!r}{_did_you_mean(key, _CHAIN_KEYS)}")
    values = {k: _coerce(f"{where}: {label}", k, v, _CHAIN_KEYS[k]) for k, v in table.items()}
    if default is None:
        for required in ("name", "chain_id"):
            if required not in values:
                raise ConfigError(f"{where}: {label} is missing {required!r}")
        values.setdefault("port", 0)
        values.setdefault("settlement", "gateway")
    else:
        values = {
            "name": default.name,
            "chain_id": default.chain_id,
            "port": default.port,
            "settlement": default.settlement,
            "base_token": default.base_token,
        } | values
    if role == "l1":
        if "settlement" in table:
            raise ConfigError(f"{where}: [l1] settlement: L1 settles nowhere; remove the key")
        values["settlement"] = None
    if role == "gateway" and values.get("settlement") != "l1":
        raise ConfigError(f"{where}: [gateway] settlement = {values.get('settlement')!r}: Gateway settles on 'l1'")
    return ChainConfig(role=role, **values)


def _validate_topology(config: DevnetConfig, where: str) -> None:
    names: dict[str, ChainConfig] = {}
    ids: dict[int, ChainConfig] = {}
    ports: dict[int, ChainConfig] = {}
    for c in config.all_chains:
        label = f"chain {c.name!r}"
        if not c.name or not c.name.replace("-", "").replace("_", "").isalnum():
            raise ConfigError(f"{where}: {label}: name must be letters, digits, '-' or '_'")
        if c.chain_id <= 0 or c.chain_id >= 2**64:
            raise ConfigError(f"{where}: {label}: chain_id = {c.chain_id} is not a valid chain id (1 to 2^64-1)")
        _check_port(f"{where}: {label}", "port", c.port)
        if c.name in names:
            raise ConfigError(f"{where}: two chains are named {c.name!r}")
        if c.chain_id in ids:
            raise ConfigError(
                f"{where}: {label}: chain_id = {c.chain_id} is already used by chain {ids[c.chain_id].name!r}"
            )
        if c.port and c.port in ports:
            raise ConfigError(f"{where}: {label}: port = {c.port} is already used by chain {ports[c.port].name!r}")
        names[c.name] = c
        ids[c.chain_id] = c
        if c.port:
            ports[c.port] = c
        if c.base_token != "ETH" and not (c.base_token.isalnum() and 1 <= len(c.base_token) <= 11):
            raise ConfigError(f"{where}: {label}: base_token = {c.base_token!r} must be 'ETH' or an ERC20 symbol")
    for c in config.chains:
        label = f"chain {c.name!r}"
        if c.settlement == "gateway" and config.gateway is None:
            raise ConfigError(
                f"{where}: {label}: settlement = 'gateway' but this devnet has no [gateway]; "
                "add a [gateway] section or set settlement = 'l1'"
            )
        valid = {config.l1.name, "l1"} | ({config.gateway.name, "gateway"} if config.gateway else set())
        if c.settlement not in valid:
            raise ConfigError(
                f"{where}: {label}: settlement = {c.settlement!r} is not a settlement layer "
                f"(use 'l1'{' or ' + repr('gateway') if config.gateway else ''})"
            )
    if config.l1.base_token != "ETH":
        raise ConfigError(f"{where}: [l1] base_token = {config.l1.base_token!r}: L1's base token is ETH")
    _validate_settings(config, where)


def _validate_settings(config: DevnetConfig, where: str) -> None:
    if config.relay not in ("auto", "manual"):
        raise ConfigError(f"{where}: relay = {config.relay!r} must be 'auto' or 'manual'")
    if config.timing not in ("fast", "realistic"):
        raise ConfigError(f"{where}: timing = {config.timing!r} must be 'fast' or 'realistic'")
    if not 0 <= config.accounts <= 1000:
        raise ConfigError(f"{where}: accounts = {config.accounts} must be between 0 and 1000")
    if config.account_balance_eth < 0:
        raise ConfigError(f"{where}: account_balance_eth = {config.account_balance_eth} must not be negative")
    if config.block_time <= 0:
        raise ConfigError(f"{where}: block_time = {config.block_time} must be positive (seconds)")
    if config.interop_fee_wei < 0:
        raise ConfigError(f"{where}: interop_fee_wei = {config.interop_fee_wei} must not be negative")
