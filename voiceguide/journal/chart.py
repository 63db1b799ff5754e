"""A picture of mood over time: before and after each infusion, and the daily check-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from voiceguide.errors import JournalError
from voiceguide.journal.entry import Entry, first_reflections, valid_mood

#: Which moods are which: asked in preparation (before), in the reflection (after), and in the
#: daily integration check-in. Colours tell them apart also for common colour blindness.
SERIES = (
    ("preparation", "Before an infusion", "#0072B2", "o"),
    ("reflection", "After an infusion", "#D55E00", "s"),
    ("integration", "Daily check-in", "#009E73", "^"),
)


def infusion_days(entries: Sequence[Entry]) -> dict[int, dt.datetime]:
    """When each infusion took place, as far as the journal tells: its first reflection."""
    return {number: entry.date for number, entry in first_reflections(entries).items()}


def moods(entries: Sequence[Entry], kind: str) -> list[tuple[dt.datetime, int]]:
    """The moods of one kind of entry, from 0 to 10 (others are left out: see `bad_moods`)."""
    found = []
    for e in entries:
        mood = valid_mood(e.get("mood"))
        if e.kind == kind and mood is not None:
            found.append((e.date.replace(tzinfo=None), mood))
    return sorted(found)


def bad_moods(entries: Sequence[Entry]) -> list[Entry]:
    """Entries whose mood is there but is not a number from 0 to 10 (edited by hand, say)."""
    return [e for e in entries if e.get("mood") is not None and valid_mood(e.get("mood")) is None]


def mood_chart_png(entries: Sequence[Entry], *, width: float = 10, height: float = 5) -> bytes:
    """The chart as PNG image bytes, drawn in memory (for a document that holds it)."""
    import io

    buffer = io.BytesIO()
    mood_chart(entries, buffer, size=(width, height))
    return buffer.getvalue()


def mood_chart(
    entries: Sequence[Entry], out: Path | BinaryIO, *, size: tuple[float, float] = (10, 5)
) -> int:
    """Draw the chart to `out` (PNG, SVG or PDF by its extension; PNG into an open binary file);
    the number of moods drawn."""
    points = {kind: moods(entries, kind) for kind, *_ in SERIES}
    count = sum(len(p) for p in points.values())
    if count == 0:
        raise JournalError(
            "There are no moods in your journal yet: they are asked for in prepare, "
            "reflect and integrate."
        )
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size, dpi=120)
    try:
        _mark_infusions(ax, entries)
        for kind, label, colour, marker in SERIES:
            if points[kind]:
                days, values = zip(*points[kind], strict=True)
                ax.plot(
                    days,
                    values,
                    marker=marker,
                    color=colour,
                    label=label,
                    linewidth=1.5 if kind == "integration" else 0,
                    markersize=7,
                )
        ax.set_ylim(-0.5, 10.8)
        ax.set_yticks(range(0, 11))
        ax.set_ylabel("Mood (0 to 10)")
        ax.set_title("Mood before and after each infusion, and day to day", pad=22)
        ax.grid(axis="y", color="#eeeeee")
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
        ax.legend(loc="lower left", frameon=False, ncols=3)
        fig.autofmt_xdate()
        fig.tight_layout()
        if not isinstance(out, Path):
            fig.savefig(out, format="png")
            return count
        from voiceguide.fsutil import atomic_path

        with atomic_path(out) as tmp:
            fig.savefig(tmp, format=out.suffix.lstrip(".").lower() or "png")
    finally:
        plt.close(fig)
    return count


def _mark_infusions(ax: Any, entries: Sequence[Entry]) -> None:
    """A dashed line on each infusion's day, named above the chart."""
    import matplotlib.dates as mdates

    for number, when in sorted(infusion_days(entries).items()):
        day = mdates.date2num(when.replace(tzinfo=None))  # type: ignore[no-untyped-call]
        ax.axvline(day, color="#999999", linestyle="--", linewidth=1)
        ax.annotate(
            f"Infusion {number}",
            xy=(day, 10.3),
            ha="center",
            fontsize=9,
            color="#555555",
            annotation_clip=False,
        )
