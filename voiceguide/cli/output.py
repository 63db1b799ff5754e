"""What the command line prints: entries one per line, search hits, files it skipped."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from voiceguide.errors import UsageError
from voiceguide.journal.entry import Entry, one_line, valid_mood
from voiceguide.journal.importing import OUTCOMES, Imported
from voiceguide.journal.search import Hit
from voiceguide.journal.store import JournalStore
from voiceguide.journal.themes import Theme


def print_list(entries: Iterable[Entry]) -> None:
    """One line per entry: when, kind, infusion, mood, and the start of what was said."""
    lines = []
    for entry in entries:
        infusion = f"#{entry.infusion}" if entry.infusion is not None else "-"
        mood = valid_mood(entry.get("mood"))
        mood_text = f"mood {mood:>2}" if mood is not None else " " * 7
        pending = any(a.pending for a in entry.answers)
        words = one_line(entry.text)[:60] or (
            "(transcript pending)" if pending else "(nothing was heard)"
        )
        when = f"{entry.date:%Y-%m-%d %H:%M}"
        lines.append(f"{when}  {entry.kind:<12} {infusion:<4} {mood_text}  {words}")
    if lines:
        print("\n".join(lines))


_DATED_BY = {
    "recording": "when it was recorded",
    "file": "the file's time: the recording does not say when it was made",
    "given": "as given",
}


def print_imported(done: Sequence[Imported], *, summary: bool = False) -> None:
    """What became of each recording filed (or not), and, for several, how many of each."""
    for d in done:
        name = d.path.name
        if d.problem:
            print(f"voiceguide: {d.problem}", file=sys.stderr)
        elif d.outcome == "arriving":
            print(f"{name}: still arriving; it waits for the next time.")
        elif d.entry is not None:
            e = d.entry
            when = f"{e.date:%a %d %b %Y, %H:%M}"
            if d.outcome == "already":
                print(f"{name}: already in your journal, as the {e.kind} of {when}.")
            else:
                infusion = f", infusion {e.infusion}" if e.infusion is not None else ""
                print(f"{name}: filed as a {e.kind} of {when} ({_DATED_BY[d.dated_by]}){infusion}.")
    if summary and len(done) > 1:
        counts = {o: sum(d.outcome == o for d in done) for o in OUTCOMES}
        parts = [
            f"{counts['filed']} filed",
            f"{counts['already']} already in your journal",
            f"{counts['arriving']} still arriving",
            f"{counts['unreadable'] + counts['missing']} not filed",
        ]
        print(f"{len(done)} recordings: " + ", ".join(p for p in parts if p[0] != "0") + ".")


def print_hits(hits: Sequence[Hit], limit: int) -> None:
    """The best `limit` hits, each with the sentence that matched; how many more, if any."""
    if limit < 1:
        raise UsageError("--limit must be 1 or more.")
    if not hits:
        print("Nothing was found.", file=sys.stderr)
    for hit in hits[:limit]:
        e = hit.entry
        number = f"#{e.infusion}" if e.infusion is not None else "-"
        line = hit.line if len(hit.line) <= 90 else hit.line[:89] + "\u2026"
        print(f"{e.date:%Y-%m-%d %H:%M}  {e.kind:<12} {number:<4} {line}")
    if len(hits) > limit:
        print(f"({len(hits) - limit} more; see them with --limit {len(hits)})", file=sys.stderr)


def print_skipped(store: JournalStore) -> None:
    """Every journal file that could not be read, and why."""
    for skipped in store.skipped:
        print(f"voiceguide: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)


def print_themes(themes: Sequence[Theme]) -> None:
    """Each theme, in how many entries, and the sentence it was said in, in each."""
    for n, theme in enumerate(themes):
        count = f"{theme.entries} entries"
        print(("\n" if n else "") + f"{theme.phrase}  ({count})")
        for where in theme.evidence:
            e = where.entry
            sentence = (
                where.sentence if len(where.sentence) <= 90 else where.sentence[:89] + "\u2026"
            )
            print(f"  {e.date:%Y-%m-%d %H:%M}  {e.kind:<12} {sentence}")
