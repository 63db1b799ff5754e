"""Choosing entries: by kind, infusion and dates as people say them, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from voiceguide.errors import UsageError
from voiceguide.journal.entry import KINDS, Entry


def select_records(
    records: Iterable[dict[str, Any]],
    *,
    kind: str | None = None,
    infusion: int | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """`select` on index records (see JournalStore.records), without building entries."""
    first, last = check_filters(kind, infusion, since, until, limit)
    low = first.isoformat() if first else None
    high = last.isoformat() if last else None
    found = []
    for record in records:
        if kind is not None and record["kind"] != kind:
            continue
        if infusion is not None and record.get("infusion") != infusion:
            continue
        day = record["date"][:10]  # the entry's own (local) day, as ISO text
        if (low and day < low) or (high and day > high):
            continue
        found.append(record)
        if limit is not None and len(found) >= limit:
            break
    return found


def check_filters(
    kind: str | None = None,
    infusion: int | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day asked for; UsageError (one sentence) for any filter that is wrong."""
    from voiceguide.journal.dates import parse_day

    if kind is not None and kind not in KINDS:
        raise UsageError(
            f"There is no entry kind {kind!r}.", hint=f"Use one of: {', '.join(KINDS)}."
        )
    if limit is not None and limit < 1:
        raise UsageError("--limit must be 1 or more.")
    if infusion is not None and not 1 <= infusion <= 1000:
        raise UsageError("--infusion must be a number from 1 to 1000.")
    first = parse_day(since) if since else None
    last = parse_day(until) if until else None
    if first and last and first > last:
        raise UsageError(f"--since ({first}) is after --until ({last}).")
    return first, last


def select(
    entries: Iterable[Entry],
    *,
    kind: str | None = None,
    infusion: int | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """The entries (given newest first) that pass every filter; dates as people say them."""
    first, last = check_filters(kind, infusion, since, until, limit)
    found = []
    for entry in entries:
        if kind is not None and entry.kind != kind:
            continue
        if infusion is not None and entry.infusion != infusion:
            continue
        if first or last:
            day = entry.date.date()
            if (first and day < first) or (last and day > last):
                continue
        found.append(entry)
        if limit is not None and len(found) >= limit:
            break
    return found
