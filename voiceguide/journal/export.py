"""The journal carried out of voiceguide: Markdown with its audio, JSON, or plain text to print."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from voiceguide.errors import DiskFullError, JournalError
from voiceguide.journal.entry import Entry, entry_from_dict, entry_to_dict

FORMATS = ("md", "json", "txt")


def heading(entry: Entry) -> str:
    """'Reflection, Friday 20 November 2026, 14:30 (infusion 2, mood 7)'."""
    when = f"{entry.date:%A} {entry.date.day} {entry.date:%B %Y, %H:%M}"
    details = []
    if entry.infusion is not None:
        details.append(f"infusion {entry.infusion}")
    from voiceguide.journal.entry import valid_mood

    mood = valid_mood(entry.get("mood"))
    if mood is not None:
        details.append(f"mood {mood}")
    more = f" ({', '.join(details)})" if details else ""
    return f"{entry.kind.capitalize()}, {when}{more}"


def _answer_text(answer: Any) -> str:
    if answer.pending:
        return "(not transcribed yet)"
    return answer.text or "(nothing was heard)"


# -- JSON ---------------------------------------------------------------------------------------
def to_json(entries: Sequence[Entry]) -> str:
    """A JSON array: one object per entry, with every front-matter field, answers and text."""
    return json.dumps([entry_to_dict(e) for e in entries], indent=2, ensure_ascii=False) + "\n"


def from_json(text: str) -> list[Entry]:
    """Entries back from `to_json`'s output."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise JournalError(f"This is not a journal export: {exc}.") from exc
    if not isinstance(data, list):
        raise JournalError("This is not a journal export: it holds no list of entries.")
    return [entry_from_dict(item) for item in data]


# -- plain text ---------------------------------------------------------------------------------
def to_text(entries: Sequence[Entry], width: int = 78, *, times: bool = False) -> str:
    """Entries as plain text for printing, oldest first, like pages of a notebook. `times`:
    each part of an answer on its own line, after when it was said (m:ss into the recording)."""
    from voiceguide.journal.moments import clock, of

    out: list[str] = []
    for entry in sorted(entries, key=lambda e: e.date):
        title = heading(entry)
        out += [title, "=" * min(len(title), width), ""]
        notes = entry.get("notes")
        if notes:
            out += [textwrap.fill(str(notes), width), ""]
        for answer, moments in zip(entry.answers, of(entry), strict=True):
            out += textwrap.wrap(answer.question, width) + [""]
            for paragraph in _answer_text(answer).split("\n\n"):
                out += textwrap.wrap(
                    paragraph, width, initial_indent="    ", subsequent_indent="    "
                )
                out.append("")
            if times and moments:  # when each part was said, as heard then
                for m in moments:
                    stamp = f"    {clock(m.start):>5}  "
                    out += textwrap.wrap(
                        m.text, width, initial_indent=stamp, subsequent_indent=" " * len(stamp)
                    )
                out.append("")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- Markdown folder ----------------------------------------------------------------------------
def to_markdown_folder(
    entries: Sequence[Entry],
    folder: Path,
    audio: Callable[[Entry, str], bytes],
    *,
    inform: Callable[[str], None] = lambda text: None,
) -> int:
    """A folder any Markdown tool (Obsidian, say) opens: one note per entry, its audio in
    `audio/` linked relatively, and an index note. `audio(entry, name)` gives a clip's bytes.
    Returns the number of audio files written. A missing or damaged recording is noted in its
    entry and the export goes on; a failed write (a full disk) removes the partial export."""
    import shutil

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise JournalError(f"{folder} already exists; choose a new folder for the export.")
    try:
        return _write_markdown_folder(entries, folder, audio, inform)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)  # made by this export, and only half written
        from voiceguide.errors import from_os_error

        error = from_os_error(exc, folder.parent)
        error_type = DiskFullError if isinstance(error, DiskFullError) else JournalError
        raise error_type(f"{error.message} The export stopped and left nothing behind.") from exc


def _clip_name(entry: Entry, audio: str) -> str:
    """A recording's name in an export: unique across days (each day's folder has its own
    "193000-reflection-1.flac"), so every note links its own recording."""
    return f"{entry.date:%Y-%m-%d}-{audio}"


def _write_markdown_folder(
    entries: Sequence[Entry],
    folder: Path,
    audio: Callable[[Entry, str], bytes],
    inform: Callable[[str], None],
) -> int:
    import errno

    from voiceguide.errors import VoiceguideError
    from voiceguide.fsutil import atomic_write_bytes, atomic_write_text, private_dir
    from voiceguide.journal.entry import one_line
    from voiceguide.journal.moments import clock, of

    private_dir(folder / "audio")
    clips = 0
    index = ["# Journal", "", f"{len(entries)} entries, newest first.", ""]
    for entry in entries:
        name = f"{entry.id or entry.date.strftime('%Y-%m-%d-%H%M%S-') + entry.kind}.md"
        front: dict[str, Any] = {
            k: v for k, v in entry_to_dict(entry).items() if k not in ("answers", "text", "notes")
        }
        front["audio"] = [f"audio/{_clip_name(entry, a.audio)}" for a in entry.answers if a.audio]
        body = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---"]
        body += ["", f"# {heading(entry)}", ""]
        if entry.get("notes"):
            body += [str(entry.get("notes")), ""]
        for answer, moments in zip(entry.answers, of(entry), strict=True):
            body += [f"## {one_line(answer.question)}", "", _answer_text(answer), ""]
            clip = _clip_name(entry, answer.audio) if answer.audio else ""
            if moments and answer.audio:
                # Each part, as heard then, linked to its moment in the recording (#t=).
                for m in moments:
                    link = f"audio/{clip}#t={m.start:.1f}"
                    body.append(f"- [\u25b6 {clock(m.start)}]({link}) {one_line(m.text)}")
                body.append("")
            if answer.audio:
                try:
                    data = audio(entry, answer.audio)
                except OSError as exc:
                    if exc.errno != errno.ENOENT:
                        raise
                    body += ["(The recording of this answer is missing.)", ""]
                    inform(f"The recording {answer.audio} of {entry.id} is missing.")
                    continue
                except VoiceguideError as exc:  # damaged, or not a plain name in its folder
                    body += ["(The recording of this answer could not be opened.)", ""]
                    inform(f"Skipped a recording of {entry.id}: {exc.message}")
                    continue
                atomic_write_bytes(folder / "audio" / clip, data)
                clips += 1
                body += [f"[Listen to this answer](audio/{clip})", ""]
        atomic_write_text(folder / name, "\n".join(body))
        index.append(f"- [{heading(entry)}]({name})")
    atomic_write_text(folder / "index.md", "\n".join(index) + "\n")
    return clips
