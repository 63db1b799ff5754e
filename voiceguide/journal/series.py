"""A series of infusions: which one is under way, kept in <home>/series.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from voiceguide.fsutil import atomic_write_text

FILE = "series.json"


def current(home: Path) -> int | None:
    """The infusion set by `voiceguide infusion next` (None when it was never used)."""
    try:
        data = json.loads((home / FILE).read_text("utf-8"))
        number = data.get("infusion")
    except (OSError, ValueError, AttributeError):
        return None
    return number if isinstance(number, int) and number >= 1 else None


def set_current(home: Path, number: int, when: dt.datetime | None = None) -> None:
    """Make infusion `number` the one under way (from `when`, by default now)."""
    started = (when or dt.datetime.now().astimezone()).replace(microsecond=0).isoformat()
    atomic_write_text(home / FILE, json.dumps({"infusion": number, "started": started}) + "\n")


def started(home: Path) -> dt.date | None:
    """The day the current infusion was started with `voiceguide infusion next`, if it was."""
    try:
        data = json.loads((home / FILE).read_text("utf-8"))
        return dt.datetime.fromisoformat(data["started"]).date()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
