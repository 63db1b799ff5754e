"""Spoken sessions: lines and pauses, rendered to one piece of audio of a chosen length."""

from __future__ import annotations

import dataclasses

import numpy as np

from voiceguide.audio import Audio
from voiceguide.errors import UsageError
from voiceguide.interfaces import Synthesizer


@dataclasses.dataclass(frozen=True, slots=True)
class Say:
    """A line to speak, followed by a pause of `pause` seconds (before scaling).

    `level` 0 lines are always spoken; higher levels join when the session is long enough.
    """

    text: str
    pause: float = 5.0
    level: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered session and how its time divides between speech and silence."""

    audio: Audio
    speech_seconds: float
    lines: tuple[str, ...]

    @property
    def silence_seconds(self) -> float:
        return self.audio.duration - self.speech_seconds


#: The share of a session that is at most speech; a meditation is mostly quiet.
MAX_SPEECH_SHARE = 0.5


def render_session(
    steps: tuple[Say, ...], synthesizer: Synthesizer, *, minutes: float, lead_in: float = 1.5
) -> Rendered:
    """Render `steps` to last `minutes`, by choosing how many lines fit and scaling the pauses."""
    target = minutes * 60.0
    voiced: dict[str, Audio] = {}

    def speak(text: str) -> Audio:
        if text not in voiced:
            voiced[text] = synthesizer.synthesize(text).mono()
        return voiced[text]

    chosen: tuple[Say, ...] = ()
    for level in range(max(s.level for s in steps) + 1):
        candidate = tuple(s for s in steps if s.level <= level)
        speech = sum(speak(s.text).duration for s in candidate)
        if speech + lead_in > target * MAX_SPEECH_SHARE:
            break
        chosen = candidate
    if not chosen:
        core = sum(speak(s.text).duration for s in steps if s.level == 0)
        shortest = int(np.ceil((core + lead_in) / MAX_SPEECH_SHARE / 60.0))
        raise UsageError(f"This session needs at least {shortest} minutes.")
    clips = [speak(s.text) for s in chosen]
    rate = clips[0].rate
    speech_frames = sum(c.frames for c in clips)
    total_frames = round(target * rate)
    pause_frames = total_frames - speech_frames - round(lead_in * rate)
    weights = np.array([s.pause for s in chosen], dtype=np.float64)
    # Scale the pauses, never the speech; the rounding remainder goes to the last pause.
    pauses = np.floor(weights / weights.sum() * pause_frames).astype(int)
    pauses[-1] += pause_frames - pauses.sum()
    parts = [Audio.silence(lead_in, rate)]
    for clip, pause in zip(clips, pauses, strict=True):
        parts += [clip, Audio(np.zeros(int(pause), np.float32), rate)]
    return Rendered(
        audio=Audio.concat(parts),
        speech_seconds=speech_frames / rate,
        lines=tuple(s.text for s in chosen),
    )
