"""Which sessions a person has already heard explained in full.

The first time a session is heard it explains itself; after that it says only the heart of it
(its [first-time] lines give way to its [returning] ones). The names of the sessions heard are
kept in <home>/explained.json (no words of the person's: only script names and dates).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from voiceguide.home import Home


def heard(home: Path) -> dict[str, str]:
    """The sessions heard in full: name -> when (ISO date); {} when none, or when unreadable."""
    try:
        data = json.loads(Home(home).explained.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def mark(home: Path, name: str, today: dt.date | None = None) -> None:
    """Remember that `name` has been heard in full (atomically; kept if it already was)."""
    from voiceguide.fsutil import atomic_write_text, private_dir

    seen = heard(home)
    if name in seen:
        return
    seen[name] = (today or dt.date.today()).isoformat()
    private_dir(home)
    atomic_write_text(Home(home).explained, json.dumps(seen, indent=1, sort_keys=True) + "\n")
