"""Which keccak implementation py-evm hashes with.

``eth_hash`` picks its backend on first use from ``ETH_HASH_BACKEND``, else the first installed of
pycryptodome and pysha3; pysha3 (``safe-pysha3``) is several times faster on the short inputs of trie
nodes and addresses, and chain work is dominated by hashing. So unless the user chose a backend in the
environment, the engine points ``eth_hash``'s shared hasher at pysha3 itself instead of editing the
environment (which child processes would inherit).
"""

from __future__ import annotations

import os

from eth_hash.auto import keccak
from eth_hash.utils import load_backend

__all__ = ["use_fast_keccak"]


def use_fast_keccak() -> None:
    """Make every ``eth_hash.auto.keccak`` user (py-evm, trie, eth_utils) hash with pysha3.

    Does nothing when ``ETH_HASH_BACKEND`` names a backend (the user's choice stands) or pysha3 is missing.
    """
    if os.environ.get("ETH_HASH_BACKEND"):
        return
    try:
        backend = load_backend("pysha3")
    except ImportError:
        return
    # eth_hash swaps these two attributes itself once its backend is chosen; setting them chooses it
    keccak.hasher = backend.keccak256
    keccak.preimage = backend.preimage
