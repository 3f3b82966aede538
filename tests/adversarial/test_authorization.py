"""Authorization (adversarial.md B.5, A1-A5; the Poly Network class) on the integrated devnet."""

from __future__ import annotations

from typing import Any

import pytest
from adversarial_helpers import (
    A_ID,
    B_ID,
    GW_ID,
    A,
    B,
    Sent,
    bundle_status,
    call_status,
    deliver,
    deploy,
    execute,
    interop_root,
    reverted_with,
    send_bundle,
    starter,
    uint_view,
    unbundle,
    unbundle_calldata,
    verify,
)
from eth_abi.abi import encode

from zkconnect import Devnet
from zkconnect.accounts import DevAccount
from zkconnect.artifacts import load
from zkconnect.assets import deploy_test_token, migrate_token_balance, register_token, token_address, transfer
from zkconnect.engine.chain import Chain
from zkconnect.errors import TransactionReverted
from zkconnect.interop.ledger import Stage
from zkconnect.protocol.addresses import (
    BASE_TOKEN_HOLDER,
    GW_ASSET_TRACKER,
    INTEROP_CENTER,
    INTEROP_HANDLER,
    L2_ASSET_ROUTER,
    L2_BRIDGEHUB,
    L2_INTEROP_ROOT_STORAGE,
    L2_MESSAGE_ROOT,
    L2_NATIVE_TOKEN_VAULT,
    L2_SYSTEM_CONTRACTS,
    SYSTEM_CONTEXT,
)
from zkconnect.protocol.messages import (
    execute_bundle_calldata,
    execution_address,
    format_evm_v1,
    selector,
    unbundler_address,
)
from zkconnect.protocol.reverts import error_name

UNRECEIVED, VERIFIED, FULLY_EXECUTED, UNBUNDLED = range(4)
UNPROCESSED, EXECUTED, CANCELLED = range(3)


def _calldata(signature: str, *args: Any) -> bytes:
    inner = signature[signature.index("(") + 1 : -1]
    types: list[str] = []
    depth, current = 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            types.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current:
        types.append(current)
    return selector(signature) + encode(types, list(args))


# ---------------------------------------------------------------------- A1


def test_only_the_execution_address_may_execute(devnet: Devnet, alice: DevAccount, bob: DevAccount) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    sent = send_bundle(
        devnet, alice, [starter(recipient)], attributes=[execution_address(format_evm_v1(B_ID, bob.address))]
    )
    entry = devnet.bundle(sent.hash)
    assert entry.stage == Stage.AWAITING_EXECUTOR  # the relayer does not try
    proof = devnet.proof(A, sent.tx).inclusion_proof()
    for intruder in (alice, devnet.contracts.relayer):
        receipt = execute(b, intruder, sent.encoded, proof)  # type: ignore[arg-type]
        reason = reverted_with(receipt, "ExecutingNotAllowed")
        assert format_evm_v1(B_ID, intruder.address).hex() in reason
    assert bundle_status(b, sent.hash) == UNRECEIVED
    assert uint_view(b, recipient, "count()") == 0
    # anyone may still verify (permissionless), but that grants no execution right
    assert verify(b, alice, sent.encoded, proof).ok
    reverted_with(execute(b, alice, sent.encoded, proof), "ExecutingNotAllowed")
    assert execute(b, bob, sent.encoded, proof).ok
    assert uint_view(b, recipient, "count()") == 1
    assert devnet.bundle(sent.hash).stage == Stage.EXECUTED


def test_the_right_address_on_another_chain_may_not_execute_directly(
    devnet: Devnet, alice: DevAccount, bob: DevAccount
) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    devnet.relayer.set_mode("manual")
    sent = send_bundle(
        devnet, alice, [starter(recipient)], attributes=[execution_address(format_evm_v1(A_ID, bob.address))]
    )
    proof = deliver(devnet, sent)
    reverted_with(execute(b, bob, sent.encoded, proof), "ExecutingNotAllowed")
    reverted_with(execute(b, alice, sent.encoded, proof), "ExecutingNotAllowed")
    assert bundle_status(b, sent.hash) == UNRECEIVED

    # bob on chain A executes it through a bundle of his own (InteropHandler.receiveMessage)...
    rescue = send_bundle(devnet, bob, [starter(INTEROP_HANDLER, execute_bundle_calldata(sent.encoded, proof))])
    # ...while the same request from alice's account is refused
    intruder = send_bundle(devnet, alice, [starter(INTEROP_HANDLER, execute_bundle_calldata(sent.encoded, proof))])
    report = devnet.relay()
    failed = dict(report.failed)
    assert intruder.hash in failed and failed[intruder.hash].startswith("ExecutingNotAllowed(")
    assert rescue.hash in report.executed
    assert sent.hash not in failed  # the relayer never spends a transaction on a bundle only bob@A may execute
    assert devnet.bundle(sent.hash).stage == Stage.EXECUTED
    history = " ".join(detail for _, detail in devnet.bundle(sent.hash).history)
    assert f"on chain {A_ID} may execute it" in history
    assert bundle_status(b, sent.hash) == FULLY_EXECUTED
    assert uint_view(b, recipient, "count()") == 1


def test_chain_id_zero_means_any_chain(devnet: Devnet, alice: DevAccount, bob: DevAccount) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RecordingRecipient")
    sent = send_bundle(
        devnet, alice, [starter(recipient)], attributes=[execution_address(format_evm_v1(None, bob.address))]
    )
    assert devnet.bundle(sent.hash).stage == Stage.AWAITING_EXECUTOR
    proof = devnet.proof(A, sent.tx).inclusion_proof()
    reverted_with(execute(b, alice, sent.encoded, proof), "ExecutingNotAllowed")
    assert execute(b, bob, sent.encoded, proof).ok


# ---------------------------------------------------------------------- A2


def _unbundleable(devnet: Devnet, alice: DevAccount) -> tuple[Sent, Any, list[bytes]]:
    b = devnet[B]
    recipients = [deploy(b, alice, "RecordingRecipient") for _ in range(3)]
    devnet.relayer.set_mode("manual")
    sent = send_bundle(
        devnet,
        alice,
        [starter(r, b"call %d" % i) for i, r in enumerate(recipients)],
        attributes=[unbundler_address(format_evm_v1(B_ID, alice.address))],
    )
    return sent, deliver(devnet, sent), recipients


def test_unbundle_permissions_and_statuses(devnet: Devnet, alice: DevAccount, bob: DevAccount) -> None:
    b = devnet[B]
    sent, proof, recipients = _unbundleable(devnet, alice)

    reverted_with(unbundle(b, alice, sent.encoded, [EXECUTED, UNPROCESSED, UNPROCESSED]), "CanNotUnbundle")
    assert verify(b, bob, sent.encoded, proof).ok
    for intruder in (bob, devnet.contracts.relayer):
        receipt = unbundle(b, intruder, sent.encoded, [EXECUTED, UNPROCESSED, UNPROCESSED])  # type: ignore[arg-type]
        reverted_with(receipt, "UnbundlingNotAllowed")
    for statuses in ([EXECUTED], [EXECUTED, UNPROCESSED], [EXECUTED] * 4, []):
        assert reverted_with(unbundle(b, alice, sent.encoded, statuses), "WrongCallStatusLength") == (
            f"WrongCallStatusLength(3, {len(statuses)})"
        )
    assert bundle_status(b, sent.hash) == VERIFIED

    assert unbundle(b, alice, sent.encoded, [EXECUTED, UNPROCESSED, UNPROCESSED]).ok
    assert bundle_status(b, sent.hash) == UNBUNDLED
    assert reverted_with(
        unbundle(b, alice, sent.encoded, [EXECUTED, UNPROCESSED, UNPROCESSED]), "CallNotExecutable"
    ) == (f"CallNotExecutable(0x{sent.hash.hex()}, 0)")
    assert reverted_with(
        unbundle(b, alice, sent.encoded, [CANCELLED, UNPROCESSED, UNPROCESSED]), "CallAlreadyExecuted"
    ) == (f"CallAlreadyExecuted(0x{sent.hash.hex()}, 0)")
    assert unbundle(b, alice, sent.encoded, [UNPROCESSED, CANCELLED, EXECUTED]).ok
    assert [call_status(b, sent.hash, i) for i in range(3)] == [EXECUTED, CANCELLED, EXECUTED]
    assert [uint_view(b, r, "count()") for r in recipients] == [1, 0, 1]
    reverted_with(unbundle(b, alice, sent.encoded, [UNPROCESSED, EXECUTED, UNPROCESSED]), "CallNotExecutable")
    assert unbundle(b, alice, sent.encoded, [UNPROCESSED, CANCELLED, UNPROCESSED]).ok  # cancelling twice is a no-op
    assert [uint_view(b, r, "count()") for r in recipients] == [1, 0, 1]


def test_default_unbundler_lives_on_the_source_chain(devnet: Devnet, alice: DevAccount, bob: DevAccount) -> None:
    b = devnet[B]
    recipient = deploy(b, alice, "RevertingRecipient")
    sent = send_bundle(devnet, alice, [starter(recipient)])  # fails in auto mode; unbundler defaults to alice@6565
    assert devnet.bundle(sent.hash).stage == Stage.FAILED
    assert sent.bundle.bundle_attributes.unbundler_address == format_evm_v1(A_ID, alice.address)
    proof = devnet.proof(A, sent.tx).inclusion_proof()
    assert verify(b, bob, sent.encoded, proof).ok
    reverted_with(unbundle(b, alice, sent.encoded, [CANCELLED]), "UnbundlingNotAllowed")

    # bob asking from chain A is refused; alice asking from chain A cancels it
    bad = send_bundle(devnet, bob, [starter(INTEROP_HANDLER, unbundle_calldata(sent.encoded, [CANCELLED]))])
    assert devnet.bundle(bad.hash).stage == Stage.FAILED
    assert (devnet.bundle(bad.hash).reason or "").startswith("UnbundlingNotAllowed(")
    good = send_bundle(devnet, alice, [starter(INTEROP_HANDLER, unbundle_calldata(sent.encoded, [CANCELLED]))])
    assert devnet.bundle(good.hash).stage == Stage.EXECUTED
    assert bundle_status(b, sent.hash) == UNBUNDLED and call_status(b, sent.hash, 0) == CANCELLED
    assert devnet.bundle(sent.hash).stage == Stage.UNBUNDLED


# ---------------------------------------------------------------------- A3


PRIVILEGED_CALLS = {
    "root storage": (
        L2_INTEROP_ROOT_STORAGE,
        _calldata("addInteropRoot(uint256,uint256,bytes32[])", GW_ID, 7, [b"\x07" * 32]),
    ),
    "handler (unknown selector)": (
        INTEROP_HANDLER,
        _calldata("addInteropRoot(uint256,uint256,bytes32[])", GW_ID, 7, [b"\x07" * 32]),
    ),
    "base token holder": (
        BASE_TOKEN_HOLDER,
        _calldata("give(address,uint256,uint256)", bytes(19) + b"\xbb", 10**18, A_ID),
    ),
    "bridgehub": (L2_BRIDGEHUB, _calldata("registerChainForInterop(uint256,bytes32)", 999, b"\x09" * 32)),
    "system context": (SYSTEM_CONTEXT, _calldata("setSettlementLayerChainId(uint256)", 31337)),
    "interop center": (INTEROP_CENTER, _calldata("setInteropFee(uint256)", 0)),
    "message root": (L2_MESSAGE_ROOT, _calldata("addNewChain(uint256,uint256)", 999, 0)),
    "asset tracker": (GW_ASSET_TRACKER, _calldata("transferOwnership(address)", bytes(19) + b"\xbb")),
    "asset router": (
        L2_ASSET_ROUTER,
        _calldata("setAssetHandlerAddressThisChain(bytes32,address)", b"\x01" * 32, bytes(19) + b"\xbb"),
    ),
    "native token vault": (L2_NATIVE_TOKEN_VAULT, _calldata("setLegacyTokenAssetId(address)", bytes(19) + b"\xbb")),
}


def _state(b: Chain) -> tuple[Any, ...]:
    return (
        interop_root(b, 7),
        b.balance(BASE_TOKEN_HOLDER),
        b.balance(bytes(19) + b"\xbb"),
        b.call(L2_BRIDGEHUB, _calldata("baseTokenAssetId(uint256)", 999)),
        b.call(SYSTEM_CONTEXT, selector("currentSettlementLayerChainId()")),
        b.call(INTEROP_CENTER, selector("interopProtocolFee()")),
        b.call(GW_ASSET_TRACKER, selector("owner()")),
    )


@pytest.mark.parametrize("target", sorted(PRIVILEGED_CALLS))
def test_bundle_calls_to_privileged_contracts_gain_nothing(devnet: Devnet, bob: DevAccount, target: str) -> None:
    b = devnet[B]
    to, payload = PRIVILEGED_CALLS[target]
    before = _state(b)
    sent = send_bundle(devnet, bob, [starter(to, payload)])
    entry = devnet.bundle(sent.hash)
    assert entry.stage == Stage.FAILED, f"a bundle call to the {target} went through"
    assert bundle_status(b, sent.hash) == UNRECEIVED
    assert _state(b) == before
    if to == INTEROP_HANDLER:
        assert entry.reason == "InvalidSelector(0xfb6200c6)"


def test_handler_self_calls_carry_the_senders_rights_only(devnet: Devnet, alice: DevAccount, bob: DevAccount) -> None:
    """A bundle asking the handler to execute or unbundle someone else's bundle is refused."""
    b = devnet[B]
    recipients = [deploy(b, alice, "RecordingRecipient") for _ in range(3)]
    mine = format_evm_v1(B_ID, alice.address)
    guarded = send_bundle(
        devnet,
        alice,
        [starter(r) for r in recipients],
        attributes=[execution_address(mine), unbundler_address(mine)],
    )
    assert devnet.bundle(guarded.hash).stage == Stage.AWAITING_EXECUTOR
    proof = devnet.proof(A, guarded.tx).inclusion_proof()
    assert verify(b, bob, guarded.encoded, proof).ok
    attacks = {
        "UnbundlingNotAllowed": unbundle_calldata(guarded.encoded, [EXECUTED, EXECUTED, EXECUTED]),
        "ExecutingNotAllowed": execute_bundle_calldata(guarded.encoded, proof),
    }
    for name, payload in attacks.items():
        attack = send_bundle(devnet, bob, [starter(INTEROP_HANDLER, payload)])
        entry = devnet.bundle(attack.hash)
        assert entry.stage == Stage.FAILED and (entry.reason or "").startswith(name + "("), entry.reason
    assert bundle_status(b, guarded.hash) == VERIFIED
    assert [uint_view(b, r, "count()") for r in recipients] == [0, 0, 0]
    # and nobody can call receiveMessage on the handler directly
    receipt = b.transact(
        bob.private_key,
        INTEROP_HANDLER,
        _calldata(
            "receiveMessage(bytes32,bytes,bytes)",
            bytes(32),
            format_evm_v1(B_ID, alice.address),
            attacks["UnbundlingNotAllowed"],
        ),
        gas=2_000_000,
    )
    assert reverted_with(receipt, "Unauthorized") == f"Unauthorized(0x{bob.address.hex()})"


# ---------------------------------------------------------------------- A4


def _address_views(name: str) -> list[str]:
    return sorted(
        item["name"]
        for item in load(name).abi
        if item.get("type") == "function"
        and item.get("stateMutability") in ("view", "pure")
        and not item.get("inputs")
        and [o["type"] for o in item.get("outputs", [])] == ["address"]
    )


def _deployed(devnet: Devnet) -> list[tuple[Chain, bytes, str]]:
    found: list[tuple[Chain, bytes, str]] = []
    for chain_id in devnet.contracts.l2:
        chain = devnet[chain_id]
        found += [(chain, address, name) for address, name in L2_SYSTEM_CONTRACTS.items() if chain.code(address)]
    if devnet.contracts.gateway is not None:
        found += [(devnet.gateway, a, "GatewayChainExecutor") for _, a in devnet.contracts.gateway.executors]
    l1c = devnet.contracts.l1
    found += [(devnet.l1, l1c.bridgehub, "L1Bridgehub"), (devnet.l1, l1c.message_root, "L1MessageRoot")]
    found += [(devnet.l1, a, "L1ChainSettlement") for _, a in l1c.settlements]
    return found


def test_no_owner_or_role_slot_names_the_handler_or_the_relayer(devnet: Devnet) -> None:
    forbidden = {INTEROP_HANDLER, devnet.contracts.relayer.address}
    roles: dict[str, bytes] = {}
    for chain, address, name in _deployed(devnet):
        for view in _address_views(name):
            out = chain.call(address, selector(f"{view}()"))
            roles[f"{chain.name}:{name}.{view}"] = out[12:]
    assert any(k.endswith("InteropCenter.owner") for k in roles), "the audit found no owner slots"
    offenders = {k: "0x" + v.hex() for k, v in roles.items() if v in forbidden}
    assert offenders == {}


PROBES = [
    (L2_INTEROP_ROOT_STORAGE, _calldata("addInteropRoot(uint256,uint256,bytes32[])", GW_ID, 8, [b"\x08" * 32])),
    (
        L2_INTEROP_ROOT_STORAGE,
        _calldata("addSingleInteropRoot((uint256,uint256,bytes32[]))", (GW_ID, 8, [b"\x08" * 32])),
    ),
    (INTEROP_CENTER, _calldata("setInteropFee(uint256)", 0)),
    (INTEROP_CENTER, selector("pause()")),
    (INTEROP_CENTER, _calldata("transferOwnership(address)", bytes(19) + b"\x01")),
    (INTEROP_CENTER, _calldata("initL2(uint256,address,bytes32)", 1, bytes(19) + b"\x01", b"\x01" * 32)),
    (INTEROP_HANDLER, _calldata("initL2(uint256)", 1)),
    (L2_BRIDGEHUB, _calldata("registerChainForInterop(uint256,bytes32)", 999, b"\x09" * 32)),
    (L2_BRIDGEHUB, _calldata("setLocalBaseTokenAssetId(bytes32)", b"\x09" * 32)),
    (SYSTEM_CONTEXT, _calldata("setSettlementLayerChainId(uint256)", 31337)),
    (L2_MESSAGE_ROOT, _calldata("addChainBatchRoot(uint256,uint256,bytes32)", A_ID, 1, b"\x09" * 32)),
    (L2_MESSAGE_ROOT, _calldata("addNewChain(uint256,uint256)", 999, 0)),
    (GW_ASSET_TRACKER, _calldata("transferOwnership(address)", bytes(19) + b"\x01")),
]


@pytest.mark.parametrize("who", ["handler", "relayer"])
def test_handler_and_relayer_cannot_mint_set_roots_or_change_config(devnet: Devnet, who: str) -> None:
    caller = INTEROP_HANDLER if who == "handler" else devnet.contracts.relayer.address
    for chain in (devnet[A], devnet[B], devnet.gateway):
        for to, data in PROBES:
            with pytest.raises(TransactionReverted):
                chain.call(to, data, sender=caller, gas=2_000_000)
    gw = devnet.gateway
    for _, executor in devnet.contracts.gateway.executors:  # type: ignore[union-attr]
        data = _calldata(
            "executeBatch(uint256,bytes32,(uint8,bool,uint16,address,bytes32,bytes32)[],bytes[],bytes32,(uint256,uint256,bytes32[])[])",
            devnet.settlement.settled_batch(A_ID) + 1,
            b"\x01" * 32,
            [],
            [],
            b"\x02" * 32,
            [],
        )
        with pytest.raises(TransactionReverted) as info:
            gw.call(executor, data, sender=caller, gas=2_000_000)
        assert error_name(info.value.data) == "Unauthorized"
    if who == "relayer":
        # the only base-token outflow is the holder's give, reserved to the handler
        with pytest.raises(TransactionReverted) as info:
            devnet[B].call(
                BASE_TOKEN_HOLDER, _calldata("give(address,uint256,uint256)", caller, 1, A_ID), sender=caller
            )
        assert error_name(info.value.data) == "Unauthorized"


# ---------------------------------------------------------------------- A5


def test_only_the_vault_mints_or_burns_a_bridged_token(devnet: Devnet, alice: DevAccount, bob: DevAccount) -> None:
    token = deploy_test_token(devnet, A, alice, name="Alpha", symbol="ALP", decimals=18, mint=10**21)
    asset = register_token(devnet, A, token, alice)
    migrate_token_balance(devnet, A, asset)
    transfer(devnet, A, B, token, 10**20, alice, bob.address)
    b = devnet[B]
    bridged = token_address(devnet, B, asset)
    assert b.code(bridged)
    supply = b.call(bridged, selector("totalSupply()"))
    mint = _calldata("bridgeMint(address,uint256)", bob.address, 10**24)
    burn = _calldata("bridgeBurn(address,uint256)", bob.address, 10**19)
    for caller in (alice.address, bob.address, devnet.contracts.relayer.address, INTEROP_HANDLER, L2_ASSET_ROUTER):
        for data in (mint, burn):
            with pytest.raises(TransactionReverted) as info:
                b.call(bridged, data, sender=caller)
            assert error_name(info.value.data) == "OnlyNativeTokenVault"
    # a bundle call straight to the token fails too (and it is no ERC-7786 recipient)
    sent = send_bundle(devnet, bob, [starter(bridged, mint)])
    assert devnet.bundle(sent.hash).stage == Stage.FAILED
    assert b.call(bridged, selector("totalSupply()")) == supply
    assert b.call(bridged, _calldata("balanceOf(address)", bob.address)) == (10**20).to_bytes(32, "big")
