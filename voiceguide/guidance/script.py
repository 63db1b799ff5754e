"""Spoken sessions as data: the steps a script is made of, and the parsed `Script`.

A script is a UTF-8 text file. Every line that does not start with ``[`` or ``#`` is spoken.
A line starting with ``[name ...]`` is a directive; ``#`` starts a comment. The full grammar is in
the README ("Writing your own sessions"). Parsing is a pure function from text to a `Script`
(`voiceguide.guidance.parser`); finding scripts is `voiceguide.guidance.library`, and playing
them `voiceguide.guidance.render`.
"""

from __future__ import annotations

import dataclasses
import re

SUFFIX = ".txt"
OFFERS = ("intention", "going-forward", "therapist")
MAX_INCLUDE_DEPTH = 8
#: The most steps a script may expand to, and the largest script file read (a session of hours
#: is a few hundred steps; anything near these is a mistake, or /dev/zero).
MAX_STEPS = 2000
MAX_SCRIPT_BYTES = 256 * 1024


# -- steps ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Say:
    """A line to speak, then a pause of `pause` seconds (before a meditation's length scales it).

    `level` 0 lines are always spoken, even in the shortest session; higher levels join when
    the session is long enough: 1 `[fuller]` (left out only of the shortest), 2 `[longer]`,
    3 `[longest]`.
    """

    text: str
    pause: float = 1.0
    level: int = 0
    line: int = 0
    #: Who hears it: everyone (""), only someone hearing the session for the first time (or
    #: asking to hear it all again), or only someone who has heard it before.
    audience: str = ""


#: Say.audience values: the full explanation, and the short one that replaces it.
FIRST_TIME, RETURNING = "first-time", "returning"


@dataclasses.dataclass(frozen=True, slots=True)
class Bell:
    """The bell, then a pause."""

    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Breathe:
    """Paced breathing: phases of (word, seconds), `rounds` times; the first round is counted aloud.

    Its timing is fixed: a session's length scales the pauses around it, never the breath.
    """

    phases: tuple[tuple[str, int], ...]
    rounds: int = 1
    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Listen:
    """Ask `question` and record the answer under it in the journal."""

    question: str
    pause: float = 0.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Mood:
    """Ask for a mood from 0 to 10 and keep it as a number in the entry."""

    question: str
    pause: float = 0.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Intention:
    """Play the person's own recorded intention of `scope` (or `fallback` spoken, if none)."""

    scope: str = "infusion"
    fallback: str = ""
    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Offer:
    """Offer, by voice, to set an intention (`what`: intention or going-forward) now."""

    what: str
    question: str
    pause: float = 0.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Daily:
    """One of these lines is spoken each day, in turn."""

    texts: tuple[str, ...]
    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Early:
    """Spoken only in the first days after an infusion."""

    text: str
    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class IfLittle:
    """Spoken after the answer before it, when that answer says little or nothing came up."""

    text: str
    pause: float = 1.0
    line: int = 0


Step = Say | Bell | Breathe | Listen | Mood | Intention | Offer | Daily | Early | IfLittle
ASKING = (Listen, Mood, Offer)


@dataclasses.dataclass(frozen=True, slots=True)
class Script:
    """A parsed session."""

    name: str
    title: str
    steps: tuple[Step, ...]
    about: str = ""
    minutes: float | None = None
    entry: str | None = None
    volume: float = 1.0
    lead_in: float = 0.0
    source: str = ""

    @property
    def asks(self) -> bool:
        """True when the session listens to the person (so it runs live, step by step)."""
        return any(isinstance(s, ASKING) for s in self.steps)

    @property
    def explains(self) -> bool:
        """True when it has lines for the first time only (a fuller explanation)."""
        return any(isinstance(s, Say) and s.audience == FIRST_TIME for s in self.steps)

    def for_listener(self, *, first_time: bool) -> Script:
        """The session as someone hears it for the first time (every [first-time] line, no
        [returning] line), or again (the other way round)."""
        left_out = RETURNING if first_time else FIRST_TIME
        steps = tuple(s for s in self.steps if not (isinstance(s, Say) and s.audience == left_out))
        return dataclasses.replace(self, steps=steps)

    def explanation(self) -> tuple[Step, ...]:
        """Its [first-time] lines: what "tell me more" says again."""
        return tuple(s for s in self.steps if isinstance(s, Say) and s.audience == FIRST_TIME)

    def spoken(self) -> list[tuple[int, str]]:
        """Every line the session can speak, with its line number (for coverage and checks)."""
        out: list[tuple[int, str]] = []
        for s in self.steps:
            if isinstance(s, Say | Early | IfLittle):
                out.append((s.line, s.text))
            elif isinstance(s, Listen | Mood | Offer):
                out.append((s.line, s.question))
            elif isinstance(s, Daily):
                out += [(s.line, t) for t in s.texts]
            elif isinstance(s, Intention) and s.fallback:
                out.append((s.line, s.fallback))
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


# -- durations -----------------------------------------------------------------------------------
_DURATION = re.compile(
    r"^(?:(\d+(?:\.\d+)?)\s*m(?:in(?:utes?)?)?)?\s*(?:(\d+(?:\.\d+)?)\s*s?(?:ec(?:onds?)?)?)?$"
)


def parse_duration(text: str) -> float:
    """Seconds in "5", "5s", "2.5 s", "1m", "1m30s", "2 minutes"; ValueError otherwise."""
    text = text.strip().lower()
    match = _DURATION.match(text)
    if not text or not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration (write it like 5s, 1m or 1m30s)")
    minutes, seconds = match.groups()
    return float(minutes or 0) * 60 + float(seconds or 0)
