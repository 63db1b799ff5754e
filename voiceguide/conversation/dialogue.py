"""Talking with the person: saying, playing, asking and understanding the answer.

Every journey speaks through one `Conversation`. It owns the one fallback for a machine with no
speaker (the words are shown instead, said once), the patient listening, yes-or-no questions,
moods, and voice commands said at the end of an answer.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from voiceguide.audio.clip import Audio
from voiceguide.audio.sounds import listening_cue
from voiceguide.conversation import content
from voiceguide.conversation.answers import (
    declines,
    hesitation_only,
    parse_mood,
    says_yes,
    sounds_finished,
)
from voiceguide.conversation.commands import SPOKEN, understand_command
from voiceguide.conversation.listening import Capture, Listener, Listening, Patience
from voiceguide.errors import DiskFullError, NoDeviceError
from voiceguide.guidance import explained
from voiceguide.guidance.render import Context, Voice, render_step, shown_words
from voiceguide.guidance.script import Say, Script, Step
from voiceguide.wording import a_number

if TYPE_CHECKING:
    from voiceguide.clock import Clock
    from voiceguide.conversation.miccheck import MicReport
    from voiceguide.engines import Engines
    from voiceguide.guidance.library import Library
    from voiceguide.journal.store import JournalStore
    from voiceguide.settings import Settings

#: What a question's answer is kept with: kind, session, index, ... (see `Conversation.ask`).
Meta = dict[str, Any]


class Conversation:
    """Says and plays things to the person, and listens to what they say back."""

    def __init__(
        self,
        settings: Settings,
        engines: Engines,
        store: JournalStore,
        library: Library,
        *,
        clock: Clock,
        context: Callable[[], Context],
        stop: threading.Event | None = None,
        show: Callable[[str], None] = print,
        inform: Callable[[str], None] = print,
    ) -> None:
        self.settings = settings
        self.engines = engines
        self.store = store
        self.library = library
        self.clock = clock
        self.context = context
        self.stop = stop
        self.show = show
        self.inform = inform
        self.mute = False  # set when there is no speaker: the words are then shown only
        self._checked_in = False  # the spoken check after a long pause is explained once
        #: Lines said ahead of time, in the background, while the person speaks (see `prepare`).
        self._ready: dict[str, concurrent.futures.Future[Audio]] = {}
        self._ahead: concurrent.futures.ThreadPoolExecutor | None = None

    # -- saying and playing ----------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Speak `text` aloud (and show it)."""
        self.show(text)
        self.play(self.speech(text))

    def speech(self, text: str) -> Audio:
        """`text` in the voice, levelled to the voice loudness (as session lines are)."""
        ready = self._ready.pop(text, None)
        if ready is not None:
            with contextlib.suppress(Exception):  # else it is simply said again, now
                return ready.result()
        return self._speech(text)

    def _speech(self, text: str) -> Audio:
        from voiceguide.audio.loudness import level_line

        return level_line(self.engines.synthesizer.synthesize(text))

    def prepare(self, *texts: str) -> None:
        """Say `texts` in the background, ahead of time, so that each follows at once when its
        moment comes: the next question is made while the person answers this one, and comes
        as soon as they say "that's all" (on a busy machine making it took seconds)."""
        if self.mute:
            return
        if self._ahead is None:
            self._ahead = concurrent.futures.ThreadPoolExecutor(1, "say-ahead")
        for text in texts:
            if text and text not in self._ready:
                self._ready[text] = self._ahead.submit(self._speech, text)

    def play(self, audio: Audio, *, words: str | None = None) -> bool:
        """Play `audio`; with no speaker, say so once and show `words` instead. False when it
        was not played."""
        if not self.mute:
            try:
                self.engines.player.play(audio)
                return True
            except NoDeviceError as exc:
                self.no_speaker(exc)
        if words:
            self.show(words)
        return False

    def play_own(self, audio: Audio, *, words: str | None = None) -> bool:
        """Play a person's own recording at the loudness of the voice around it."""
        from voiceguide.audio.loudness import own_voice

        return self.play(own_voice(audio), words=words)

    def no_speaker(self, exc: NoDeviceError) -> None:
        """From now on, show instead of playing (said once)."""
        self.mute = True
        self.inform(f"{exc.message} The words are shown here instead.")

    def play_in_background(self, audio: Audio) -> threading.Event:
        """Play `audio` while something else goes on; the event is set once it has played."""
        done = threading.Event()

        def play() -> None:
            try:
                self.play(audio)
            except Exception:  # a cue that cannot play must never stop the listening
                pass
            finally:
                done.set()

        threading.Thread(target=play, name="cue", daemon=True).start()
        return done

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
        from voiceguide import terminal
        from voiceguide.guidance.playback import play_pieces
        from voiceguide.interfaces import Controls

        said = 0

        def pieces() -> Iterator[Audio]:
            nonlocal said
            for step in steps:
                audio, _ = render_step(step, voice, context)
                said += 1
                if audio is None:
                    continue
                if show and (text := shown_words(step, context)):
                    self.show(text)
                if step.pause > 0:
                    audio = Audio.concat([audio, Audio.silence(step.pause, audio.rate)])
                yield audio

        if not self.mute:
            keys = (
                terminal.keyboard_controls(skip=True)
                if skippable
                else contextlib.nullcontext(Controls())
            )
            with keys as controls:
                try:
                    finished = play_pieces(self.engines.player, pieces(), controls=controls)
                except NoDeviceError as exc:
                    self.no_speaker(exc)
                else:
                    if not finished:
                        self.inform("(Skipped ahead.)")
                    return finished
        for step in steps[said:]:  # no speaker: the words, shown
            if show and (text := shown_words(step, context)):
                self.show(text)
        return True

    def perform(self, step: Step, voice: Voice, context: Context) -> None:
        """Say or play one step that asks nothing, then keep its pause as real silence."""
        audio, _ = render_step(step, voice, context)
        if audio is None:
            return
        text = shown_words(step, context)
        if text:
            self.show(text)
        if step.pause > 0:
            audio = Audio.concat([audio, Audio.silence(step.pause, audio.rate)])
        self.play(audio)

    # -- scripts that ask nothing, and their explanations ----------------------------------------
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
        voice = Voice(self.engines.session_voice())
        steps = self.as_heard(full).steps + ((Say(then, pause=0.0),) if then else ())
        context = context or self.context()
        finished = self.say_steps(steps, voice, context, show=show, skippable=not builtin)
        self.heard_in_full(full)
        return finished

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
                explained.mark(self.settings.home, script.name, today=self.clock.today())

    def explain_again(self, script: Script, voice: Voice | None = None) -> None:
        """What "tell me more" brings: the session's full explanation, skippable."""
        voice = voice or Voice(self.engines.session_voice())
        self.say_steps(script.explanation(), voice, self.context(), skippable=True)

    # -- listening -------------------------------------------------------------------------------
    def get_ready_to_listen(self) -> None:
        """Open the microphone in the background while the introduction is said, so that the
        first answer is heard from its first word without a wait (a recorder that can)."""
        warm = getattr(self.engines.recorder, "warm", None)
        if callable(warm):
            threading.Thread(target=warm, name="open-microphone", daemon=True).start()

    def ask(
        self,
        question: str,
        *,
        label: str,
        meta: Meta,
        wait_seconds: float | None = None,
        hint: str | None = None,
        reply: bool = False,
        said: bool = False,
    ) -> Capture:
        """Speak a question, play the cue, and listen for the answer.

        An open question is listened to patiently: pauses bring a gentle check, never the end
        of the answer; it is heard again as a whole in the background, so the conversation goes
        on at once (`Capture.settled()` has the final text). A `reply` (yes or no, a number, a
        choice) ends after a short quiet, unless it is only a hesitation.
        `meta` (kind, session, index, ...) is kept beside the recording, so that an answer cut
        off by a crash can still be filed in its place by `recover`. `said`: the question has
        just been said (at the end of an introduction).
        """
        if not said:
            self.say(question)
        path = self.store.capture_path(label, self.clock.now())
        stop = self.stop
        if stop is None:
            from voiceguide.terminal import enter_pressed

            stop = enter_pressed()
        s = self.settings
        patience = Patience(pause=s.pause, after_check=s.after_check, silence=s.silence)
        if reply:
            patience = dataclasses.replace(patience, silence=s.silence or s.reply_silence)

        transcriber = self.engines.transcriber
        how = Listening(
            patience=patience,
            max_seconds=s.max_seconds,
            wait_seconds=wait_seconds or s.wait_seconds,
            hint=hint,
            understand=(
                (lambda text, audio: understand_command(text, audio, transcriber))
                if s.voice_commands and not reply
                else None
            ),
            finished=sounds_finished,
            hesitant=hesitation_only if reply else None,
            later=not reply,
        )
        listener = Listener(
            self.engines.recorder, path, detector=self.engines.speech_detector,
            transcriber=transcriber, how=how, stop=stop, on_open=self._opened,
            on_check=self._check_in, meta={**meta, "question": question},
        )  # fmt: skip
        capture = listener.record().finish()
        return self._kept(capture)

    def _opened(self) -> None:
        """The microphone is open (before the cue plays: a first word said over it is kept)."""
        self.inform("Listening... (press Enter when you have finished)")
        self.play_in_background(listening_cue())

    def _kept(self, capture: Capture) -> Capture:
        """The capture, once what went wrong while listening (if anything) is said: a full
        disk stops the session, any other problem is told and the answer goes on."""
        if capture.stopped_by == "disk-full":
            raise DiskFullError(
                f"The disk is full, so recording stopped; the {capture.duration:.0f} seconds that "
                f"fitted are kept in {capture.path}.",
                hint="Free some space, then run 'voiceguide recover' to file them.",
            )
        if capture.error:
            self.inform(f"{capture.error} What was said so far is kept.")
        return capture

    def _check_in(self, number: int) -> threading.Event:
        """After a long pause: the first time, a gentle spoken check; then only a soft tone.
        Played while listening goes on; the event is set once it has been played."""
        if not self._checked_in:
            self._checked_in = True
            self.show(content.CHECK_FIRST)
            return self.play_in_background(self.speech(content.CHECK_FIRST))
        return self.play_in_background(listening_cue())

    def reply(self, question: str, *, label: str, hint: str, meta: Meta | None = None,
              wait: float = 15.0) -> Capture:  # fmt: skip
        """A short answer (yes or no, a number, a choice): asked, heard, its recording let go."""
        capture = self.ask(
            question,
            label=label,
            meta={**(meta or {}), "transient": True},
            wait_seconds=min(self.settings.wait_seconds, wait),
            hint=hint,
            reply=True,
        )
        self.store.discard_capture(capture.path)
        return capture

    def confirm(self, question: str, *, meta: Meta | None = None, default: bool = False) -> bool:
        """Ask a yes-or-no question aloud and understand the answer in natural words. At a
        keyboard, "y" or "n" and Enter work too, and Enter alone gives `default`; silence, or an
        unclear answer, means no."""
        capture = self.reply(question, label="confirm", hint=content.YES_NO_HINT, meta=meta)
        if capture.stopped_by == "enter" and self.stop is None:
            from voiceguide.terminal import typed

            line = (typed() or "").lower()
            if not line:
                return default
            return line in ("y", "yes") or says_yes(line)
        return says_yes(capture.text)

    def read_back(self, text: str) -> bool | None:
        """Say back what was heard and ask whether it is right: True (yes), False (no), None
        (no clear answer: the words are then kept, marked as not checked)."""
        capture = self.reply(
            content.READ_BACK.format(text=text.strip().rstrip(".")),
            label="confirm",
            hint=content.YES_NO_HINT,
        )
        if says_yes(capture.text):
            return True
        return False if declines(capture.text) else None

    def ask_mood(self, question: str, *, meta: Meta) -> int | None:
        """Ask for a mood from 0 to 10; ask once more when unclear; None when still unclear."""
        for attempt in range(2):
            asked = question if attempt == 0 else content.MOOD_AGAIN
            capture = self.reply(asked, label="mood", hint=content.MOOD_HINT, meta=meta, wait=20.0)
            mood = parse_mood(capture.text)
            if mood is not None:
                self.say(content.MOOD_HEARD.format(a_mood=a_number(mood)))
                return mood
        self.say(content.MOOD_SKIPPED)
        return None

    def command(self, capture: Capture) -> tuple[str | None, Capture]:
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
            moments = capture.settled().moments[: len(rest)]
            duration = capture.duration
            if capture.command_at is not None and text:
                from voiceguide.audio.capture import trim_capture

                with contextlib.suppress(OSError):  # the command is cut from the recording
                    duration = trim_capture(capture.path, capture.command_at)
            capture = dataclasses.replace(
                capture, text=text, heard=bool(text), phrases=rest, moments=moments,
                command_sure=True, duration=duration, later=None,
            )  # fmt: skip
        self.inform(f"(Heard the command: {command}.)")
        return command, capture

    def check_microphone(self) -> MicReport:
        """Ask for a sentence, then say how it reached the microphone (and the level)."""
        from voiceguide.conversation.miccheck import assess

        capture = self.ask(
            content.MIC_CHECK, label="mic-check", meta={"transient": True},
            wait_seconds=10.0, reply=True,
        )  # fmt: skip
        try:
            report = assess(Audio.load(capture.path), self.engines.speech_detector())
        finally:
            self.store.discard_capture(capture.path)
        self.say(report.message)
        return report
