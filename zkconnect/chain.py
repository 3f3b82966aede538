"""Deprecated import path, kept for one release: use :mod:`zkconnect.engine.chain`."""

from zkconnect.engine.chain import *  # noqa: F403
from zkconnect.engine.chain import __all__ as __all__
