"""The journal on disk: one folder per day, Markdown beside its audio, written atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from voiceguide.audio import Audio, wav_to_flac
from voiceguide.errors import JournalError
from voiceguide.fsutil import atomic_path, atomic_write_text, private_dir
from voiceguide.journal import Entry, parse_markdown, render_markdown

_NAME = re.compile(r"^(\d{6})-([a-z-]+?)(?:-(\d+))?\.md$")


@dataclasses.dataclass(frozen=True, slots=True)
class Skipped:
    """A journal file that could not be read, and why."""

    path: Path
    reason: str


class JournalStore:
    """Owns the journal's paths. The folder (YYYY/MM/DD) is authoritative for an entry's date."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.root = home / "journal"
        self.recordings = home / "recordings"
        self.skipped: list[Skipped] = []

    # -- recordings in progress ---------------------------------------------------------------
    def capture_path(self, label: str, when: dt.datetime | None = None) -> Path:
        """A fresh path for a recording about to start."""
        private_dir(self.recordings)
        stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d-%H%M%S")
        n = 1
        while True:
            suffix = "" if n == 1 else f"-{n}"
            path = self.recordings / f"{stamp}-{label}{suffix}.wav"
            if not path.exists():
                return path
            n += 1

    def mark_unheard(self, path: Path) -> None:
        """Note that a kept recording held no speech, so recovery leaves it alone."""
        meta = path.with_suffix(".json")
        try:
            data = json.loads(meta.read_text("utf-8"))
        except (OSError, ValueError):
            data = {}
        data["unheard"] = True
        atomic_write_text(meta, json.dumps(data, indent=2))

    def discard_capture(self, path: Path) -> None:
        """Remove a recording (and its note) once its audio is safely in the journal."""
        for p in (path, path.with_suffix(".json")):
            p.unlink(missing_ok=True)

    # -- entries ------------------------------------------------------------------------------
    def day_dir(self, when: dt.datetime) -> Path:
        return self.root / f"{when:%Y}" / f"{when:%m}" / f"{when:%d}"

    def add(self, entry: Entry, clips: Sequence[Audio | Path | None]) -> tuple[Entry, Path]:
        """File `entry` with one clip per answer: audio first, then the Markdown that points at it.

        A clip is audio in memory, or the path of a finished WAV recording (converted block by
        block).

        An existing entry is never overwritten: a second entry in the same second gets its own name.
        """
        if len(clips) != len(entry.answers):
            raise ValueError("one clip (or None) per answer")
        folder = private_dir(self.day_dir(entry.date))
        for p in (self.root, folder.parent, folder.parent.parent):
            private_dir(p)
        base = f"{entry.date:%H%M%S}-{entry.kind}"
        n = 1
        while True:
            stem = base if n == 1 else f"{base}-{n}"
            md_path = folder / f"{stem}.md"
            if not md_path.exists() and not any(folder.glob(f"{stem}-*.flac")):
                break
            n += 1
        answers = []
        for i, (answer, clip) in enumerate(zip(entry.answers, clips, strict=True), start=1):
            name = None
            if isinstance(clip, Path):
                name = f"{stem}-{i}.flac"
                wav_to_flac(clip, folder / name)
            elif clip is not None:
                name = f"{stem}-{i}.flac"
                clip.save(folder / name)
            answers.append(dataclasses.replace(answer, audio=name or answer.audio))
        entry = dataclasses.replace(entry, answers=tuple(answers), id=self._id(md_path))
        with atomic_path(md_path, overwrite=False) as tmp:
            tmp.write_text(render_markdown(entry), "utf-8")
        return entry, md_path

    def replace(self, entry: Entry) -> Path:
        """Rewrite an existing entry's Markdown (its audio is left as it is)."""
        path = self.path_of(entry.id)
        atomic_write_text(path, render_markdown(entry))
        return path

    def path_of(self, entry_id: str) -> Path:
        """The Markdown file of an entry id (YYYY-MM-DD-HHMMSS-kind[-n])."""
        m = re.match(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$", entry_id)
        if not m:
            raise JournalError(f"{entry_id!r} is not an entry id.")
        return self.root / m[1] / m[2] / m[3] / f"{m[4]}.md"

    def audio_path(self, entry: Entry, name: str) -> Path:
        return self.path_of(entry.id).parent / name

    def _id(self, md_path: Path) -> str:
        day = md_path.parent
        return f"{day.parent.parent.name}-{day.parent.name}-{day.name}-{md_path.stem}"

    def entries(self) -> Iterator[Entry]:
        """Every readable entry, newest first; unreadable ones are noted in `skipped`."""
        self.skipped = []
        if not self.root.is_dir():
            return
        paths = self.root.glob("[0-9]*/[0-9]*/[0-9]*/*.md")
        for path in sorted(paths, key=_newest_first, reverse=True):
            entry = self.read(path)
            if entry is not None:
                yield entry

    def read(self, path: Path) -> Entry | None:
        """One entry, dated by its folder and file name; None (and noted) if it cannot be read."""
        m = _NAME.match(path.name)
        try:
            day = dt.date(int(path.parent.parent.parent.name), int(path.parent.parent.name),
                          int(path.parent.name))
            text = path.read_text("utf-8")
            entry = parse_markdown(text, id=self._id(path))
        except (ValueError, OSError, UnicodeDecodeError, JournalError) as exc:
            self.skipped.append(Skipped(path, str(getattr(exc, "message", exc))))
            return None
        clock = entry.date.timetz() if m is None else _clock(m[1], entry.date)
        when = dt.datetime.combine(day, clock)
        return dataclasses.replace(entry, date=when)

    def latest(self, kind: str, **fields: object) -> Entry | None:
        """The newest entry of `kind` whose front matter has the given values."""
        for entry in self.entries():
            if entry.kind == kind and all(entry.get(k) == v for k, v in fields.items()):
                return entry
        return None


def _newest_first(path: Path) -> tuple[str, str, int]:
    m = _NAME.match(path.name)
    if m is None:
        return (str(path.parent), path.stem, 0)
    return (str(path.parent), m[1], int(m[3] or 1))


def _clock(hhmmss: str, fallback: dt.datetime) -> dt.time:
    return dt.time(int(hhmmss[:2]), int(hhmmss[2:4]), int(hhmmss[4:]), tzinfo=fallback.tzinfo)
