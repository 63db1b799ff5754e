"""Themes: the words and phrases that keep coming back across reflections and check-ins.

Extractive only: every theme is words the person said, with the sentence it was said in. A
phrase ranks by how many entries hold it and by how distinctive it is for this person against
ordinary speech (its frequency in everyday English, from wordfreq's word lists, installed with
voiceguide), so that "the sea" or "my father" surface and "really" does not.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence

from voiceguide.journal.entry import Entry

#: The kinds of entry whose words are gathered.
KINDS = ("reflection", "integration", "preparation", "memo")
#: Words at least this common in everyday English (Zipf scale: 7 is "the", 3 is rare) never
#: begin or end a theme, and single words must be rarer still: "really", "something", "think".
EDGE_ZIPF = 5.7
SINGLE_ZIPF = 5.5
#: ... except the commonest words of all, which lead a phrase into its meaning: "the sea",
#: "my father" (but never "really", or "something").
LEADING_ZIPF = 6.5
LONGEST = 3  # words in a phrase
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclasses.dataclass(frozen=True)
class Evidence:
    """Where a theme was said: the entry and its sentence."""

    entry: Entry
    sentence: str


@dataclasses.dataclass(frozen=True)
class Theme:
    """A phrase that comes back, how distinctive it is, and where it was said."""

    phrase: str
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def entries(self) -> int:
        return len(self.evidence)


def themes(entries: Iterable[Entry], *, limit: int = 10, least: int = 2) -> list[Theme]:
    """The phrases said in at least `least` entries, most telling first."""
    from wordfreq import zipf_frequency

    found: dict[str, dict[str, Evidence]] = {}
    for entry in entries:
        if entry.kind not in KINDS:
            continue
        for sentence in sentences(entry):
            words = _WORD.findall(sentence.lower().replace("\u2019", "'"))
            for n in range(1, LONGEST + 1):
                for i in range(len(words) - n + 1):
                    phrase = " ".join(words[i : i + n])
                    found.setdefault(phrase, {}).setdefault(entry.id, Evidence(entry, sentence))
    zipf: dict[str, float] = {}

    def common(word: str) -> float:
        if word not in zipf:
            zipf[word] = zipf_frequency(word, "en")
        return zipf[word]

    ranked: list[Theme] = []
    for phrase, where in found.items():
        if len(where) < least:
            continue
        words = phrase.split()
        if common(words[-1]) >= EDGE_ZIPF:
            continue
        if EDGE_ZIPF <= common(words[0]) < LEADING_ZIPF:
            continue
        if len(words) == 1 and (common(phrase) >= SINGLE_ZIPF or len(phrase) < 3):
            continue
        rarity = max(0.5, 7.0 - zipf_frequency(phrase, "en"))
        ranked.append(Theme(phrase, round(len(where) * rarity * (1 + 0.25 * (len(words) - 1)), 2),
                            tuple(sorted(where.values(), key=lambda e: e.entry.date))))  # fmt: skip
    ranked.sort(key=lambda t: (-t.score, t.phrase))
    chosen: list[Theme] = []
    for theme in ranked:
        # One theme per idea: "sea" adds nothing beside "the sea" said in the same entries.
        if any(_overlaps(theme, kept) for kept in chosen):
            continue
        chosen.append(theme)
        if len(chosen) >= limit:
            break
    return chosen


def _overlaps(a: Theme, b: Theme) -> bool:
    same = {e.entry.id for e in a.evidence} <= {e.entry.id for e in b.evidence}
    inside = f" {a.phrase} " in f" {b.phrase} " or f" {b.phrase} " in f" {a.phrase} "
    return same and inside


def sentences(entry: Entry) -> list[str]:
    """The sentences of an entry's answers, as said."""
    out: list[str] = []
    for answer in entry.answers:
        for part in _SENTENCE.split(answer.text.strip()):
            if part.strip():
                out.append(part.strip())
    return out


def spoken_list(phrases: Sequence[str]) -> str:
    """'a, b and c'."""
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]
