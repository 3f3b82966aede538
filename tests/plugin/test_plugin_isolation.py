"""The plugin's whole-devnet isolation, run in throwaway pytest sessions (``pytester``)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")

BOB = "bytes.fromhex('70997970c51812dc3a010c7d01b50e0d17dc79c8')"


def test_each_test_starts_from_the_same_devnet(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        def test_pay_bob(zk_a, zk_accounts):
            before = zk_a.balance({BOB})
            zk_a.send({BOB}, value=10**18)
            assert zk_a.balance({BOB}) == before + 10**18

        def test_bob_was_not_paid(zk_a):
            assert zk_a.balance({BOB}) == 10_000 * 10**18
            assert zk_a.chain.block_number == 0
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_clock_ledger_and_relayer_are_reverted_with_the_chains(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from zkconnect.testing import send_message

        def test_send_in_manual_mode_and_travel(zk_devnet, zk_a, zk_b, zk_relayer):
            pytest.before = zk_devnet.clock.now()
            zk_relayer.set_mode("manual")
            zk_devnet.clock.increase_time(86_400)
            sent = send_message(zk_a, zk_b, bytes(20), b"x")
            assert str(sent.stage) == "sealed"
            assert len(zk_devnet.ledger) == 1

        def test_everything_is_back(zk_devnet, zk_relayer):
            assert zk_relayer.mode == "auto"
            assert len(zk_devnet.ledger) == 0
            assert zk_devnet.clock.now() < pytest.before + 86_400 - 60
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_module_fixture_state_survives_the_module_but_test_changes_do_not(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def session_counter(zk_a):
            return zk_a.deploy("Counter")
        """
    )
    pytester.makepyfile(
        test_first="""
        import pytest

        @pytest.fixture(scope="module")
        def recipient(zk_b):
            return zk_b.deploy("RecordingRecipient")

        @pytest.fixture
        def bumped(session_counter):
            session_counter.send("increment")
            return session_counter

        def test_one(recipient, session_counter, bumped):
            assert bumped.call("count") == 1
            recipient.send("receiveMessage", bytes(32), b"", b"")
            assert recipient.call("count") == 1

        def test_two(recipient, session_counter, zk_b):
            assert zk_b.chain.code(recipient.address)          # the module's deployment is still there
            assert recipient.call("count") == 0                # the first test's call is not
            assert session_counter.call("count") == 0          # nor the function fixture's increment
            pytest.recipient = recipient.address
        """,
        test_second="""
        import pytest

        def test_three(zk_b, session_counter):
            assert zk_b.chain.code(pytest.recipient) == b""    # the other module's fixture is gone
            assert session_counter.call("count") == 0          # the session fixture is not
        """,
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_zk_no_isolation_lets_a_test_change_persist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.zk_no_isolation
        def test_pay_bob(zk_a):
            zk_a.send({BOB}, value=1)

        def test_bob_was_paid(zk_a):
            assert zk_a.balance({BOB}) == 10_000 * 10**18 + 1

        def test_still_paid_and_isolated_again(zk_a):
            zk_a.send({BOB}, value=1)

        def test_paid_once(zk_a):
            assert zk_a.balance({BOB}) == 10_000 * 10**18 + 1
        """
    )
    pytester.runpytest().assert_outcomes(passed=4)


def test_tests_without_zk_fixtures_are_left_alone(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest
        from zkconnect import Devnet

        @pytest.fixture
        def devnet():
            return Devnet()
        """
    )
    pytester.makepyfile(
        """
        def test_own_devnet_fixture(devnet):
            assert devnet["zk-a"].chain_id == 6565

        def test_plain():
            assert True
        """
    )
    result = pytester.runpytest("--setup-show")
    result.assert_outcomes(passed=2)
    assert "zk_devnet" not in result.stdout.str()


def test_fixture_names_are_prefixed_and_a_projects_own_fixtures_win(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def zk_accounts():
            return "mine"
        """
    )
    pytester.makepyfile(
        """
        def test_override(zk_accounts, zk_l1, zk_gateway, zk_chain):
            assert zk_accounts == "mine"
            assert (zk_l1.chain_id, zk_gateway.chain_id, zk_chain(6566).name) == (31337, 506, "zk-b")
            assert zk_l1.web3.eth.chain_id == 31337
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_every_hypothesis_example_starts_from_the_same_devnet(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        from hypothesis import given, settings, strategies as st

        @settings(max_examples=15, deadline=None, database=None)
        @given(amount=st.integers(min_value=1, max_value=10**18))
        def test_pay_bob(zk_a, amount):
            zk_a.send({BOB}, value=amount)
            assert zk_a.balance({BOB}) == 10_000 * 10**18 + amount

        def test_afterwards(zk_a):
            assert zk_a.balance({BOB}) == 10_000 * 10**18
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_relay_steps_and_class_scoped_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from zkconnect.testing import send_message

        class TestSteps:
            @pytest.fixture(scope="class")
            def recipient(self, zk_b, zk_relayer):
                zk_relayer.set_mode("manual")
                return zk_b.deploy("RecordingRecipient")

            def test_step_by_step(self, zk_a, zk_b, zk_relayer, recipient):
                sent = send_message(zk_a, zk_b, recipient, b"step")
                assert str(sent.stage) == "sealed"
                assert zk_relayer.settle() >= 1 and str(sent.stage) == "settled"
                zk_relayer.execute()
                assert str(sent.stage) == "executed" and recipient.call("count") == 1

            def test_mode_from_the_class_fixture_holds(self, zk_relayer, recipient):
                assert zk_relayer.mode == "manual" and recipient.call("count") == 0

        def test_outside_the_class(zk_relayer):
            assert zk_relayer.mode == "auto"
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_a_wider_fixture_first_requested_in_a_test_body_is_warned_about(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture(scope="module")
        def counter(zk_a):
            return zk_a.deploy("Counter")

        def test_late(request, zk_a):
            assert request.getfixturevalue("counter").call("count") == 0
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*module-scoped fixture 'counter' was first requested inside a test body*"])
