"""Choosing entries: by kind, infusion and dates as people say them, newest first."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from voiceguide.errors import UsageError, check_infusion
from voiceguide.journal.entry import Entry
from voiceguide.kinds import ENTRY_KINDS

if TYPE_CHECKING:
    from voiceguide.journal.store import Glance


@dataclasses.dataclass(frozen=True, slots=True)
class Filters:
    """Which entries to take: every field left as None takes all. Made with `Filters.parse`
    from what a person types or says, which checks every value before anything is read."""

    kind: str | None = None
    infusion: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int | None = None

    @classmethod
    def parse(
        cls,
        *,
        kind: str | None = None,
        infusion: int | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
        today: dt.date | None = None,
    ) -> Filters:
        """Filters from words ("last week", "2026-11-01"); UsageError, one sentence, for any
        value that cannot be used."""
        from voiceguide.journal.dates import parse_day

        if kind is not None and kind not in ENTRY_KINDS:
            raise UsageError(
                f"There is no entry kind {kind!r}.", hint=f"Use one of: {', '.join(ENTRY_KINDS)}."
            )
        if limit is not None and limit < 1:
            raise UsageError("--limit must be 1 or more.")
        check_infusion(infusion)
        first = parse_day(since, today) if since else None
        last = parse_day(until, today) if until else None
        if first and last and first > last:
            raise UsageError(f"--since ({first}) is after --until ({last}).")
        return cls(kind=kind, infusion=infusion, since=first, until=last, limit=limit)

    def admits(self, entry: Entry | Glance) -> bool:
        """Whether `entry` (or the glance of one) passes every filter (the limit aside)."""
        if self.kind is not None and entry.kind != self.kind:
            return False
        if self.infusion is not None and entry.infusion != self.infusion:
            return False
        day = entry.date.date()  # the entry's own (local) day
        return not ((self.since and day < self.since) or (self.until and day > self.until))

    def apply(self, entries: Iterable[Entry]) -> list[Entry]:
        """The entries (given newest first) that pass, at most `limit` of them."""
        found = []
        for entry in entries:
            if self.admits(entry):
                found.append(entry)
                if self.limit is not None and len(found) >= self.limit:
                    break
        return found


#: Every entry.
EVERYTHING = Filters()
