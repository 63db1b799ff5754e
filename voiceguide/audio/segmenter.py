"""Finds speech and the pauses between phrases, so finished phrases can be transcribed early."""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

#: Speech begins where the detector's probability reaches this ...
ONSET = 0.5
#: ... and goes on while it stays above this (hysteresis keeps soft word endings inside speech).
OFFSET = 0.35


class SpeechDetector(Protocol):
    """Judges, window by window, how likely a stretch of 16 kHz audio is to be speech."""

    rate: int
    window: int

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Float32 samples in; one probability per completed window out."""
        ...


class Leveller:
    """A slow automatic gain in front of the detector: soft speech is judged at a good level.

    The gain follows the loudest moment of the last few seconds up to a target peak, never
    above `max_gain`, so a whisper at -60 dBFS and a voice at full scale reach the detector
    alike; a silent room stays silent (the detector does not take hiss or a fan for speech).
    """

    CHUNK = 800  # 50 ms at 16 kHz: the gain is decided this often, whatever the block size

    def __init__(
        self, *, target_db: float = -12.0, max_gain_db: float = 45.0, hold_seconds: float = 3.0
    ):
        self.target_db = target_db
        self.max_gain_db = max_gain_db
        self._hold = max(1, int(hold_seconds * 16000 / self.CHUNK))
        self._peaks: list[float] = []

    def __call__(self, block: np.ndarray) -> np.ndarray:
        out = np.empty(len(block), np.float32)
        for i in range(0, len(block), self.CHUNK):
            chunk = block[i : i + self.CHUNK]
            self._peaks.append(float(np.max(np.abs(chunk))))
            del self._peaks[: -self._hold]
            loudest = max(max(self._peaks), 1e-9)
            gain = min(self.max_gain_db, max(0.0, self.target_db - 20 * math.log10(loudest)))
            out[i : i + self.CHUNK] = chunk * np.float32(10 ** (gain / 20))
        return np.clip(out, -1.0, 1.0)


class Segmenter:
    """Speech detector that closes segments at natural pauses.

    Feed it int16 blocks at 16 kHz; it returns (start, end) sample ranges of segments that contain
    speech and are finished. Together with `flush()` the segments tile the recording, so every
    moment of speech is in exactly one segment. Speech is found by a neural voice-activity
    detector behind an automatic gain, so it does not depend on how loudly someone speaks.
    """

    def __init__(
        self,
        rate: int,
        *,
        detector: SpeechDetector,
        min_pause: float = 0.8,
        long_pause: float = 2.0,
        min_segment: float = 6.0,
        max_segment: float = 15.0,
        onset_frames: int = 2,
        utterance_pause: float = 0.9,
        short_utterance: float = 2.0,
        min_head: float = 1.5,
    ) -> None:
        self.detector = detector
        if rate != self.detector.rate:
            raise ValueError(f"the speech detector needs {self.detector.rate} Hz, not {rate}")
        self.rate = rate
        self.frame = self.detector.window
        self.frame_seconds = self.frame / rate
        self.min_pause = min_pause
        self.long_pause = long_pause
        self.min_segment = min_segment
        self.max_segment = max_segment
        self.onset_frames = onset_frames
        self.utterance_pause = utterance_pause
        self.short_utterance = short_utterance
        self.min_head = min_head
        self._level = Leveller()
        self._pending = 0  # samples fed that the detector has not judged yet
        self._probs: list[float] = []
        self._in_speech = False
        self._run = 0  # consecutive frames at or above ONSET
        self._seg_start = 0  # frame index where the open segment begins
        self._seg_first_speech: int | None = None
        self._last_speech: int | None = None  # frame index after the last speech frame
        self._utterance: int | None = None  # frame index where the latest utterance began
        self._at_pause = False
        self.speech_started = False
        #: The segment that closed last, if it ends with a short utterance after a pause
        #: ("... for your country. [pause] That's all."): (start, cut, end) in samples, so the
        #: utterance can be heard on its own to see whether it is a spoken command.
        self.last_tail: tuple[int, int, int] | None = None
        #: Where speech begins in the segment that closed last (a sample index).
        self.last_onset: int | None = None
        #: Where speech begins in each closed segment: its start -> the onset (samples).
        self.onsets: dict[int, int] = {}

    # -- public ------------------------------------------------------------------------------
    @property
    def position(self) -> float:
        """Seconds of audio judged so far (whole frames)."""
        return len(self._probs) * self.frame_seconds

    @property
    def trailing_silence(self) -> float:
        """Seconds since the last speech (0 before any speech)."""
        if self._last_speech is None:
            return 0.0
        return (len(self._probs) - self._last_speech) * self.frame_seconds

    @property
    def open_speech(self) -> bool:
        """Whether speech has been heard that is not yet in a closed segment."""
        return self._seg_first_speech is not None

    @property
    def last_speech_seconds(self) -> float | None:
        """Where the last speech so far ended, in seconds from the start (None before any)."""
        return None if self._last_speech is None else self._last_speech * self.frame_seconds

    def last_utterance(self) -> tuple[int, int] | None:
        """The latest utterance said after a pause, as samples (with a little margin), if it is
        short enough to be a spoken command; None otherwise."""
        u, last = self._utterance, self._last_speech
        if u is None or last is None or (last - u) * self.frame_seconds > self.short_utterance:
            return None
        margin = int(0.3 / self.frame_seconds)
        return max(0, u - margin) * self.frame, (last + margin) * self.frame

    def feed(self, block: np.ndarray) -> list[tuple[int, int]]:
        """Take a block of int16 samples; return the sample ranges of segments that just closed."""
        samples = np.asarray(block, np.int16).astype(np.float32) / 32768.0
        self._pending += len(samples)
        probs = self.detector.feed(self._level(samples))
        self._pending -= len(probs) * self.frame
        closed: list[tuple[int, int]] = []
        for p in probs:
            seg = self._step(float(p))
            if seg:
                self.last_tail = self._tail(*seg) if self._at_pause else None
                closed.append(seg)
        return closed

    def flush(self) -> tuple[int, int] | None:
        """Close the open segment at the end of the audio, if it holds speech."""
        if self._seg_first_speech is None:
            return None
        end = len(self._probs) * self.frame + self._pending
        if self._last_speech is not None:  # the silence after the last words holds nothing
            end = min(end, (self._last_speech + int(0.3 / self.frame_seconds)) * self.frame)
        seg = (self._start_sample(), end)
        self.last_tail = self._tail(*seg)
        self.last_onset = self._seg_first_speech * self.frame
        self.onsets[seg[0]] = self.last_onset
        self._seg_first_speech = None
        return seg

    # -- internals ---------------------------------------------------------------------------
    def _step(self, prob: float) -> tuple[int, int] | None:
        index = len(self._probs)
        self._probs.append(prob)
        self._run = self._run + 1 if prob >= ONSET else 0
        if self._in_speech:
            if prob < OFFSET:
                self._in_speech = False
            else:
                self._last_speech = index + 1
        elif self._run >= self.onset_frames:
            onset = index - self._run + 1
            self._in_speech = True
            if self._seg_first_speech is None:
                self._seg_first_speech = onset
            if (
                self._last_speech is None
                or (onset - self._last_speech) * self.frame_seconds >= self.utterance_pause
            ):
                self._utterance = onset
            self._last_speech = index + 1
            self.speech_started = True
        return self._maybe_close(index + 1)

    def _tail(self, start: int, end: int) -> tuple[int, int, int] | None:
        """Where a closing segment's short last utterance begins, if it has one after a pause
        and speech before it (a spoken command is only ever a separate, short utterance)."""
        u, last = self._utterance, self._last_speech
        if u is None or last is None or (last - u) * self.frame_seconds > self.short_utterance:
            return None
        cut = (u - int(min(0.3, self.utterance_pause / 2) / self.frame_seconds)) * self.frame
        probs = self._probs[start // self.frame : cut // self.frame]
        if cut - start < self.min_head * self.rate or cut >= end:
            return None  # too little before it to be an answer with a command after
        if not probs or max(probs) < ONSET:
            return None
        return start, cut, end

    def _start_sample(self) -> int:
        # Segments tile the recording: nothing between two boundaries is ever left out.
        return self._seg_start * self.frame

    def _maybe_close(self, now: int) -> tuple[int, int] | None:
        if self._seg_first_speech is None or self._last_speech is None:
            return None
        length = (now - self._seg_start) * self.frame_seconds
        pause = (now - self._last_speech) * self.frame_seconds
        self._at_pause = pause >= self.min_pause
        if pause >= self.min_pause and (length >= self.min_segment or pause >= self.long_pause):
            boundary = self._last_speech + int(min(pause / 2, 0.3) / self.frame_seconds)
        elif length >= self.max_segment:
            # No pause came: cut at the least speech-like moment of the last three seconds.
            window = int(3.0 / self.frame_seconds)
            recent = self._probs[now - window : now]
            boundary = now - window + int(np.argmin(recent))
        else:
            return None
        seg = (self._start_sample(), boundary * self.frame)
        self.last_onset = self._seg_first_speech * self.frame
        self.onsets[seg[0]] = self.last_onset
        self._seg_start = boundary
        self._seg_first_speech = None
        if self._last_speech > boundary:  # speech continues past a forced cut
            self._seg_first_speech = boundary
        return seg


def contains_speech(pcm: np.ndarray, rate: int, detector: SpeechDetector) -> bool:
    """Whether mono int16 samples at 16 kHz hold anything that sounds like speech (`detector`:
    a new one, for these samples alone)."""
    segmenter = Segmenter(rate, detector=detector)
    segmenter.feed(pcm)
    return segmenter.speech_started
