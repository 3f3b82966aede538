# ruff: noqa: N802
"""L1: Bridgehub registry, per-chain settlement, and L1MessageRoot proofs (incl. withdrawals through Gateway)."""

from __future__ import annotations

from typing import Any

from conftest import (
    A_ID,
    ALICE,
    B_ID,
    C_ID,
    ETH,
    GW_ID,
    L1_ID,
    L2_LOG,
    VALIDATOR,
    Net,
    assert_reverted,
    calldata,
    error,
    locate,
    reverts,
    seal,
    word,
)
from eth_abi.abi import decode

from zkconnect.protocol.addresses import ETH_TOKEN_ADDRESS
from zkconnect.protocol.merkle import (
    LogTree,
    batch_root,
    build_direct_l1_proof,
    build_gateway_l1_proof,
    empty_multichain_batch_root,
    keccak,
)

EXECUTE = f"executeBatch(uint256,bytes32,{L2_LOG}[],bytes[],bytes32)"
PROVE_MESSAGE = "proveL2MessageInclusionShared(uint256,uint256,uint256,(uint16,address,bytes),bytes32[])"


def l1_view(net: Net, to: bytes, signature: str, *args: Any) -> bytes:
    return net.l1.call(to, calldata(signature, *args))


def batch_logs(batch: Any) -> list[Any]:
    return [
        (e.log.l2_shard_id, e.log.is_service, e.log.tx_number_in_batch, e.log.sender, e.log.key, e.log.value)
        for e in batch.logs
    ]


def settle_gateway_on_l1(net: Net, through: int) -> None:
    """Execute Gateway's batches (= blocks) on L1; each one's aggregated root is the shared root of that block."""
    for number in range(net.gw_settled_on_l1 + 1, through + 1):
        batch = seal(net.gw, number)
        aggregated = net.twin.root_at(number)
        root = batch.root(aggregated)
        data = calldata(EXECUTE, number, root, batch_logs(batch), list(batch.messages), aggregated)
        receipt = net.transact(net.l1, VALIDATOR, net.l1c.settlement(GW_ID), data)
        assert receipt.ok, receipt.output.hex()
        net.gw_settled_on_l1 = number


def test_L1Bridgehub_answers_the_sdk_getters(net: Net) -> None:
    bridgehub = net.l1c.bridgehub
    for chain_id, settlement_layer in ((GW_ID, L1_ID), (A_ID, GW_ID), (B_ID, GW_ID), (C_ID, L1_ID)):
        assert l1_view(net, bridgehub, "getZKChain(uint256)", chain_id)[12:] == net.l1c.settlement(chain_id)
        assert l1_view(net, bridgehub, "chainTypeManager(uint256)", chain_id)[12:] == net.l1c.chain_type_manager
        assert l1_view(net, bridgehub, "baseToken(uint256)", chain_id)[12:] == ETH_TOKEN_ADDRESS
        assert l1_view(net, bridgehub, "baseTokenAssetId(uint256)", chain_id) == ETH
        assert int.from_bytes(l1_view(net, bridgehub, "settlementLayer(uint256)", chain_id), "big") == settlement_layer
    assert decode(["bool"], l1_view(net, bridgehub, "whitelistedSettlementLayers(uint256)", GW_ID))[0] is True
    assert decode(["bool"], l1_view(net, bridgehub, "whitelistedSettlementLayers(uint256)", A_ID))[0] is False
    assert l1_view(net, bridgehub, "messageRoot()")[12:] == net.l1c.message_root
    version = decode(
        ["uint32", "uint32", "uint32"], l1_view(net, net.l1c.chain_type_manager, "getSemverProtocolVersion()")
    )
    assert version == (0, 31, 0)
    ids = decode(["uint256[]"], l1_view(net, bridgehub, "getAllZKChainChainIDs()"))[0]
    assert sorted(ids) == sorted([GW_ID, A_ID, B_ID, C_ID])
    register = calldata(
        "registerChain(uint256,address,address,address,bytes32,uint256,uint256)",
        999,
        ALICE.address,
        ALICE.address,
        ETH_TOKEN_ADDRESS,
        ETH,
        L1_ID,
        0,
    )
    assert_reverted(
        net.transact(net.l1, ALICE, bridgehub, register), calldata("Error(string)", "Ownable: caller is not the owner")
    )


def test_withdrawal_from_a_gateway_chain_is_proven_on_l1_through_gateways_batch(net: Net) -> None:
    sender = net.deploy(net.a, "InteropMessageSender")
    receipt = net.transact(net.a, ALICE, sender, calldata("sendMessage(bytes)", b"withdraw 1 ETH"))
    assert receipt.ok
    executed = net.settle(A_ID, receipt.block_number)
    gw_block = executed.block_number
    settle_gateway_on_l1(net, gw_block)

    batch, entry = locate(net.a, receipt.tx_hash, 0)
    _, leaf_index = net.twin.placement(A_ID, batch.number) or (0, 0)
    trees = net.twin.trees_at(A_ID, gw_block)
    gw_batch = seal(net.gw, gw_block)
    built = build_gateway_l1_proof(
        logs=batch.tree,
        leaf_index=entry.leaf_index,
        chain_id=A_ID,
        batch_number=batch.number,
        chain_tree=trees.chain_tree,
        batch_leaf_index=leaf_index,
        shared_tree=trees.shared_tree,
        chain_index=trees.chain_index,
        gateway_chain_id=GW_ID,
        gateway_batch_number=gw_block,
        gateway_local_logs_root=gw_batch.tree.root(),
    )
    assert l1_view(net, net.l1c.message_root, "chainBatchRoots(uint256,uint256)", GW_ID, gw_block) == built.target.root
    message = (entry.log.tx_number_in_batch, sender, b"withdraw 1 ETH")
    prove = calldata(PROVE_MESSAGE, A_ID, batch.number, entry.leaf_index, message, list(built.proof))
    assert decode(["bool"], net.l1.call(net.l1c.message_root, prove))[0] is True
    forged = calldata(
        PROVE_MESSAGE, A_ID, batch.number, entry.leaf_index, (message[0], sender, b"withdraw 9 ETH"), list(built.proof)
    )
    assert decode(["bool"], net.l1.call(net.l1c.message_root, forged))[0] is False

    # the claimed settlement layer must be where the chain settles
    via_c = list(built.proof)
    sl_index = 1 + 15 + 1 + built.proof[0][2] + 1
    via_c[sl_index] = word(C_ID)
    data = calldata(PROVE_MESSAGE, A_ID, batch.number, entry.leaf_index, message, via_c)
    assert reverts(net.l1, net.l1c.message_root, data) == error(
        "InvalidSettlementLayerForBatch(uint256,uint256,uint256)", A_ID, batch.number, C_ID
    )


def test_a_chain_settling_on_l1_is_executed_and_proven_directly(net: Net) -> None:
    sender = net.deploy(net.c, "InteropMessageSender")
    receipt = net.transact(net.c, ALICE, sender, calldata("sendMessage(bytes)", b"from C"))
    start = int.from_bytes(l1_view(net, net.l1c.settlement(C_ID), "getTotalBatchesExecuted()"), "big")
    for number in range(start + 1, receipt.block_number + 1):
        batch = seal(net.c, number)
        data = calldata(
            EXECUTE, number, batch.root(), batch_logs(batch), list(batch.messages), empty_multichain_batch_root(C_ID)
        )
        assert net.transact(net.l1, VALIDATOR, net.l1c.settlement(C_ID), data).ok
    batch, entry = locate(net.c, receipt.tx_hash, 0)
    built = build_direct_l1_proof(
        logs=batch.tree,
        leaf_index=entry.leaf_index,
        aggregated_root=empty_multichain_batch_root(C_ID),
        chain_id=C_ID,
        batch_number=batch.number,
    )
    message = (entry.log.tx_number_in_batch, sender, b"from C")
    prove = calldata(PROVE_MESSAGE, C_ID, batch.number, entry.leaf_index, message, list(built.proof))
    assert decode(["bool"], net.l1.call(net.l1c.message_root, prove))[0] is True


def test_L1ChainSettlement_executeBatch_reverts_for_every_bad_input(net: Net) -> None:
    number = int.from_bytes(l1_view(net, net.l1c.settlement(C_ID), "getTotalBatchesExecuted()"), "big") + 1
    empty_local = LogTree([]).root()
    root = batch_root(empty_local, empty_multichain_batch_root(C_ID))
    settlement = net.l1c.settlement(C_ID)

    def run(who: Any = VALIDATOR, n: int = number, r: bytes = root, aggregated: bytes | None = None) -> Any:
        aggregated = empty_multichain_batch_root(C_ID) if aggregated is None else aggregated
        return net.transact(net.l1, who, settlement, calldata(EXECUTE, n, r, [], [], aggregated))

    assert_reverted(run(who=ALICE), error("Unauthorized(address)", ALICE.address))
    assert_reverted(run(n=number + 1), error("InvalidBatchNumber(uint256,uint256)", number + 1, number))
    assert_reverted(run(r=keccak(b"x")), error("ReconstructionMismatch(bytes32,bytes32)", root, keccak(b"x")))
    assert_reverted(
        run(aggregated=keccak(b"agg")),
        error("InvalidEmptyMultichainBatchRoot(bytes32,bytes32)", empty_multichain_batch_root(C_ID), keccak(b"agg")),
    )
    # A settles on Gateway: its L1 settlement contract refuses batches
    a_settlement = net.l1c.settlement(A_ID)
    receipt = net.transact(net.l1, VALIDATOR, a_settlement, calldata(EXECUTE, 1, root, [], [], bytes(32)))
    assert_reverted(receipt, error("NotSettlementLayer()"))
    # only the chain's settlement contract may append its roots
    add = calldata("addChainBatchRoot(uint256,uint256,bytes32)", C_ID, number, root)
    assert_reverted(
        net.transact(net.l1, ALICE, net.l1c.message_root, add),
        error("OnlyChain(address,address)", ALICE.address, settlement),
    )
    assert run().ok
