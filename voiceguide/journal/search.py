"""Finding entries by the words said: every word must appear; the best matches come first."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from voiceguide.journal.entry import Entry, entry_from_dict

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


class Hit:
    """An entry that holds every word searched for, and how well. Given an index record, the
    entry is only built when it is asked for (most hits of a large journal are never shown)."""

    __slots__ = ("_item", "score", "words")

    def __init__(self, item: Entry | dict[str, Any], score: float, words: tuple[str, ...]):
        self._item = item
        self.score = score
        self.words = words

    @property
    def entry(self) -> Entry:
        if isinstance(self._item, dict):
            self._item = entry_from_dict(self._item)
        return self._item

    @property
    def line(self) -> str:
        """The entry's sentence that holds the most of the words searched for."""
        return best_line(self.entry, self.words)


def _text(item: Entry | dict[str, Any]) -> str:
    if isinstance(item, dict):
        return " ".join(a["text"] for a in item["answers"] if a["text"])
    return " ".join(a.text for a in item.answers if a.text)


def search(items: Iterable[Entry | dict[str, Any]], query: str) -> list[Hit]:
    """Entries (or their index records, newest first) whose words include every word of
    `query` (a word also matches longer words that begin with it: "walk" finds "walking"),
    ranked by BM25: words rare in the journal and frequent in the entry count most. Ties go to
    the newer entry."""
    wanted = tuple(dict.fromkeys(words_of(query)))
    if not wanted:
        return []
    texts = [(item, _flat(_text(item))) for item in items]
    # Substring tests first (fast); the exact word counts only for the entries that pass.
    frequency = {w: sum(1 for _, text in texts if w in text) for w in wanted}
    total = len(texts)
    candidates = []
    for item, text in texts:
        if all(w in text for w in wanted):
            # Each word with two spaces around it ("  i  saw  the  sea  "): plain substring
            # counts then tell a word (" sea ") from a word's start (" sea").
            padded = "  " + "  ".join(text.translate(_NOT_WORD).split()) + "  "
            if all(" " + w in padded for w in wanted):  # at the start of a word, not inside
                candidates.append((item, padded))
    if not candidates:
        return []
    lengths = [t.count("  ") - 1 for _, t in candidates]
    average = sum(lengths) / len(lengths) or 1.0
    terms = [
        (
            " " + w,
            " " + w + " ",
            math.log(1 + (total - frequency[w] + 0.5) / (frequency[w] + 0.5)),  # idf
        )
        for w in wanted
    ]
    hits = []
    for (item, text), length in zip(candidates, lengths, strict=True):
        score = 0.0
        norm = 1.2 * (0.25 + 0.75 * length / average)
        for start, whole, idf in terms:
            exact = text.count(whole)
            tf = 0.5 * (exact + text.count(start))  # "walking" for "walk" counts half
            score += idf * tf * 2.2 / (tf + norm)
        hits.append(Hit(item, score, wanted))
    hits.sort(key=lambda h: h.score, reverse=True)  # stable: equal scores stay newest first
    return hits


def search_entries(
    entries: Iterable[Entry | dict[str, Any]], query: str, limit: int | None = None
) -> list[Hit]:
    """`search`, checked: UsageError without any words or with a limit below one."""
    check_query(query, limit)
    hits = search(entries, query)
    return hits[:limit] if limit else hits


def check_query(query: str, limit: int | None = None) -> None:
    """UsageError (one sentence) for a search without any words or with a limit below one."""
    from voiceguide.errors import UsageError

    if not words_of(query):
        raise UsageError("Give one or more words to search for.")
    if limit is not None and limit < 1:
        raise UsageError("--limit must be 1 or more.")


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
