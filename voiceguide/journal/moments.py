"""Every sentence knows its moment: when each part of an answer was said, in its recording.

An entry keeps them in its front matter (`moments`: for each answer, a list of [start, end,
text] in seconds). Entries filed before there were moments simply have none; `journal retry
--timestamps`, or the first `journal play --at`, adds them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from voiceguide.hearing.phrases import Moment
from voiceguide.journal.entry import Entry

__all__ = ["KEY", "LEAD", "Moment", "clock", "find", "has_moments", "of", "with_moments"]

KEY = "moments"
#: How much earlier than the words a moment is played from.
LEAD = 1.0


def of(entry: Entry) -> list[tuple[Moment, ...]]:
    """The moments of each answer of `entry` (an empty tuple for an answer without)."""
    raw = entry.get(KEY)
    found: list[tuple[Moment, ...]] = [() for _ in entry.answers]
    if not isinstance(raw, list):
        return found
    for i, answer in enumerate(raw[: len(found)]):
        if isinstance(answer, list):
            found[i] = tuple(_moment(m) for m in answer if _moment(m) is not None)  # type: ignore[misc]
    return found


def _moment(value: Any) -> Moment | None:
    if not (isinstance(value, list | tuple) and len(value) == 3):
        return None
    start, end, text = value
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (start, end)):
        return None
    if not isinstance(text, str) or not 0 <= start <= end < math.inf:
        return None  # a hand-edited moment that is negative, backwards or infinite
    return Moment(float(start), float(end), text)


def has_moments(entry: Entry) -> bool:
    return any(of(entry))


def with_moments(entry: Entry, answers: Sequence[Sequence[Moment]]) -> Entry:
    """`entry` keeping `answers` (one list of moments per answer) in its front matter."""
    value = [[[round(m.start, 2), round(m.end, 2), m.text] for m in moments] for moments in answers]
    extra = tuple((k, v) for k, v in entry.extra if k != KEY)
    if any(value):
        extra += ((KEY, value),)
    return dataclasses.replace(entry, extra=extra)


def find(entry: Entry, words: str) -> tuple[int, Moment] | None:
    """The answer and moment in which `words` were said: the moment holding the most of them
    (the first such, when several do); None when no moment holds any of them."""
    from voiceguide.hearing.passes import key
    from voiceguide.journal.search import words_of

    def words_in(text: str) -> list[str]:  # "2" and "two" alike
        return [key(w) for w in words_of(text)]

    wanted = words_in(words)
    best: tuple[int, int, Moment] | None = None
    for index, moments in enumerate(of(entry)):
        for moment in moments:
            said = words_in(moment.text)
            # In order, as a phrase, counts most; then each word found.
            score = sum(1 for w in wanted if w in said)
            if _in_order(wanted, said):
                score += len(wanted)
            if score and (best is None or score > best[0]):
                best = (score, index, moment)
    return None if best is None else (best[1], best[2])


def _in_order(wanted: list[str], said: list[str]) -> bool:
    n = len(wanted)
    return n > 0 and any(said[i : i + n] == wanted for i in range(len(said) - n + 1))


def clock(seconds: float) -> str:
    """0:07, 1:23, 12:05."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
