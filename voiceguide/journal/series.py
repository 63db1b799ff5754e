"""A series of infusions: which one is under way, kept in <home>/series.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from voiceguide.fsutil import atomic_write_text
from voiceguide.home import Home


class Damaged(Exception):
    """series.json could not be read; it was set aside (never deleted) at `aside`."""

    def __init__(self, aside: Path, why: str) -> None:
        super().__init__(why)
        self.aside = aside
        self.why = why


def current(home: Path) -> int | None:
    """The infusion set by `voiceguide infusion next` (None when it was never used). A damaged
    file is set aside and raises `Damaged`, so the number is never silently guessed."""
    path = Home(home).series
    try:
        data = json.loads(path.read_text("utf-8"))
        number = data["infusion"] if isinstance(data, dict) else None
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise ValueError(f"no infusion number in it ({number!r})")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:
        from voiceguide.fsutil import set_aside

        why = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        try:
            aside = set_aside(path)
        except FileNotFoundError:  # another voiceguide set it aside a moment ago
            return None
        raise Damaged(aside, why) from exc
    return number


def set_current(home: Path, number: int, when: dt.datetime | None = None) -> None:
    """Make infusion `number` the one under way (from `when`, by default now)."""
    started = (when or dt.datetime.now().astimezone()).replace(microsecond=0).isoformat()
    atomic_write_text(
        Home(home).series, json.dumps({"infusion": number, "started": started}) + "\n"
    )


def started(home: Path) -> dt.date | None:
    """The day the current infusion was started with `voiceguide infusion next`, if it was."""
    try:
        data = json.loads(Home(home).series.read_text("utf-8"))
        return dt.datetime.fromisoformat(data["started"]).date()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
