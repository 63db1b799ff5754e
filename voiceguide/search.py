"""Finding entries by the words said: every word must appear; the best matches come first."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Sequence

from voiceguide.journal import Entry

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_POSSESSIVE = re.compile(r"'s\b")


def words_of(text: str) -> list[str]:
    """Lower-case words, possessives and punctuation dropped ("Mother's" -> mother)."""
    return _WORD.findall(_flat(text))


def _flat(text: str) -> str:
    """Lower case, without possessives or apostrophes: "Mother's" -> "mother"."""
    return _POSSESSIVE.sub("", text.lower().replace("\u2019", "'")).replace("'", "")


_NOT_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def _padded(text: str) -> str:
    """The words of `text`, each with two spaces around it ("  i  saw  the  sea  "), so plain
    substring counts tell words from word starts: " sea " is the word, " sea" any that begins so."""
    return "  " + "  ".join(_flat(text).translate(_NOT_WORD).split()) + "  "


@dataclasses.dataclass(frozen=True, slots=True)
class Hit:
    """An entry that holds every word searched for, and how well."""

    entry: Entry
    score: float
    words: tuple[str, ...]

    @property
    def line(self) -> str:
        """The entry's sentence that holds the most of the words searched for."""
        return best_line(self.entry, self.words)


def search(entries: Iterable[Entry], query: str) -> list[Hit]:
    """Entries whose words include every word of `query` (a word also matches longer words that
    begin with it: "walk" finds "walking"), ranked by BM25: words that are rare in the journal
    and frequent in the entry count most. Ties go to the newer entry."""
    wanted = tuple(dict.fromkeys(words_of(query)))
    if not wanted:
        return []
    texts: list[tuple[Entry, str]] = []
    for entry in entries:
        texts.append((entry, _padded(" ".join(a.text for a in entry.answers if a.text))))
    # Counted with plain substring search (fast): " word" starts a word, " word " is one.
    frequency = {w: sum(1 for _, text in texts if " " + w in text) for w in wanted}
    candidates = [(e, t) for e, t in texts if all(" " + w in t for w in wanted)]
    if not candidates:
        return []
    total = len(texts)
    lengths = [t.count("  ") - 1 for _, t in candidates]
    average = sum(lengths) / len(lengths) or 1.0
    hits = []
    for (entry, text), length in zip(candidates, lengths, strict=True):
        score = 0.0
        for word in wanted:
            begins = text.count(" " + word)
            exact = text.count(" " + word + " ")
            tf = exact + 0.5 * (begins - exact)  # "walking" for "walk" counts half
            idf = math.log(1 + (total - frequency[word] + 0.5) / (frequency[word] + 0.5))
            score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average))
        hits.append(Hit(entry, score, wanted))
    hits.sort(key=lambda h: (h.score, h.entry.date.timestamp()), reverse=True)
    return hits


def search_entries(entries: Iterable[Entry], query: str, limit: int | None = None) -> list[Hit]:
    """`search`, checked: UsageError without any words or with a limit below one."""
    from voiceguide.errors import UsageError

    if not words_of(query):
        raise UsageError("Give one or more words to search for.")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be 1 or more.")
    hits = search(entries, query)
    return hits[:limit] if limit else hits


def best_line(entry: Entry, wanted: Sequence[str]) -> str:
    """The sentence of the entry that holds the most of the words searched for."""
    best, best_count = "", -1
    for answer in entry.answers:
        for sentence in _SENTENCE.split(answer.text):
            tokens = words_of(sentence)
            count = sum(1 for w in wanted if any(t.startswith(w) for t in tokens))
            if count > best_count:
                best, best_count = sentence.strip(), count
    return best
