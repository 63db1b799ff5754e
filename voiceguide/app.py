"""The Python API behind every command: the journeys, talking only to the four interfaces."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from voiceguide import content, engines
from voiceguide.audio import Audio
from voiceguide.errors import (
    DiskFullError,
    NoDeviceError,
    NothingHeard,
    UsageError,
    VoiceguideError,
)
from voiceguide.fsutil import private_dir
from voiceguide.interfaces import Player, Recorder, Synthesizer, Transcriber
from voiceguide.journal import Answer, Entry
from voiceguide.listening import Capture, listen, transcribe_audio
from voiceguide.lock import data_lock
from voiceguide.session import render_session
from voiceguide.settings import Settings
from voiceguide.sounds import listening_cue
from voiceguide.store import JournalStore

INTENTION_SCOPES = ("infusion", "going-forward")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Voiceguide:
    """One person's voiceguide: their settings, their journal, and the engines it speaks through.

    Engines are passed in; any that are not are built from the settings when first needed.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        synthesizer: Synthesizer | None = None,
        player: Player | None = None,
        recorder: Recorder | None = None,
        transcriber: Transcriber | None = None,
        stop: threading.Event | None = None,
        show: Callable[[str], None] = print,
        inform: Callable[[str], None] = _stderr,
    ) -> None:
        self.settings = settings
        self._synthesizer = synthesizer
        self._player = player
        self._recorder = recorder
        self._transcriber = transcriber
        self._stop = stop
        self.show = show
        self.inform = inform
        self._mute = False  # set when there is no speaker: prompts are then shown only
        private_dir(settings.home)
        from voiceguide.crypto import cipher_for

        self.store = JournalStore(settings.home, cipher=lambda: cipher_for(settings.home))

    # -- engines, built once and only when needed ----------------------------------------------
    @property
    def synthesizer(self) -> Synthesizer:
        if self._synthesizer is None:
            self._synthesizer = engines.default_synthesizer(self.settings)
        return self._synthesizer

    @property
    def player(self) -> Player:
        if self._player is None:
            self._player = engines.default_player(self.settings)
        return self._player

    @property
    def recorder(self) -> Recorder:
        if self._recorder is None:
            self._recorder = engines.default_recorder(self.settings)
        return self._recorder

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = engines.default_transcriber(self.settings)
        return self._transcriber

    # -- speaking and listening ----------------------------------------------------------------
    def say(self, text: str) -> None:
        """Speak `text` aloud (and show it)."""
        self.show(text)
        self._play(self.synthesizer.synthesize(text))

    def _play(self, audio: Audio) -> None:
        if self._mute:
            return
        try:
            self.player.play(audio)
        except NoDeviceError as exc:
            self._mute = True
            self.inform(f"{exc.message} The words are shown here instead.")

    def ask(self, question: str, *, label: str, meta: dict) -> Capture:
        """Speak a question, play the cue, and listen for the answer.

        `meta` (kind, session, index, ...) is kept beside the recording, so that an answer cut off
        by a crash can still be filed in its place by `recover`.
        """
        self.say(question)
        self._play(listening_cue())
        path = self.store.capture_path(label)
        stop = self._stop
        if stop is None:
            from voiceguide.keyboard import enter_pressed

            stop = enter_pressed()
        s = self.settings
        capture = listen(
            self.recorder,
            path,
            transcriber=self.transcriber,
            silence=s.silence,
            max_seconds=s.max_seconds,
            wait_seconds=s.wait_seconds,
            stop=stop,
            on_open=lambda: self.inform("Listening... (press Enter when you have finished)"),
            meta={**meta, "question": question},
        )
        if capture.stopped_by == "disk-full":
            raise DiskFullError(
                f"The disk is full, so recording stopped; the {capture.duration:.0f} seconds that "
                f"fitted are kept in {capture.path}.",
                hint="Free some space, then run 'voiceguide recover' to file them.",
            )
        if capture.error:
            self.inform(f"{capture.error} What was said so far is kept.")
        return capture

    # -- once, at first use --------------------------------------------------------------------
    def first_run_notice(self, *, speak: bool = True) -> bool:
        """Say, once, that voiceguide is not a medical device or therapy; True when it was said."""
        marker = self.settings.home / "notice-acknowledged"
        if marker.exists():
            return False
        if speak:
            self.say(content.NOTICE)
        else:
            self.show(content.NOTICE)
        from voiceguide.fsutil import atomic_write_text

        atomic_write_text(marker, f"{dt.datetime.now().astimezone().isoformat()}\n")
        return True

    # -- meditate ------------------------------------------------------------------------------
    def meditate(self, *, minutes: float = 10.0, out: Path | None = None) -> Path | None:
        """Render the grounding meditation; play it, or write it to `out` (returns a saved path)."""
        if not 1 <= minutes <= 180:
            raise UsageError("--minutes must be between 1 and 180.")
        if out is not None:
            _check_output_path(out)
        rendered = render_session(content.GROUNDING_MEDITATION, self.synthesizer, minutes=minutes)
        title = f"voiceguide: grounding meditation, {minutes:g} minutes"
        if out is not None:
            rendered.audio.save(out, title=title)
            self.inform(f"Saved the {minutes:g}-minute meditation to {out}.")
            return out
        self.inform(f"Playing a {minutes:g}-minute grounding meditation. Ctrl-C stops it.")
        try:
            self.player.play(rendered.audio)
        except NoDeviceError as exc:
            folder = private_dir(self.settings.home / "sessions")
            path = folder / f"meditation-{dt.datetime.now():%Y-%m-%d-%H%M%S}.wav"
            rendered.audio.save(path, title=title)
            self.inform(f"{exc.message} The meditation was saved to {path} instead.")
            return path
        return None

    # -- intention -----------------------------------------------------------------------------
    def set_intention(self, *, going_forward: bool = False) -> Entry:
        """Explain, listen, read back and save the intention (or the intention going forward)."""
        scope = "going-forward" if going_forward else "infusion"
        heading = "Intention going forward" if going_forward else "Intention"
        with self.writing():
            self.say(content.GOING_FORWARD_INTRO if going_forward else content.INTENTION_INTRO)
            capture = self.ask(
                "What is your intention?",
                label=f"intention-{scope}",
                meta={"kind": "intention", "scope": scope, "session": uuid.uuid4().hex},
            )
            if not capture.heard:
                self.store.mark_unheard(capture.path)
                raise NothingHeard(
                    "Nothing was heard, so no intention was saved.",
                    hint=f"The recording is kept at {capture.path}.",
                )
            entry = self._file("intention", [(heading, capture)], extra=(("scope", scope),))
        if entry.text:
            self.say(content.INTENTION_READBACK.format(text=entry.text))
        return entry

    def current_intention(self, *, going_forward: bool = False) -> Entry:
        """The latest intention of its kind."""
        scope = "going-forward" if going_forward else "infusion"
        entry = next(
            (
                e
                for e in self.store.entries()
                if e.kind == "intention" and e.get("scope") == scope and e.text
            ),
            None,
        )
        if entry is None:
            what = "an intention going forward" if going_forward else "an intention"
            flag = " --going-forward" if going_forward else ""
            raise VoiceguideError(
                f"You have not set {what} yet.",
                hint=f"Set one with: voiceguide intention set{flag}",
            )
        return entry

    def play_intention(self, *, going_forward: bool = False, tts: bool = False) -> Entry:
        """Play the intention in the person's own recorded voice (or spoken by the voice)."""
        entry = self.current_intention(going_forward=going_forward)
        if tts or not entry.audio:
            self.say(entry.text or "Your intention has no words yet.")
        else:
            self.player.play(self.store.load_audio(entry, entry.audio[0]))
        return entry

    # -- reflect -------------------------------------------------------------------------------
    def reflect(self, *, quick: bool = False, infusion: int | None = None) -> Entry:
        """Ask the reflection questions aloud and file the answers as one journal entry."""
        if infusion is not None and not 1 <= infusion <= 1000:
            raise UsageError("--infusion must be a number from 1 to 1000.")
        with self.writing():
            self.say(content.REFLECT_INTRO)
            questions = (content.QUICK_QUESTION,) if quick else content.REFLECT_QUESTIONS
            number = infusion or self.current_infusion()
            session = uuid.uuid4().hex
            answers: list[tuple[str, Capture]] = []
            try:
                for index, question in enumerate(questions):
                    meta = {
                        "kind": "reflection",
                        "infusion": number,
                        "session": session,
                        "index": index,
                    }
                    answers.append((question, self.ask(question, label="reflection", meta=meta)))
            except (VoiceguideError, KeyboardInterrupt):
                if answers:  # keep what was already said, as an entry of its own
                    with contextlib.suppress(OSError):  # else recover files it later
                        self._file(
                            "reflection", answers, infusion=number, extra=(("partial", True),)
                        )
                raise
            entry = self._file("reflection", answers, infusion=number)
        self.say(content.REFLECT_DONE)
        return entry

    def current_infusion(self) -> int:
        """The number of the latest infusion in the journal (1 when there is none yet)."""
        for entry in self.store.entries():
            if entry.infusion is not None:
                return entry.infusion
        return 1

    # -- files ---------------------------------------------------------------------------------
    def transcribe_file(self, path: Path) -> str:
        """The transcript of an audio file."""
        audio = Audio.load(path)
        heard, text = transcribe_audio(audio, self.transcriber)
        if not heard or not text:
            raise NothingHeard(f"Nothing was heard in {path}.")
        return text

    def import_recording(self, path: Path, *, kind: str = "memo") -> Entry:
        """File an existing recording (a voice memo, say) as a journal entry."""
        from voiceguide.journal import KINDS

        if kind not in KINDS:
            raise UsageError(
                f"There is no entry kind {kind!r}.", hint=f"Use one of: {', '.join(KINDS)}."
            )
        audio = Audio.load(path)
        heard, text = transcribe_audio(audio, self.transcriber)
        answer = Answer(question=f"Recording: {path.name}", text=text, heard=heard and bool(text))
        entry = Entry(
            date=dt.datetime.now().astimezone().replace(microsecond=0),
            kind=kind,
            answers=(answer,),
            infusion=self.current_infusion() if kind != "memo" else None,
            duration=audio.duration,
            engine=self.transcriber.engine,
            model=self.transcriber.model,
            extra=(("imported_from", path.name),),
        )
        with self.writing():
            entry, md = self.store.add(entry, [audio.for_speech(16000)])
        self.inform(f"Saved to {md}.")
        return entry

    # -- nothing lost --------------------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self):  # type: ignore[no-untyped-def]
        """Hold the data folder's lock (waiting a little for another voiceguide to finish)."""
        with data_lock(self.settings.home, inform=self.inform):
            yield

    def recover(self, *, quiet: bool = False) -> list[Entry]:
        """File recordings that a crash left unfinished; `quiet` skips when another is writing."""
        from voiceguide.lock import BusyError
        from voiceguide.recovery import recover, unfinished

        if not unfinished(self.store):
            if not quiet:
                self.inform("There are no unfinished recordings.")
            return []
        try:
            with data_lock(self.settings.home, wait=0.0 if quiet else 10.0, inform=self.inform):
                return recover(self.store, self.transcriber, self.inform)
        except BusyError:
            if quiet:
                return []  # the other voiceguide is recording them right now
            raise

    def encrypt(self) -> int:
        """Turn on encryption at rest and encrypt every transcript and recording already kept."""
        from voiceguide import crypto

        with self.writing():
            if crypto.is_enabled(self.settings.home):
                raise VoiceguideError("Your journal is already encrypted.")
            self.inform(
                "Choose a passphrase. Without it nobody, not even you, can open your journal: "
                "a lost passphrase cannot be recovered."
            )
            passphrase = crypto.ask_passphrase("New passphrase: ", confirm=True)
            self.store.use_cipher(crypto.create_key(self.settings.home, passphrase))
            plain = [p for p in self.store.journal_files() if p.suffix in (".md", ".flac")]
            for path in plain:
                self.store.seal(path)
        self.inform(f"Encrypted {len(plain)} files. New entries will be encrypted too.")
        return len(plain)

    def decrypt(self) -> int:
        """Turn encryption at rest off again, leaving every file readable."""
        from voiceguide import crypto

        with self.writing():
            if not crypto.is_enabled(self.settings.home):
                raise VoiceguideError("Your journal is not encrypted.")
            sealed = [p for p in self.store.journal_files() if p.name.endswith(crypto.SUFFIX)]
            if self.store.cipher is None:  # asks for (and checks) the passphrase first
                raise VoiceguideError("Your journal is not encrypted.")
            for path in sealed:
                self.store.unseal(path)
            (self.settings.home / crypto.KEYFILE).unlink()
        self.inform(f"Decrypted {len(sealed)} files; encryption is off.")
        return len(sealed)

    def retry(self) -> list[Entry]:
        """Transcribe entries that were filed without their text."""
        from voiceguide.recovery import retry_pending

        with self.writing():
            done = retry_pending(self.store, self.transcriber, self.inform)
        if not done:
            self.inform("Every entry already has its transcript.")
        return done

    def _file(
        self,
        kind: str,
        answers: list[tuple[str, Capture]],
        *,
        infusion: int | None = None,
        extra: tuple = (),
    ) -> Entry:
        failed = any(c.error and not c.text and c.heard for _, c in answers)
        entry = Entry(
            date=dt.datetime.now().astimezone().replace(microsecond=0),
            kind=kind,
            answers=tuple(
                Answer(
                    question=q,
                    text=c.text,
                    heard=c.heard,
                    pending=bool(c.heard and not c.text and c.error),
                )
                for q, c in answers
            ),
            infusion=infusion,
            duration=sum(c.duration for _, c in answers),
            engine=self.transcriber.engine,
            model=self.transcriber.model,
            extra=extra,
        )
        entry, md = self.store.add(entry, [c.path for _, c in answers])
        for _, capture in answers:
            self.store.discard_capture(capture.path)
        self.inform(f"Saved to {md}.")
        if failed:
            self.inform("Transcription failed, so the audio was saved without its text.")
        return entry


def _check_output_path(out: Path) -> None:
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name such as {out / 'meditation.wav'}.")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist.")
