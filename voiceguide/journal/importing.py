"""Filing recordings made elsewhere: each under the day it was spoken, once.

Each recording is heard (phrase by phrase, then as a whole, as a live answer is) before the data
folder is locked, so another voiceguide is never held up by a long memo; under the lock the
journal is asked again whether those bytes are already in it, and only then is it filed. The
journal is read from its entries' own files here, under the lock, never through the index: an
import writes nothing but what it files, so a kill leaves no temporary index behind, and an
encryption started by another voiceguide never meets a plaintext index written beside it. A kill
at any point leaves each recording filed once or not at all: filing one is the store's single
atomic step, and the hash kept in its entry makes the next import pass over it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.errors import AudioFileError, UsageError
from voiceguide.journal.entry import Answer, Entry
from voiceguide.journal.inbox import examine, recordings_in, settling, with_time

if TYPE_CHECKING:
    from voiceguide.journal.api import Journal

#: What became of a recording: filed now, already in the journal, not a recording that can be
#: read, not there at all, or still arriving (left for the next time).
OUTCOMES = ("filed", "already", "unreadable", "missing", "arriving")


@dataclasses.dataclass(frozen=True, slots=True)
class Imported:
    """What became of one recording, and the entry it is (filed now or before)."""

    path: Path
    outcome: str
    entry: Entry | None = None
    #: How its date is known: "recording" (its container), "file" (modification time), "given".
    dated_by: str = ""
    #: Why it was not filed, in one sentence (a recording missing or unreadable).
    problem: str = ""


def import_recordings(
    journal: Journal,
    sources: Sequence[Path],
    *,
    kind: str,
    date: str | dt.datetime | None,
    settled_only: bool,
    on_each: Callable[[Imported], None] | None = None,
) -> list[Imported]:
    """File every recording in `sources` (see `Journal.import_recordings`)."""
    from voiceguide.kinds import ENTRY_KINDS

    if kind not in ENTRY_KINDS:
        raise UsageError(
            f"There is no entry kind {kind!r}.", hint=f"Use one of: {', '.join(ENTRY_KINDS)}."
        )
    moment: tuple[dt.date, dt.time | None] | None = None
    if isinstance(date, dt.datetime):
        moment = (date.date(), date.astimezone().time().replace(tzinfo=None))
    elif date is not None:
        from voiceguide.journal.dates import parse_moment

        moment = parse_moment(date, journal.clock.now().date())
    _ = journal.store.cipher  # an encrypted journal's passphrase is checked before anything
    known: dict[str, Entry] | None = None
    done = []
    for path in recordings_in(sources):
        if known is None:  # read once, when there is a recording to compare
            with journal.writing():
                known = _by_hash(journal)
        result = _one(journal, path, kind, moment, settled_only, known)
        done.append(result)
        if on_each is not None:
            on_each(result)
    return done


def _one(
    journal: Journal,
    path: Path,
    kind: str,
    moment: tuple[dt.date, dt.time | None] | None,
    settled_only: bool,
    known: dict[str, Entry],
) -> Imported:
    if not path.is_file():
        return Imported(path, "missing", problem=f"There is no file at {path}.")
    if settled_only and settling(path):
        return Imported(path, "arriving")
    found = examine(path)
    if moment is not None:
        day, clock = moment
        found = dataclasses.replace(found, when=with_time(day, clock, found.when), dated_by="given")
    if found.sha256 in known:
        return Imported(path, "already", known[found.sha256], found.dated_by)
    from voiceguide.audio.clip import Audio
    from voiceguide.hearing.phrases import transcribe_recording

    try:
        audio = Audio.load(path)
    except AudioFileError as exc:
        return Imported(path, "unreadable", problem=exc.message)
    transcriber = journal.transcriber
    heard = transcribe_recording(audio, transcriber, journal.detector)
    answer = Answer(question=f"Recording: {path.name}", text=heard.text, heard=heard.heard)
    entry = Entry(
        date=found.when,
        kind=kind,
        answers=(answer,),
        infusion=None,  # decided under the lock, below
        duration=audio.duration,
        engine=transcriber.engine,
        model=transcriber.model,
        extra=(
            ("imported_from", path.name),
            ("dated_by", found.dated_by),
            ("sha256", found.sha256),
        ),  # fmt: skip
    )
    with journal.writing():
        known.update(_by_hash(journal))  # another voiceguide may have filed it meanwhile
        if found.sha256 in known:
            return Imported(path, "already", known[found.sha256], found.dated_by)
        entry = dataclasses.replace(entry, infusion=journal.infusion_on(found.when))
        entry, _ = journal.store.keep(entry, [audio.for_speech(16000)], [heard.moments])
    known[found.sha256] = entry
    return Imported(path, "filed", entry, found.dated_by)


def _by_hash(journal: Journal) -> dict[str, Entry]:
    """Every entry filed from a recording, by the hash of its bytes (read from the entries'
    files: an import writes nothing but what it files, not even the index)."""
    return {e.get("sha256"): e for e in journal.store.read_all() if e.get("sha256")}
