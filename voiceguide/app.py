"""The Python API behind every command: the journeys, talking only to the four interfaces."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from voiceguide import engines
from voiceguide.audio.clip import Audio
from voiceguide.audio.sounds import listening_cue
from voiceguide.conversation import content
from voiceguide.conversation.answers import parse_mood, says_little, says_yes
from voiceguide.conversation.commands import SPOKEN, understand_command
from voiceguide.conversation.listening import Capture, Patience, listen, transcribe_audio
from voiceguide.conversation.miccheck import MicReport
from voiceguide.errors import (
    DeviceError,
    DiskFullError,
    EngineError,
    ModelError,
    NoDeviceError,
    NothingHeard,
    UsageError,
    VoiceguideError,
    from_os_error,
)
from voiceguide.fsutil import private_dir
from voiceguide.guidance import explained
from voiceguide.guidance.render import (
    LEAD_IN,
    Context,
    Rendered,
    Voice,
    render_natural,
    render_session,
    render_step,
)
from voiceguide.guidance.script import (
    ASKING,
    Daily,
    Early,
    IfLittle,
    Intention,
    Library,
    Listen,
    Mood,
    Offer,
    Say,
    Script,
    Step,
)
from voiceguide.interfaces import Player, Recorder, Synthesizer, Transcriber
from voiceguide.journal import series
from voiceguide.journal.entry import Answer, Entry
from voiceguide.journal.lock import data_lock
from voiceguide.journal.store import JournalStore
from voiceguide.settings import Settings

INTENTION_SCOPES = ("infusion", "series", "going-forward")
#: For how many days after an infusion the integration check-in brings the things to avoid.
EARLY_DAYS = 3


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
        self._given_synthesizer = synthesizer is not None
        self._session_voices: dict[str, Synthesizer] = {}
        self._player = player
        self._recorder = recorder
        self._transcriber = transcriber
        self._stop = stop
        self.show = show
        self.inform = inform
        self._mute = False  # set when there is no speaker: prompts are then shown only
        self._checked_in = False  # the spoken check after a long pause is explained once
        private_dir(settings.home)
        from voiceguide.journal.crypto import cipher_for

        self.store = JournalStore(settings.home, cipher=lambda: cipher_for(settings.home))

    # -- engines, built once and only when needed ----------------------------------------------
    @property
    def synthesizer(self) -> Synthesizer:
        if self._synthesizer is None:
            self._synthesizer = engines.default_synthesizer(self.settings)
        return self._synthesizer

    def session_voice(self, *, meditation: bool = False) -> Synthesizer:
        """The voice for session scripts: cached, and slower for meditations.

        A synthesizer passed in by the caller is used as it is.
        """
        if self._given_synthesizer:
            return self.synthesizer
        key = "meditation" if meditation else "speech"
        if key not in self._session_voices:
            from voiceguide.engines.voicecache import CachedSynthesizer

            inner = (
                engines.default_synthesizer(self.settings, rate=self.settings.meditation_rate)
                if meditation
                else self.synthesizer
            )
            self._session_voices[key] = CachedSynthesizer(
                inner, self.settings.home / "cache" / "voice"
            )
        return self._session_voices[key]

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
        self._play(self._speech(text))

    def _speech(self, text: str) -> Audio:
        audio = self.synthesizer.synthesize(text)
        if not self._given_synthesizer:
            from voiceguide.audio.loudness import normalize
            from voiceguide.guidance.render import LINE_CEILING, VOICE_LUFS

            audio = normalize(audio.mono(), VOICE_LUFS, LINE_CEILING)
        return audio

    def _play(self, audio: Audio) -> None:
        if self._mute:
            return
        try:
            self.player.play(audio)
        except NoDeviceError as exc:
            self._mute = True
            self.inform(f"{exc.message} The words are shown here instead.")

    def ask(
        self,
        question: str,
        *,
        label: str,
        meta: dict,
        wait_seconds: float | None = None,
        hint: str | None = None,
        reply: bool = False,
        said: bool = False,
    ) -> Capture:
        """Speak a question, play the cue, and listen for the answer.

        An open question is listened to patiently: pauses bring a gentle check, never the end
        of the answer. A `reply` (yes or no, a number, a choice) ends after a short quiet.
        `meta` (kind, session, index, ...) is kept beside the recording, so that an answer cut
        off by a crash can still be filed in its place by `recover`. `said`: the question has
        just been said (at the end of an introduction).
        """
        if not said:
            self.say(question)
        path = self.store.capture_path(label)
        stop = self._stop
        if stop is None:
            from voiceguide.conversation.keyboard import enter_pressed

            stop = enter_pressed()
        s = self.settings
        patience = (
            Patience(silence=s.silence or s.reply_silence)
            if reply
            else Patience(pause=s.pause, after_check=s.after_check, silence=s.silence)
        )

        def opened() -> None:
            # The microphone is open before the cue plays: a first word said over it is kept.
            self.inform("Listening... (press Enter when you have finished)")
            self._play_in_background(listening_cue())

        transcriber = self.transcriber
        capture = listen(
            self.recorder,
            path,
            transcriber=transcriber,
            patience=patience,
            max_seconds=s.max_seconds,
            wait_seconds=wait_seconds or s.wait_seconds,
            stop=stop,
            on_open=opened,
            on_check=self._check_in,
            meta={**meta, "question": question},
            hint=hint,
            understand=(
                (lambda text, audio: understand_command(text, audio, transcriber))
                if s.voice_commands and not reply
                else None
            ),
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

    def check_microphone(self) -> MicReport:
        """Ask for a sentence, then say how it reached the microphone (and the level)."""
        from voiceguide.conversation.miccheck import assess

        capture = self.ask(
            content.MIC_CHECK, label="mic-check", meta={"transient": True},
            wait_seconds=10.0, reply=True,
        )  # fmt: skip
        try:
            report = assess(Audio.load(capture.path))
        finally:
            self.store.discard_capture(capture.path)
        self.say(report.message)
        return report

    def _check_in(self, number: int) -> threading.Event:
        """After a long pause: the first time, a gentle spoken check; then only a soft tone.
        Played while listening goes on; the event is set once it has been played."""
        if not self._checked_in:
            self._checked_in = True
            self.show(content.CHECK_FIRST)
            return self._play_in_background(self._speech(content.CHECK_FIRST))
        return self._play_in_background(listening_cue())

    def _play_in_background(self, audio: Audio) -> threading.Event:
        done = threading.Event()

        def play() -> None:
            try:
                self._play(audio)
            except Exception:  # a cue that cannot play must never stop the listening
                pass
            finally:
                done.set()

        threading.Thread(target=play, name="cue", daemon=True).start()
        return done

    # -- scripts -------------------------------------------------------------------------------
    @property
    def library(self) -> Library:
        """Built-in session scripts, and the person's own in <home>/scripts."""
        return Library(self.settings.home)

    def script(self, name: str) -> Script:
        return self.library.load(name)

    def speak_script(
        self,
        name: str,
        *,
        context: Context | None = None,
        builtin: bool = False,
        show: bool = True,
        then: str | None = None,
    ) -> bool:
        """Say a script that asks nothing (an introduction, the notice) as one stream; `show`:
        each line is also shown as it is said. An introduction is said in full the first time
        and in short after that; in a terminal, Enter or space skips the rest of it.

        `then`: a question said right after it, in the same stream (no gap before it); False
        when the person skipped ahead before it was said."""
        full = self.library.load(name, builtin=builtin)
        voice = Voice(self.session_voice())
        context = context or self._context()
        steps = self.as_heard(full).steps + ((Say(then, pause=0.0),) if then else ())
        finished = self.say_steps(steps, voice, context, show=show, skippable=not builtin)
        self.heard_in_full(full)
        return finished

    # -- the first time, and after --------------------------------------------------------------
    def as_heard(self, script: Script) -> Script:
        """The session as this person hears it now: with its full explanation the first time (or
        with --explain), with its short one after that."""
        if not script.explains:
            return script
        first = self.settings.explain or script.name not in explained.heard(self.settings.home)
        return script.for_listener(first_time=first)

    def heard_in_full(self, script: Script) -> None:
        """Remember that the session's explanation has been said (the next time is short)."""
        if script.explains:
            with contextlib.suppress(OSError):  # not worth failing a session for
                explained.mark(self.settings.home, script.name)

    def explain_again(self, script: Script, voice: Voice | None = None) -> None:
        """What "tell me more" brings: the session's full explanation, skippable."""
        voice = voice or Voice(self.session_voice())
        self.say_steps(script.explanation(), voice, self._context(), skippable=True)

    def say_steps(
        self,
        steps: Sequence[Step],
        voice: Voice,
        context: Context,
        *,
        show: bool = True,
        skippable: bool = False,
    ) -> bool:
        """Say steps that ask nothing, back to back as one stream, each line shown as it begins
        (with its pause kept as real silence). `skippable`: in a terminal, Enter or space skips
        the rest. False when skipped."""
        from voiceguide.guidance.playback import Controls, keyboard_controls, play_pieces

        said = 0

        def pieces() -> Iterator[Audio]:
            nonlocal said
            for step in steps:
                audio, _ = render_step(step, voice, context)
                said += 1
                if audio is None:
                    continue
                if show and (text := _shown(step, context)):
                    self.show(text)
                if step.pause > 0:
                    audio = Audio.concat([audio, Audio.silence(step.pause, audio.rate)])
                yield audio

        if not self._mute:
            keys = keyboard_controls(skip=True) if skippable else contextlib.nullcontext(Controls())
            with keys as controls:
                try:
                    finished = play_pieces(self.player, pieces(), controls=controls)
                except NoDeviceError as exc:
                    self._mute = True
                    self.inform(f"{exc.message} The words are shown here instead.")
                else:
                    if not finished:
                        self.inform("(Skipped ahead.)")
                    return finished
        for step in steps[said:]:  # no speaker: the words, shown
            if show and (text := _shown(step, context)):
                self.show(text)
        return True

    def _perform(self, step: Step, voice: Voice, context: Context, *, show: bool = True) -> None:
        """Say or play one step that asks nothing, then keep its pause as real silence."""
        audio, _ = render_step(step, voice, context)
        if audio is None:
            return
        if show and (text := _shown(step, context)):
            self.show(text)
        if step.pause > 0:
            audio = Audio.concat([audio, Audio.silence(step.pause, audio.rate)])
        self._play(audio)

    def _context(self) -> Context:
        """What sessions need to know today: the person's intentions, the day, early days."""
        since = self.days_since_infusion()
        today = dt.date.today().toordinal()
        return Context(
            intention=self._intention_audio,
            day=since if since is not None else today,
            early=since is None or since <= EARLY_DAYS,
        )

    # -- the daily reminder ----------------------------------------------------------------------
    def remind_now(self) -> None:
        """What the scheduler runs at the reminder's time: a soft chime and one spoken sentence;
        with no speaker, a desktop notification where one can be shown."""
        try:
            self.player.play(listening_cue())
            self.say(content.REMINDER_SPOKEN)
        except NoDeviceError:
            self._mute = True
            notify = shutil.which("notify-send")
            if notify is not None:
                subprocess.run(
                    [notify, content.REMINDER_TITLE, content.REMINDER_NOTICE],
                    capture_output=True,
                    timeout=10,
                )
            self.show(content.REMINDER_NOTICE)

    def offer_reminder(self) -> None:
        """In the days right after an infusion, offer once to set a daily reminder."""
        from voiceguide.remind import reminder_command, scheduler

        marker = self.settings.home / "reminder-offered"
        if marker.exists():
            return
        try:
            keeper = scheduler()
            if keeper.current() is not None:
                return
        except VoiceguideError:
            return  # no scheduler on this machine: nothing to offer
        from voiceguide.fsutil import atomic_write_text

        atomic_write_text(marker, f"{dt.date.today().isoformat()}\n")
        if not self.confirm(content.REMINDER_OFFER, meta={"transient": True}):
            return
        hour, minute = content.REMINDER_OFFER_TIME
        try:
            keeper.install(hour, minute, reminder_command(self.settings.home))
        except VoiceguideError as exc:
            self.say(exc.message)
            return
        self.say(content.REMINDER_SET_SPOKEN)

    # -- once, at first use --------------------------------------------------------------------
    def first_run_notice(self, *, speak: bool = True) -> bool:
        """Say, once, that voiceguide is not a medical device or therapy; True when it was said."""
        marker = self.settings.home / "notice-acknowledged"
        if marker.exists():
            return False
        # Shown whole first, so that nothing (not even "no speaker was found") comes between
        # its lines; then spoken.
        for _, text in self.library.load("notice", builtin=True).spoken():
            self.show(text)
        if speak:
            self.speak_script("notice", builtin=True, show=False)  # safety words: never replaced
        from voiceguide.fsutil import atomic_write_text

        atomic_write_text(marker, f"{dt.datetime.now().astimezone().isoformat()}\n")
        return True

    # -- meditate ------------------------------------------------------------------------------
    def meditate(
        self,
        *,
        minutes: float | None = None,
        out: Path | None = None,
        script: str = "grounding",
        ambient: str | None = None,
    ) -> Path | None:
        """Render a meditation script; play it, or write it to `out` (returns a saved path)."""
        from voiceguide.audio.sounds import check_ambient

        ambient = check_ambient(ambient or self.settings.ambient)
        session = self.script(script)
        if session.asks:
            raise UsageError(
                f"The script {script!r} asks questions, so it is not a meditation.",
                hint="Meditations are scripts without [listen], [mood] or [offer] steps.",
            )
        if minutes is None:  # 0 is a value (and refused below), not "not given"
            minutes = session.minutes or 10.0
        if not 1 <= minutes <= 180:
            raise UsageError("--minutes must be between 1 and 180.")
        if out is not None:
            _check_output_path(out)
        voice = self.session_voice(meditation=True)
        session, script = self._fit_minutes(session, script, minutes, voice)

        def render() -> Rendered:
            return render_session(
                session,
                voice,
                minutes=minutes,
                context=self._context(),
                ambient=ambient,
                level=not self._given_synthesizer,
            )

        title = f"voiceguide: {session.title}, {minutes:g} minutes"
        if out is not None:
            _at_volume(render().audio, session.volume).save(out, title=title)
            self.inform(f"Saved the {minutes:g}-minute session to {out}.")
            return out
        self.inform(
            f"Playing {session.title.lower()}, {minutes:g} minutes. "
            "Space pauses, q stops (Ctrl-C too)."
        )
        try:
            finished = self._play_session(session, render, minutes=minutes)
        except NoDeviceError as exc:
            folder = private_dir(self.settings.home / "sessions")
            path = folder / f"meditation-{script}-{dt.datetime.now():%Y-%m-%d-%H%M%S}.flac"
            _at_volume(render().audio, session.volume).save(path, title=title)
            self.inform(content.SAVED_NO_SPEAKER.format(problem=exc.message, path=path))
            return path
        if not finished:
            self.inform("Stopped.")
        return None

    def shortest_minutes(self, session: Script) -> float:
        """The fewest minutes a meditation can be played in (its plain lines only)."""
        from voiceguide.guidance.render import shortest

        voice = self.session_voice(meditation=True)
        return shortest(session, voice, context=self._context(), level=not self._given_synthesizer)

    def _fit_minutes(
        self, session: Script, script: str, minutes: float, voice: Synthesizer
    ) -> tuple[Script, str]:
        """The session to play in `minutes`: this one, or, when even its plain lines need more
        time, the breathing space, said so (the voice is never sped up to fit)."""
        from voiceguide.guidance.render import TooShort, shortest_minutes, shortest_seconds

        level = not self._given_synthesizer
        least = shortest_seconds(session, voice, context=self._context(), level=level)
        if minutes * 60 >= least:
            return session, script
        instead = self.script(content.SHORT_PRACTICE)
        if script == content.SHORT_PRACTICE or minutes * 60 < shortest_seconds(
            instead, voice, context=self._context(), level=level
        ):
            raise TooShort(least)
        self.inform(
            content.SHORTER_INSTEAD.format(
                title=session.title.lower(),
                least=content.minutes_phrase(shortest_minutes(least)),
                length="one-minute" if minutes == 1 else f"{minutes:g}-minute",
            )
        )
        return instead, content.SHORT_PRACTICE

    def _play_session(
        self, session: Script, render: Callable[[], Rendered], *, minutes: float
    ) -> bool:
        """Play a meditation, starting with its first step while the rest is prepared."""
        from voiceguide.guidance.playback import (
            Progress,
            keyboard_controls,
            play_pieces,
            silence_while,
        )

        voice = Voice(self.session_voice(meditation=True), level=not self._given_synthesizer)
        lead_in = LEAD_IN  # the same as the full render's, which playback continues into
        first, _ = render_step(session.steps[0], voice, self._context())
        rate = first.rate if first is not None else (voice.rate or voice("Breathe.").rate)
        opening = [Audio.silence(lead_in, rate)] + ([first] if first is not None else [])
        done, started = threading.Event(), threading.Event()
        result: dict[str, Any] = {}

        def prepare() -> None:
            try:
                result["rendered"] = render()
            except BaseException as exc:  # shown once playback reaches it
                result["error"] = exc
            finally:
                done.set()

        progress = Progress(minutes * 60)
        played = {"frames": 0}

        def pieces() -> Iterator[Audio]:
            for piece in opening:
                played["frames"] += piece.frames
                yield _at_volume(piece, session.volume)
                # The rest is prepared once sound is on its way: loading a voice at the same
                # time would hold back the first sound (0.8 s instead of 0.3 s, cold, 2 cores).
                if not started.is_set():  # after the lead-in, which always comes first
                    started.set()
                    threading.Thread(target=prepare, name="render", daemon=True).start()
            for piece in silence_while(done, rate):
                played["frames"] += piece.frames
                yield piece
            if "error" in result:
                raise result["error"]
            rendered: Rendered = result["rendered"]
            audio = _at_volume(rendered.audio, session.volume)
            start = min(played["frames"], audio.frames)
            step = audio.rate // 2
            for at in range(start, audio.frames, step):
                yield Audio(audio.samples[at : at + step], audio.rate)

        def on_position(seconds: float) -> None:
            rendered = result.get("rendered")
            where = rendered.step_at(abs(seconds)) if rendered is not None else session.title
            progress.show(abs(seconds), where, paused=seconds < 0)

        with keyboard_controls() as controls:
            try:
                return play_pieces(
                    self.player, pieces(), controls=controls, on_position=on_position
                )
            finally:
                progress.close()

    def during(self, *, minutes: float | None = None) -> None:
        """Quietly, for the infusion itself: the person's intention and long silences, looping."""
        if minutes is not None and not 1 <= minutes <= 600:
            raise UsageError("--minutes must be between 1 and 600.")
        session = self.script("during")
        if session.asks:
            raise UsageError("The 'during' script must not ask questions.")
        one = render_natural(session.steps, self.session_voice(meditation=True), self._context())
        one = _at_volume(
            Audio.concat([Audio.silence(session.lead_in, one.rate), one]), session.volume
        )
        how_long = f"for {minutes:g} minutes" if minutes else "until you press Ctrl-C"
        self.inform(f"Playing quietly {how_long}.")
        try:
            if minutes:
                total = round(minutes * 60 * one.rate)
                rounds = -(-total // one.frames)
                audio = Audio.concat([one] * rounds)
                self.player.play(Audio(audio.samples[:total], one.rate))
            else:
                while True:
                    self.player.play(one)
        except KeyboardInterrupt:
            self.inform("Stopped.")

    # -- intention -----------------------------------------------------------------------------
    def set_intention(self, *, scope: str = "infusion") -> Entry:
        """Explain, listen, read back and save the intention of `scope`."""
        if scope not in INTENTION_SCOPES:
            raise UsageError(f"There is no kind of intention called {scope!r}.")
        with self.writing():
            question = content.INTENTION_QUESTIONS[scope]
            said = self.speak_script(content.INTENTION_SCRIPTS[scope], then=question)
            number = self.current_infusion()
            meta = {"kind": "intention", "scope": scope, "infusion": number}
            meta["session"] = uuid.uuid4().hex
            while True:
                capture = self.ask(question, label=f"intention-{scope}", meta=meta, said=said)
                command, capture = self._command(capture)
                if command != "more" or capture.heard:
                    break
                # "Tell me more": the full explanation, then the question again.
                self.store.discard_capture(capture.path)
                self.explain_again(self.script(content.INTENTION_SCRIPTS[scope]))
                said = False
            if not capture.heard:
                self.store.mark_unheard(capture.path)
                raise NothingHeard(
                    "Nothing was heard, so no intention was saved.",
                    hint=f"The recording is kept at {capture.path}.",
                )
            existing = self._intention_of(scope, number)
            replacing = existing is not None and bool(existing.text and capture.text)
            if replacing:
                assert existing is not None
                question = content.INTENTION_REPLACE.format(new=capture.text, old=existing.text)
                if not self.confirm(question, default=True):
                    self.store.discard_capture(capture.path)
                    self.say(content.INTENTION_KEPT.format(old=existing.text))
                    return existing
            entry = self._file(
                "intention",
                [(content.INTENTION_HEADINGS[scope], capture)],
                infusion=number,
                extra=(("scope", scope),),
            )
        if entry.text:
            self.say(
                content.INTENTION_SAVED
                if replacing
                else content.INTENTION_READBACK.format(text=entry.text)
            )
        return entry

    def _intention_of(self, scope: str, number: int) -> Entry | None:
        """The intention a new one of `scope` would replace (for an infusion: that infusion's)."""
        for e in self.store.entries():
            if e.kind == "intention" and e.text and e.get("scope", "infusion") == scope:
                if scope != "infusion" or e.infusion == number:
                    return e
        return None

    def current_intention(self, *, scope: str = "infusion", required: bool = True) -> Entry | None:
        """The intention of `scope` that applies now.

        For an infusion: the one set for the current infusion, else the series intention, else
        the latest one set for any infusion.
        """
        intentions = [e for e in self.store.entries() if e.kind == "intention" and e.text]

        def latest(kind: str, infusion: int | None = None) -> Entry | None:
            for e in intentions:
                if e.get("scope", "infusion") == kind and (
                    infusion is None or e.infusion == infusion
                ):
                    return e
            return None

        if scope == "infusion":
            entry = (
                latest("infusion", self.current_infusion())
                or latest("series")
                or latest("infusion")
            )
        else:
            entry = latest(scope)
        if entry is None and required:
            what = {
                "infusion": "an intention",
                "series": "an intention for the series",
                "going-forward": "an intention going forward",
            }[scope]
            flag = {"infusion": "", "series": " --series", "going-forward": " --going-forward"}
            raise VoiceguideError(
                f"You have not set {what} yet.",
                hint=f"Set one with: voiceguide intention set{flag[scope]}",
            )
        return entry

    def _intention_audio(self, scope: str) -> Audio | None:
        entry = self.current_intention(scope=scope, required=False)
        if entry is None or not entry.audio:
            return None
        try:
            return self.store.load_audio(entry, entry.audio[0])
        except VoiceguideError:
            return None

    def play_intention(self, *, scope: str = "infusion", tts: bool = False) -> Entry:
        """Play the intention in the person's own recorded voice (or spoken by the voice)."""
        entry = self.current_intention(scope=scope)
        assert entry is not None
        if tts or not entry.audio:
            self.say(entry.text or "Your intention has no words yet.")
        else:
            self.player.play(self.store.load_audio(entry, entry.audio[0]))
        return entry

    # -- sessions that listen: prepare, reflect, integrate -------------------------------------
    def prepare(self) -> Entry | None:
        """The preparation talk and questions, filed as a preparation entry."""
        return self.run_session("prepare")

    def reflect(self, *, quick: bool = False, infusion: int | None = None) -> Entry | None:
        """Ask the reflection questions aloud and file the answers as one journal entry."""
        return self.run_session("reflect-quick" if quick else "reflect", infusion=infusion)

    def integrate(self) -> Entry | None:
        """The daily integration check-in; in the days right after an infusion, it offers (once)
        to set a daily reminder."""
        entry = self.run_session("integrate")
        days = self.days_since_infusion()
        if entry is not None and days is not None and days <= EARLY_DAYS:
            self.offer_reminder()
        return entry

    def run_session(self, name: str, *, infusion: int | None = None) -> Entry | None:
        """Run a script live: speak, listen, ask the mood, offer; file the answers as an entry."""
        if infusion is not None and not 1 <= infusion <= 1000:
            raise UsageError("--infusion must be a number from 1 to 1000.")
        full = self.script(name)
        script = self.as_heard(full)
        kind = script.entry or "reflection"
        if infusion is not None and infusion > self.current_infusion():
            series.set_current(self.settings.home, infusion)
        number = infusion or self.current_infusion()
        context = self._context()
        voice = Voice(self.session_voice())
        session = uuid.uuid4().hex
        answers: list[tuple[str, Capture]] = []
        mood: int | None = None
        last: Capture | None = None
        entry: Entry | None = None
        lock = contextlib.ExitStack()
        locked = False

        def file(partial: bool = False) -> Entry:
            extra: list[tuple[str, object]] = []
            if mood is not None:
                extra.append(("mood", mood))
            if partial:
                extra.append(("partial", True))
            return self._file(kind, answers, infusion=number, extra=tuple(extra))

        def meta(index: int) -> dict:
            return {"kind": kind, "infusion": number, "session": session, "index": index}

        questions = [i for i, step in enumerate(script.steps) if isinstance(step, Listen)]
        last_asked = max(
            (i for i, step in enumerate(script.steps) if isinstance(step, Listen | Mood)),
            default=-1,
        )
        try:
            # The opening, up to the first question: in full the first time, short after that,
            # and in a terminal Enter or space goes straight to the question.
            opening = next(
                (i for i, step in enumerate(script.steps) if isinstance(step, ASKING)),
                len(script.steps),
            )
            self.say_steps(script.steps[:opening], voice, context, skippable=True)
            self.heard_in_full(full)
            index = opening - 1
            while index + 1 < len(script.steps):
                index += 1
                step = script.steps[index]
                if index > last_asked and (answers or mood is not None):
                    # The last answer is in: file it now, before anything more is said, so that
                    # "your reflection is saved" is only ever spoken once it is true.
                    entry = file()
                    answers, mood = [], None
                    lock.close()
                    locked = False
                if isinstance(step, Listen | Mood) and not locked:
                    lock.enter_context(self.writing())
                    locked = True
                if isinstance(step, Listen):
                    last = self.ask(step.question, label=kind, meta=meta(index))
                    command, last = self._command(last)
                    if command is None or last.heard:
                        answers.append((step.question, last))  # words before a command count
                    else:
                        self.store.discard_capture(last.path)
                    if command in ("repeat", "back", "cancel", "more"):
                        if command == "more":
                            self.explain_again(full, voice)
                        elif command == "cancel":
                            if self.confirm(content.CANCEL_CONFIRM, meta=meta(index)):
                                for _, capture in answers:
                                    self.store.discard_capture(capture.path)
                                answers, mood = [], None
                                self.say(content.CANCELLED)
                                return None
                            self.say(content.NOT_CANCELLED)
                        elif command == "back":
                            before = [i for i in questions if i < index]
                            self.say(content.COMMAND_BACK if before else content.COMMAND_NO_BACK)
                            index = before[-1] if before else index
                        else:
                            self.say(content.COMMAND_REPEAT)
                        index -= 1  # the loop steps on to the question again
                    elif command in ("skip", "next"):
                        # After words, "next" ends the answer; alone, it leaves the question.
                        self.say(content.COMMAND_NEXT if last.heard else content.COMMAND_SKIP)
                    elif command == "stop":
                        self.say(content.COMMAND_STOP)
                        break
                elif isinstance(step, Mood):
                    mood = self.ask_mood(step.question, meta=meta(index))
                elif isinstance(step, IfLittle):
                    if last is not None and says_little(last.text):
                        self._perform(step, voice, context)
                elif isinstance(step, Offer):
                    if answers or mood is not None:
                        entry = file()
                        answers, mood = [], None
                    lock.close()
                    locked = False
                    self.offer(step)
                else:
                    self._perform(step, voice, context)
            if answers or mood is not None:
                entry = file()
        except (VoiceguideError, KeyboardInterrupt):
            if answers:  # keep what was already said, as an entry of its own
                with contextlib.suppress(OSError):  # else recover files it later
                    file(partial=True)
            raise
        finally:
            lock.close()
        return entry

    def _command(self, capture: Capture) -> tuple[str | None, Capture]:
        """A voice command said on its own at the end of an answer, and the answer without it.

        When the last words may be a command or may be words, the person is asked, once."""
        command = capture.command
        if command is None:
            return None, capture
        if not capture.command_sure:
            asked = content.COMMAND_MAYBE.format(command=SPOKEN[command])
            if not self.confirm(asked, meta={"transient": True}):
                self.say(content.COMMAND_MAYBE_NO)
                return None, capture
            rest = tuple((t, s) for t, s in capture.without_command if t)
            text = " ".join(t for t, _ in rest).strip()
            capture = dataclasses.replace(
                capture, text=text, heard=bool(text), phrases=rest, command_sure=True
            )
        self.inform(f"(Heard the command: {command}.)")
        return command, capture

    def confirm(self, question: str, *, meta: dict | None = None, default: bool = False) -> bool:
        """Ask a yes-or-no question aloud and understand the answer in natural words. At a
        keyboard, "y" or "n" and Enter work too, and Enter alone gives `default`; silence, or an
        unclear answer, means no."""
        capture = self.ask(
            question,
            label="confirm",
            meta={**(meta or {}), "transient": True},
            wait_seconds=min(self.settings.wait_seconds, 15.0),
            hint=content.YES_NO_HINT,
            reply=True,
        )
        self.store.discard_capture(capture.path)
        if capture.stopped_by == "enter" and self._stop is None:
            from voiceguide.conversation.keyboard import typed

            line = (typed() or "").lower()
            if not line:
                return default
            return line in ("y", "yes") or says_yes(line)
        return says_yes(capture.text)

    # -- the spoken menu -------------------------------------------------------------------------
    def moment(self) -> tuple[str, int | None]:
        """Where the person is in their infusion: before, on the day, right after (a reflection
        filed today), or in the following days; and days since the infusion."""
        days = self.days_since_infusion()
        if days is not None:
            return ("after" if days == 0 else "following"), days
        if series.started(self.settings.home) == dt.date.today():
            return "day", 0
        return "before", None

    def menu(self) -> None:
        """Greet, offer what fits the moment, understand the spoken choice and run it; again
        after each flow, until the person says stop or stays silent."""
        from voiceguide.conversation.commands import match_choice

        self.speak_script("menu")  # the first time, what voiceguide is and how to answer
        moment, days = self.moment()
        greeting = content.MENU_MOMENT[moment].format(days="a day" if days == 1 else f"{days} days")
        offered = content.MENU_MOMENTS[moment]
        question = f"{greeting} {content.MENU_OFFER.format(options=_spoken_list(offered))}"
        unclear = 0
        while True:
            capture = self.ask(
                question,
                label="menu",
                meta={"transient": True},
                wait_seconds=min(self.settings.wait_seconds, 20.0),
                hint=content.MENU_HINT,
                reply=True,
            )
            self.store.discard_capture(capture.path)
            if not capture.heard or not capture.text:
                self.say(content.MENU_SILENT)
                return
            # Anything can be asked for by name, not only what was offered.
            choice = match_choice(capture.text, content.MENU_WORDS)
            if choice is None:
                unclear += 1
                if unclear > 1:
                    self.say(content.MENU_GOODBYE)
                    return
                names = [content.MENU_LABELS[k] for k in offered] + ["something else", "stop"]
                question = content.MENU_UNCLEAR.format(options=_spoken_list(names, raw=True))
                continue
            unclear = 0
            if choice == "stop":
                self.say(content.MENU_GOODBYE)
                return
            if choice == "explain":
                self.explain_again(self.script("menu"))
                continue
            if choice == "else":
                offered = tuple(content.MENU_LABELS)
                question = content.MENU_EVERYTHING.format(options=_spoken_list(offered))
                continue
            self._run_choice(choice)
            moment, days = self.moment()
            offered = content.MENU_MOMENTS[moment]
            question = content.MENU_AGAIN.format(options=_spoken_list(offered))

    def _run_choice(self, choice: str) -> None:
        actions: dict[str, Callable[[], object]] = {
            "prepare": self.prepare,
            "meditate": lambda: self.meditate(),
            "intention": lambda: self.set_intention(scope="infusion"),
            "practice": lambda: self.meditate(script="return-to-intention"),
            "play": lambda: self.play_intention(scope="infusion"),
            "reflect": self.reflect,
            "going-forward": lambda: self.set_intention(scope="going-forward"),
            "integrate": self.integrate,
            "hear-going-forward": lambda: self.play_intention(scope="going-forward"),
            "recap": self.recap,
        }
        try:
            actions[choice]()
        except (DeviceError, DiskFullError, ModelError, EngineError):
            raise
        except VoiceguideError as exc:  # e.g. no intention yet: say so, and offer again
            self.say(exc.message)

    def ask_mood(self, question: str, *, meta: dict) -> int | None:
        """Ask for a mood from 0 to 10; ask once more when unclear; None when still unclear."""
        for attempt in range(2):
            capture = self.ask(
                question if attempt == 0 else content.MOOD_AGAIN,
                label="mood",
                meta={**meta, "transient": True},
                wait_seconds=min(self.settings.wait_seconds, 20.0),
                hint=content.MOOD_HINT,
                reply=True,
            )
            self.store.discard_capture(capture.path)
            mood = parse_mood(capture.text)
            if mood is not None:
                self.say(content.MOOD_HEARD.format(mood=mood))
                return mood
        self.say(content.MOOD_SKIPPED)
        return None

    def offer(self, step: Offer) -> Entry | None:
        """Offer, by voice, to set an intention now; set it when the answer is yes."""
        capture = self.ask(
            step.question,
            label="offer",
            meta={"transient": True},
            wait_seconds=min(self.settings.wait_seconds, 15.0),
            hint=content.YES_NO_HINT,
            reply=True,
        )
        self.store.discard_capture(capture.path)
        if says_yes(capture.text):
            scope = "going-forward" if step.what == "going-forward" else "infusion"
            return self.set_intention(scope=scope)
        self.say(content.OFFER_LATER[step.what])
        return None

    # -- series of infusions -------------------------------------------------------------------
    def current_infusion(self) -> int:
        """The infusion now under way: set by `infusion next`, else the journal's latest."""
        state = series.current(self.settings.home)
        if state is not None:
            return state
        for entry in self.store.entries():
            if entry.infusion is not None:
                return entry.infusion
        return 1

    def next_infusion(self) -> int:
        """Start the next infusion of the series; entries from now on carry its number."""
        with self.writing():
            number = self.current_infusion() + 1
            series.set_current(self.settings.home, number)
        self.show(content.INFUSION_NEXT.format(number=number))
        return number

    def days_since_infusion(self) -> int | None:
        """Days since the current infusion (from its first reflection), or None if not known."""
        number = self.current_infusion()
        dates = [
            e.date.date()
            for e in self.store.entries()
            if e.kind == "reflection" and e.infusion == number
        ]
        if not dates:
            return None
        return (dt.date.today() - min(dates)).days

    # -- the journal ---------------------------------------------------------------------------
    def find(
        self,
        *,
        kind: str | None = None,
        infusion: int | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[Entry]:
        """Entries, newest first, filtered; dates as people say them ("last week")."""
        from voiceguide.journal.query import select

        return select(
            self.store.entries(),
            kind=kind,
            infusion=infusion,
            since=since,
            until=until,
            limit=limit,
        )

    def resolve(self, ref: str) -> list[Entry]:
        """The entries `ref` names, oldest first: an id (or the start of one), "last", a day
        ("2026-11-20", "yesterday") or a day and time as `journal list` shows it."""
        import re

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
        day = parse_day(phrase)
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

    def play_entries(self, entries: list[Entry]) -> None:
        """Play every answer of the entries in order, in the person's own recorded voice."""
        from voiceguide.guidance.playback import keyboard_controls, play_pieces
        from voiceguide.journal.export import heading

        clips: list[tuple[str, Audio]] = []
        for entry in entries:
            for answer in entry.answers:
                if answer.audio:
                    try:
                        clips.append((answer.question, self.store.load_audio(entry, answer.audio)))
                    except (VoiceguideError, OSError):
                        self.inform(f"The recording {answer.audio} cannot be played; skipped.")
        if not clips:
            raise VoiceguideError("There is no recording to play in that entry.")
        rate = clips[0][1].rate
        shown = {id(e): False for e in entries}

        def pieces() -> Iterator[Audio]:
            index = 0
            for entry in entries:
                for answer in entry.answers:
                    if not answer.audio or index >= len(clips):
                        continue
                    if not shown[id(entry)]:
                        self.show(heading(entry))
                        shown[id(entry)] = True
                    question, audio = clips[index]
                    index += 1
                    self.show(f"  {question}")
                    yield audio.mono().resample(rate)
                    yield Audio.silence(1.0, rate)

        with keyboard_controls() as controls:
            play_pieces(self.player, pieces(), controls=controls)

    def search(self, query: str, *, limit: int | None = None) -> list[Any]:
        """Entries holding every word of `query`, best first."""
        from voiceguide.journal.search import search_entries

        return search_entries(self.store.records(), query, limit)

    def edit(self, ref: str, editor: str | None = None) -> Entry | None:
        """Correct an entry's transcript in a text editor; the machine transcript is kept."""
        import os
        import shlex
        import shutil
        import subprocess
        import tempfile

        from voiceguide.fsutil import FILE_MODE
        from voiceguide.journal.entry import read_edited_answers, render_answers_for_editing

        entry = self.resolve_one(ref)
        command = editor or os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            command = next((c for c in ("editor", "nano", "vi") if shutil.which(c)), None)
        if not command:
            raise UsageError("No text editor was found.", hint="Set one: export EDITOR=nano")
        folder = private_dir(self.settings.home / "tmp")
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
                raise VoiceguideError(f"The editor stopped with an error; {entry.id} is unchanged.")
            texts = read_edited_answers(path.read_text("utf-8"), entry)
        finally:
            path.unlink(missing_ok=True)
        if texts == [a.text for a in entry.answers]:
            self.inform("Nothing was changed.")
            return None
        import dataclasses

        machine = entry.get("machine_transcript") or [a.text for a in entry.answers]
        extra = dict(entry.extra)
        extra["machine_transcript"] = machine
        extra["edited"] = dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
        answers = tuple(
            dataclasses.replace(a, text=t, heard=a.heard or bool(t), pending=a.pending and not t)
            for a, t in zip(entry.answers, texts, strict=True)
        )
        edited = dataclasses.replace(entry, answers=answers, extra=tuple(extra.items()))
        with self.writing():
            path = self.store.replace(edited)
        self.inform(f"Saved your correction to {path}; the machine transcript is kept in it.")
        return edited

    def export(
        self, entries: list[Entry], fmt: str, out: Path | None, *, force: bool = False
    ) -> str | None:
        """Write `entries` as md (a folder), json or txt; without `out`, json/txt are returned."""
        from voiceguide.journal import crypto, export

        if fmt not in export.FORMATS:
            raise UsageError(f"There is no export format {fmt!r}.", hint="Use md, json or txt.")
        if not entries:
            raise VoiceguideError("There are no entries to export.")
        if crypto.is_enabled(self.settings.home):
            self.inform("Note: the export is not encrypted.")
        if fmt == "md":
            folder = out or Path(f"voiceguide-journal-{dt.date.today().isoformat()}")
            if not folder.absolute().parent.is_dir():
                raise UsageError(f"The folder {folder.absolute().parent} does not exist.")
            if folder.is_symlink():
                raise UsageError(f"{folder} is a link; choose a new folder for the export.")
            if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
                raise UsageError(f"{folder} already exists; choose a new folder for the export.")
            # Written beside it under a hidden name and renamed into place when whole; a kill
            # leaves the hidden folder, which the next start removes (the marker says where).
            from voiceguide.journal import sealing

            with self.writing():  # one at a time: the next start may clean up after a crash
                partial = sealing.begin_export(self.settings.home, folder)
                clips = export.to_markdown_folder(
                    entries,
                    partial,
                    lambda e, name: self.store.read_bytes(self.store.audio_path(e, name)),
                    inform=self.inform,
                )
                if folder.exists():
                    folder.rmdir()  # the empty folder the person named
                partial.rename(folder)
                sealing.end_export(self.settings.home)
            self.inform(f"Exported {len(entries)} entries and {clips} recordings to {folder}/.")
            return None
        text = export.to_json(entries) if fmt == "json" else export.to_text(entries)
        if out is None:
            return text
        _check_output_path(out, force=force)
        from voiceguide.fsutil import atomic_write_text

        try:
            atomic_write_text(out, text)
        except OSError as exc:
            raise from_os_error(exc, out) from exc
        self.inform(f"Exported {len(entries)} entries to {out}.")
        return None

    def chart(self, out: Path, *, force: bool = False) -> int:
        """Draw mood over time, with the infusions marked, to an image file."""
        from voiceguide.journal.chart import bad_moods, mood_chart

        _check_output_path(out, force=force)
        if out.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise UsageError(f"{out.name}: give a file ending in .png, .svg or .pdf.")
        entries = list(self.store.entries())
        for entry in bad_moods(entries):
            self.inform(f"Left out the mood {entry.get('mood')!r} of {entry.id}: not 0 to 10.")
        count = mood_chart(entries, out)
        self.inform(f"Drew {count} moods to {out}.")
        return count

    def recap(self) -> None:
        """Before the next infusion: the intention going forward, in the person's own voice, and
        the key lines of the last reflection."""
        from voiceguide.journal.recap import key_lines

        going = self.current_intention(scope="going-forward", required=False)
        last = next((e for e in self.store.entries() if e.kind == "reflection" and e.text), None)
        if going is None and last is None:
            raise VoiceguideError(
                "There is nothing to recap yet: reflect after an infusion first.",
                hint="voiceguide reflect",
            )
        self.say(content.RECAP_OPENING)
        if going is not None:
            self.say(content.RECAP_GOING_FORWARD)
            audio = self._intention_audio("going-forward")
            if audio is not None:
                self.show(f"  {going.text}")
                self._play(audio)
            else:
                self.say(going.text)
        if last is not None:
            when = f"{last.date:%A} {last.date.day} {last.date:%B}"
            after = f" after infusion {last.infusion}" if last.infusion is not None else ""
            self.say(content.RECAP_REFLECTION.format(after=after, when=when))
            for line in key_lines(last):
                self.say(line)
        self.say(content.RECAP_CLOSING)

    # -- files ---------------------------------------------------------------------------------
    def transcribe_file(self, path: Path) -> str:
        """The transcript of an audio file."""
        audio = Audio.load(path)
        _ = self.store.cipher  # an encrypted journal's passphrase is checked before anything
        heard, text = transcribe_audio(audio, self.transcriber)
        if not heard or not text:
            raise NothingHeard(f"Nothing was heard in {path}.")
        return text

    def import_recording(self, path: Path, *, kind: str = "memo") -> Entry:
        """File an existing recording (a voice memo, say) as a journal entry."""
        from voiceguide.journal.entry import KINDS

        if kind not in KINDS:
            raise UsageError(
                f"There is no entry kind {kind!r}.", hint=f"Use one of: {', '.join(KINDS)}."
            )
        audio = Audio.load(path)
        _ = self.store.cipher  # an encrypted journal's passphrase is checked before anything
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
            # Whether the journal is encrypted is decided under the lock: another voiceguide
            # may have turned encryption on while this one waited.
            self.store.check_cipher()
            yield

    def recover(self, *, quiet: bool = False) -> list[Entry]:
        """Finish what a crash interrupted: an encryption change, plaintext temporary files,
        unfinished recordings. `quiet` (every start) skips when another voiceguide is writing."""
        from voiceguide.journal import sealing
        from voiceguide.journal.lock import BusyError
        from voiceguide.journal.recovery import recover, unfinished

        changing = sealing.pending(self.settings.home) is not None
        changing = changing or (self.settings.home / sealing.EXPORT_MARKER).exists()
        leftovers = sealing.stray_temporaries(self.store)
        if not unfinished(self.store) and not changing and not leftovers:
            if not quiet:
                self.inform("There are no unfinished recordings.")
            return []
        try:
            with data_lock(self.settings.home, wait=0.0 if quiet else 10.0, inform=self.inform):
                sealing.finish(self.store, self.inform)
                sealing.undo_export(self.settings.home)
                for path in sealing.stray_temporaries(self.store):
                    path.unlink(missing_ok=True)
                return recover(self.store, self.transcriber, self.inform)
        except BusyError:
            if quiet:
                return []  # the other voiceguide is recording them right now
            raise

    def encrypt(self) -> int:
        """Turn on encryption at rest and encrypt every transcript and recording already kept.

        Resumable: an encryption (or decryption) that was interrupted is finished instead."""
        from voiceguide.journal import crypto, sealing

        with self.writing():
            if sealing.pending(self.settings.home) is not None:
                return sealing.finish(self.store, self.inform)
            if crypto.is_enabled(self.settings.home):
                raise VoiceguideError("Your journal is already encrypted.")
            self.inform(
                "Choose a passphrase. Without it nobody, not even you, can open your journal: "
                "a lost passphrase cannot be recovered."
            )
            passphrase = crypto.ask_passphrase("New passphrase: ", confirm=True)
            sealing.begin(self.settings.home, "encrypt")
            self.store.use_cipher(crypto.create_key(self.settings.home, passphrase))
            count = sealing.encrypt_files(self.store)
        self.inform(f"Encrypted {count} files. New entries will be encrypted too.")
        return count

    def decrypt(self) -> int:
        """Turn encryption at rest off again, leaving every file readable (resumable too)."""
        from voiceguide.journal import crypto, sealing

        with self.writing():
            if sealing.pending(self.settings.home) == "decrypt":
                return sealing.finish(self.store, self.inform)
            if sealing.pending(self.settings.home) == "encrypt":
                sealing.finish(self.store, self.inform)
            if not crypto.is_enabled(self.settings.home):
                raise VoiceguideError("Your journal is not encrypted.")
            if self.store.cipher is None:  # asks for (and checks) the passphrase first
                raise VoiceguideError("Your journal is not encrypted.")
            sealing.begin(self.settings.home, "decrypt")
            count = sealing.decrypt_files(self.store)
        self.inform(f"Decrypted {count} files; encryption is off.")
        return count

    def retry(self) -> list[Entry]:
        """Transcribe entries that were filed without their text."""
        from voiceguide.journal.recovery import retry_pending

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


def _spoken_list(items: Any, *, raw: bool = False) -> str:
    """'a, b, or c' from menu keys (or, with raw, from words as they are)."""
    words = list(items) if raw else [content.MENU_LABELS[k] for k in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + ", or " + words[-1]


def _no_entry(ref: str) -> list[Entry]:
    raise UsageError(f"No entry matches {ref!r}.", hint="See them with: voiceguide journal list")


def _at_volume(audio: Audio, volume: float) -> Audio:
    import math

    return audio if volume >= 1.0 else audio.gain(20 * math.log10(volume))


def _shown(step: Step, context: Context) -> str:
    """The words a step says, to show as it is said ("" for a bell, or one's own voice)."""
    if isinstance(step, Say | Early | IfLittle):
        return step.text
    if isinstance(step, Daily):
        return step.texts[context.day % len(step.texts)]
    if isinstance(step, Intention) and context.intention(step.scope) is None:
        return step.fallback
    return ""


def _check_output_path(out: Path, *, force: bool = True) -> None:
    """An output file is a new path, or (with `force`) a regular file to replace: never a
    link, a device, a pipe or a folder, which replacing would break."""
    import stat

    if out.is_dir() and not out.is_symlink():
        raise UsageError(f"{out} is a folder; give a file name such as {out / 'meditation.wav'}.")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist.")
    try:
        info = out.lstat()
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        kind = "a link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise UsageError(f"{out} is {kind}; voiceguide only writes new files or regular ones.")
    if not force:
        raise UsageError(f"{out} already exists.", hint="Add --force to replace it.")
