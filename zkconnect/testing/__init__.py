"""Helpers for testing crosschain code against a :class:`~zkconnect.devnet.Devnet`.

The pytest plugin (:mod:`zkconnect.pytest_plugin`) hands these out as fixtures, but every helper
also works on a devnet built by hand::

    devnet = Devnet()
    zk_a, zk_b = ChainHandle(devnet, "zk-a"), ChainHandle(devnet, "zk-b")
    recipient = compile_and_deploy(zk_b, "contracts/Recipient.sol")
    sent = send_message(zk_a, zk_b, recipient.address, b"hello")
    assert_bundle_executed(sent)

- :class:`ChainHandle`: one chain, with a ``web3.Web3`` over the in-process provider and plain
  deploy / call / send / logs helpers; :class:`Contract`: a deployed contract called by function name.
- :func:`compile_solidity`, :func:`compile_and_deploy`: the user's own Solidity, on one chain or at
  the same (CREATE2) address on several chains.
- :func:`send_message`, :func:`send_bundle`, :func:`relay`, :func:`wait_for_bundle`,
  :func:`assert_bundle_executed`, :func:`assert_bundle_failed`: crosschain traffic and its outcome,
  with the decoded revert reason and the ledger stage in every failure message.
- :func:`reverts`: expect a transaction or call to revert with a given (decoded) reason.
- :func:`send_token`: an ERC-20 transfer between ZK chains through the L2AssetRouter.
- :func:`assert_supply_conserved`, :func:`assert_token_supply_conserved`,
  :func:`assert_trackers_consistent`: invariants for users' own property tests.

The helpers live by theme in :mod:`~zkconnect.testing.handles` (chains, contracts, compiling),
:mod:`~zkconnect.testing.crosschain` (bundles, messages, tokens and their outcome),
:mod:`~zkconnect.testing.invariants` and :mod:`~zkconnect.testing.decoding` (readable reverts); this
package re-exports them.
"""

from __future__ import annotations

from zkconnect.testing.crosschain import (
    Call,
    SentBundle,
    assert_bundle_executed,
    assert_bundle_failed,
    relay,
    send_bundle,
    send_message,
    send_token,
    wait_for_bundle,
)
from zkconnect.testing.decoding import describe, reverts
from zkconnect.testing.frames import hide_internal_frames
from zkconnect.testing.handles import CREATE2_FACTORY, ChainHandle, Contract, compile_and_deploy, compile_solidity
from zkconnect.testing.invariants import (
    assert_supply_conserved,
    assert_token_supply_conserved,
    assert_trackers_consistent,
)

__all__ = [
    "CREATE2_FACTORY",
    "Call",
    "ChainHandle",
    "Contract",
    "SentBundle",
    "assert_bundle_executed",
    "assert_bundle_failed",
    "assert_supply_conserved",
    "assert_token_supply_conserved",
    "assert_trackers_consistent",
    "compile_and_deploy",
    "compile_solidity",
    "describe",
    "relay",
    "reverts",
    "send_bundle",
    "send_message",
    "send_token",
    "wait_for_bundle",
]

__tracebackhide__ = hide_internal_frames
