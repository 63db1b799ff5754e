"""Finds speech and the pauses between phrases, so finished phrases can be transcribed early."""

from __future__ import annotations

import math

import numpy as np


class Segmenter:
    """Energy-based speech detector that closes segments at natural pauses.

    Feed it int16 blocks; it returns (start, end) sample ranges of segments that contain speech and
    are finished. Together with `flush()` the segments cover every moment of speech once.
    """

    def __init__(
        self,
        rate: int,
        *,
        frame_seconds: float = 0.03,
        min_pause: float = 0.8,
        long_pause: float = 2.0,
        min_segment: float = 8.0,
        max_segment: float = 28.0,
        onset_frames: int = 3,
        margin_db: float = 6.0,
        floor_db: float = -50.0,
        utterance_pause: float = 0.6,
        short_utterance: float = 2.0,
        min_head: float = 1.5,
    ) -> None:
        self.rate = rate
        self.frame = max(1, int(rate * frame_seconds))
        self.frame_seconds = self.frame / rate
        self.min_pause = min_pause
        self.long_pause = long_pause
        self.min_segment = min_segment
        self.max_segment = max_segment
        self.onset_frames = onset_frames
        self.margin_db = margin_db
        self.floor_db = floor_db
        self.utterance_pause = utterance_pause
        self.short_utterance = short_utterance
        self.min_head = min_head
        self._pending = np.zeros(0, np.int16)
        self._levels: list[float] = []
        self._noise = -60.0
        self._run = 0  # consecutive loud frames
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

    # -- public ------------------------------------------------------------------------------
    @property
    def position(self) -> float:
        """Seconds of audio seen so far (whole frames)."""
        return len(self._levels) * self.frame_seconds

    @property
    def trailing_silence(self) -> float:
        """Seconds since the last speech (0 before any speech)."""
        if self._last_speech is None:
            return 0.0
        return (len(self._levels) - self._last_speech) * self.frame_seconds

    def feed(self, block: np.ndarray) -> list[tuple[int, int]]:
        """Take a block of samples; return the sample ranges of segments that just closed."""
        data = np.concatenate([self._pending, np.asarray(block, np.int16)])
        whole = len(data) // self.frame * self.frame
        self._pending = data[whole:]
        closed: list[tuple[int, int]] = []
        for frame in data[:whole].reshape(-1, self.frame):
            seg = self._step(frame)
            if seg:
                self.last_tail = self._tail(*seg) if self._at_pause else None
                closed.append(seg)
        return closed

    def flush(self) -> tuple[int, int] | None:
        """Close the open segment at the end of the audio, if it holds speech."""
        if self._seg_first_speech is None:
            return None
        end = len(self._levels) * self.frame + len(self._pending)
        if self._last_speech is not None:  # the silence after the last words holds nothing
            end = min(end, (self._last_speech + int(0.3 / self.frame_seconds)) * self.frame)
        seg = (self._start_sample(), end)
        self.last_tail = self._tail(*seg)
        self._seg_first_speech = None
        return seg

    # -- internals ---------------------------------------------------------------------------
    def _step(self, frame: np.ndarray) -> tuple[int, int] | None:
        rms = math.sqrt(float(np.mean(np.square(frame, dtype=np.float64)))) / 32768.0
        level = 20 * math.log10(rms) if rms > 1e-6 else -120.0
        index = len(self._levels)
        self._levels.append(level)
        if index % 10 == 0:
            self._noise = self._noise_floor()
        loud = level > max(self._noise + self.margin_db, self.floor_db)
        if not loud:
            self._run = 0
        else:
            self._run += 1
            if self._run >= self.onset_frames:
                onset = index - self._run + 1
                if self._seg_first_speech is None:
                    self._seg_first_speech = onset
                if self._run == self.onset_frames and (
                    self._last_speech is None
                    or (onset - self._last_speech) * self.frame_seconds >= self.utterance_pause
                ):
                    self._utterance = onset
                self._last_speech = index + 1
                self.speech_started = True
        return self._maybe_close(index + 1)

    def _noise_floor(self) -> float:
        # The quiet end of the last ten seconds. Until there are three seconds to go on, the
        # quietest moment so far: a steady hum is not speech, and speech from the very first
        # moment still stands out above its own dips between syllables.
        if len(self._levels) < 3 / self.frame_seconds:
            return min(self._levels)
        window = self._levels[-int(10 / self.frame_seconds) :]
        return float(np.percentile(window, 10))

    def _tail(self, start: int, end: int) -> tuple[int, int, int] | None:
        """Where a closing segment's short last utterance begins, if it has one after a pause
        and speech before it (a spoken command is only ever a separate, short utterance)."""
        u, last = self._utterance, self._last_speech
        if u is None or last is None or (last - u) * self.frame_seconds > self.short_utterance:
            return None
        cut = (u - int(min(0.3, self.utterance_pause / 2) / self.frame_seconds)) * self.frame
        levels = self._levels[start // self.frame : cut // self.frame]
        if cut - start < self.min_head * self.rate or cut >= end:
            return None  # too little before it to be an answer with a command after
        if max(levels) <= self._noise + self.margin_db:
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
            # No pause came: cut at the quietest moment of the last three seconds.
            window = int(3.0 / self.frame_seconds)
            recent = self._levels[now - window : now]
            boundary = now - window + int(np.argmin(recent))
        else:
            return None
        seg = (self._start_sample(), boundary * self.frame)
        self._seg_start = boundary
        self._seg_first_speech = None
        if self._last_speech > boundary:  # speech continues past a forced cut
            self._seg_first_speech = boundary
        return seg


def contains_speech(pcm: np.ndarray, rate: int) -> bool:
    """Whether mono int16 samples hold anything that sounds like speech."""
    segmenter = Segmenter(rate)
    segmenter.feed(pcm)
    return segmenter.speech_started
