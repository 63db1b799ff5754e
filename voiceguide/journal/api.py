"""The journal as the rest of voiceguide sees it: entries in, entries out, nothing lost.

`Journal` is a façade over the store (files and paths), the data folder's lock, the series of
infusions and encryption at rest. Callers get `Entry`s; the index beside the files stays the
store's private cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceguide.errors import AudioFileError, BusyError, NotYet, UsageError, VoiceguideError
from voiceguide.fsutil import private_dir
from voiceguide.home import Home
from voiceguide.journal import series
from voiceguide.journal.entry import Answer, Entry, first_reflections, latest_intention
from voiceguide.journal.lock import data_lock
from voiceguide.journal.query import EVERYTHING, Filters
from voiceguide.journal.store import JournalStore

if TYPE_CHECKING:
    from voiceguide.audio.clip import Audio
    from voiceguide.clock import Clock
    from voiceguide.hearing.phrases import Moment
    from voiceguide.interfaces import NewDetector, Transcriber
    from voiceguide.journal.importing import Imported
    from voiceguide.journal.search import Hit
    from voiceguide.journal.themes import Theme

_NOT_SET = {
    "infusion": ("an intention", ""),
    "series": ("an intention for the series", " --series"),
    "going-forward": ("an intention going forward", " --going-forward"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class Said:
    """One answer as the journal files it: the question, the words heard and the recording."""

    question: str
    text: str
    #: Whether anything was said at all (a recording may hold speech that has no text yet).
    heard: bool
    recording: Path
    seconds: float
    moments: Sequence[Moment] = ()
    #: Speech was heard, but transcription failed: kept as audio, its text to be found later.
    pending: bool = False


class Journal:
    """One person's journal in their data folder."""

    def __init__(
        self,
        home: Path,
        *,
        clock: Clock,
        transcriber: Callable[[], Transcriber],
        detector: NewDetector,
        inform: Callable[[str], None] = print,
    ) -> None:
        """`transcriber` gives the speech recognizer when it is first needed; `detector` makes
        a speech detector for each recording heard (both from the Engines)."""
        from voiceguide.journal.crypto import cipher_for

        self.home = home
        self.clock = clock
        self._transcriber = transcriber
        self.detector = detector
        self.inform = inform
        private_dir(home)
        self.store = JournalStore(home, cipher=lambda: cipher_for(home))

    @property
    def transcriber(self) -> Transcriber:
        """The speech recognizer entries are transcribed with (built when first needed)."""
        return self._transcriber()

    # -- one writer at a time --------------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the data folder's lock (waiting a little for another voiceguide to finish)."""
        with data_lock(self.home, inform=self.inform):
            # Whether the journal is encrypted is decided under the lock: another voiceguide
            # may have turned encryption on while this one waited.
            self.store.check_cipher()
            yield

    # -- reading ---------------------------------------------------------------------------------
    def entries(self, filters: Filters = EVERYTHING) -> list[Entry]:
        """Entries, newest first, that pass `filters`."""
        return filters.apply(self.store.entries(filters.admits))

    def filters(
        self,
        *,
        kind: str | None = None,
        infusion: int | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> Filters:
        """Filters from words as people type them ("last week"), dated by this journal's clock."""
        return Filters.parse(
            kind=kind,
            infusion=infusion,
            since=since,
            until=until,
            limit=limit,
            today=self.clock.today(),
        )

    def search(self, query: str, *, limit: int | None = None) -> list[Hit]:
        """Entries holding every word of `query`, best first."""
        from voiceguide.journal.search import search_entries

        return search_entries(self.store.records(), query, limit)

    def resolve(self, ref: str) -> list[Entry]:
        """The entries `ref` names, oldest first: an id (or the start of one), "last", a day
        ("2026-11-20", "yesterday") or a day and time as `journal list` shows it."""
        from voiceguide.journal.dates import parse_day

        phrase = " ".join(ref.split())
        entries = list(self.store.entries())
        if phrase.lower() in ("last", "latest"):
            return entries[:1] or _no_entry(ref)
        exact = [e for e in entries if e.id == phrase]
        if exact:
            return exact
        timed = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?", phrase)
        if timed:
            day, hour, minute, second = timed.groups()
            at = [
                e
                for e in entries
                if e.date.date().isoformat() == day
                and (e.date.hour, e.date.minute) == (int(hour), int(minute))
                and (second is None or e.date.second == int(second))
            ]
            return sorted(at, key=lambda e: e.date) or _no_entry(ref)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}-\d+.*", phrase):  # the start of an id
            start = [e for e in entries if e.id.startswith(phrase)]
            return sorted(start, key=lambda e: e.date) or _no_entry(ref)
        day = parse_day(phrase, self.clock.today())
        on_day = [e for e in entries if e.date.date() == day]
        return sorted(on_day, key=lambda e: e.date) or _no_entry(ref)

    def resolve_one(self, ref: str) -> Entry:
        """The single entry `ref` names (UsageError listing the choices when it names several)."""
        found = self.resolve(ref)
        if len(found) > 1:
            raise UsageError(
                f"{len(found)} entries match {ref!r}.",
                hint="Give one of: " + ", ".join(e.id for e in found),
            )
        return found[0]

    def audio(self, entry: Entry, name: str) -> Audio:
        """One of an entry's recordings, decrypted if need be."""
        return self.store.load_audio(entry, name)

    def themes(self, filters: Filters = EVERYTHING, *, limit: int = 10) -> list[Theme]:
        """What keeps coming back in the entries that pass `filters` (see journal.themes)."""
        from voiceguide.journal.themes import themes

        return themes(self.entries(filters), limit=limit)

    def last_reflection(self) -> Entry | None:
        """The newest reflection with words."""
        return next((e for e in self.store.entries() if e.kind == "reflection" and e.text), None)

    # -- intentions ------------------------------------------------------------------------------
    def intention(self, scope: str, infusion: int | None = None) -> Entry | None:
        """The newest intention of `scope` (of infusion `infusion` when given)."""
        return latest_intention(self.store.entries(), scope, infusion)

    def current_intention(self, *, scope: str = "infusion", required: bool = True) -> Entry | None:
        """The intention of `scope` that applies now.

        For an infusion: the one set for the current infusion, else the series intention, else
        the latest one set for any infusion.
        """
        if scope == "infusion":
            entry = (
                self.intention("infusion", self.current_infusion())
                or self.intention("series")
                or self.intention("infusion")
            )
        else:
            entry = self.intention(scope)
        if entry is None and required:
            what, flag = _NOT_SET[scope]
            raise NotYet(
                f"You have not set {what} yet.",
                hint=f"Set one with: voiceguide intention set{flag}",
            )
        return entry

    def intention_audio(self, scope: str) -> Audio | None:
        """The person's own recorded intention of `scope` that applies now, if there is one."""
        entry = self.current_intention(scope=scope, required=False)
        if entry is None or not entry.audio:
            return None
        try:
            return self.store.load_audio(entry, entry.audio[0])
        except VoiceguideError:
            return None

    # -- the series of infusions -----------------------------------------------------------------
    def current_infusion(self) -> int:
        """The infusion now under way: set by `infusion next`, else the journal's latest."""
        try:
            state = series.current(self.home)
        except series.Damaged as exc:
            latest = self._latest_infusion()
            self.inform(
                f"The record of which infusion is under way could not be read ({exc.why}); it "
                f"is kept as {exc.aside}, and the latest in your journal, infusion {latest}, "
                "is taken as the one under way."
            )
            return latest
        return state if state is not None else self._latest_infusion()

    def _latest_infusion(self) -> int:
        """The highest infusion any entry belongs to (a series only goes forward), else 1."""
        return max((e.infusion for e in self.store.entries() if e.infusion is not None), default=1)

    def next_infusion(self) -> int:
        """Start the next infusion of the series; entries from now on carry its number."""
        with self.writing():
            number = self.current_infusion() + 1
            series.set_current(self.home, number, self.clock.now())
        return number

    def follow_infusion(self, number: int) -> None:
        """Entries from now on belong to infusion `number` (a reflection said to follow it)."""
        if number > self.current_infusion():
            series.set_current(self.home, number, self.clock.now())

    def days_since_infusion(self) -> int | None:
        """Days since the current infusion (from its first reflection), or None if not known."""
        first = first_reflections(self.store.entries()).get(self.current_infusion())
        if first is None:
            return None
        return (self.clock.today() - first.date.date()).days

    def infusion_started_today(self) -> bool:
        """Whether `infusion next` was used today (the infusion is today)."""
        return series.started(self.home) == self.clock.today()

    # -- writing ---------------------------------------------------------------------------------
    def file(
        self,
        kind: str,
        answers: Sequence[Said],
        *,
        infusion: int | None = None,
        extra: tuple[tuple[str, Any], ...] = (),
    ) -> Entry:
        """File the answers heard as one entry; their recordings are moved into it."""
        transcriber = self.transcriber
        entry = Entry(
            date=self.clock.now(),
            kind=kind,
            answers=tuple(
                Answer(question=a.question, text=a.text, heard=a.heard, pending=a.pending)
                for a in answers
            ),
            infusion=infusion,
            duration=sum(a.seconds for a in answers),
            engine=transcriber.engine,
            model=transcriber.model,
            extra=extra,
        )
        clips = [a.recording for a in answers]
        entry, md = self.store.keep(entry, clips, [a.moments for a in answers])
        self.inform(f"Saved to {md}.")
        if any(a.pending for a in answers):
            self.inform("Transcription failed, so the audio was saved without its text.")
        return entry

    def discard(self, recording: Path) -> None:
        """Let go of a recording that is not to be kept (a command, a cancelled answer)."""
        self.store.discard_capture(recording)

    def import_audio(
        self, path: Path, *, kind: str = "memo", when: dt.datetime | None = None
    ) -> Entry:
        """File one existing recording (a voice memo, say) as an entry of `kind`, dated when
        it was recorded (or `when`); the entry it already is, when it was filed before."""
        done = self.import_recordings([path], kind=kind, date=when)[0]
        if done.entry is None:
            raise AudioFileError(f"{path.name} is not a recording voiceguide can read.")
        return done.entry

    def import_recordings(
        self,
        sources: Sequence[Path],
        *,
        kind: str = "memo",
        date: str | dt.datetime | None = None,
        settled_only: bool = False,
        on_each: Callable[[Imported], None] | None = None,
    ) -> list[Imported]:
        """File every recording given, and every one in the folders given, each under the date
        it was recorded (or `date`: "2026-11-24 11:05", "yesterday", a datetime) and the
        infusion under way then; one already in the journal (the same bytes) is not filed
        again. `settled_only` leaves a file that may still be arriving for the next time. What
        became of each, in order (and to `on_each` as each is done)."""
        from voiceguide.journal.importing import import_recordings

        return import_recordings(
            self, sources, kind=kind, date=date, settled_only=settled_only, on_each=on_each
        )

    def infusion_on(self, when: dt.datetime) -> int:
        """The infusion that was under way at `when`: the current one from the day it began;
        before that, the one of the latest entry made before `when`. (Read from the entries'
        own files, the index left as it is: see `JournalStore.read_all`.)"""
        entries = [e for e in self.store.read_all() if e.infusion is not None]
        try:
            set_now = series.current(self.home)
        except series.Damaged:
            set_now = None
        current = set_now or max((e.infusion or 1 for e in entries), default=1)
        begun = series.started(self.home)
        if begun is not None and when.date() >= begun:
            return current
        before = [e for e in entries if e.date <= when]
        if before:
            return max(before, key=lambda e: e.date).infusion or current
        # Nothing before it: the one under way, or (said to have begun later) the one before.
        return current if begun is None else max(1, current - 1)

    def add_moments(self, entry: Entry) -> Entry:
        """`entry` with the moments of its answers found from their recordings, and kept (an
        entry filed before there were moments, or imported without them)."""
        from voiceguide.hearing.phrases import transcribe_recording
        from voiceguide.journal.moments import of, with_moments

        found = []
        for answer, known in zip(entry.answers, of(entry), strict=True):
            if known or not answer.audio or not answer.text:
                found.append(known)
                continue
            audio = self.store.load_audio(entry, answer.audio)
            found.append(transcribe_recording(audio, self.transcriber, self.detector).moments)
        timed = with_moments(entry, found)
        if timed != entry:
            self.replace(timed)
        return timed

    def retry_moments(self) -> list[Entry]:
        """Find the moments of every entry that has recordings with words but no moments."""
        from voiceguide.journal.moments import of

        done = []
        for entry in self.store.entries():
            missing = [
                a
                for a, m in zip(entry.answers, of(entry), strict=True)
                if a.audio and a.text and not m
            ]
            if missing:
                done.append(self.add_moments(entry))
        self.inform(
            f"Added the moments of {len(done)} entries."
            if done
            else "Every entry already knows when each part was said."
        )
        return done

    def replace(self, entry: Entry) -> Path:
        """Rewrite an entry (its corrected words); its recordings stay as they are."""
        with self.writing():
            return self.store.replace(entry)

    # -- nothing lost ----------------------------------------------------------------------------
    def recover(self, *, quiet: bool = False) -> list[Entry]:
        """Finish what a crash interrupted: an encryption change, plaintext temporary files,
        unfinished recordings. `quiet` (every start) skips when another voiceguide is writing."""
        from voiceguide.journal import sealing

        changing = sealing.pending(self.home) is not None
        changing = changing or Home(self.home).export_marker.exists()
        leftovers = sealing.stray_temporaries(self.store) + self.store.interrupted()
        if not self.store.unfinished() and not changing and not leftovers:
            if not quiet:
                self.inform("There are no unfinished recordings.")
            return []
        try:
            with data_lock(self.home, wait=0.0 if quiet else 10.0, inform=self.inform):
                sealing.finish(self.store, self.inform)
                sealing.undo_export(self.home)
                for path in sealing.stray_temporaries(self.store):
                    path.unlink(missing_ok=True)
                for note in self.store.interrupted():
                    self.store.undo_interrupted(note)
                from voiceguide.journal.recovery import recover

                return recover(self.store, self.transcriber, self.detector, self.inform)
        except BusyError:
            if quiet:
                return []  # the other voiceguide is recording them right now
            raise

    def retry(self) -> list[Entry]:
        """Transcribe entries that were filed without their text."""
        from voiceguide.journal.recovery import retry_pending

        with self.writing():
            done = retry_pending(self.store, self.transcriber, self.detector, self.inform)
        if not done:
            self.inform("Every entry already has its transcript.")
        return done

    def encrypt(self) -> int:
        """Turn on encryption at rest and encrypt every transcript and recording already kept.

        Resumable: an encryption (or decryption) that was interrupted is finished instead."""
        from voiceguide.journal import crypto, sealing

        with self.writing():
            if sealing.pending(self.home) is not None:
                return sealing.finish(self.store, self.inform)
            if crypto.is_enabled(self.home):
                raise UsageError("Your journal is already encrypted.")
            self.inform(
                "Choose a passphrase. Without it nobody, not even you, can open your journal: "
                "a lost passphrase cannot be recovered."
            )
            passphrase = crypto.ask_passphrase("New passphrase: ", confirm=True)
            sealing.begin(self.home, "encrypt")
            self.store.use_cipher(crypto.create_key(self.home, passphrase))
            count = sealing.encrypt_files(self.store)
        self.inform(f"Encrypted {count} files. New entries will be encrypted too.")
        return count

    def decrypt(self) -> int:
        """Turn encryption at rest off again, leaving every file readable (resumable too)."""
        from voiceguide.journal import crypto, sealing

        with self.writing():
            if sealing.pending(self.home) == "decrypt":
                return sealing.finish(self.store, self.inform)
            if sealing.pending(self.home) == "encrypt":
                sealing.finish(self.store, self.inform)
            if not crypto.is_enabled(self.home):
                raise UsageError("Your journal is not encrypted.")
            if self.store.cipher is None:  # asks for (and checks) the passphrase first
                raise UsageError("Your journal is not encrypted.")
            sealing.begin(self.home, "decrypt")
            count = sealing.decrypt_files(self.store)
        self.inform(f"Decrypted {count} files; encryption is off.")
        return count

    def is_encrypted(self) -> bool:
        """Whether the journal is encrypted at rest."""
        from voiceguide.journal import crypto

        return crypto.is_enabled(self.home)


def _no_entry(ref: str) -> list[Entry]:
    raise UsageError(f"No entry matches {ref!r}.", hint="See them with: voiceguide journal list")
