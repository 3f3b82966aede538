"""Deprecated import path, kept for one release: use :mod:`zkconnect.protocol.messages`."""

from zkconnect.protocol.messages import *  # noqa: F403
from zkconnect.protocol.messages import __all__ as __all__
