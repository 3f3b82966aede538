"""Whether pytest tracebacks show zkconnect's own frames.

Every module of :mod:`zkconnect.testing` sets ``__tracebackhide__ = hide_internal_frames``; pytest calls it for
each of the module's frames, so by default a failure points at the user's own test line. The switch
(``--zk-show-internal``) is the pytest plugin's: for the length of its session it hands :data:`INTERNAL_FRAMES`
a function that reads the option from its own session state.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["INTERNAL_FRAMES", "InternalFrames", "hide_internal_frames"]


class InternalFrames:
    """Hides zkconnect's frames unless the function given to :meth:`follow` says to show them."""

    def __init__(self) -> None:
        self._shown: Callable[[], bool] | None = None

    def follow(self, shown: Callable[[], bool] | None) -> None:
        """Ask ``shown()`` from now on whether to show the frames; ``None``: hide them again."""
        self._shown = shown

    def hide(self, excinfo: object) -> bool:
        """True when pytest should hide the frame (its ``__tracebackhide__`` protocol)."""
        return self._shown is None or not self._shown()


INTERNAL_FRAMES = InternalFrames()
"""The switch all of :mod:`zkconnect.testing` consults."""


def hide_internal_frames(excinfo: object) -> bool:
    """``__tracebackhide__`` of zkconnect's testing modules: defers to :data:`INTERNAL_FRAMES`."""
    return INTERNAL_FRAMES.hide(excinfo)


# pytest calls this for each frame of the module: failures point at the user's own test line.
__tracebackhide__ = hide_internal_frames
