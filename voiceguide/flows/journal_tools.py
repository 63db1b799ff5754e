"""The journal's tools: play entries in the person's own voice, correct a transcript, export,
draw the mood chart, a spoken recap before the next infusion, transcribe a file."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from voiceguide.audio.clip import Audio
from voiceguide.audio.loudness import own_voice
from voiceguide.conversation import content
from voiceguide.errors import NothingHeard, NotYet, UsageError, VoiceguideError, from_os_error
from voiceguide.flows import JourneyKit
from voiceguide.fsutil import check_output_path, private_dir
from voiceguide.home import Home
from voiceguide.journal.brief import Brief, KeySentence
from voiceguide.journal.entry import Entry


def play_entries(kit: JourneyKit, entries: list[Entry]) -> None:
    """Play every answer of the entries in order, in the person's own recorded voice."""
    from voiceguide.guidance.playback import play_pieces
    from voiceguide.journal.export import heading
    from voiceguide.terminal import keyboard_controls

    clips: list[tuple[str, Audio]] = []
    for entry in entries:
        for answer in entry.answers:
            if answer.audio:
                try:
                    own = own_voice(kit.journal.audio(entry, answer.audio))
                    clips.append((answer.question, own))
                except (VoiceguideError, OSError):
                    kit.inform(f"The recording {answer.audio} cannot be played; skipped.")
    if not clips:
        raise NotYet("There is no recording to play in that entry.")
    rate = clips[0][1].rate
    shown = {id(e): False for e in entries}

    def pieces() -> Iterator[Audio]:
        index = 0
        for entry in entries:
            for answer in entry.answers:
                if not answer.audio or index >= len(clips):
                    continue
                if not shown[id(entry)]:
                    kit.show(heading(entry))
                    shown[id(entry)] = True
                question, audio = clips[index]
                index += 1
                kit.show(f"  {question}")
                yield audio.mono().resample(rate)
                yield Audio.silence(1.0, rate)

    with keyboard_controls() as controls:
        play_pieces(kit.engines.player, pieces(), controls=controls)


def play_moment(kit: JourneyKit, entry: Entry, words: str) -> None:
    """Play the moment `words` were said in `entry`, in the person's own voice, from a second
    before they began (the moments are found first when the entry has none yet)."""
    from voiceguide.journal import moments

    if not moments.has_moments(entry):
        entry = kit.journal.add_moments(entry)
    found = moments.find(entry, words)
    if found is None:
        raise NotYet(
            f"Those words were not found in {entry.id}.",
            hint=f"See what was said with: voiceguide journal show {entry.id} --times",
        )
    index, moment = found
    name = entry.answers[index].audio
    assert name is not None  # a moment is only ever found in an answer with its recording
    audio = own_voice(kit.journal.audio(entry, name))  # levelled as a whole, then the moment
    start = max(0.0, moment.start - moments.LEAD)
    kit.show(f"{moments.clock(moment.start)}  {moment.text}")
    kit.talk.play(audio.slice(start, min(audio.duration, moment.end + 0.3)), words=moment.text)


def edit(kit: JourneyKit, ref: str, editor: str | None = None) -> Entry | None:
    """Correct an entry's transcript in a text editor; the machine transcript is kept."""
    import shlex
    import shutil
    import subprocess
    import tempfile

    from voiceguide.fsutil import FILE_MODE
    from voiceguide.journal.entry import read_edited_answers, render_answers_for_editing

    entry = kit.journal.resolve_one(ref)
    command = editor or os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not command:
        command = next((c for c in ("editor", "nano", "vi") if shutil.which(c)), None)
    if not command:
        raise UsageError("No text editor was found.", hint="Set one: export EDITOR=nano")
    folder = private_dir(Home(kit.settings.home).tmp)
    # The PID in the name lets the next start remove a copy a crash left (it is plaintext).
    fd, name = tempfile.mkstemp(prefix=f"edit-{os.getpid()}-", suffix=".md", dir=folder)
    path = Path(name)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(render_answers_for_editing(entry))
        try:
            done = subprocess.run([*shlex.split(command), str(path)], check=False)
        except OSError as exc:
            raise UsageError(f"The editor {command!r} could not be started: {exc}.") from exc
        if done.returncode != 0:
            raise UsageError(f"The editor stopped with an error; {entry.id} is unchanged.")
        texts = read_edited_answers(path.read_text("utf-8"), entry)
    finally:
        path.unlink(missing_ok=True)
    if texts == [a.text for a in entry.answers]:
        kit.inform("Nothing was changed.")
        return None
    machine = entry.get("machine_transcript") or [a.text for a in entry.answers]
    extra = dict(entry.extra)
    extra["machine_transcript"] = machine
    extra["edited"] = kit.clock.now().isoformat()
    answers = tuple(
        dataclasses.replace(a, text=t, heard=a.heard or bool(t), pending=a.pending and not t)
        for a, t in zip(entry.answers, texts, strict=True)
    )
    edited = dataclasses.replace(entry, answers=answers, extra=tuple(extra.items()))
    path = kit.journal.replace(edited)
    kit.inform(f"Saved your correction to {path}; the machine transcript is kept in it.")
    return edited


def export(
    kit: JourneyKit, entries: list[Entry], fmt: str, out: Path | None, *, force: bool = False
) -> str | None:
    """Write `entries` as md (a folder), json or txt; without `out`, json/txt are returned."""
    from voiceguide.journal import export

    if fmt not in export.FORMATS:
        raise UsageError(f"There is no export format {fmt!r}.", hint="Use md, json or txt.")
    if not entries:
        raise NotYet("There are no entries to export.")
    journal = kit.journal
    if journal.is_encrypted():
        kit.inform("Note: the export is not encrypted.")
    if fmt == "md":
        folder = out or Path(f"voiceguide-journal-{kit.clock.today().isoformat()}")
        if not folder.absolute().parent.is_dir():
            raise UsageError(f"The folder {folder.absolute().parent} does not exist.")
        if folder.is_symlink():
            raise UsageError(f"{folder} is a link; choose a new folder for the export.")
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise UsageError(f"{folder} already exists; choose a new folder for the export.")
        # Written beside it under a hidden name and renamed into place when whole; a kill
        # leaves the hidden folder, which the next start removes (the marker says where).
        from voiceguide.journal import sealing

        store = journal.store
        with journal.writing():  # one at a time: the next start may clean up after a crash
            partial = sealing.begin_export(kit.settings.home, folder)
            clips = export.to_markdown_folder(
                entries,
                partial,
                lambda e, name: store.read_bytes(store.audio_path(e, name)),
                inform=kit.inform,
            )
            if folder.exists():
                folder.rmdir()  # the empty folder the person named
            partial.rename(folder)
            sealing.end_export(kit.settings.home)
        kit.inform(f"Exported {len(entries)} entries and {clips} recordings to {folder}/.")
        return None
    text = export.to_json(entries) if fmt == "json" else export.to_text(entries)
    if out is None:
        return text
    check_output_path(out, force=force)
    from voiceguide.fsutil import atomic_write_text

    try:
        atomic_write_text(out, text)
    except OSError as exc:
        raise from_os_error(exc, out) from exc
    kit.inform(f"Exported {len(entries)} entries to {out}.")
    return None


def chart(kit: JourneyKit, out: Path, *, force: bool = False) -> int:
    """Draw mood over time, with the infusions marked, to an image file."""
    from voiceguide.journal.chart import bad_moods, mood_chart

    check_output_path(out, force=force)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UsageError(f"{out.name}: give a file ending in .png, .svg or .pdf.")
    entries = kit.journal.entries()
    for entry in bad_moods(entries):
        kit.inform(f"Left out the mood {entry.get('mood')!r} of {entry.id}: not 0 to 10.")
    count = mood_chart(entries, out)
    kit.inform(f"Drew {count} moods to {out}.")
    return count


def recap(kit: JourneyKit) -> None:
    """Before the next infusion: the intention going forward, in the person's own voice, and
    the key lines of the last reflection."""
    from voiceguide.journal.recap import key_lines

    talk, journal = kit.talk, kit.journal
    going = journal.current_intention(scope="going-forward", required=False)
    last = journal.last_reflection()
    if going is None and last is None:
        raise NotYet(
            "There is nothing to recap yet: reflect after an infusion first.",
            hint="voiceguide reflect",
        )
    talk.say(content.RECAP_OPENING)
    if going is not None:
        talk.say(content.RECAP_GOING_FORWARD)
        audio = journal.intention_audio("going-forward")
        if audio is not None:
            kit.show(f"  {going.text}")
            talk.play_own(audio)
        else:
            talk.say(going.text)
    if last is not None:
        when = f"{last.date:%A} {last.date.day} {last.date:%B}"
        after = f" after infusion {last.infusion}" if last.infusion is not None else ""
        talk.say(content.RECAP_REFLECTION.format(after=after, when=when))
        for line in key_lines(last):
            talk.say(line)
    found = journal.themes(limit=3)
    if found:
        from voiceguide.journal.themes import spoken_list

        talk.say(content.RECAP_THEMES.format(themes=spoken_list([t.phrase for t in found])))
    talk.say(content.RECAP_CLOSING)


def _folder_name(path: Path) -> str:
    """How a folder is said: "Documents", "home", or its own name (never a path)."""
    folder = path.resolve().parent
    return "home" if folder == Path.home() else folder.name or "top"


def transcribe_file(kit: JourneyKit, path: Path) -> str:
    """The transcript of an audio file."""
    from voiceguide.hearing.phrases import transcribe_recording

    audio = Audio.load(path)
    _ = kit.journal.store.cipher  # an encrypted journal's passphrase is checked first
    heard = transcribe_recording(audio, kit.engines.transcriber, kit.engines.speech_detector)
    if not heard.heard:
        raise NothingHeard(f"Nothing was heard in {path}.")
    return heard.text


BRIEF_FORMATS = (".pdf", ".html", ".md")


def brief(
    kit: JourneyKit,
    out: Path,
    *,
    since: str | None = None,
    until: str | None = None,
    with_audio: bool = False,
    force: bool = False,
) -> Path:
    """A one- or two-page brief of the period (by default the last 30 days) to bring to the
    therapist, as PDF, HTML or Markdown. Before writing, what it will hold is said and shown;
    the person's voice goes into the HTML only with their yes (or `with_audio`)."""
    kind = out.suffix.lower()
    if kind not in BRIEF_FORMATS:
        raise UsageError(f"{out.name}: give a file ending in .pdf, .html or .md.")
    check_output_path(out, force=force)
    made = _gathered(kit, since, until)
    voice = kind == ".html" and (with_audio or _voice_wanted(kit))
    return _written(kit, made, out, voice=voice, force=force)


def brief_by_voice(kit: JourneyKit, folder: Path | None = None) -> Path:
    """The menu's "a page for my therapist": what it will hold is said, then whether to put
    the person's own voice in it is asked; with it, a web page (HTML) that plays it, else a
    PDF to print; saved with a new name in their documents folder (or `folder`), and said
    where (the path is shown, never read out)."""
    made = _gathered(kit, None, None)
    voice = _voice_wanted(kit)
    if folder is None:
        folder = documents_folder()
    from voiceguide.fsutil import unique_path

    name = f"brief-for-my-therapist-{kit.clock.today():%Y-%m-%d}"
    out = unique_path(folder, name, ".html" if voice else ".pdf")
    return _written(kit, made, out, voice=voice, force=False)


def documents_folder() -> Path:
    """The person's documents folder, where it exists; else their home folder (a folder
    voiceguide did not make is never made by it)."""
    import platformdirs

    found = Path(platformdirs.user_documents_dir())
    return found if found.is_dir() else Path.home()


def _gathered(kit: JourneyKit, since: str | None, until: str | None) -> Brief:
    """The brief of the period, fitted to its pages; what it holds is said (and shown)."""
    from voiceguide.journal import brief as briefs
    from voiceguide.journal.themes import themes

    journal, today = kit.journal, kit.clock.today()
    filters = journal.filters(since=since or "30 days ago", until=until)
    first = filters.since or today
    period = journal.entries(filters)
    if not period:
        raise NotYet(f"There are no entries from {first} to {filters.until or today}.")
    found = themes(period, limit=briefs.THEMES)
    made = briefs.gather(journal.entries(), period, found, first=first, last=filters.until or today)
    from voiceguide.journal.brief_pdf import fitted

    made = fitted(made)  # one or two pages, whatever the format
    kit.talk.say(f"{made.summary()} {content.BRIEF_NOT_SAFE}")
    return made


def _written(kit: JourneyKit, made: Brief, out: Path, *, voice: bool, force: bool) -> Path:
    """Write the brief as `out`'s suffix says (atomically), and say where it is."""
    from voiceguide.journal import brief as briefs

    kind = out.suffix.lower()
    if kind == ".pdf":
        from voiceguide.journal.brief_pdf import missing_glyphs, to_pdf

        data = to_pdf(made)
        missing = missing_glyphs(briefs.to_markdown(made))
        if missing:  # never a gap in the person's words without a word about it
            kit.show(content.BRIEF_MISSING_GLYPHS.format(chars=" ".join(missing[:12])))
    elif kind == ".md":
        data = briefs.to_markdown(made).encode("utf-8")
    else:
        data = briefs.to_html(made, _clip(kit) if voice else None).encode("utf-8")
    from voiceguide.fsutil import atomic_write_bytes, clear_stale_temps

    clear_stale_temps(out)  # what a brief killed while writing here left, an hour ago or more
    try:
        atomic_write_bytes(out, data, overwrite=force)
    except FileExistsError:
        raise UsageError(
            f"{out} appeared while the brief was being made, so it was left as it is.",
            hint="Choose another name, or add --force to replace it.",
        ) from None
    except OSError as exc:
        raise from_os_error(exc, out) from exc
    kit.show(f"Saved to {out}")
    kit.talk.say(content.BRIEF_WRITTEN.format(name=out.name, folder=_folder_name(out)))
    return out


def _voice_wanted(kit: JourneyKit) -> bool:
    """Whether the person wants their voice in the HTML brief: asked aloud; with no microphone,
    asked at the keyboard; with neither, left out, and said so."""
    import sys

    from voiceguide.conversation.answers import says_yes
    from voiceguide.errors import NoDeviceError

    try:
        return kit.talk.confirm(content.BRIEF_AUDIO_ASK, meta={"transient": True})
    except NoDeviceError:
        if sys.stdin is not None and sys.stdin.isatty():
            from voiceguide import terminal

            typed = terminal.ask(content.BRIEF_AUDIO_TYPE)
            return typed.strip().lower() in ("y", "yes") or says_yes(typed)
        kit.show(content.BRIEF_WITHOUT_VOICE)
        return False


#: The longest a clip of the person's voice in the HTML brief may be: a sentence, not a
#: monologue (one 10-minute moment made a 154 MB page).
BRIEF_CLIP_SECONDS = 20.0


def _clip(kit: JourneyKit) -> Callable[[KeySentence], bytes | None]:
    """A key sentence's moment in the person's own voice, as Opus bytes (None without one)."""
    from voiceguide.journal import moments
    from voiceguide.journal.brief import clip_bytes

    def clip(key: KeySentence) -> bytes | None:
        if key.moment is None or key.answer is None:
            return None
        name = key.entry.answers[key.answer].audio
        if not name:
            return None
        try:
            audio = own_voice(kit.journal.audio(key.entry, name))
        except (VoiceguideError, OSError):
            return None
        start = max(0.0, key.moment.start - moments.LEAD)
        end = min(audio.duration, key.moment.end + 0.3, start + BRIEF_CLIP_SECONDS)
        part = audio.slice(start, end).for_speech(16000)  # mono, 16 kHz: a voice, small
        return clip_bytes((part.samples, part.rate))

    return clip
