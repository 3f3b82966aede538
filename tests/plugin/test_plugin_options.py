"""The plugin's options, topology marker, readable failures and pytest-xdist, in throwaway sessions."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")

THREE_CHAINS = """
[devnet]
relay = "auto"

[l1]
name = "l1"
chain_id = 31337
port = 8545

[gateway]
name = "gateway"
chain_id = 506
port = 3052
settlement = "l1"

[[chains]]
name = "zk-a"
chain_id = 6565
port = 3050
settlement = "gateway"

[[chains]]
name = "zk-b"
chain_id = 6566
port = 3051
settlement = "gateway"

[[chains]]
name = "zk-c"
chain_id = 6567
port = 3053
settlement = "gateway"
"""

SEND_AND_CHECK = """
from zkconnect.testing import send_message

def test_delivery(zk_a, zk_b, zk_relayer):
    recipient = zk_b.deploy("RecordingRecipient")
    sent = send_message(zk_a, zk_b, recipient, b"ping")
    if zk_relayer.mode == "manual":
        assert str(sent.stage) == "sealed" and recipient.call("count") == 0
        zk_relayer.relay()
    assert str(sent.stage) == "executed"
    assert recipient.call("count") == 1
"""


def test_zk_relay_manual_holds_bundles_until_the_test_relays(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        SEND_AND_CHECK
        + """
def test_mode(zk_relayer, pytestconfig):
    assert zk_relayer.mode == pytestconfig.getoption("zk_relay", "auto") or zk_relayer.mode == "auto"
"""
    )
    pytester.runpytest("--zk-relay", "manual").assert_outcomes(passed=2)
    pytester.runpytest("--zk-relay", "auto").assert_outcomes(passed=2)
    result = pytester.runpytest("--zk-relay", "sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--zk-relay*invalid choice*sometimes*"])


def test_ini_settings_apply_and_the_command_line_wins(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", three=THREE_CHAINS)
    pytester.makeini("[pytest]\nzk_relay = manual\nzk_config = three.toml\n")
    pytester.makepyfile(
        """
        def test_settings(zk_devnet, zk_relayer, pytestconfig):
            assert len(zk_devnet.config.chains) == 3
            assert zk_relayer.mode == (pytestconfig.getoption("zk_relay") or "manual")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.runpytest("--zk-relay", "auto").assert_outcomes(passed=1)
    pytester.makeini("[pytest]\nzk_timing = slow\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*zk_timing = 'slow' must be one of: fast, realistic*"])


def test_zk_timing_realistic_catches_a_test_that_relied_on_instant_delivery(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from zkconnect.testing import assert_bundle_executed, send_message

        def test_timing(zk_devnet, pytestconfig):
            assert zk_devnet.config.timing == (pytestconfig.getoption("zk_timing") or "fast")

        def test_relies_on_instant_delivery(zk_a, zk_b):
            recipient = zk_b.deploy("RecordingRecipient")
            send_message(zk_a, zk_b, recipient, b"now")
            assert recipient.call("count") == 1

        def test_waits_for_the_outcome(zk_a, zk_b):
            recipient = zk_b.deploy("RecordingRecipient")
            assert_bundle_executed(send_message(zk_a, zk_b, recipient, b"later"))
            assert recipient.call("count") == 1
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)
    result = pytester.runpytest("--zk-timing", "realistic")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["FAILED *test_relies_on_instant_delivery*"])


def test_zk_config_and_the_rootdir_devnet_toml_choose_the_topology(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", three=THREE_CHAINS)
    pytester.makepyfile(
        """
        def test_chains(zk_devnet, zk_chain):
            names = [c.name for c in zk_devnet.config.chains]
            assert names == ["zk-a", "zk-b", "zk-c"]
            assert zk_chain("zk-c").web3.eth.chain_id == 6567
        """
    )
    pytester.runpytest().assert_outcomes(failed=1)
    pytester.runpytest("--zk-config", "three.toml").assert_outcomes(passed=1)
    pytester.makefile(".toml", devnet=THREE_CHAINS)
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.makefile(".toml", bad='[devnet]\nrelai = "auto"\n')
    result = pytester.runpytest("--zk-config", "bad.toml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*bad.toml*unknown key 'relai'*did you mean 'relay'*"])


def test_zk_topology_marker_per_test_and_per_module(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", three=THREE_CHAINS)
    pytester.makepyfile(
        test_per_test="""
        import pytest

        def test_default(zk_devnet):
            assert len(zk_devnet.config.chains) == 2

        @pytest.mark.zk_topology("three.toml")
        def test_three(zk_devnet, zk_chain):
            assert len(zk_devnet.config.chains) == 3
            zk_chain("zk-c").send(bytes(20), value=1)

        @pytest.mark.zk_topology("three")
        def test_three_again_isolated(zk_chain):
            assert zk_chain("zk-c").balance(bytes(20)) == 0

        def test_default_again(zk_devnet):
            assert len(zk_devnet.config.chains) == 2
        """,
        test_per_module="""
        import pytest

        pytestmark = pytest.mark.zk_topology("three.toml")

        @pytest.fixture(scope="module")
        def counter(zk_chain):
            return zk_chain("zk-c").deploy("Counter")

        def test_module_one(counter):
            counter.send("increment")
            assert counter.call("count") == 1

        def test_module_two(counter):
            assert counter.call("count") == 0
        """,
        test_missing="""
        import pytest

        @pytest.mark.zk_topology("nowhere.toml")
        def test_missing(zk_devnet):
            pass
        """,
    )
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=6, errors=1)
    result.stdout.fnmatch_lines(["*test_three*zk:three.toml*PASSED*", "*zk_topology('nowhere.toml')*no such file*"])


def test_a_failed_bundle_reads_well_without_plugin_frames(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from zkconnect.testing import assert_bundle_executed, send_message

        def test_delivery(zk_a, zk_b):
            recipient = zk_b.deploy("RevertingRecipient")
            sent = send_message(zk_a, zk_b, recipient, b"ping")
            assert_bundle_executed(sent)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "stopped at stage: failed" in out
    assert "reason: MessageRejected(" in out
    assert "0x70696e67" in out  # the payload, decoded as the error's argument
    assert "zkconnect/testing/" not in out and "pytest_plugin.py" not in out
    assert ">       assert_bundle_executed(sent)" in out
    shown = pytester.runpytest("--zk-show-internal").stdout.str()
    assert "zkconnect/testing/" in shown


def test_a_reverted_transaction_names_the_custom_error_without_engine_frames(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_direct_call(zk_b):
            recipient = zk_b.deploy("RevertingRecipient")
            recipient.send("receiveMessage", bytes(32), b"from", b"body")
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "RevertingRecipient.receiveMessage() on zk-b reverted: MessageRejected(" in out
    assert "chain.py" not in out and "testing.py" not in out


@pytest.mark.slow
def test_each_xdist_worker_gets_its_own_devnet(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "\n".join(
            f"""
def test_worker_{i}(zk_a, zk_b, zk_devnet):
    import os
    from zkconnect.testing import assert_bundle_executed, send_message
    recipient = zk_b.deploy("RecordingRecipient")
    assert_bundle_executed(send_message(zk_a, zk_b, recipient, b"{i}"))
    assert recipient.call("count") == 1
    assert [e.kind for e in zk_devnet.ledger].count("bundle") == 1  # only this test's bundle
    assert os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw")
"""
            for i in range(4)
        )
    )
    result = pytester.runpytest("-n", "2")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*2 workers*"])
