"""The key lines of a reflection, to be heard again before the next infusion."""

from __future__ import annotations

import re

from voiceguide.journal.entry import Entry

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
#: Words that mark a line as something the person noticed, felt, learned or wants to carry.
_KEY = frozenset(
    "feel felt feeling realized realised noticed learned learnt understand understood saw "
    "want wanted need needed love loved afraid scared grateful thankful remember hope "
    "important peace calm free change forgive forgave accept let".split()
)


def key_lines(entry: Entry, limit: int = 4) -> list[str]:
    """A few of the person's own sentences: from every answer, those that say most about what
    they felt, noticed or want (by the words they use), in the order they were said."""
    chosen: list[tuple[int, float, str]] = []
    order = 0
    for answer in entry.answers:
        scored = []
        for sentence in _SENTENCE.split(answer.text.strip()):
            words = re.findall(r"[a-z']+", sentence.lower())
            if len(words) < 4:
                continue
            score: float = sum(1 for w in words if w in _KEY) + (
                1 if {"i", "im", "i'm"} & set(words) else 0
            )
            score -= max(0, len(words) - 30) / 10  # a long ramble is less of a key line
            scored.append((order, score, sentence.strip()))
            order += 1
        scored.sort(key=lambda s: s[1], reverse=True)
        chosen += scored[: max(1, limit // max(1, len(entry.answers)))]
    chosen.sort(key=lambda s: s[1], reverse=True)
    return [text for _, _, text in sorted(chosen[:limit])]
