"""Crosschain tests of the Greeter: plain pytest with zkconnect's fixtures (no server, no setup)."""

from pathlib import Path

import pytest
from zkconnect.accounts import DevAccount
from zkconnect.messages import format_evm_v1
from zkconnect.relayer import Relayer
from zkconnect.testing import (
    Call,
    ChainHandle,
    Contract,
    assert_bundle_executed,
    assert_bundle_failed,
    compile_and_deploy,
    reverts,
    send_bundle,
    send_message,
)

GREETER = Path(__file__).parent.parent / "contracts" / "Greeter.sol"


@pytest.fixture(scope="module")
def alice(zk_accounts: tuple[DevAccount, ...]) -> DevAccount:
    return zk_accounts[0]


@pytest.fixture(scope="module")
def greeter(zk_a: ChainHandle, zk_b: ChainHandle, alice: DevAccount) -> Contract:
    """One Greeter on zk-b that trusts alice on zk-a (deployed once for the module)."""
    return compile_and_deploy(zk_b, GREETER, "Greeter", format_evm_v1(zk_a.chain_id, alice.address))


def test_a_greeting_crosses_from_zk_a_to_zk_b(zk_a: ChainHandle, zk_b: ChainHandle, greeter: Contract) -> None:
    sent = send_message(zk_a, zk_b, greeter, b"gm from zk-a", value=5)
    assert_bundle_executed(sent)
    assert greeter.call("greeting") == "gm from zk-a"
    assert greeter.call("received") == 5
    assert zk_b.balance(greeter) == 5
    (event,) = greeter.events("Greeted")
    assert event["greeting"] == "gm from zk-a"


def test_each_test_starts_from_a_fresh_greeter(greeter: Contract) -> None:
    assert greeter.call("greeting") == ""


def test_a_stranger_is_refused_with_the_decoded_error(
    zk_a: ChainHandle, zk_b: ChainHandle, zk_accounts: tuple[DevAccount, ...], greeter: Contract
) -> None:
    sent = send_message(zk_a, zk_b, greeter, b"hi", sender=zk_accounts[1])
    assert_bundle_failed(sent, match=r"UntrustedSender\(0x0001")
    assert greeter.call("greeting") == ""


def test_a_bundle_of_two_greetings_is_atomic(zk_a: ChainHandle, zk_b: ChainHandle, greeter: Contract) -> None:
    sent = send_bundle(zk_a, zk_b, [Call(greeter, b"first"), Call(greeter, b"")])
    assert_bundle_failed(sent, match="EmptyGreeting")
    assert greeter.call("greeting") == ""  # the first call was rolled back with the second
    sent = send_bundle(zk_a, zk_b, [Call(greeter, b"first"), Call(greeter, b"second")])
    assert_bundle_executed(sent)
    assert greeter.call("greeting") == "second"


def test_only_the_interop_handler_may_deliver(greeter: Contract) -> None:
    with reverts("NotInteropHandler"):
        greeter.send("receiveMessage", bytes(32), b"", b"direct")


def test_manual_relay_holds_the_greeting_until_relayed(
    zk_a: ChainHandle, zk_b: ChainHandle, zk_relayer: Relayer, greeter: Contract
) -> None:
    zk_relayer.set_mode("manual")
    sent = send_message(zk_a, zk_b, greeter, b"later")
    assert greeter.call("greeting") == ""
    zk_relayer.relay()
    assert str(sent.stage) == "executed"
    assert greeter.call("greeting") == "later"


def test_the_same_greeter_address_on_both_chains(zk_a: ChainHandle, zk_b: ChainHandle, alice: DevAccount) -> None:
    on_a, on_b = compile_and_deploy([zk_a, zk_b], GREETER, "Greeter", b"", salt=7)
    assert on_a.address == on_b.address
    assert zk_a.chain.code(on_a.address) == zk_b.chain.code(on_b.address) != b""
