"""Listening: record to disk, find phrases, transcribe them while the person still speaks."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voiceguide.audio.capture import HEADER_BYTES, CaptureWriter, trim_capture
from voiceguide.audio.clip import Audio
from voiceguide.audio.segmenter import Segmenter
from voiceguide.conversation.commands import HOTWORDS, Understood
from voiceguide.errors import DeviceError, EngineError
from voiceguide.hearing.phrases import (
    Moment,
    StreamingTranscription,
    hear_again,
    joined,
    level_phrase,
    moments_of,
)
from voiceguide.interfaces import Recorder, Transcriber


@dataclasses.dataclass(frozen=True, slots=True)
class Patience:
    """How long listening waits through quiet, so that nobody is cut off mid-thought.

    A pause of `pause` seconds never ends an answer: it brings a gentle check ("Take your time.
    Is there more?", or a soft tone), and listening goes on. The answer ends when the person
    stays quiet for `after_check` seconds after the check; words said after it belong to the same
    answer, and a later long pause checks again. `silence` (the --silence override) ends an
    answer after that many seconds of quiet, with no check: short questions use it.
    """

    pause: float = 10.0
    after_check: float = 12.0
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


#: Seconds of quiet kept after the last word when an answer ends after a patient wait.
KEEP_AFTER_LAST_WORD = 1.5

#: Decides whether a short last utterance (its text, its audio) is a voice command.
Understand = Callable[[str, Audio], "Understood"]


def listen(
    recorder: Recorder,
    path: Path,
    *,
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
) -> Capture:
    """Record one answer to `path` until the person has finished, presses Enter, or time runs out.

    Audio reaches disk as it arrives; phrases are transcribed as soon as they end. A device that
    fails mid-recording keeps what was captured (the Capture carries the error). Pauses are
    waited through as `patience` says; `on_check(n)` is called (with the number of the check)
    when a long pause asks whether there is more, and returns an event set once the check has
    been played (recording goes on meanwhile, so nothing said over it is lost). With
    `understand`, a short last utterance said on its own is checked for a voice command.
    `silence` is short for `Patience(silence=...)`: the answer ends after that much quiet.
    """
    patience = patience or Patience(silence=silence)
    rate = recorder.rate
    writer = CaptureWriter(path, rate, meta=meta)
    segmenter = Segmenter(rate)
    worker = (
        StreamingTranscription(transcriber, hint=hint, probe_hotwords=HOTWORDS)
        if transcriber is not None
        else None
    )
    # Phrases are read back from the file being written when the transcriber gets to them, so
    # an hour of speech is never held in memory, even if transcription falls behind.
    reader = os.open(path, os.O_RDONLY) if worker is not None else -1
    stopped_by = "max"
    error: str | None = None
    turn = _Turn(patience, on_check)
    last: tuple[int, int] | None = None
    heard_early: set[tuple[int, int]] = set()  # short utterances sent to be heard at once
    # A command ends the turn at once when the turn would otherwise wait longer: with a short
    # closing silence it ends about as soon anyway.
    early = understand is not None and (
        patience.silence is None or patience.silence > COMMAND_PAUSE + 2.0
    )

    starts: list[int] = []  # where each phrase begins, in samples

    def hand_over(start: int, end: int) -> None:
        nonlocal last
        last = (start, end)
        starts.append(start)
        if worker is not None:
            worker.submit(lambda: read_pcm(reader, start, end, rate))
            tail = segmenter.last_tail
            if understand is not None and tail is not None:
                worker.probe(tail, lambda: read_pcm(reader, tail[1], tail[2], rate))

    try:
        with recorder.stream() as stream:
            for block in stream:
                if on_open is not None and writer.data_bytes == 0:
                    on_open()  # sound is really arriving: the microphone is open
                writer.write(block)
                for start, end in segmenter.feed(block):
                    hand_over(start, end)
                heard_seconds = writer.seconds
                if stop is not None and stop.is_set():
                    stopped_by = "enter"
                    break
                if heard_seconds >= max_seconds:
                    stopped_by = "max"
                    break
                if segmenter.speech_started:
                    if early and worker is not None:
                        said = _early_command(segmenter, worker, heard_early, reader, rate)
                        if said:
                            stopped_by = "command"  # "that's all": no waiting through quiet
                            break
                    if turn.finished(heard_seconds, segmenter):
                        stopped_by = "silence"
                        break
                elif heard_seconds >= wait_seconds:
                    stopped_by = "no-speech"
                    break
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        stopped_by = "disk-full"
        error = "The disk is full, so the recording stopped."
    except DeviceError as exc:
        writer.close()
        if writer.data_bytes == 0:  # the device never opened: nothing to keep
            path.unlink(missing_ok=True)
            writer.meta_path.unlink(missing_ok=True)
            if worker is not None:
                worker.finish()
            raise
        stopped_by = "device"
        error = exc.message
    finally:
        with contextlib.suppress(OSError):  # a full disk must not lose what is already there
            writer.close()
    if (flushed := segmenter.flush()) is not None:
        hand_over(*flushed)
    text = ""
    heard = segmenter.speech_started
    phrases: tuple[tuple[str, float], ...] = ()
    command: Understood | None = None
    without: tuple[tuple[str, float], ...] = ()
    if worker is not None:
        try:
            text = worker.finish()
            phrases = tuple(worker.phrases)
            if understand is not None and last is not None and phrases:
                command, without = _last_command(
                    worker, segmenter, last, reader, rate, understand, transcriber, hint
                )
                if command is not None and command.sure:
                    phrases = without
                    text = " ".join(t for t, _ in phrases if t).strip()
                    heard = bool(text)
            if transcriber is not None and heard:
                phrases = hear_again(
                    phrases,
                    lambda a, b: read_pcm(reader, int(a * rate), int(b * rate), rate),
                    transcriber,
                    hint=hint,
                )
                text = joined(phrases)
        except EngineError as exc:
            error = error or exc.message
        except Exception as exc:  # a failed transcriber: the recording is kept
            error = error or f"The recording was kept, but transcription failed: {exc}"
        finally:
            os.close(reader)
    listened = duration = writer.seconds
    last_word = segmenter.last_speech_seconds
    if stopped_by == "silence" and turn.checks and patience.silence is None and last_word:
        # The turn waited through the check and the quiet after it; the recording keeps only a
        # moment of that quiet (an intention played back must not end in half a minute of it).
        with contextlib.suppress(OSError):
            duration = trim_capture(path, last_word + KEEP_AFTER_LAST_WORD)
    return Capture(
        path=path,
        duration=duration,
        text=text,
        heard=heard,
        stopped_by=stopped_by,
        error=error,
        phrases=phrases,
        command=command.command if command is not None else None,
        command_sure=command.sure if command is not None else True,
        without_command=without,
        moments=moments_of(phrases, [segmenter.onsets.get(s, s) / rate for s in starts]),
        checks=turn.checks,
        listened=listened,
    )


class _Turn:
    """Decides when a person has finished an answer, from the pauses and the checks."""

    def __init__(
        self, patience: Patience, on_check: Callable[[int], threading.Event | None] | None
    ) -> None:
        self.patience = patience
        self.on_check = on_check
        self.checks = 0
        self._played: threading.Event | None = None
        self._check_end: float | None = None  # where the check finished playing (seconds)
        self._checking = False

    def finished(self, now: float, segmenter: Segmenter) -> bool:
        quiet = segmenter.trailing_silence
        if self.patience.silence is not None:
            return quiet >= self.patience.silence
        spoke = segmenter.last_speech_seconds or 0.0
        if self._checking and self._check_end is None:
            if self._played is None or self._played.is_set():
                self._check_end = now
        if self._check_end is not None and spoke > self._check_end + 0.1:
            self._checking, self._check_end = False, None  # they went on: the same answer
        if not self._checking:
            if quiet >= self.patience.pause:
                self._checking = True
                self.checks += 1
                self._played = self.on_check(self.checks) if self.on_check else None
            return False
        if self._check_end is None:
            return False
        return now - max(self._check_end, spoke) >= self.patience.after_check


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
) -> tuple[Understood | None, tuple[tuple[str, float], ...]]:
    """Whether the answer ends with a command said on its own; the phrases without it."""
    from voiceguide.conversation.commands import MAX_COMMAND_SECONDS

    phrases = list(worker.phrases)
    tail = segmenter.last_tail
    probe = worker.probes.get(tail) if tail is not None else None
    if tail is not None and probe is not None and last == (tail[0], tail[2]):
        # "... for your country. [pause] That's all.": the short utterance was heard alone.
        understood = understand(probe[0], level_phrase(read_pcm(reader, tail[1], tail[2], rate)))
        if understood.command is None:
            return None, ()
        assert transcriber is not None
        head = level_phrase(read_pcm(reader, tail[0], tail[1], rate))
        before = transcriber.transcribe(head, prompt=hint).strip()
        return understood, (*phrases[:-1], (before, head.duration))
    onset = segmenter.last_onset
    start = max(last[0], (onset or last[0]) - int(0.3 * rate))
    if (last[1] - start) / rate > MAX_COMMAND_SECONDS:
        return None, ()
    understood = understand(phrases[-1][0], level_phrase(read_pcm(reader, start, last[1], rate)))
    if understood.command is None:
        return None, ()
    return understood, tuple(phrases[:-1])


def read_pcm(fd: int, start: int, end: int, rate: int) -> Audio:
    """Samples [start, end) of a capture being written (16-bit mono after a 44-byte header)."""
    data = os.pread(fd, (end - start) * 2, HEADER_BYTES + start * 2)
    return Audio.from_int16(data[: len(data) // 2 * 2], rate)
