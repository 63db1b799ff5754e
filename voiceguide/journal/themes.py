"""Themes: the words and phrases that keep coming back across reflections and check-ins.

Extractive only: every theme is words the person said, with the sentence it was said in. A
phrase ranks by how many entries hold it and by how distinctive it is for this person against
ordinary speech (its frequency in everyday English, from wordfreq's word lists, installed with
voiceguide), so that "the sea" or "my father" surface and "really" does not. A theme is a
content phrase (a person, a feeling or an image: never "are close" or "i hope") said on
different days or in different kinds of entry, not the same answer given twice; and one
passage said twice is one theme, not every phrase of it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence

from voiceguide.journal.entry import Entry
from voiceguide.kinds import FREELY_SPOKEN_KINDS

#: Words at least this common in everyday English (Zipf scale: 7 is "the", 3 is rare) never
#: begin or end a theme, and single words must be rarer still: "really", "something", "think".
EDGE_ZIPF = 5.7
SINGLE_ZIPF = 5.5
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
        if entry.kind not in FREELY_SPOKEN_KINDS:
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
        if common(words[0]) >= EDGE_ZIPF and words[0] not in _LEADERS:
            continue
        if len(words) == 1 and (common(phrase) >= SINGLE_ZIPF or len(phrase) < 3):
            continue
        if not any(_content(word, common(word)) for word in words):
            continue
        evidence = _distinct(where.values())
        if len(evidence) < least:
            continue  # the same answer twice, or on one day in one kind of entry
        rarity = max(0.5, 7.0 - zipf_frequency(phrase, "en"))
        score = round(len(evidence) * rarity * (1 + 0.25 * (len(words) - 1)), 2)
        ranked.append(Theme(phrase, score, tuple(evidence)))
    ranked.sort(key=lambda t: (-t.score, t.phrase))
    chosen: list[Theme] = []
    for theme in ranked:
        # One theme per idea: "sea" adds nothing beside "the sea" said in the same entries,
        # and a passage said twice gives one theme, not each of its phrases.
        if any(_overlaps(theme, kept) for kept in chosen):
            continue
        chosen.append(theme)
        if len(chosen) >= limit:
            break
    return chosen


#: Words that are never the content of a theme: pronouns, helpers, hedges, and the verbs and
#: adverbs every answer is made of ("i hope", "are close", "away especially").
_NOT_CONTENT = frozenset(
    """
    about above after again against also although always anyway away back because been before
    being below between both came close come comes coming could did does doing done down during
    each either else enough especially even ever every feel feeling feels felt few find found
    from further get gets getting give given goes going gone got had has have having hear heard
    here hope hoped hopes how into just keep kept know knew known last later least less like
    little made make makes making many maybe might more most much must near need never next
    nothing now off often once only other others over perhaps quite rather really right said
    same saw say says see seem seemed seems seen should since some something sometimes soon still
    such sure take taken than that then there these they thing things think thought those though
    through today together tomorrow too took toward towards under until upon very want wanted
    wants was way well went were what whatever when where whether which while who whole whom
    whose why will with within without would yeah yes yet yesterday okay
    """.split()
)
#: A word at most this common in everyday English can carry a theme ("music" is 5.5, "home"
#: 5.8, "think" 6.1).
CONTENT_ZIPF = 5.85
#: The only common words that may lead a theme into its meaning: "the sea", "my father".
_LEADERS = frozenset("the a an my your our his her their this that".split())


def _content(word: str, zipf: float) -> bool:
    """Whether a word is content: a person, a feeling, or an image."""
    from voiceguide.journal.recap import PEOPLE

    if word in PEOPLE:
        return True
    if word in _NOT_CONTENT or word.endswith("ly") or len(word) < 3:
        return False
    return zipf <= CONTENT_ZIPF


def _distinct(evidence: Iterable[Evidence]) -> list[Evidence]:
    """The places a phrase was said, one for each day and kind of entry: the same answer
    filed twice that day (a memo imported twice) counts once."""
    seen: set[tuple[object, str]] = set()
    kept = []
    for item in sorted(evidence, key=lambda e: e.entry.date):
        day = item.entry.date.date()
        said = " ".join(_WORD.findall(item.sentence.lower()))
        if (day, item.entry.kind) in seen or (day, said) in seen:
            continue
        seen |= {(day, item.entry.kind), (day, said)}
        kept.append(item)
    return kept


def _overlaps(a: Theme, b: Theme) -> bool:
    same = {e.entry.id for e in a.evidence} <= {e.entry.id for e in b.evidence}
    inside = f" {a.phrase} " in f" {b.phrase} " or f" {b.phrase} " in f" {a.phrase} "
    passage = {(e.entry.id, e.sentence) for e in a.evidence} <= {
        (e.entry.id, e.sentence) for e in b.evidence
    }
    return same and (inside or passage)


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
