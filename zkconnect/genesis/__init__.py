"""Genesis: installing the interop contracts on scratch chains and caching the resulting states per topology."""
