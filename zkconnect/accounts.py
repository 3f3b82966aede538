"""Development accounts: the anvil/hardhat mnemonic and ZKsync's local rich wallets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from eth_account.hdaccount import key_from_seed, seed_from_mnemonic
from eth_keys.datatypes import PrivateKey

__all__ = ["DEFAULT_MNEMONIC", "ZKSYNC_RICH_WALLET_KEYS", "DevAccount", "dev_accounts"]

DEFAULT_MNEMONIC = "test test test test test test test test test test test junk"

# ZKsync's well-known local-setup rich wallets (the same on every ZKsync dev node).
ZKSYNC_RICH_WALLET_KEYS: tuple[str, ...] = (
    "0x7726827caac94a7f9e1b160f7ea819f172f7b6f9d2a97f992c38edeab82d4110",
    "0xac1e735be8536c6534bb4f17f06f6afc73b2b5ba84ac2cfb12f7461b20c0bbe3",
    "0xd293c684d884d56f8d6abd64fc76757d3664904e309a0645baf8522ab6366d9e",
    "0x850683b40d4a740aa6e745f889a6fdc8327be76e122f5aba645a5b02d0248db8",
    "0xf12e28c0eb1ef4ff90478f6805b68d63737b7f33abfa091601140805da450d93",
    "0xe667e57a9b8aaa6709e51ff7d093f1c5b73b63f9987e4ab4aa9a5c699e024ee8",
    "0x28a574ab2de8a00364d5dd4b07c4f2f574ef7fcc2a86a197f65abaec836d1959",
    "0x74d8b3a188f7260f67698eb44da07397a298df5427df681ef68c45b34b61f998",
    "0xbe79721778b48bcc679b78edac0ce48306a8578186ffcb9f2ee455ae6efeace1",
    "0x3eb15da85647edd9a1159a4a13b9e7c56877c4eb33f614546d4db06a51868b1c",
)


@dataclass(frozen=True)
class DevAccount:
    """A funded development account: its private key and address."""

    private_key: bytes
    address: bytes

    @property
    def checksum_address(self) -> str:
        """The EIP-55 form of the address."""
        from eth_utils.address import to_checksum_address

        return to_checksum_address(self.address)

    @property
    def key_hex(self) -> str:
        """The private key as 0x-prefixed hex."""
        return "0x" + self.private_key.hex()


def _account(private_key: bytes) -> DevAccount:
    return DevAccount(private_key, PrivateKey(private_key).public_key.to_canonical_address())


@cache
def dev_accounts(mnemonic: str = DEFAULT_MNEMONIC, count: int = 10) -> tuple[DevAccount, ...]:
    """The first ``count`` accounts of ``mnemonic`` (path m/44'/60'/0'/0/i), then the rich wallets."""
    seed = seed_from_mnemonic(mnemonic, "")
    derived = [_account(key_from_seed(seed, f"m/44'/60'/0'/0/{i}")) for i in range(count)]
    rich = [_account(bytes.fromhex(k[2:])) for k in ZKSYNC_RICH_WALLET_KEYS]
    return tuple(derived + rich)
