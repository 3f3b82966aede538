"""Deprecated import path, kept for one release: use :mod:`zkconnect.interop.relayer`."""

from zkconnect.interop.relayer import *  # noqa: F403
from zkconnect.interop.relayer import __all__ as __all__
