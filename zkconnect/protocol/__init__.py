"""The ZKsync Connect v31 protocol in pure Python: canonical addresses, ABI helpers, revert decoding,
message and asset encodings, Merkle trees, message roots and proofs. No py-evm here: everything above builds on it."""
