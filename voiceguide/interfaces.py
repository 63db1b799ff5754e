"""The seams between voiceguide's core and the sound hardware and speech engines: what speaks
(Synthesizer), plays (Player), records (Recorder), hears (Transcriber, and what some transcribers
can do besides: TimedTranscriber, CommandScorer, ReadingScorer) and finds speech
(SpeechDetector, declared beside the Segmenter that uses it). Fakes that need no hardware are in
voiceguide.engines.fakes; tests/contracts/ holds every engine to its seam."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.audio.segmenter import SpeechDetector as SpeechDetector  # a seam, named here too

#: Makes a new speech detector, for one recording (a detector carries the recording's state).
NewDetector = Callable[[], SpeechDetector]


@dataclasses.dataclass
class Controls:
    """What the person asked for while a session plays."""

    paused: threading.Event = dataclasses.field(default_factory=threading.Event)
    quit: threading.Event = dataclasses.field(default_factory=threading.Event)


@runtime_checkable
class Synthesizer(Protocol):
    """Turns text into audio; it never plays it."""

    name: str

    @property
    def sample_rate(self) -> int | None:
        """The sample rate of what it makes, when known before it speaks (None: see the audio)."""
        ...

    @property
    def cache_key(self) -> str:
        """Everything that changes how it sounds (engine, voice, pace, volume): lines said by
        two synthesizers with the same key are the same, so a cache may keep them."""
        ...

    def synthesize(self, text: str) -> Audio:
        """Speak `text` into audio."""
        ...


@runtime_checkable
class Player(Protocol):
    """Plays audio to a speaker (or somewhere that stands in for one)."""

    def play(self, audio: Audio) -> None:
        """Play `audio` to the end; Ctrl-C stops it."""
        ...

    def play_stream(
        self,
        pieces: Iterable[Audio],
        *,
        controls: Controls | None = None,
        on_position: Callable[[float], None] | None = None,
    ) -> bool:
        """Play pieces back to back as one stream, starting with the first at once. While
        `controls.paused` is set nothing plays (and `on_position` gets minus the position);
        `controls.quit` ends it early, returning False. `on_position` gets the seconds played
        so far as playback goes on."""
        ...


@runtime_checkable
class Recorder(Protocol):
    """Captures audio from a microphone (or something that stands in for one)."""

    rate: int

    def stream(self) -> AbstractContextManager[Iterator[np.ndarray]]:
        """Open the input; yields an iterator of mono int16 blocks at `rate`, in real time."""
        ...


@runtime_checkable
class Transcriber(Protocol):
    """Turns speech into text, on this machine."""

    engine: str
    model: str

    def transcribe(
        self, audio: Audio, *, prompt: str | None = None, hotwords: str | None = None
    ) -> str:
        """The words spoken in `audio` ("" when none); `prompt` is the text that came before,
        `hotwords` words that are likely (engines that cannot use them ignore them)."""
        ...


def as_hotwords(phrases: Iterable[str]) -> str:
    """Expected phrases as a transcriber's `hotwords`: "That's all, Next" for ("That's all.",
    "Next.")."""
    return ", ".join(p.rstrip(".") for p in phrases)


@runtime_checkable
class TimedTranscriber(Protocol):
    """A transcriber that can also say when each part of what it heard was said."""

    def timed(self, audio: Audio) -> list[tuple[float, float, str]]:
        """(start, end, text) of each segment heard, in seconds from the start of `audio`."""
        ...


@runtime_checkable
class CommandScorer(Protocol):
    """A transcriber that can also say how well given phrases fit a short utterance."""

    def command_scores(
        self, audio: Audio, phrases: tuple[str, ...]
    ) -> tuple[str, dict[str, float]]:
        """What it hears with `phrases` as hotwords, and the mean log-probability per token of
        each phrase and of what it heard, given the audio."""
        ...


@runtime_checkable
class ReadingScorer(Protocol):
    """A transcriber that can weigh readings of the same audio against each other."""

    def support(self, audio: Audio, texts: Sequence[str]) -> list[float]:
        """How well each text fits `audio` as its transcript (higher is better: the sum of
        its tokens' log-probabilities)."""
        ...
