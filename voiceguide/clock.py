"""The time of day, passed in: everything that dates an entry or counts days asks a Clock."""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Tells the time: aware local time, to the second."""

    def now(self) -> dt.datetime:
        """The present moment, in local time with its UTC offset, without microseconds."""
        ...

    def today(self) -> dt.date:
        """The local date."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now().astimezone().replace(microsecond=0)

    def today(self) -> dt.date:
        return self.now().date()


class FixedClock:
    """A clock that stands where it is put (and moves only when told): for tests and demos."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at if at.tzinfo is not None else at.astimezone()

    def now(self) -> dt.datetime:
        return self.at.replace(microsecond=0)

    def today(self) -> dt.date:
        return self.at.date()

    def advance(self, **delta: float) -> None:
        """Move the clock on (days=1, hours=2, ...)."""
        self.at += dt.timedelta(**delta)
