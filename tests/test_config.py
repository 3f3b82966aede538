"""devnet.toml loading, precedence and error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from zkconnect import ConfigError, DevnetConfig, default_config, load_config

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "devnet.toml"
    path.write_text(text)
    return path


def test_repository_devnet_toml_is_the_default_topology():
    assert load_config(ROOT / "devnet.toml") == default_config()


def test_default_topology_mirrors_zksync_v31_local_setup():
    config = default_config()
    assert [(c.chain_id, c.port, c.settlement) for c in config.all_chains] == [
        (31337, 8545, None),
        (506, 3052, "l1"),
        (6565, 3050, "gateway"),
        (6566, 3051, "gateway"),
    ]
    assert (config.relay, config.timing, config.host) == ("auto", "fast", "127.0.0.1")
    assert config.interop_fee_wei > 0


def test_schema_allows_more_chains_l1_settlement_and_erc20_base_token(tmp_path):
    path = write(
        tmp_path,
        """
[gateway]
chain_id = 506
[[chains]]
name = "a"
chain_id = 10
[[chains]]
name = "direct"
chain_id = 11
settlement = "l1"
[[chains]]
name = "custom"
chain_id = 12
base_token = "ZKT"
""",
    )
    config = load_config(path, env={})
    assert [c.name for c in config.chains] == ["a", "direct", "custom"]
    assert config.chain("direct").settlement == "l1"
    assert config.chain(12).base_token == "ZKT"
    assert config.chain("a").port == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[devnet]\nrelai = 'auto'\n", r"\[devnet\] unknown key 'relai'; did you mean 'relay'\?"),
        ("[[chains]]\nname='x'\nchain_idd=5\n", r"unknown key 'chain_idd'; did you mean 'chain_id'\?"),
        ("[gatway]\n", r"unknown section \[gatway\]; did you mean 'gateway'\?"),
        ("[[chains]]\nname='x'\nchain_id=0\n", r"chain 'x': chain_id = 0 is not a valid chain id"),
        ("[[chains]]\nname='x'\nchain_id=506\n", r"chain_id = 506 is already used by chain 'gateway'"),
        ("[[chains]]\nname='x'\nchain_id=7\nport=8545\n", r"port = 8545 is already used by chain 'l1'"),
        (
            "[[chains]]\nname='x'\nchain_id=7\nsettlement='moon'\n",
            r"settlement = 'moon' is not a settlement layer",
        ),
        ("[l1]\nchain_id='abc'\n", r"\[l1\]: chain_id = 'abc' is not an integer"),
        ("[devnet]\nrelay='sometimes'\n", r"relay = 'sometimes' must be 'auto' or 'manual'"),
        ("[devnet]\ntiming='slow'\n", r"timing = 'slow' must be 'fast' or 'realistic'"),
        ("[[chains]]\nname='x'\nchain_id=7\nport=70000\n", r"port = 70000 is not a TCP port"),
        ("[[chains]]\nchain_id=7\n", r"is missing 'name'"),
        ("this is not toml", r"not valid TOML"),
    ],
)
def test_bad_config_names_file_key_and_value(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path, env={})
    assert str(path) in str(info.value)


def test_gateway_settled_chain_without_gateway_is_refused(tmp_path):
    path = write(
        tmp_path,
        "[gateway]\nenabled = false\n[[chains]]\nname = 'lonely'\nchain_id = 9\nsettlement = 'gateway'\n",
    )
    with pytest.raises(ConfigError, match="settlement = 'gateway' but this devnet has no \\[gateway\\]"):
        load_config(path, env={})


def test_file_with_only_settings_keeps_the_default_topology(tmp_path):
    config = load_config(write(tmp_path, "[devnet]\nrelay = 'manual'\n"), env={})
    assert [c.chain_id for c in config.all_chains] == [31337, 506, 6565, 6566]


def test_single_chain_topology_without_gateway(tmp_path):
    config = load_config(write(tmp_path, "[gateway]\nenabled = false\n[l1]\nchain_id = 1337\n"), env={})
    assert [c.chain_id for c in config.all_chains] == [1337]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "nope.toml", env={})


def test_config_error_is_also_a_value_error():
    with pytest.raises(ValueError):
        load_config(env={"ZKDEV_TIMING": "warp"})


def test_precedence_cli_over_env_over_file_over_defaults(tmp_path):
    path = write(tmp_path, "[devnet]\nrelay = 'manual'\naccounts = 3\n")
    assert load_config(path, env={}).relay == "manual"
    assert load_config(path, env={}).timing == "fast"
    env = {"ZKDEV_RELAY": "auto", "ZKDEV_TIMING": "realistic"}
    assert load_config(path, env=env).relay == "auto"
    final = load_config(path, env=env, overrides={"relay": "manual", "accounts": None})
    assert (final.relay, final.timing, final.accounts) == ("manual", "realistic", 3)


def test_zkdev_config_env_names_the_file(tmp_path):
    path = write(tmp_path, "[devnet]\naccounts = 2\n")
    assert load_config(env={"ZKDEV_CONFIG": str(path)}).accounts == 2


def test_env_errors_name_the_variable():
    with pytest.raises(ConfigError, match="environment variable ZKDEV_ACCOUNTS: accounts = 'many'"):
        load_config(env={"ZKDEV_ACCOUNTS": "many"})


def test_port_base_assigns_consecutive_ports_and_zero_means_free():
    config = load_config(env={}, overrides={"port_base": 9000})
    assert [c.port for c in config.all_chains] == [9000, 9001, 9002, 9003]
    assert {c.port for c in load_config(env={}, overrides={"port_base": 0}).all_chains} == {0}


def test_chain_lookup_suggests_close_names():
    with pytest.raises(ConfigError, match="Did you mean 'zk-a'"):
        default_config().chain("zk-aa")


def test_config_is_frozen():
    config: DevnetConfig = default_config()
    with pytest.raises(AttributeError):
        config.relay = "manual"  # type: ignore[misc]
