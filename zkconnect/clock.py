"""Deprecated import path, kept for one release: use :mod:`zkconnect.engine.clock`."""

from zkconnect.engine.clock import *  # noqa: F403
from zkconnect.engine.clock import __all__ as __all__
