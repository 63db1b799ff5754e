"""Real, small implementations of the four interfaces that need no sound hardware.

They are for tests and for people without a microphone: `FileRecorder` is also how a recording made
elsewhere (a phone voice memo) goes through the same listening path as live speech.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voiceguide.audio.clip import Audio

if TYPE_CHECKING:
    from voiceguide.interfaces import Controls


class FileRecorder:
    """A recorder that "hears" an audio file, then silence, block by block."""

    def __init__(
        self,
        source: Audio | str | Path,
        *,
        rate: int = 16000,
        block_seconds: float = 0.05,
        lead_seconds: float = 0.0,
        realtime: bool | float = False,
        max_tail_seconds: float = 3600.0,
    ) -> None:
        audio = source if isinstance(source, Audio) else Audio.load(source)
        self.audio = audio.for_speech(rate)
        self.rate = rate
        self.block_seconds = block_seconds
        self.lead_seconds = lead_seconds
        #: False: as fast as it is read; True: in real time; a number: that many times real time.
        self.speed = float(realtime) if realtime is not True else 1.0
        self._began: float | None = None
        self._fed = 0.0
        self.max_tail_seconds = max_tail_seconds

    @contextlib.contextmanager
    def stream(self) -> Iterator[Iterator[np.ndarray]]:
        """Yield the file's blocks (after `lead_seconds` of silence), then silence."""
        yield self._blocks()

    def _blocks(self) -> Iterator[np.ndarray]:
        block = int(self.rate * self.block_seconds)
        lead = np.zeros(int(self.lead_seconds * self.rate), np.int16)
        pcm = np.concatenate([lead, self.audio.to_int16()[:, 0]])
        tail_blocks = int(self.max_tail_seconds / self.block_seconds)
        silence = np.zeros(block, np.int16)
        for i in range(0, len(pcm), block):
            self._pace()
            yield pcm[i : i + block]
        for _ in range(tail_blocks):
            self._pace()
            yield silence

    def _pace(self) -> None:
        if not self.speed:
            return
        # Paced by the clock, not by sleeping per block, so slow readers do not drift; like a
        # microphone, a block is handed over once its time has passed.
        now = time.perf_counter()
        if self._began is None:
            self._began = now
        self._fed += self.block_seconds
        ahead = self._began + self._fed / self.speed - now
        if ahead > 0:
            time.sleep(ahead)


class CollectingPlayer:
    """A player that keeps everything it is given instead of playing it."""

    def __init__(self) -> None:
        self.played: list[Audio] = []

    def play(self, audio: Audio) -> None:
        """Keep `audio`."""
        self.played.append(audio)

    def play_stream(
        self,
        pieces: Iterable[Audio],
        *,
        controls: Controls | None = None,
        on_position: Callable[[float], None] | None = None,
    ) -> bool:
        """Keep the pieces, joined, as one played piece (as a speaker would sound them); a
        pause holds the stream (saying where, as minus the position) until it is lifted, and
        quitting ends it early (False), as on a speaker, only without waiting in real time."""
        parts: list[Audio] = []
        played = 0.0

        def keep() -> None:
            if parts:
                self.played.append(Audio.concat(parts))

        for piece in pieces:
            while controls is not None and controls.paused.is_set():
                if controls.quit.is_set():
                    break
                if on_position is not None:
                    on_position(-played)
                controls.quit.wait(0.01)
            if controls is not None and controls.quit.is_set():
                keep()
                return False
            parts.append(piece)
            played += piece.duration
            if on_position is not None:
                on_position(played)
        keep()
        return True

    @property
    def seconds(self) -> float:
        """Total length of everything played."""
        return sum(a.duration for a in self.played)


class ToneSynthesizer:
    """A synthesizer that renders each word as a short soft tone: timing without a voice."""

    name = "tone"

    def __init__(self, *, rate: int = 22050, seconds_per_word: float = 0.35) -> None:
        self.rate = rate
        self.sample_rate = rate
        self.seconds_per_word = seconds_per_word
        self.spoken: list[str] = []
        self._voice = uuid.uuid4().hex  # one of its own, unlike id(), never used again

    @property
    def cache_key(self) -> str:
        # Each fake voice is a voice of its own: the lines one was asked for are never taken
        # from the cache for another, so a test sees every line its own synthesizer said. (Not
        # id(self): a later voice can be given a freed one's address, and its cached lines.)
        return f"tone {self._voice} {self.rate} {self.seconds_per_word}"

    def synthesize(self, text: str) -> Audio:
        """A tone as long as the words of `text` would take to say."""
        self.spoken.append(text)
        words = len(text.split())
        t = np.arange(int(words * self.seconds_per_word * self.rate)) / self.rate
        return Audio((0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), self.rate)


class ScriptedTranscriber:
    """A transcriber that answers with the given texts in turn (then with "")."""

    engine = "scripted"
    model = "none"

    def __init__(self, answers: Sequence[str] = ()) -> None:
        self.answers = list(answers)
        self.heard: list[Audio] = []

    def transcribe(
        self, audio: Audio, *, prompt: str | None = None, hotwords: str | None = None
    ) -> str:
        """The next scripted answer."""
        self.heard.append(audio)
        return self.answers.pop(0) if self.answers else ""
