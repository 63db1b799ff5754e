"""Spoken sessions rendered to audio: a meditation of a chosen length, or one step at a time."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.audio.loudness import (
    TARGET_LUFS,
    VOICE_LUFS,
    integrated_loudness,
    level_line,
    limit,
    true_peak,
)
from voiceguide.audio.sounds import BELL_LUFS, ambient_bed, bell, mix_bed
from voiceguide.errors import TooShort, UsageError
from voiceguide.guidance.script import (
    ASKING,
    Bell,
    Breathe,
    Daily,
    Early,
    IfLittle,
    Intention,
    Say,
    Script,
    Step,
)
from voiceguide.interfaces import Synthesizer
from voiceguide.wording import minutes_phrase

__all__ = ["Context", "Rendered", "Say", "Voice", "render_session", "render_step"]

#: The share of a session that is at most speech; a meditation is mostly quiet.
MAX_SPEECH_SHARE = 0.5
#: A moment of quiet before the first sound, so it never starts as the device opens.
LEAD_IN = 0.3

_COUNTS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()
_SHORT = {"Breathe in": "In", "Hold": "Hold", "Breathe out": "Out"}


@dataclasses.dataclass(frozen=True, slots=True)
class Context:
    """What a session needs to know about the person, beyond its script."""

    #: The person's own recorded intention of a scope ("infusion", "series", "going-forward").
    intention: Callable[[str], Audio | None] = lambda scope: None
    #: Which day it is, counted from any fixed day: picks the [daily] line.
    day: int = 0
    #: True in the first days after an infusion: [early] lines are spoken.
    early: bool = True


class Cancelled(Exception):
    """Rendering was stopped before it finished (the person stopped the session)."""


class Voice:
    """Speaks through a synthesizer, each distinct text once per session, at one sample rate,
    every line at the same loudness. Once `cancel` is set it says nothing more (Cancelled)."""

    def __init__(
        self,
        synthesizer: Synthesizer,
        *,
        level: bool = True,
        cancel: threading.Event | None = None,
    ) -> None:
        self.synthesizer = synthesizer
        self.level = level
        self.cancel = cancel
        self._said: dict[str, Audio] = {}
        # Known up front when the synthesizer says so: a bell then needs no voice loaded.
        self.rate: int | None = synthesizer.sample_rate

    def __call__(self, text: str) -> Audio:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled
        if text not in self._said:
            audio = self.synthesizer.synthesize(text).mono()
            if self.rate is None:
                self.rate = audio.rate
            audio = audio.resample(self.rate) if audio.rate != self.rate else audio
            already = getattr(self.synthesizer, "leveled", False)
            self._said[text] = audio if already else self._leveled(audio)
        return self._said[text]

    def _leveled(self, audio: Audio, lufs: float = VOICE_LUFS) -> Audio:
        return level_line(audio, lufs) if self.level else audio

    def fit(self, audio: Audio, *, lufs: float = VOICE_LUFS) -> Audio:
        """`audio` as mono at the voice's rate and level, so it can sit between spoken lines."""
        rate = self.rate or self("Breathe.").rate
        audio = audio.mono()
        return self._leveled(audio.resample(rate) if audio.rate != rate else audio, lufs)


def _shares(gaps: list[tuple[int, int]], want: int, fade: int) -> list[int]:
    """How many frames to take out of each gap, `want` in all and at most half of any: in
    proportion to their lengths, from the longest pauses only as far as the shorter ones'
    shares would be too small to join with a crossfade, so that a small delay is given back
    whole rather than lost in many too-small shares."""
    halves = [(b - a) // 2 for a, b in gaps]
    chosen = sorted(range(len(gaps)), key=lambda i: -halves[i])
    while len(chosen) > 1:
        room = sum(halves[i] for i in chosen)
        smallest = halves[chosen[-1]] * want // room
        if smallest > 2 * fade or room - halves[chosen[-1]] < want:
            break
        chosen.pop()
    room = sum(halves[i] for i in chosen)
    shares = [0] * len(gaps)
    for i in chosen:
        shares[i] = halves[i] * want // room
    left = want - sum(shares)  # what rounding down left over, taken where there is room
    for i in chosen:
        extra = min(left, halves[i] - shares[i])
        shares[i] += extra
        left -= extra
    return shares


@dataclasses.dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered session and how its time divides between speech and silence."""

    audio: Audio
    speech_seconds: float
    lines: tuple[str, ...]
    #: (seconds, what starts there): for showing the step being played.
    marks: tuple[tuple[float, str], ...] = ()
    #: Where each sound (a line, the bell, a breath) begins and ends, in frames.
    spans: tuple[tuple[int, int], ...] = ()

    def with_shorter_pauses(self, audio: Audio, seconds: float, *, after: float) -> Audio:
        """`audio` (this session, perhaps at another volume) with `seconds` of quiet taken out
        of the pauses that come after `after` seconds, each shortened in proportion to its
        length and by at most half: the session keeps its length when its start was held up.
        What is taken out is the middle of a pause, joined with a short crossfade (an ambient
        bed goes on without a click); speech is never touched."""
        rate = audio.rate
        start = int(after * rate)
        gaps = [
            (a, b)
            for (_, a), (b, _) in zip(self.spans, self.spans[1:], strict=False)
            if a >= start and b > a
        ]
        if self.spans:
            gaps.append((self.spans[-1][1], audio.frames))
        room = sum((b - a) // 2 for a, b in gaps)
        want = min(int(round(seconds * rate)), room)
        if want <= 0 or room <= 0:
            return audio
        fade = int(0.02 * rate)
        cuts = _shares(gaps, want, fade)
        samples = audio.samples
        pieces: list[np.ndarray] = []
        at = 0
        for (a, b), cut in zip(gaps, cuts, strict=True):
            if cut <= 0:
                continue
            middle = (a + b) // 2
            lo, hi = middle - cut // 2, middle - cut // 2 + cut
            blend_frames = min(fade, cut // 2, lo - at)
            head = samples[at:lo].copy()
            if blend_frames > 0:
                ramp = np.linspace(0.0, 1.0, blend_frames, dtype=np.float32)[:, None]
                tail = samples[hi - blend_frames : hi]
                head[-blend_frames:] = head[-blend_frames:] * (1 - ramp) + tail * ramp
            pieces.append(head)
            at = hi
        pieces.append(samples[at:])
        return Audio(np.concatenate(pieces), rate)

    def step_at(self, seconds: float) -> str:
        current = ""
        for at, text in self.marks:
            if at > seconds:
                break
            current = text
        return current

    @property
    def silence_seconds(self) -> float:
        return self.audio.duration - self.speech_seconds


def _breath(step: Breathe, voice: Voice) -> tuple[Audio, float]:
    """Counted breathing on a fixed clock: the audio, and how much of it is voice."""
    rate = voice("Breathe in").rate
    placed: list[tuple[float, Audio]] = []
    t = 0.0
    for round_ in range(step.rounds):
        for word, count in step.phases:
            words = [word] + (list(_COUNTS[1:count]) if round_ == 0 else [])
            if round_ > 0:
                words = [_SHORT.get(word, word)]
            for k, w in enumerate(words):
                placed.append((t + k, voice(w)))
            t += count
    end = t
    out = np.zeros(int(np.ceil(end * rate)) + 1, np.float32)
    cursor = 0
    voiced = 0
    for at, clip in placed:
        start = max(int(at * rate), cursor)  # never talk over the word before
        stop = start + clip.frames
        if stop > out.size:
            out = np.concatenate([out, np.zeros(stop - out.size, np.float32)])
        out[start:stop] = clip.samples[:, 0]
        cursor = stop
        voiced += clip.frames
    return Audio(out, rate), voiced / rate


def words_of(step: Step, context: Context) -> str | None:
    """The words a step of words says today (a daily line: the day's); None for a bell, a
    breath, or one's own voice."""
    if isinstance(step, Say | Early | IfLittle):
        return step.text
    if isinstance(step, Daily):
        return step.texts[context.day % len(step.texts)]
    return None


def render_step(step: Step, voice: Voice, context: Context) -> tuple[Audio | None, float]:
    """The sound of one non-asking step (None when it says nothing today) and its voiced seconds."""
    if isinstance(step, Early) and not context.early:
        return None, 0.0
    if (words := words_of(step, context)) is not None:
        clip = voice(words)
        return clip, clip.duration
    if isinstance(step, Bell):
        return voice.fit(bell(), lufs=BELL_LUFS), 0.0
    if isinstance(step, Breathe):
        return _breath(step, voice)
    if isinstance(step, Intention):
        own = context.intention(step.scope)
        if own is not None:
            clip = voice.fit(own)
            return clip, clip.duration
        if step.fallback:
            clip = voice(step.fallback)
            return clip, clip.duration
        return None, 0.0
    raise TypeError(f"{type(step).__name__} cannot be rendered ahead of time")


def shown_words(step: Step, context: Context) -> str:
    """The words a step says, to show as it is said ("" for a bell, or one's own voice)."""
    if (words := words_of(step, context)) is not None:
        return words
    if isinstance(step, Intention) and context.intention(step.scope) is None:
        return step.fallback
    return ""


def too_short(seconds: float) -> TooShort:
    """The error for a session asked for in fewer minutes than its plain lines need."""
    minutes = shortest_minutes(seconds)
    return TooShort(f"This session needs at least {minutes_phrase(minutes)}.", minutes)


def shortest_minutes(seconds: float) -> float:
    """The shortest length to offer for a session that needs `seconds`: whole minutes, or a
    half when that is enough (a session of 70 s is offered as 1.5 minutes, not 2)."""
    return float(np.ceil(seconds / 30.0) / 2.0)


def shortest_seconds(
    steps: Script | Sequence[Step],
    synthesizer: Synthesizer,
    *,
    context: Context | None = None,
    level: bool = True,
) -> float:
    """The fewest seconds a meditation can be rendered in: its plain lines only."""
    steps = steps.steps if isinstance(steps, Script) else tuple(steps)
    voice, context = Voice(synthesizer, level=level), context or Context()
    core = [render_step(s, voice, context) for s in steps if not (isinstance(s, Say) and s.level)]
    voiced = sum(seconds for _, seconds in core)
    fixed = sum(audio.duration for audio, _ in core if audio is not None)
    return _need(voiced, fixed)


#: Faster than any voice says a meditation (5 words a second): what a rough bound assumes.
FASTEST_WORDS_PER_SECOND = 5.0


def at_least_seconds(steps: Script | Sequence[Step]) -> float:
    """A bound below the fewest seconds a meditation can take, from its plain lines' words
    alone, found without saying anything: a script far too long for the time asked is refused
    at once, not after minutes of synthesis."""
    steps = steps.steps if isinstance(steps, Script) else tuple(steps)
    words = sum(len(s.text.split()) for s in steps if isinstance(s, Say) and not s.level and s.text)
    seconds = words / FASTEST_WORDS_PER_SECOND
    return _need(seconds, seconds, lead_in=0.0)


def _need(voiced: float, fixed: float, lead_in: float = LEAD_IN) -> float:
    """The fewest seconds that hold this much speech (at most half) and sound (at most 90%)."""
    return max((voiced + lead_in) / MAX_SPEECH_SHARE, (fixed + lead_in) / 0.9)


def render_session(
    steps: Script | Sequence[Step],
    synthesizer: Synthesizer,
    *,
    minutes: float,
    lead_in: float = LEAD_IN,
    context: Context | None = None,
    ambient: str = "none",
    level: bool = True,
    cancel: threading.Event | None = None,
) -> Rendered:
    """Render `steps` to last `minutes`, by choosing how many lines fit and scaling the pauses.

    Raises TooShort when even the plain lines do not fit, and Cancelled once `cancel` is set.

    Every line is brought to the same loudness; with an `ambient` bed it plays underneath,
    ducking under the voice; the whole session ends at -16 LUFS with true peaks under -1 dBTP.
    """
    if isinstance(steps, Script):
        steps = steps.steps
    steps = tuple(steps)
    if any(isinstance(s, ASKING) for s in steps):
        raise UsageError("This session asks questions, so it runs live and cannot be rendered.")
    context = context or Context()
    target = minutes * 60.0
    voice = Voice(synthesizer, level=level, cancel=cancel)
    sounds = _Sounds(steps, voice, context, lead_in)
    chosen = sounds.choose(target)
    clips = [sounds.of(i)[0] for i in chosen]
    rate = voice.rate or voice("Breathe.").rate
    fixed_frames = sum(c.frames for c in clips if c is not None)
    pause_frames = round(target * rate) - fixed_frames - round(lead_in * rate)
    pauses = _pauses([steps[i].pause for i in chosen], pause_frames)
    labels = [_label(steps[i], context) for i in chosen]
    audio, spans, marks = _laid_out(Audio.silence(lead_in, rate), clips, pauses, labels)
    if cancel is not None and cancel.is_set():
        raise Cancelled
    if ambient != "none":
        audio = mix_bed(audio, spans, ambient_bed(ambient, rate), voice_lufs=VOICE_LUFS)
    if level:
        audio = finish_loudness(audio)
    return Rendered(
        audio=audio,
        speech_seconds=sum(sounds.of(i)[1] for i in chosen),
        lines=tuple(
            s.text
            for i in chosen
            if isinstance(s := steps[i], Say | Early) and sounds.of(i)[0] is not None
        ),
        marks=tuple(marks),
        spans=tuple(spans),
    )


def _laid_out(
    lead_in: Audio, clips: list[Audio | None], pauses: np.ndarray, labels: list[str]
) -> tuple[Audio, list[tuple[int, int]], list[tuple[float, str]]]:
    """The session as one sound: the lead-in, then each clip and its pause; with where each
    clip sounds (frames) and when each begins (seconds, with its label)."""
    rate = lead_in.rate
    parts = [lead_in]
    spans: list[tuple[int, int]] = []
    marks: list[tuple[float, str]] = []
    at = lead_in.frames
    for clip, pause, label in zip(clips, pauses, labels, strict=True):
        if clip is not None:
            marks.append((at / rate, label))
            parts.append(clip)
            spans.append((at, at + clip.frames))
            at += clip.frames
        parts.append(Audio(np.zeros(int(pause), np.float32), rate))
        at += int(pause)
    return Audio.concat(parts), spans, marks


class _Sounds:
    """The steps of a session, each said once when first needed, and how many of them fit."""

    def __init__(
        self, steps: tuple[Step, ...], voice: Voice, context: Context, lead_in: float
    ) -> None:
        self.steps = steps
        self.voice = voice
        self.context = context
        self.lead_in = lead_in
        self._made: dict[int, tuple[Audio | None, float]] = {}

    def of(self, i: int) -> tuple[Audio | None, float]:
        """Step `i`'s sound (None when it says nothing today) and its voiced seconds."""
        if i not in self._made:
            self._made[i] = render_step(self.steps[i], self.voice, self.context)
        return self._made[i]

    def need(self, indices: list[int]) -> float:
        """The fewest seconds these steps fit in: speech at most half, pauses at least 10%."""
        voiced = sum(self.of(i)[1] for i in indices)
        fixed = sum(a.duration for i in indices if (a := self.of(i)[0]) is not None)
        return _need(voiced, fixed, self.lead_in)

    def choose(self, target: float) -> list[int]:
        """The steps to say in `target` seconds: the plain lines, then each deeper level of
        [fuller] lines while they fit. TooShort when even the plain lines do not."""

        def depth(s: Step) -> int:
            return s.level if isinstance(s, Say) else 0

        chosen: list[int] = []
        for lvl in range(max(depth(s) for s in self.steps) + 1):
            candidate = [i for i, s in enumerate(self.steps) if depth(s) <= lvl]
            if self.need(candidate) > target:
                break
            chosen = candidate
        if not chosen:
            raise too_short(self.need([i for i, s in enumerate(self.steps) if depth(s) == 0]))
        return chosen


def _pauses(weights_of: list[float], frames: int) -> np.ndarray:
    """`frames` of silence shared out by the steps' pause weights (the speech is never
    scaled); the rounding remainder goes to the last pause."""
    weights = np.array([max(w, 0.0) for w in weights_of], dtype=np.float64)
    if weights.sum() <= 0:
        weights[-1] = 1.0
    pauses = np.floor(weights / weights.sum() * frames).astype(int)
    pauses[-1] += frames - pauses.sum()
    return np.asarray(pauses, dtype=int)


def _label(step: Step, context: Context) -> str:
    if (words := words_of(step, context)) is not None:
        return words
    if isinstance(step, Breathe):
        return "Breathing together"
    if isinstance(step, Intention):
        return "Your intention"
    return "Bell" if isinstance(step, Bell) else ""


def finish_loudness(audio: Audio) -> Audio:
    """A whole session at -16 LUFS integrated and at most -1 dBTP (lines are already close)."""
    loudness = integrated_loudness(audio)
    if np.isfinite(loudness) and abs(loudness - TARGET_LUFS) > 0.1:
        audio = audio.gain(TARGET_LUFS - loudness)
    if true_peak(audio) > -1.5:  # the bed, or a line far from the target, added a peak
        audio = limit(audio, -1.5)  # with a margin: meters oversample a little differently
    return audio


def render_natural(steps: Sequence[Step], synthesizer: Synthesizer, context: Context) -> Audio:
    """Render steps with their pauses as written (no scaling): one round of a looping session."""
    voice = Voice(synthesizer)
    parts: list[Audio] = []
    for step in steps:
        clip, _ = render_step(step, voice, context)
        if clip is not None:
            parts.append(clip)
        rate = voice.rate or voice("Breathe.").rate
        parts.append(Audio.silence(step.pause, rate))
    return Audio.concat(parts)
