"""A picture of mood over time (before and after each infusion, and the daily check-ins), and,
below it, the PHQ-9 and GAD-7 totals the person answered, with the infusions marked on both."""

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


#: The questionnaires' totals: (instrument, label, colour, marker).
SCORES = (("phq9", "PHQ-9 (0 to 27)", "#CC79A7", "D"), ("gad7", "GAD-7 (0 to 21)", "#56B4E9", "v"))


def scores(entries: Sequence[Entry], key: str) -> list[tuple[dt.datetime, int]]:
    """The totals of one questionnaire over time (one left unscored is left out)."""
    found = []
    for e in entries:
        total = e.get("total")
        if e.kind == "questionnaire" and e.get("instrument") == key and isinstance(total, int):
            found.append((e.date.replace(tzinfo=None), total))
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
    totals = {key: scores(entries, key) for key, *_ in SCORES}
    count = sum(len(p) for p in points.values())
    if count + sum(len(t) for t in totals.values()) == 0:
        raise JournalError(
            "There are no moods in your journal yet: they are asked for in prepare, "
            "reflect and integrate."
        )
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    panels = [p for p, has in (("moods", count), ("scores", any(totals.values()))) if has]
    tall = (size[0], size[1] * (1.6 if len(panels) == 2 else 1))
    fig, axes = plt.subplots(len(panels), 1, figsize=tall, dpi=120, squeeze=False, sharex=True)
    try:
        for ax, panel in zip(axes[:, 0], panels, strict=True):
            _mark_infusions(ax, entries)
            if panel == "moods":
                _draw_moods(ax, points)
            else:
                _draw_scores(ax, totals)
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


def _draw_moods(ax: Any, points: dict[str, list[tuple[dt.datetime, int]]]) -> None:
    import matplotlib.dates as mdates

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


def _draw_scores(ax: Any, totals: dict[str, list[tuple[dt.datetime, int]]]) -> None:
    import matplotlib.dates as mdates

    for key, label, colour, marker in SCORES:
        if totals[key]:
            days, values = zip(*totals[key], strict=True)
            ax.plot(days, values, marker=marker, color=colour, label=label, linewidth=1.5)
    ax.set_ylim(-0.5, 28)
    ax.set_ylabel("Total score")
    ax.set_title("Questionnaire totals (not a diagnosis)", pad=22)
    ax.grid(axis="y", color="#eeeeee")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    ax.legend(loc="upper left", frameon=False, ncols=2)


def _mark_infusions(ax: Any, entries: Sequence[Entry]) -> None:
    """A dashed line on each infusion's day, named above the chart."""
    import matplotlib.dates as mdates

    for number, when in sorted(infusion_days(entries).items()):
        day = mdates.date2num(when.replace(tzinfo=None))  # type: ignore[no-untyped-call]
        ax.axvline(day, color="#999999", linestyle="--", linewidth=1)
        ax.annotate(
            f"Infusion {number}",
            xy=(day, 1.02),
            xycoords=("data", "axes fraction"),
            ha="center",
            fontsize=9,
            color="#555555",
            annotation_clip=False,
        )
