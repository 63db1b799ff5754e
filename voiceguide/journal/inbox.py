"""Recordings made elsewhere (a phone's voice memos), found and dated before they are filed.

A memo recorded at the clinic at 11:00 and copied to the computer at 18:00 was spoken at 11:00:
its container says so (`creation_time`, which phones write), and that is the date it is filed
under. Without one, the file's modification time is the best there is, and it is said which was
used. The same recording copied twice has the same bytes, so a hash of them, kept in the entry,
files it once. voiceguide only reads these files: it never moves, renames or deletes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from collections.abc import Iterable
from pathlib import Path

#: What phones and recorders write; a file of another kind in a folder is passed over.
AUDIO_SUFFIXES = (
    ".m4a", ".mp3", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac", ".amr", ".3gp", ".webm",
)  # fmt: skip
#: A file changed less than this many seconds ago may still be arriving (a copy from a phone,
#: a sync in progress): it waits for the next start.
SETTLING_SECONDS = 5.0
#: The container tags that say when a recording was made, in the order they are trusted: the
#: one iPhones write with the local time zone, then the usual one (UTC), then an ID3 date.
_WHEN_TAGS = ("com.apple.quicktime.creationdate", "creation_time", "date")


@dataclasses.dataclass(frozen=True, slots=True)
class Found:
    """A recording to file: where it is, when it was made, and how that is known."""

    path: Path
    when: dt.datetime
    #: "recording" (its container says), "file" (the file's modification time), or "given".
    dated_by: str
    sha256: str


def recordings_in(sources: Iterable[Path]) -> list[Path]:
    """The files given, and every recording in the folders given (and their folders), in
    order. Hidden files are passed over: a sync program's files in progress are hidden."""
    found: list[Path] = []
    for source in sources:
        if source.is_dir():
            found.extend(
                p
                for p in sorted(source.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in AUDIO_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(source).parts)
            )
        else:
            found.append(source)
    return found


def settling(path: Path, now: float | None = None) -> bool:
    """Whether `path` changed so recently that it may still be being copied. The status
    change time counts too: a copy that keeps the phone's modification time still moves it."""
    st = path.stat()
    return (now if now is not None else time.time()) - max(st.st_mtime, st.st_ctime) < (
        SETTLING_SECONDS
    )


def content_hash(path: Path) -> str:
    """The SHA-256 of the file's bytes: the same recording copied twice has the same one."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def examine(path: Path, given: dt.datetime | None = None) -> Found:
    """When `path` was recorded (or `given`), and its hash."""
    if given is not None:
        when, dated_by = given, "given"
    else:
        recorded = recorded_at(path)
        if recorded is not None:
            when, dated_by = recorded, "recording"
        else:
            mtime = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
            when, dated_by = mtime, "file"
    return Found(path, when.replace(microsecond=0), dated_by, content_hash(path))


def recorded_at(path: Path) -> dt.datetime | None:
    """The time the container says the recording was made (local time), or None."""
    import av

    try:
        with av.open(str(path)) as container:
            tags = [container.metadata, *(s.metadata for s in container.streams.audio)]
    except (av.FFmpegError, OSError, UnicodeDecodeError):
        return None
    for name in _WHEN_TAGS:
        for found in tags:
            when = _parse_when(found.get(name))
            if when is not None:
                return when
    return None


def _parse_when(value: str | None) -> dt.datetime | None:
    """A tag's time as local time; None when it is missing, unreadable, or plainly a default
    (some encoders write 1970 or 1904 when they know nothing)."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace(" UTC", "+00:00"))
    except ValueError:
        return None
    if when.year < 2000:
        return None
    # A time with no zone was written in the phone's own (local) time, which astimezone takes.
    return when.astimezone()


def with_time(day: dt.date, clock: dt.time | None, recorded: dt.datetime) -> dt.datetime:
    """`day` at `clock`, or at the time of day the recording was made (a memo said to be from
    yesterday keeps its hour)."""
    at = clock if clock is not None else recorded.astimezone().time()
    return dt.datetime.combine(day, at).astimezone()
