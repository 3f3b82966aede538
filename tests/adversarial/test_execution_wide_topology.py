"""E2 on a wider topology built in Python: a third Gateway-settled chain and a chain settling on L1.

zk-a (6565), zk-b (6566) and zk-c (6567) settle on Gateway; zk-l1 (6568) settles on L1. A bundle
from zk-a to zk-b, proven for real, is refused on every chain but its destination.
"""

from __future__ import annotations

import pytest
from adversarial_helpers import B_ID, A, B, bundle_status, deliver, deploy, execute, reverted_with, send_bundle, starter

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.config import ChainConfig, DevnetConfig, default_config
from zkconnect.interop.ledger import Stage

C_ID, L1_SETTLED_ID = 6567, 6568


@pytest.fixture(scope="module")
def devnet_module() -> Devnet:
    base = default_config()
    config = DevnetConfig(
        l1=base.l1,
        gateway=base.gateway,
        chains=(
            *base.chains,
            ChainConfig("zk-c", C_ID, 3053, "zk", settlement="gateway"),
            ChainConfig("zk-l1", L1_SETTLED_ID, 3054, "zk", settlement="l1"),
        ),
    )
    return Devnet(config)


# ---------------------------------------------------------------------- E2


def test_valid_proof_on_a_third_gateway_chain_reverts(devnet: Devnet, alice: DevAccount) -> None:
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    twin = deploy(devnet["zk-c"], alice, "RecordingRecipient")
    assert twin == recipient  # same deployer and nonce: the same address exists on zk-c
    devnet.relayer.set_mode("manual")
    sent = send_bundle(devnet, alice, [starter(recipient)])
    proof = deliver(devnet, sent, destination=C_ID)
    c = devnet["zk-c"]
    receipt = execute(c, alice, sent.encoded, proof)
    assert reverted_with(receipt, "WrongDestinationChainId") == (
        f"WrongDestinationChainId(0x{sent.hash.hex()}, {B_ID}, {C_ID})"
    )
    assert bundle_status(c, sent.hash) == 0
    devnet.relay()
    assert devnet.bundle(sent.hash).stage == Stage.EXECUTED
    assert bundle_status(c, sent.hash) == 0


def test_chain_settling_on_l1_refuses_to_execute_bundles(devnet: Devnet, alice: DevAccount) -> None:
    recipient = deploy(devnet[B], alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    sent = send_bundle(devnet, alice, [starter(recipient)])
    proof = deliver(devnet, sent)
    receipt = execute(devnet["zk-l1"], alice, sent.encoded, proof)
    reverted_with(receipt, "CannotClaimInteropOnL1Settlement")
    assert execute(devnet[B], alice, sent.encoded, proof).ok
    assert devnet[A].chain_id == 6565
