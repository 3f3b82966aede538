"""The crosschain machinery: sealer, message ledger, settlement, relayer, priority queue, chain migration.
Built from a topology that :class:`~zkconnect.devnet.Devnet` hands down; no part here sees the Devnet."""
