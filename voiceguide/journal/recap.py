"""The key lines of an entry: the person's own sentences that say the most, for the recap and
the therapist's brief.

A sentence says more when it has content: people ("my grandmother"), feelings ("scared",
"calm"), images (words that are rare in everyday English: "the lighthouse", "a blue light"), and
what was new ("for the first time", "usually I'm ..."). Short sentences count as much as long
ones: right after an infusion people often speak in a few words at a time ("Ever tried. Ever
failed."), and such a reflection still has its most telling line.
"""

from __future__ import annotations

import functools
import re

from voiceguide.journal.entry import Entry

_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[\u3002\uff01\uff1f])\s*")  # and 。！？
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
#: A sentence with words in it, in any script (Chinese and Japanese too).
_ANY_WORD = re.compile(r"[^\W\d_]")

PEOPLE = frozenset(
    "mother mum mom mama father dad papa grandmother grandma granny grandfather grandpa "
    "sister brother son daughter child children kid kids baby wife husband partner friend "
    "friends family parents uncle aunt cousin therapist teacher myself".split()
)
FEELINGS = frozenset(
    "feel felt feeling feelings afraid scared fear frightened anxious anxiety panic calm peace "
    "peaceful safe unsafe love loved loving lonely alone sad sadness grief cry cried crying tears "
    "joy happy glad angry anger rage shame ashamed guilt hurt pain warm warmth held hold free "
    "relief relieved grateful thankful tired numb lost hope hopeful".split()
)
NOTICING = frozenset(
    "realized realised noticed learned learnt understand understood saw remember want wanted "
    "need needed forgive forgave accept accepted let change changed".split()
)
#: Words that mark something new or unusual ("usually I'm scared", "for the first time").
NEW = frozenset("usually always never first again anymore suddenly finally new once".split())
#: Everyday words that are not images, however rare they look (fillers and hedges).
_PLAIN = frozenset(
    "um uh er erm hmm okay ok yeah gonna wanna kinda sorta maybe perhaps probably actually "
    "basically literally".split()
)
#: A word this rare in everyday English (Zipf scale; "the" is 7.7, "sea" 5.0) is an image.
IMAGE_ZIPF = 4.6


@functools.lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def weight(sentence: str) -> float:
    """How much a sentence says: its people, feelings, noticing, images and news."""
    words = _WORD.findall(sentence.lower().replace("\u2019", "'"))
    if not words:
        return 0.0
    score = 0.0
    for word in set(words):
        if word in PEOPLE:
            score += 2.0
        elif word in FEELINGS:
            score += 1.5
        elif word in NOTICING or word in NEW:
            score += 1.0
        elif len(word) > 3 and word not in _PLAIN and _zipf(word) < IMAGE_ZIPF:
            score += 1.0
    if {"i", "i'm", "im", "me", "my"} & set(words):
        score += 0.5  # their own experience
    if len(words) > 30:
        score -= (len(words) - 30) / 10  # a long ramble is less of a key line
    return score


def sentences_of(text: str) -> list[str]:
    """The sentences of an answer, as said."""
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def key_lines(entry: Entry, limit: int = 4) -> list[str]:
    """Up to `limit` of the person's own sentences that say the most, in the order they were
    said; at least one from any entry with words, and from each answer when there is room."""
    scored: list[tuple[float, int, int, str]] = []  # (weight, answer, order, sentence)
    order = 0
    for index, answer in enumerate(entry.answers):
        for sentence in sentences_of(answer.text):
            if _ANY_WORD.search(sentence):
                scored.append((weight(sentence), index, order, sentence))
                order += 1
    if not scored:
        return []
    best = sorted(scored, key=lambda s: (-s[0], s[2]))
    chosen: list[tuple[float, int, int, str]] = []
    for which in dict.fromkeys(s[1] for s in best):  # the best of each answer first
        if len(chosen) < limit:
            chosen.append(next(s for s in best if s[1] == which))
    for item in best:
        if len(chosen) >= limit:
            break
        if item not in chosen:
            chosen.append(item)
    return [s[3] for s in sorted(chosen, key=lambda s: s[2])]
