"""A revert without data is answered as geth does: code 3, "execution reverted", data "0x" (never a Python repr)."""

from __future__ import annotations

from web3 import Web3

from zkconnect import Devnet
from zkconnect.rpc.provider import ZkProvider

BARE_REVERT = "0x60006000fd"  # revert(0, 0)
INVALID = "0xfe"


def test_a_revert_without_data_is_code_3_with_empty_data():
    provider = Web3(ZkProvider(Devnet(), "zk-a")).provider
    provider.make_request("anvil_setCode", ["0x" + "44" * 20, BARE_REVERT])  # type: ignore[arg-type]
    provider.make_request("anvil_setCode", ["0x" + "45" * 20, INVALID])  # type: ignore[arg-type]
    for method, params in (
        ("eth_call", [{"to": "0x" + "44" * 20}, "latest"]),
        ("eth_estimateGas", [{"to": "0x" + "44" * 20}]),
    ):
        error = provider.make_request(method, params)["error"]  # type: ignore[arg-type]
        assert error == {"code": 3, "message": "execution reverted", "data": "0x"}, method
    # A failure that is not a revert keeps its own message and carries no revert data.
    error = provider.make_request("eth_call", [{"to": "0x" + "45" * 20}, "latest"])["error"]  # type: ignore[arg-type]
    assert error["code"] == -32000 and "data" not in error and "b''" not in error["message"]
