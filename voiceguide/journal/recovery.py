"""Nothing lost: file recordings cut off by a crash, and transcribe entries filed without text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voiceguide.audio.capture import repair_capture
from voiceguide.errors import AudioFileError, VoiceguideError
from voiceguide.hearing.phrases import Moment, transcribe_recording
from voiceguide.interfaces import NewDetector, Transcriber
from voiceguide.journal.entry import Answer, Entry
from voiceguide.journal.store import JournalStore, capture_note


def _meta(path: Path) -> dict[str, Any]:
    return capture_note(path)


def unfinished(store: JournalStore) -> list[Path]:
    """Recordings left in the in-progress folder (by a crash, power loss or kill)."""
    return store.unfinished()


def _answer(
    path: Path, meta: dict[str, Any], transcriber: Transcriber, detector: NewDetector
) -> tuple[Answer, float, tuple[Moment, ...]] | None:
    """The recording as an answer, its length and its moments; None when nothing was
    recorded; AudioFileError when it cannot be read."""
    rate = meta.get("rate")
    audio = repair_capture(path, rate=rate if isinstance(rate, int) else None)
    if audio.frames == 0:
        return None
    question = str(meta.get("question") or "Recording")
    try:
        heard = transcribe_recording(audio, transcriber, detector)
    except VoiceguideError:
        return Answer(question=question, pending=True), audio.duration, ()
    answer = Answer(question=question, text=heard.text, heard=heard.heard)
    return answer, audio.duration, heard.moments


def _why(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or getattr(exc, "strerror", None) or exc)


def _quarantine(store: JournalStore, path: Path) -> Path:
    """Move a recording that cannot be read (and its note) to recordings/damaged/."""
    from voiceguide.fsutil import private_dir

    folder = private_dir(store.recordings / "damaged")
    target = folder / path.name
    for source in (path, path.with_suffix(".json")):
        if source.exists():
            source.replace(folder / source.name)
    return target


def recover(
    store: JournalStore,
    transcriber: Transcriber,
    detector: NewDetector,
    inform: Callable[[str], None],
) -> list[Entry]:
    """Repair, transcribe and file every unfinished recording; answers of one session together."""
    sessions: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    pending = unfinished(store)
    filed_already = store.filed_recordings() if pending else set()
    for path in pending:
        if path.name in filed_already:  # filed just before a crash; only the removal was left
            store.discard_capture(path)
            continue
        meta = _meta(path)
        if meta.get("transient"):  # a yes or no to an offer: nothing to keep
            store.discard_capture(path)
            continue
        sessions.setdefault(str(meta.get("session") or path.stem), []).append((path, meta))
    filed = []
    for captures in sessions.values():
        captures.sort(key=lambda c: (c[1].get("index", 0), c[0].name))
        entry = _file_session(store, captures, transcriber, detector, inform)
        if entry is not None:
            filed.append(entry)
    return filed


def _file_session(
    store: JournalStore,
    captures: list[tuple[Path, dict[str, Any]]],
    transcriber: Transcriber,
    detector: NewDetector,
    inform: Callable[[str], None],
) -> Entry | None:
    """File the recordings of one session, in order, as one entry (None: nothing to file)."""
    answers, paths, seconds, moments = [], [], 0.0, []
    for path, meta in captures:
        try:
            found = _answer(path, meta, transcriber, detector)
        except (AudioFileError, OSError, ValueError) as exc:
            # Never deleted, never fatal to the rest: set aside and named.
            inform(f"{_quarantine(store, path)} could not be read ({_why(exc)}); it was "
                   "set aside there, and the other recordings were filed.")  # fmt: skip
            continue
        if found is None:  # nothing was written before the crash: nothing to keep
            store.discard_capture(path)
            continue
        answers.append(found[0])
        paths.append(path)
        seconds += found[1]
        moments.append(found[2])
    if not answers:
        return None
    meta = captures[0][1]
    started = meta.get("started")
    when = dt.datetime.fromtimestamp(started) if isinstance(started, int | float) else None
    extra: list[tuple[str, object]] = [("recovered", True)]
    if meta.get("scope"):
        extra.append(("scope", meta["scope"]))
    entry = Entry(
        date=(when or dt.datetime.now()).astimezone().replace(microsecond=0),
        kind=str(meta.get("kind") or "memo"),
        answers=tuple(answers),
        infusion=meta.get("infusion"),
        duration=seconds,
        engine=transcriber.engine,
        model=transcriber.model,
        extra=tuple(extra),
    )
    entry, md = store.keep(entry, paths, moments)
    inform(f"Recovered an unfinished recording into {md}.")
    return entry


def retry_pending(
    store: JournalStore,
    transcriber: Transcriber,
    detector: NewDetector,
    inform: Callable[[str], None],
) -> list[Entry]:
    """Transcribe the answers of entries that were filed without their text; an entry whose
    audio is missing or damaged is reported at the end, and the others are still done."""
    done = []
    failed: list[str] = []
    for entry in list(store.entries()):
        if not any(a.pending for a in entry.answers):
            continue
        answers = []
        for answer in entry.answers:
            if answer.pending and answer.audio:
                try:
                    audio = store.load_audio(entry, answer.audio)
                except (VoiceguideError, OSError) as exc:
                    failed.append(f"{entry.id}: {getattr(exc, 'message', None) or exc}")
                    answers.append(answer)
                    continue
                heard = transcribe_recording(audio, transcriber, detector)
                answer = dataclasses.replace(
                    answer, text=heard.text, heard=heard.heard, pending=False
                )
            answers.append(answer)
        updated = dataclasses.replace(
            entry, answers=tuple(answers), engine=transcriber.engine, model=transcriber.model
        )
        if any(a.pending for a in updated.answers) and updated.answers == entry.answers:
            continue
        inform(f"Transcribed {store.replace(updated)}.")
        done.append(updated)
    for problem in failed:
        inform(f"Could not transcribe {problem}")
    return done
