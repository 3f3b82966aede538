# ruff: noqa: N802
"""Gateway settlement: GatewayChainExecutor -> GWAssetTracker.processLogsAndMessages -> L2MessageRoot."""

from __future__ import annotations

from typing import Any

from conftest import (
    A_ID,
    ALICE,
    B_ID,
    GW_ID,
    INTEROP_ROOT,
    L2_LOG,
    VALIDATOR,
    Net,
    assert_reverted,
    calldata,
    error,
    logs_with,
    reverts,
    seal,
    word,
)
from eth_abi.abi import decode

from zkconnect.protocol.addresses import BOOTLOADER, GW_ASSET_TRACKER, INTEROP_CENTER, INTEROP_HANDLER, L2_MESSAGE_ROOT
from zkconnect.protocol.merkle import (
    FullMerkle,
    L2ToL1Log,
    LogTree,
    batch_root,
    chain_id_leaf,
    empty_multichain_batch_root,
    keccak,
    message_log,
)

EXECUTE = f"executeBatch(uint256,bytes32,{L2_LOG}[],bytes[],bytes32,{INTEROP_ROOT}[])"
PROCESS = f"processLogsAndMessages(({L2_LOG}[],bytes[],uint256,uint256,bytes32,bytes32,address))"
NEW_INTEROP_ROOT = "NewInteropRoot(uint256,uint256,uint256,bytes32[])"


def log_tuple(log: Any) -> tuple[Any, ...]:
    return (log.l2_shard_id, log.is_service, log.tx_number_in_batch, log.sender, log.key, log.value)


def synthetic_batch(
    chain_id: int, messages: list[tuple[bytes, bytes]], extra: list[Any] | None = None
) -> tuple[bytes, list[Any], list[bytes]]:
    """(root, logs, messages) of a batch holding the given (sender, message) pairs."""
    logs = [message_log(i, sender, data) for i, (sender, data) in enumerate(messages)] + (extra or [])
    root = batch_root(LogTree(logs).root(), empty_multichain_batch_root(chain_id))
    return root, [log_tuple(log) for log in logs], [data for _, data in messages]


def next_batch(net: Net, chain_id: int) -> int:
    return net.settled[chain_id] + 1


def execute(
    net: Net,
    chain_id: int,
    number: int,
    root: bytes,
    logs: list[Any],
    messages: list[bytes],
    multichain: bytes | None = None,
    deps: list[Any] | None = None,
    who: Any = VALIDATOR,
) -> Any:
    multichain = empty_multichain_batch_root(chain_id) if multichain is None else multichain
    data = calldata(EXECUTE, number, root, logs, messages, multichain, deps or [])
    return net.transact(net.gw, who, net.gwc.executor(chain_id), data)


def view(net: Net, to: bytes, signature: str, *args: Any) -> bytes:
    return net.gw.call(to, calldata(signature, *args))


def test_executeBatch_appends_the_batch_root_and_emits_NewInteropRoot(net: Net) -> None:
    sent = net.send_bundle(net.a, ALICE, B_ID, [])
    batch = seal(net.a, sent.receipt.block_number)
    number = batch.number
    # batches before the bundle's are empty; settle them first
    if number > next_batch(net, A_ID):
        net.settle(A_ID, number - 1)
    receipt = net.transact(net.gw, VALIDATOR, net.gwc.executor(A_ID), net.execute_batch_data(batch))
    assert receipt.ok, receipt.output.hex()
    root = batch.root()

    (appended,) = logs_with(receipt, L2_MESSAGE_ROOT, "AppendedChainBatchRoot(uint256,uint256,bytes32)")
    assert appended.topics[1:] == (word(A_ID), word(number)) and appended.data == root
    # Python twin of the trees: Gateway at index 0, A at 1 (all of A's batches so far), B at 2
    net.twin.add_batch(A_ID, number, root, receipt.block_number)
    net.settled[A_ID] = number
    trees = net.twin.trees_at(A_ID, receipt.block_number)
    (interop_root,) = logs_with(receipt, L2_MESSAGE_ROOT, NEW_INTEROP_ROOT)
    assert interop_root.topics[1:3] == (word(GW_ID), word(receipt.block_number))
    assert decode(["bytes32[]"], interop_root.data) == ((trees.shared_tree.root(),),)
    assert net.historical_root(receipt.block_number) == trees.shared_tree.root()
    assert view(net, L2_MESSAGE_ROOT, "getAggregatedRoot()") == trees.shared_tree.root()
    assert view(net, L2_MESSAGE_ROOT, "chainBatchRoots(uint256,uint256)", A_ID, number) == root
    assert int.from_bytes(view(net, L2_MESSAGE_ROOT, "currentChainBatchNumber(uint256)", A_ID), "big") == number
    (chain_root_event,) = logs_with(receipt, L2_MESSAGE_ROOT, "NewChainRoot(uint256,bytes32,bytes32)")
    assert chain_root_event.data == trees.chain_tree.root() + chain_id_leaf(trees.chain_tree.root(), A_ID)
    path = decode(["bytes32[]"], view(net, L2_MESSAGE_ROOT, "getMerklePathForChain(uint256)", A_ID))[0]
    assert list(path) == trees.shared_tree.proof(trees.chain_index)
    (execution,) = logs_with(receipt, net.gwc.executor(A_ID), "BlockExecution(uint256,bytes32,bytes32)")
    assert execution.topics[1:] == (word(number), root, bytes(32))
    executor = net.gwc.executor(A_ID)
    assert int.from_bytes(view(net, executor, "getTotalBatchesExecuted()"), "big") == number
    assert view(net, executor, "l2LogsRootHash(uint256)", number) == root


def test_executeBatch_reverts_when_the_root_does_not_match_the_logs(net: Net) -> None:
    number = next_batch(net, A_ID)
    root, logs, messages = synthetic_batch(A_ID, [(ALICE.address, b"hello")])
    wrong = keccak(b"not the root")
    receipt = execute(net, A_ID, number, wrong, logs, messages)
    assert_reverted(receipt, error("ReconstructionMismatch(bytes32,bytes32)", root, wrong))
    # a dropped log changes the root too
    receipt = execute(net, A_ID, number, root, [], [])
    local = LogTree([]).root()
    assert_reverted(
        receipt,
        error("ReconstructionMismatch(bytes32,bytes32)", batch_root(local, empty_multichain_batch_root(A_ID)), root),
    )
    assert execute(net, A_ID, number, root, logs, messages).ok


def test_executeBatch_reverts_when_messages_do_not_match_their_logs(net: Net) -> None:
    number = next_batch(net, A_ID)
    root, logs, messages = synthetic_batch(A_ID, [(ALICE.address, b"one"), (ALICE.address, b"two")])
    for bad in ([b"one", b"tampered"], [b"one"], [b"one", b"two", b"three"], []):
        assert_reverted(execute(net, A_ID, number, root, logs, bad), error("InvalidMessage()"))
    not_service = [(*logs[0][:1], False, *logs[0][2:]), logs[1]]
    root2 = batch_root(
        LogTree(
            [
                L2ToL1Log(0, False, 0, logs[0][3], logs[0][4], logs[0][5]),
                message_log(1, ALICE.address, b"two"),
            ]
        ).root(),
        empty_multichain_batch_root(A_ID),
    )
    assert_reverted(execute(net, A_ID, number, root2, not_service, messages), error("InvalidServiceLog()"))


def test_executeBatch_reverts_when_the_multichain_root_is_not_empty(net: Net) -> None:
    number = next_batch(net, A_ID)
    _, logs, messages = synthetic_batch(A_ID, [(ALICE.address, b"x")])
    fake = keccak(b"aggregating others")
    root = batch_root(LogTree([message_log(0, ALICE.address, b"x")]).root(), fake)
    receipt = execute(net, A_ID, number, root, logs, messages, multichain=fake)
    assert_reverted(
        receipt, error("InvalidEmptyMultichainBatchRoot(bytes32,bytes32)", empty_multichain_batch_root(A_ID), fake)
    )
    assert view(net, GW_ASSET_TRACKER, "getEmptyMultichainBatchRoot(uint256)", A_ID) == empty_multichain_batch_root(
        A_ID
    )


def test_executeBatch_reverts_when_out_of_order_or_not_from_the_validator(net: Net) -> None:
    number = next_batch(net, A_ID)
    root, logs, messages = synthetic_batch(A_ID, [])
    for wrong in (number + 1, number - 1, 0):
        assert_reverted(
            execute(net, A_ID, wrong, root, logs, messages), error("InvalidBatchNumber(uint256,uint256)", wrong, number)
        )
    assert_reverted(
        execute(net, A_ID, number, root, logs, messages, who=ALICE), error("Unauthorized(address)", ALICE.address)
    )
    assert execute(net, A_ID, number, root, logs, messages).ok
    assert_reverted(
        execute(net, A_ID, number, root, logs, messages),
        error("InvalidBatchNumber(uint256,uint256)", number, number + 1),
    )


def test_processLogsAndMessages_and_addChainBatchRoot_reject_other_callers(net: Net) -> None:
    root, logs, messages = synthetic_batch(A_ID, [])
    data = calldata(
        PROCESS, (logs, messages, A_ID, next_batch(net, A_ID), root, empty_multichain_batch_root(A_ID), bytes(20))
    )
    assert_reverted(net.transact(net.gw, ALICE, GW_ASSET_TRACKER, data), error("Unauthorized(address)", ALICE.address))
    # B's executor cannot process A's batches
    assert reverts(net.gw, GW_ASSET_TRACKER, data, sender=net.gwc.executor(B_ID)) == error(
        "Unauthorized(address)", net.gwc.executor(B_ID)
    )
    add = calldata("addChainBatchRoot(uint256,uint256,bytes32)", A_ID, next_batch(net, A_ID), root)
    assert_reverted(
        net.transact(net.gw, ALICE, L2_MESSAGE_ROOT, add),
        error("OnlyAssetTracker(address,address)", ALICE.address, GW_ASSET_TRACKER),
    )


def test_processLogsAndMessages_reverts_on_messages_from_other_built_in_contracts(net: Net) -> None:
    number = next_batch(net, A_ID)
    odd = (0x10009).to_bytes(20, "big")
    root, logs, messages = synthetic_batch(A_ID, [(ALICE.address, b"ok"), (odd, b"not allowed")])
    receipt = execute(net, A_ID, number, root, logs, messages)
    assert_reverted(receipt, error("InvalidBuiltInContractMessage(uint256,uint256,bytes32)", 1, 1, word(0x10009)))
    bad_selector = b"\x12\x34\x56\x78rest"
    root, logs, messages = synthetic_batch(A_ID, [(INTEROP_HANDLER, bad_selector)])
    assert_reverted(
        execute(net, A_ID, number, root, logs, messages), error("InvalidFunctionSignature(bytes4)", bad_selector[:4])
    )
    # InteropCenter messages that are not bundles, bootloader logs and other senders' logs pass through
    bootloader_log = L2ToL1Log(0, True, 3, BOOTLOADER, keccak(b"tx"), word(1))
    other_log = L2ToL1Log(0, True, 4, (0x7777).to_bytes(20, "big"), word(1), word(2))
    root, logs, messages = synthetic_batch(A_ID, [(INTEROP_CENTER, b"\x02trigger")], [bootloader_log, other_log])
    assert execute(net, A_ID, number, root, logs, messages).ok


def test_executeBatch_checks_dependency_roots_against_historical_roots(net: Net) -> None:
    net.a.mine()
    settled = net.settle(A_ID)
    gw_block = settled.block_number
    historical = net.historical_root(gw_block)
    number = next_batch(net, B_ID)
    root, logs, messages = synthetic_batch(B_ID, [])
    fake = keccak(b"fake root")
    assert_reverted(
        execute(net, B_ID, number, root, logs, messages, deps=[(GW_ID, gw_block, [fake])]),
        error("NotHistoricalRoot(bytes32)", fake),
    )
    assert_reverted(
        execute(net, B_ID, number, root, logs, messages, deps=[(GW_ID, gw_block + 1000, [historical])]),
        error("NotHistoricalRoot(bytes32)", historical),
    )
    assert_reverted(
        execute(net, B_ID, number, root, logs, messages, deps=[(A_ID, gw_block, [historical])]),
        error("CommitBasedInteropNotSupported()"),
    )
    assert_reverted(
        execute(net, B_ID, number, root, logs, messages, deps=[(GW_ID, gw_block, [])]), error("SidesLengthNotOne()")
    )
    receipt = execute(net, B_ID, number, root, logs, messages, deps=[(GW_ID, gw_block, [historical])])
    assert receipt.ok
    (execution,) = logs_with(receipt, net.gwc.executor(B_ID), "BlockExecution(uint256,bytes32,bytes32)")
    rolling = keccak(bytes(32) + word(GW_ID) + word(gw_block) + historical)
    assert execution.topics[3] == rolling


def test_NewInteropRoot_logId_increments_once_per_block(net: Net) -> None:
    net.a.mine()
    first = net.settle(A_ID)
    net.b.mine()
    second = net.settle(B_ID)
    (log1,) = logs_with(first, L2_MESSAGE_ROOT, NEW_INTEROP_ROOT)
    (log2,) = logs_with(second, L2_MESSAGE_ROOT, NEW_INTEROP_ROOT)
    assert int.from_bytes(log2.topics[3], "big") == int.from_bytes(log1.topics[3], "big") + 1


def test_installed_gateway_registers_each_chain_with_its_executor(net: Net) -> None:
    from zkconnect.protocol.addresses import L2_BRIDGEHUB

    for chain_id, index in ((A_ID, 1), (B_ID, 2)):
        zk_chain = view(net, L2_BRIDGEHUB, "getZKChain(uint256)", chain_id)[12:]
        assert zk_chain == net.gwc.executor(chain_id)
        assert int.from_bytes(view(net, L2_BRIDGEHUB, "settlementLayer(uint256)", chain_id), "big") == GW_ID
        assert int.from_bytes(view(net, L2_MESSAGE_ROOT, "chainIndex(uint256)", chain_id), "big") == index
        assert int.from_bytes(view(net, net.gwc.executor(chain_id), "getChainId()"), "big") == chain_id
    assert int.from_bytes(view(net, L2_MESSAGE_ROOT, "chainIndex(uint256)", GW_ID), "big") == 0
    shared = FullMerkle([chain_id_leaf(bytes(32), cid) for cid in (GW_ID, A_ID, B_ID)])
    assert view(net, L2_MESSAGE_ROOT, "getAggregatedRoot()") == shared.root()
