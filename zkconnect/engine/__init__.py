"""One py-evm chain: :class:`~zkconnect.engine.chain.Chain` and its collaborators (pool, blocks, simulation,
forks, clock). Knows nothing of interop."""
