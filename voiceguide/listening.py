"""Listening: record to disk, find phrases, transcribe them while the person still speaks."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path

from voiceguide.audio import Audio
from voiceguide.capture import HEADER_BYTES, CaptureWriter
from voiceguide.errors import DeviceError, EngineError
from voiceguide.interfaces import Recorder, Transcriber
from voiceguide.segmenter import Segmenter


class StreamingTranscription:
    """Transcribes finished segments in the background, in order, while recording goes on."""

    def __init__(self, transcriber: Transcriber, *, hint: str | None = None) -> None:
        self.transcriber = transcriber
        #: Words that prime the first segment (the kind of answer expected), e.g. numbers.
        self.hint = hint
        self._queue: queue.Queue[tuple[object, Audio | Callable[[], Audio]] | None]
        self._queue = queue.Queue()
        self._texts: list[str] = []
        #: Each phrase as it was transcribed, with its length in seconds.
        self.phrases: list[tuple[str, float]] = []
        #: Transcripts of audio submitted with a key: heard, but not part of the transcript.
        self.probes: dict[object, tuple[str, float]] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="transcriber", daemon=True)
        self._thread.start()

    def submit(self, audio: Audio | Callable[[], Audio]) -> None:
        """Queue a finished segment: its audio, or a way to read it when its turn comes."""
        self._queue.put((None, audio))

    def probe(self, key: object, audio: Audio | Callable[[], Audio]) -> None:
        """Queue audio to be transcribed on its own, into `probes[key]` (not the transcript)."""
        self._queue.put((key, audio))

    def finish(self) -> str:
        """Wait for every queued segment and return the whole transcript."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise EngineError(
                f"The recording was kept, but transcription failed: {self._error}"
            ) from self._error
        return " ".join(t for t in self._texts if t).strip()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue
            key, source = item
            try:
                audio = source() if callable(source) else source
                if key is not None:
                    heard = self.transcriber.transcribe(audio).strip()
                    self.probes[key] = (heard, audio.duration)
                    continue
                # Each phrase on its own (with the answer's hint, if any): given the phrases
                # before it as a prompt, Whisper tiny.en was seen to drop a short phrase that
                # opened the next segment ("One, two, three." before a long sentence).
                text = self.transcriber.transcribe(audio, prompt=self.hint).strip()
                self._texts.append(text)
                self.phrases.append((text, audio.duration))
            except BaseException as exc:  # kept and re-raised by finish()
                self._error = exc


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


def listen(
    recorder: Recorder,
    path: Path,
    *,
    transcriber: Transcriber | None = None,
    silence: float = 4.0,
    max_seconds: float = 600.0,
    wait_seconds: float = 60.0,
    stop: threading.Event | None = None,
    on_open: Callable[[], None] | None = None,
    meta: dict | None = None,
    hint: str | None = None,
    is_command: Callable[[str, float], bool] | None = None,
) -> Capture:
    """Record one answer to `path` until the person falls silent, presses Enter, or time runs out.

    Audio reaches disk as it arrives; phrases are transcribed as soon as they end. A device that
    fails mid-recording keeps what was captured (the Capture carries the error). With
    `is_command`, a short last utterance after a pause is also heard on its own, and when it is
    a command (text, seconds) it becomes a phrase of its own, the last; otherwise the answer's
    last phrase is transcribed whole, as a person said it (cutting it loses words in noise).
    """
    rate = recorder.rate
    writer = CaptureWriter(path, rate, meta=meta)
    segmenter = Segmenter(rate)
    worker = StreamingTranscription(transcriber, hint=hint) if transcriber is not None else None
    # Phrases are read back from the file being written when the transcriber gets to them, so
    # an hour of speech is never held in memory, even if transcription falls behind.
    reader = os.open(path, os.O_RDONLY) if worker is not None else -1
    stopped_by = "max"
    error: str | None = None

    last: tuple[int, int] | None = None

    def hand_over(start: int, end: int) -> None:
        nonlocal last
        last = (start, end)
        if worker is not None:
            worker.submit(lambda: read_pcm(reader, start, end, rate))
            tail = segmenter.last_tail
            if is_command is not None and tail is not None:
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
                    if segmenter.trailing_silence >= silence:
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
    if worker is not None:
        try:
            text = worker.finish()
            tail = segmenter.last_tail
            said = worker.probes.get(tail) if tail is not None else None
            if tail is not None and said is not None and last == (tail[0], tail[2]):
                assert is_command is not None and transcriber is not None
                if is_command(*said):
                    head = read_pcm(reader, tail[0], tail[1], rate)
                    before = transcriber.transcribe(head, prompt=hint).strip()
                    worker.phrases[-1:] = [(before, head.duration), said]
                    text = " ".join(t for t, _ in worker.phrases if t).strip()
        except EngineError as exc:
            error = error or exc.message
        except Exception as exc:  # a failed transcriber: the recording is kept
            error = error or f"The recording was kept, but transcription failed: {exc}"
        finally:
            os.close(reader)
    return Capture(
        path=path,
        duration=writer.seconds,
        text=text,
        heard=segmenter.speech_started,
        stopped_by=stopped_by,
        error=error,
        phrases=tuple(worker.phrases) if worker is not None else (),
    )


def read_pcm(fd: int, start: int, end: int, rate: int) -> Audio:
    """Samples [start, end) of a capture being written (16-bit mono after a 44-byte header)."""
    data = os.pread(fd, (end - start) * 2, HEADER_BYTES + start * 2)
    return Audio.from_int16(data[: len(data) // 2 * 2], rate)


def transcribe_audio(
    audio: Audio, transcriber: Transcriber, *, block_seconds: float = 1.0
) -> tuple[bool, str]:
    """Transcribe a whole recording phrase by phrase, as live listening does; (heard, text)."""
    speech = audio.for_speech(16000)
    pcm = speech.to_int16()[:, 0]
    segmenter = Segmenter(speech.rate)
    worker = StreamingTranscription(transcriber)
    block = int(speech.rate * block_seconds)
    for i in range(0, len(pcm), block):
        for start, end in segmenter.feed(pcm[i : i + block]):
            worker.submit(Audio.from_int16(pcm[start:end], speech.rate))
    if (flushed := segmenter.flush()) is not None:
        worker.submit(Audio.from_int16(pcm[flushed[0] : flushed[1]], speech.rate))
    return segmenter.speech_started, worker.finish()
