"""The one virtual clock every chain of a devnet reads its block timestamps from."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from zkconnect.errors import ChainError

__all__ = ["Clock", "ClockState"]


@dataclass(frozen=True)
class ClockState:
    """What a snapshot of the clock needs to restore it."""

    offset: int
    floor: int
    next_timestamp: int | None


class Clock:
    """Seconds since the epoch, shared by all chains of a devnet.

    ``now()`` follows the wall clock plus an offset (moved by :meth:`increase_time` and
    :meth:`set_time`) and never goes backwards. Each block must be strictly later than its
    parent, so when a chain needs a timestamp beyond ``now()`` (many blocks in one second) the
    shared clock itself moves forward: every chain sees the same time, none drifts alone.
    """

    def __init__(self, *, start: int | None = None, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self._offset = 0 if start is None else start - int(wall())
        self._floor = 0
        self._next: int | None = None

    def now(self) -> int:
        """The current virtual time."""
        return max(int(self._wall()) + self._offset, self._floor)

    def increase_time(self, seconds: int) -> int:
        """Move every chain's clock forward by ``seconds``; returns the new time."""
        if seconds < 0:
            raise ChainError(f"cannot move the clock backwards by {-seconds} s; use a snapshot revert instead")
        self._offset = self.now() + seconds - int(self._wall())
        return self.now()

    def set_time(self, timestamp: int) -> int:
        """Set the shared clock to ``timestamp`` (it may only move forward)."""
        if timestamp < self._floor:
            raise ChainError(
                f"timestamp {timestamp} is before the newest block time {self._floor}; "
                "revert to a snapshot to go back in time"
            )
        self._offset = timestamp - int(self._wall())
        return self.now()

    def set_next_block_timestamp(self, timestamp: int) -> None:
        """The next block mined on any chain gets exactly ``timestamp``; the clock continues from it."""
        if timestamp <= self._floor:
            raise ChainError(f"next block timestamp {timestamp} must be later than the newest block time {self._floor}")
        self._next = timestamp

    def block_timestamp(self, parent_timestamp: int) -> int:
        """Hand out the timestamp for a new block whose parent has ``parent_timestamp``."""
        if self._next is not None:
            ts = max(self._next, parent_timestamp + 1)
            self._next = None
            self._offset = ts - int(self._wall())
        else:
            ts = max(self.now(), parent_timestamp + 1)
        self._floor = max(self._floor, ts)
        return ts

    def state(self) -> ClockState:
        """Capture the clock for a snapshot."""
        return ClockState(self._offset, self._floor, self._next)

    def restore(self, state: ClockState) -> None:
        """Put the clock back as it was at :meth:`state`."""
        self._offset, self._floor, self._next = state.offset, state.floor, state.next_timestamp
