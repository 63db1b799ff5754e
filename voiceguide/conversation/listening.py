"""Listening: record to disk, find phrases, transcribe them while the person still speaks."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from voiceguide.audio.capture import HEADER_BYTES, CaptureWriter, trim_capture
from voiceguide.audio.clip import Audio
from voiceguide.audio.segmenter import Segmenter
from voiceguide.conversation.commands import HOTWORDS, Understood
from voiceguide.errors import DeviceError, EngineError
from voiceguide.hearing.phrases import (
    Moment,
    Phrases,
    StreamingTranscription,
    hear_again,
    joined,
    level_phrase,
    moments_of,
)
from voiceguide.interfaces import NewDetector, Recorder, Transcriber
from voiceguide.journal.api import Said


@dataclasses.dataclass(frozen=True, slots=True)
class Patience:
    """How long listening waits through quiet, so that nobody is cut off mid-thought.

    A pause never ends an answer by itself: it brings a gentle check (said in full once, then a
    soft tone), and listening goes on. The answer ends when the person stays quiet after the
    check; words said after it belong to the same answer, and a later long pause checks again.
    How long each wait is depends on how the last words sound: mid-thought (a trailing "and",
    a fragment, a comma) the check comes after `pause` seconds and the answer ends `after_check`
    seconds after it; after a finished sentence, after `finished_pause` and
    `finished_after_check` (never longer than the others). `silence` (the --silence override)
    ends an answer after that many seconds of quiet, with no check: short replies use it, unless
    all that was said is a hesitation ("um", "let me think"), which is waited through as a long
    answer is.
    """

    pause: float = 10.0
    after_check: float = 8.0
    finished_pause: float = 4.0
    #: After a finished sentence: 4 s to the check, and 7 s after it, so that a pause of 10 s
    #: after a whole sentence in the middle of a halting answer (the battery's longest) is
    #: waited through even when the check is only the short chime (with 5 s, the answer
    #: right after an infusion lost its last sentence).
    finished_after_check: float = 7.0
    silence: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Capture:
    """What one listening turn produced."""

    path: Path
    duration: float
    text: str
    heard: bool
    stopped_by: str
    error: str | None = None
    #: The transcript phrase by phrase (text, seconds), as the pauses divided it.
    phrases: tuple[tuple[str, float], ...] = ()
    #: A voice command said on its own at the end (already taken out of `phrases` when sure).
    command: str | None = None
    #: False when the last utterance may be the command but may be words: ask the person.
    command_sure: bool = True
    #: The phrases without the possible command, for when the person says it was one.
    without_command: tuple[tuple[str, float], ...] = ()
    #: When each part of the answer was said: each phrase, from where its speech starts.
    moments: tuple[Moment, ...] = ()
    #: How many times listening checked in after a long pause.
    checks: int = 0
    #: How long the turn lasted, in seconds of audio (the quiet after a patient ending is not
    #: kept in the recording, so `duration` can be shorter).
    listened: float = 0.0
    #: Where a command at the end that may be words begins (seconds), to cut it from the
    #: recording if the person says it was one.
    command_at: float | None = None
    #: The answer heard again as a whole and merged, being done in the background: see
    #: `settled()`.
    later: Future[Capture] | None = dataclasses.field(default=None, compare=False)

    def settled(self) -> Capture:
        """The capture with the answer heard again as a whole (waits for it if need be)."""
        if self.later is None:
            return self
        try:
            return self.later.result()
        except Exception:  # the phrases heard while speaking are kept, whatever happened
            return dataclasses.replace(self, later=None)

    def said(self, question: str) -> Said:
        """The answer to `question` as the journal files it (heard again as a whole first)."""
        c = self.settled()
        return Said(
            question=question,
            text=c.text,
            heard=c.heard,
            recording=c.path,
            seconds=c.duration,
            moments=c.moments,
            pending=bool(c.heard and not c.text and c.error),
        )


#: Seconds of quiet kept after the last word when an answer ends after a patient wait.
KEEP_AFTER_LAST_WORD = 1.5

#: Decides whether a short last utterance (its text, its audio) is a voice command.
Understand = Callable[[str, Audio], "Understood"]


@dataclasses.dataclass(frozen=True, slots=True)
class Listening:
    """How one turn is listened to.

    Pauses are waited through as `patience` says. With `understand`, a short last utterance
    said on its own is checked for a voice command (and, when sure, cut from the recording).
    `finished(words)` says whether the words so far sound like a finished answer (the shorter
    waits of `patience` then apply); `hesitant(words)` whether a short reply is only a
    hesitation, to be waited through. `hint` primes the transcription of each phrase. With
    `later`, the answer is heard again as a whole in the background (`Capture.settled()`), so
    the conversation can go on at once.
    """

    patience: Patience = Patience()
    max_seconds: float = 600.0
    #: How long to wait for the first word before giving up.
    wait_seconds: float = 60.0
    hint: str | None = None
    understand: Understand | None = None
    finished: Callable[[str], bool] | None = None
    hesitant: Callable[[str], bool] | None = None
    later: bool = False


def listen(
    recorder: Recorder,
    path: Path,
    *,
    detector: NewDetector,
    transcriber: Transcriber | None = None,
    patience: Patience | None = None,
    silence: float | None = None,
    max_seconds: float = 600.0,
    wait_seconds: float = 60.0,
    stop: threading.Event | None = None,
    on_open: Callable[[], None] | None = None,
    on_check: Callable[[int], threading.Event | None] | None = None,
    meta: dict[str, Any] | None = None,
    hint: str | None = None,
    understand: Understand | None = None,
    finished: Callable[[str], bool] | None = None,
    hesitant: Callable[[str], bool] | None = None,
    later: bool = False,
) -> Capture:
    """One turn, in one call (`Listener` and `Listening` spelt out; `silence` is short for
    `Patience(silence=...)`: the answer ends after that much quiet)."""
    how = Listening(
        patience=patience or Patience(silence=silence),
        max_seconds=max_seconds,
        wait_seconds=wait_seconds,
        hint=hint,
        understand=understand,
        finished=finished,
        hesitant=hesitant,
        later=later,
    )
    listener = Listener(
        recorder, path, detector=detector, transcriber=transcriber, how=how,
        stop=stop, on_open=on_open, on_check=on_check, meta=meta,
    )  # fmt: skip
    return listener.record().finish()


class Listener:
    """One answer, recorded to `path` until the person has finished, presses Enter (`stop`),
    or time runs out (`record`), then heard (`finish`).

    `detector` makes the speech detector that finds the phrases and pauses. Audio reaches disk
    as it arrives; phrases are transcribed as soon as they end. A device that fails
    mid-recording keeps what was captured (the Capture carries the error). `on_open()` is
    called when sound first arrives; `on_check(n)` when a long pause asks whether there is
    more (with the number of the check), returning an event set once the check has been
    played (recording goes on meanwhile, so nothing said over it is lost).
    """

    def __init__(
        self,
        recorder: Recorder,
        path: Path,
        *,
        detector: NewDetector,
        transcriber: Transcriber | None = None,
        how: Listening = Listening(),
        stop: threading.Event | None = None,
        on_open: Callable[[], None] | None = None,
        on_check: Callable[[int], threading.Event | None] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.recorder = recorder
        self.path = path
        self.transcriber = transcriber
        self.how = how
        self.stop = stop
        self.on_open = on_open
        self.rate = recorder.rate
        self.writer = CaptureWriter(path, self.rate, meta=meta)
        self.segmenter = Segmenter(self.rate, detector=detector())
        self.worker = (
            StreamingTranscription(transcriber, hint=how.hint, probe_hotwords=HOTWORDS)
            if transcriber is not None
            else None
        )
        # Phrases are read back from the file being written when the transcriber gets to
        # them, so an hour of speech is never held in memory, even if transcription falls
        # behind.
        self.reader = os.open(path, os.O_RDONLY) if self.worker is not None else -1
        self.stopped_by = "max"
        self.error: str | None = None
        self.starts: list[int] = []  # where each phrase begins, in samples
        self.last: tuple[int, int] | None = None
        self.heard_early: set[tuple[int, int]] = set()  # short utterances heard at once
        self.turn = _Turn(
            how.patience, on_check, self._words_so_far, finished=how.finished,
            hesitant=how.hesitant,
        )  # fmt: skip
        # A command ends the turn at once when the turn would otherwise wait longer: with a
        # short closing silence it ends about as soon anyway.
        silence = how.patience.silence
        self.early = how.understand is not None and (
            silence is None or silence > COMMAND_PAUSE + 2.0
        )

    def _words_so_far(self) -> str | None:
        """The words said so far, once every phrase has been heard (None until then)."""
        worker = self.worker
        if worker is None or self.segmenter.open_speech or len(worker.phrases) < len(self.starts):
            return None
        return joined(worker.phrases)

    def _hand_over(self, start: int, end: int) -> None:
        """A finished phrase goes to be transcribed (and its short last utterance, if any,
        to be heard on its own: it may be a command)."""
        self.last = (start, end)
        self.starts.append(start)
        worker, reader, rate = self.worker, self.reader, self.rate
        if worker is None:
            return
        worker.submit(lambda: read_pcm(reader, start, end, rate))
        tail = self.segmenter.last_tail
        if self.how.understand is not None and tail is not None:
            worker.probe(tail, lambda: read_pcm(reader, tail[1], tail[2], rate))

    def record(self) -> Listener:
        """Listen until the turn is over; what ended it is `stopped_by`."""
        writer = self.writer
        try:
            with self.recorder.stream() as stream:
                for block in stream:
                    if self.on_open is not None and writer.data_bytes == 0:
                        self.on_open()  # sound is really arriving: the microphone is open
                    writer.write(block)
                    for start, end in self.segmenter.feed(block):
                        self._hand_over(start, end)
                    ended = self._ended(writer.seconds)
                    if ended is not None:
                        self.stopped_by = ended
                        break
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            self.stopped_by = "disk-full"
            self.error = "The disk is full, so the recording stopped."
        except DeviceError as exc:
            writer.close()
            if writer.data_bytes == 0:  # the device never opened: nothing to keep
                self.path.unlink(missing_ok=True)
                writer.meta_path.unlink(missing_ok=True)
                if self.worker is not None:
                    self.worker.finish()
                raise
            self.stopped_by = "device"
            self.error = exc.message
        finally:
            with contextlib.suppress(OSError):  # a full disk must not lose what is there
                writer.close()
        return self

    def _ended(self, heard_seconds: float) -> str | None:
        """Why the turn is over after this block, if it is."""
        if self.stop is not None and self.stop.is_set():
            return "enter"
        if heard_seconds >= self.how.max_seconds:
            return "max"
        segmenter, worker = self.segmenter, self.worker
        if not segmenter.speech_started:
            return "no-speech" if heard_seconds >= self.how.wait_seconds else None
        if self.early and worker is not None:
            if _early_command(segmenter, worker, self.heard_early, self.reader, self.rate):
                return "command"  # "that's all": no waiting through quiet
        return "silence" if self.turn.finished(heard_seconds, segmenter) else None

    def finish(self) -> Capture:
        """What was said: its words phrase by phrase, a command at its end, the recording
        trimmed to the person's words (heard again as a whole, at once or `later`)."""
        segmenter, rate = self.segmenter, self.rate
        if (flushed := segmenter.flush()) is not None:
            self._hand_over(*flushed)
        heard, text, phrases, command, without, cut = self._heard()
        listened = duration = self.writer.seconds
        with contextlib.suppress(OSError):  # a full disk must not lose what is already there
            trimmed = self._trimmed(command, cut, heard)
            duration = duration if trimmed is None else trimmed
        onsets = [segmenter.onsets.get(s, s) / rate for s in self.starts]
        capture = Capture(
            path=self.path,
            duration=duration,
            text=text,
            heard=heard,
            stopped_by=self.stopped_by,
            error=self.error,
            phrases=phrases,
            command=command.command if command is not None else None,
            command_sure=command.sure if command is not None else True,
            without_command=without,
            moments=moments_of(phrases, onsets),
            checks=self.turn.checks,
            listened=listened,
            command_at=cut if command is not None and not command.sure else None,
        )
        transcriber, hint = self.transcriber, self.how.hint
        if transcriber is None or not heard or self.error or len(phrases) < 2:
            return capture
        if self.how.later:
            return dataclasses.replace(
                capture, later=_AGAIN.submit(_heard_again, capture, onsets, transcriber, hint)
            )
        return _heard_again(capture, onsets, transcriber, hint)

    def _heard(
        self,
    ) -> tuple[bool, str, Phrases, Understood | None, Phrases, float | None]:
        """Whether anything was said, its words, its phrases, the command at its end (if any),
        the phrases without it and where it begins (seconds)."""
        heard, text = self.segmenter.speech_started, ""
        phrases: Phrases = ()
        command: Understood | None = None
        without: Phrases = ()
        cut: float | None = None
        worker, understand = self.worker, self.how.understand
        if worker is None:
            return heard, text, phrases, command, without, cut
        try:
            text = worker.finish()
            phrases = tuple(worker.phrases)
            if understand is not None and self.last is not None and phrases:
                command, without, at = _last_command(
                    worker, self.segmenter, self.last, self.reader, self.rate, understand,
                    self.transcriber, self.how.hint,
                )  # fmt: skip
                cut = at / self.rate if command is not None else None
                if command is not None and command.sure:
                    phrases = without
                    text = joined(phrases)
                    heard = bool(text)
        except EngineError as exc:
            self.error = self.error or exc.message
        except Exception as exc:  # a failed transcriber: the recording is kept
            self.error = self.error or f"The recording was kept, but transcription failed: {exc}"
        finally:
            os.close(self.reader)
        return heard, text, phrases, command, without, cut

    def _trimmed(self, command: Understood | None, cut: float | None, heard: bool) -> float | None:
        """The recording's new length once what is not the person's words is cut (None: kept
        whole)."""
        last_word = self.segmenter.last_speech_seconds
        if command is not None and command.sure and cut is not None and heard:
            # "... for your country. That's all.": the recording keeps the person's words only
            # (played back as their intention, a command would be heard in their own voice).
            return trim_capture(self.path, cut)
        patience = self.how.patience
        if self.stopped_by == "silence" and self.turn.checks and patience.silence is None:
            if last_word:
                # The turn waited through the check and the quiet after it; the recording
                # keeps only a moment of that quiet.
                return trim_capture(self.path, last_word + KEEP_AFTER_LAST_WORD)
        return None


#: Where answers are heard again as a whole while the conversation goes on (one at a time;
#: not a daemon thread: a process that ends waits for it rather than cutting it off).
_AGAIN = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heard-again")


def _heard_again(
    capture: Capture, onsets: list[float], transcriber: Transcriber, hint: str | None
) -> Capture:
    """The capture with its answer heard again as a whole and merged with its phrases."""
    audio = Audio.load(capture.path).for_speech(16000)
    phrases = hear_again(
        capture.phrases,
        lambda a, b: audio.slice(a, min(b, audio.duration)),
        transcriber,
        hint=hint,
    )
    return dataclasses.replace(
        capture,
        phrases=phrases,
        text=joined(phrases),
        moments=moments_of(phrases, onsets),
        later=None,
    )


class _Turn:
    """Decides when a person has finished an answer, from the pauses, the checks, and how the
    last words sound."""

    def __init__(
        self,
        patience: Patience,
        on_check: Callable[[int], threading.Event | None] | None,
        words: Callable[[], str | None],
        *,
        finished: Callable[[str], bool] | None = None,
        hesitant: Callable[[str], bool] | None = None,
    ) -> None:
        self.patience = patience
        self.on_check = on_check
        self.words = words
        self.sounds_finished = finished
        self.hesitant = hesitant
        self.checks = 0
        self._played: threading.Event | None = None
        self._check_end: float | None = None  # where the check finished playing (seconds)
        self._spoke_before = 0.0  # where the last words before it ended (seconds)
        self._checking = False
        self._after = patience.after_check  # the quiet to wait for after this check

    def finished(self, now: float, segmenter: Segmenter) -> bool:
        quiet = segmenter.trailing_silence
        patience = self.patience
        if patience.silence is not None:
            if quiet < patience.silence:
                return False
            if self.hesitant is None:
                return True
            words = self.words()
            if words is None and quiet < patience.silence + 5.0:
                return False  # the last words are still being heard
            if words is not None and words and self.hesitant(words):
                # "Um." [quiet]: a moment to think, waited through as a long answer is.
                self.patience = dataclasses.replace(patience, silence=None)
                self.hesitant = None
                return False
            return True
        spoke = segmenter.last_speech_seconds or 0.0
        if self._checking and spoke > self._spoke_before + SPEECH_FRAME:
            # They went on, after the check or while it was said ("... Americans." [5 s] "ask
            # not"), whenever their words are noticed (the end of a phrase is known only a
            # moment after it): the same answer, and the next wait is the one its words call
            # for now, not the short one after the finished sentence before. Any words after
            # the quiet that brought the check count, however short and however soon: on a busy
            # machine the check can begin as the person goes on (it waits for the last words
            # to be heard), and their "ask not" was taken for the check's echo.
            self._checking, self._check_end = False, None
        elif self._checking and self._check_end is None:
            if self._played is None or self._played.is_set():
                self._check_end = now
        if not self._checking:
            if quiet >= patience.pause or (
                quiet >= min(patience.finished_pause, patience.pause) and self._sounds_finished()
            ):
                settled = quiet < patience.pause
                self._after = (
                    min(patience.finished_after_check, patience.after_check)
                    if settled
                    else patience.after_check
                )
                self._checking = True
                self._spoke_before = spoke
                self.checks += 1
                self._played = self.on_check(self.checks) if self.on_check else None
            return False
        if self._check_end is None:
            return False
        return now - max(self._check_end, spoke) >= self._after

    def _sounds_finished(self) -> bool:
        if self.sounds_finished is None:
            return False
        words = self.words()
        return bool(words) and self.sounds_finished(words or "")


#: Speech that ends later than this after the words before a check is the person going on
#: (the detector's frame: the same words' end, judged again, never moves by more).
SPEECH_FRAME = 0.04

#: Quiet after a short utterance before it is heard as a possible command, while listening.
COMMAND_PAUSE = 1.2


def _early_command(
    segmenter: Segmenter,
    worker: StreamingTranscription,
    sent: set[tuple[int, int]],
    reader: int,
    rate: int,
) -> bool:
    """Whether the person just said a command on its own ("That's all.", "Next."): the short
    utterance before a pause is transcribed in the background as soon as the pause begins, and
    a clear command ends the turn at once. (The answer's own transcription is not touched: the
    command is confirmed and taken out afterwards, as for any answer.)"""
    from voiceguide.conversation.commands import match_command

    latest = segmenter.last_utterance()
    if latest is not None and latest not in sent and segmenter.trailing_silence >= COMMAND_PAUSE:
        sent.add(latest)
        start, end = latest
        worker.probe(("early", latest), lambda: read_pcm(reader, start, end, rate))
    for span in sent:
        heard = worker.probes.get(("early", span))
        if heard is not None and match_command(*heard) is not None:
            return True
    return False


def _last_command(
    worker: StreamingTranscription,
    segmenter: Segmenter,
    last: tuple[int, int],
    reader: int,
    rate: int,
    understand: Understand,
    transcriber: Transcriber | None,
    hint: str | None,
) -> tuple[Understood | None, Phrases, int]:
    """Whether the answer ends with a command said on its own; the phrases without it, and
    where the command begins (samples)."""
    from voiceguide.conversation.commands import MAX_COMMAND_SECONDS

    phrases = list(worker.phrases)
    tail = segmenter.last_tail
    probe = worker.probes.get(tail) if tail is not None else None
    if tail is not None and probe is not None and last == (tail[0], tail[2]):
        # "... for your country. [pause] That's all.": the short utterance was heard alone.
        understood = understand(probe[0], level_phrase(read_pcm(reader, tail[1], tail[2], rate)))
        if understood.command is None:
            return None, (), 0
        head_seconds = (tail[1] - tail[0]) / rate
        before = _without_ending(phrases[-1][0], probe[0])
        if before is None:  # the phrase as a whole was heard otherwise: hear its head alone
            assert transcriber is not None
            head = level_phrase(read_pcm(reader, tail[0], tail[1], rate))
            before = transcriber.transcribe(head, prompt=hint).strip()
        return understood, (*phrases[:-1], (before, head_seconds)), tail[1]
    onset = segmenter.last_onset
    start = max(last[0], (onset or last[0]) - int(0.3 * rate))
    if (last[1] - start) / rate > MAX_COMMAND_SECONDS:
        return None, (), 0
    understood = understand(phrases[-1][0], level_phrase(read_pcm(reader, start, last[1], rate)))
    if understood.command is None:
        return None, (), 0
    return understood, tuple(phrases[:-1]), start


def _without_ending(text: str, ending: str) -> str | None:
    """`text` without `ending` at its end, word for word ("One, two, three. That's all." less
    "That's all." is "One, two, three."); None when it does not end so. The phrase was heard
    as a whole already: taking the command's words off it saves hearing its head again (most
    of a second on a busy machine, between "that's all" and the next question)."""
    import re

    def key(word: str) -> str:
        return re.sub(r"[^a-z0-9]", "", word.lower())

    tokens = text.split()
    tail = [key(w) for w in ending.split() if key(w)]
    if not tail:
        return None
    keys = [key(w) for w in tokens]
    while keys and not keys[-1]:
        keys.pop()
        tokens.pop()
    if len(keys) < len(tail) or keys[len(keys) - len(tail) :] != tail:
        return None
    return " ".join(tokens[: len(tokens) - len(tail)]).rstrip(" ,;:-\u2013\u2014")


def read_pcm(fd: int, start: int, end: int, rate: int) -> Audio:
    """Samples [start, end) of a capture being written (16-bit mono after a 44-byte header)."""
    data = os.pread(fd, (end - start) * 2, HEADER_BYTES + start * 2)
    return Audio.from_int16(data[: len(data) // 2 * 2], rate)
