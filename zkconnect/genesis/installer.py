"""The installers' one toolkit: calldata from a signature, keyless system calls and deployments that stop
genesis with a :class:`~zkconnect.errors.ConfigError` naming the step and the decoded revert.
"""

from __future__ import annotations

from collections.abc import Sequence

from eth_abi.abi import encode
from eth_utils.crypto import keccak

from zkconnect.artifacts import load
from zkconnect.engine.chain import Chain, Receipt
from zkconnect.errors import ConfigError
from zkconnect.protocol.reverts import describe_revert

__all__ = ["calldata", "check", "deploy", "split_types", "system_call"]


def split_types(types: str) -> list[str]:
    """The top-level types of a comma-separated list: ``"uint256,(address,bytes)"`` -> two types."""
    out: list[str] = []
    depth = 0
    current = ""
    for ch in types:
        if ch == "," and depth == 0:
            out.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current:
        out.append(current)
    return out


def calldata(signature: str, *args: object) -> bytes:
    """``abi.encodeWithSignature(signature, args…)``; the argument types are read from ``signature``."""
    types = signature[signature.index("(") + 1 : -1]
    return keccak(text=signature)[:4] + encode(split_types(types), list(args))


def check(chain: Chain, receipt: Receipt, what: str) -> Receipt:
    """``receipt`` when it succeeded, else a :class:`ConfigError` naming the chain, the step and the revert."""
    if not receipt.ok:
        raise ConfigError(f"chain {chain.chain_id}: {what} reverted: {describe_revert(receipt.output)}")
    return receipt


def system_call(chain: Chain, sender: bytes, to: bytes | None, data: bytes, what: str) -> Receipt:
    """Run ``data`` as ``sender`` (no key needed) through :meth:`Chain.system_call`; a revert stops genesis."""
    return check(chain, chain.system_call(sender, to, data), what)


def deploy(chain: Chain, deployer: bytes, artifact: str, types: Sequence[str], args: Sequence[object]) -> bytes:
    """Deploy the shipped ``artifact`` from ``deployer`` with constructor ``args``; its address."""
    code = load(artifact).bytecode + encode(list(types), list(args))
    receipt = system_call(chain, deployer, None, code, f"deploying {artifact}")
    if receipt.contract_address is None:
        raise ConfigError(f"chain {chain.chain_id}: deploying {artifact} created no contract; is its bytecode empty?")
    return receipt.contract_address
