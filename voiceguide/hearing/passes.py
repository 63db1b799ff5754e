"""Two passes over one answer, merged so that neither loses what the other heard.

An answer is heard twice: phrase by phrase while the person speaks, and again as a whole when
they have finished (the sentence around a phrase mends what a phrase alone mishears: "ask not"
split off by a fan's noise was heard as "And not."). Neither pass is trustworthy alone. Whisper
over a whole answer skipped a six-word clause that every phrase held, and on speech as regular
as a litany it kept a third of a 30-second window. So the two texts are aligned word by word,
and region by region:

- where they agree, and where the whole pass has a hole, the phrase pass's words are kept (as
  written while the person spoke: Whisper over a long window often leaves out punctuation);
- where they disagree, or only the whole pass heard words, the audio decides: the reading of
  that phrase that Whisper finds more likely by forced alignment, weighed on the phrase in its
  sentence, with its neighbours' sound and words (`hearing.phrases.hear_again`; a near tie goes
  to the whole pass, which heard the words in their sentence; a repeat of the words just
  before, heard only as a whole, is a decoding loop and is left out);
- with no way to weigh readings (an engine that cannot), the phrase pass's words stay and words
  only the whole pass heard are added, so the phrase pass is always kept in full.

Measured on the long answers and the conditions of tests/battery.py and a noisy answer recorded
through the virtual microphone, each at three alignments (scripts/benchmark merging,
BENCHMARKS.md "Words kept when an answer is heard twice"): 2.5% WER merged, against 6.9% phrase
by phrase and 5.0% as a whole; at worst 13.6%, against 22.7% and 32.0%.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

#: Weighs readings of one phrase against its audio: (phrase index, readings) -> a score for
#: each (higher is better supported; Whisper's log-probability of the reading by forced
#: alignment).
Judge = Callable[[int, Sequence[str]], Sequence[float]]

#: How much better supported a reading with fewer words at the end of a phrase must be to be
#: kept: forced alignment does not penalise words missing at the end of a reading ("... what
#: your country" scored higher than the whole sentence), while inside a phrase a missing or
#: wrong word costs several points ("am I" for "my": -4.0 against -2.3; "ask not what ..."
#: without "ask not": -10.0 against -3.0).
FEWER_WORDS_AT_END = 3.0
#: How much the whole pass's reading is favoured: it heard the words in their sentence, so a
#: near tie goes to it ("asked not" -1.8 against "ask not" -2.3, on a phrase alone).
CONTEXT = 1.0

#: An inserted run this long or longer that repeats the words right before it is a loop.
_LOOP_WORDS = 3


_NUMBERS = dict(
    enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
)


def key(token: str) -> str:
    """A word as it is compared: lower case, letters and digits only, small numbers spelt out
    ("That's," -> thats; "2," -> two)."""
    word = re.sub(r"[^a-z0-9]", "", token.lower().replace("\u2019", "'"))
    return _NUMBERS.get(int(word), word) if word.isdigit() and len(word) <= 2 else word


def merge(phrases: Sequence[str], whole: str, *, judge: Judge | None = None) -> list[str]:
    """The text of each phrase, mended by the whole pass: every word of the phrase pass is kept
    unless the audio (`judge`) supports the whole pass's reading of it better, and words that
    only the whole pass heard are added where the audio supports them.

    `phrases` are the phrase pass's texts in order; `whole` the same answer heard as a whole.
    Returns one text per phrase (the whole pass's words are put in the phrase they were said in),
    so that the phrases keep their moments."""
    mine = [(token, i) for i, text in enumerate(phrases) for token in text.split()]
    theirs = whole.split()
    if not theirs:
        return [text.strip() for text in phrases]
    if not mine:
        return _place(phrases, theirs)
    mine_keys = [key(t) for t, _ in mine]
    their_keys = [key(t) for t in theirs]
    out: list[tuple[str, int]] = []
    for op, i1, i2, j1, j2 in _aligned(mine_keys, their_keys):
        if op in ("equal", "delete"):  # agreed, or a hole in the whole pass
            out += mine[i1:i2]
        elif op == "insert" and _loop(their_keys[j1:j2], [key(t) for t, _ in out]):
            continue  # a decoding loop of the whole pass
        else:
            out += _choose(mine, i1, i2, theirs[j1:j2], out, phrases, judge)
    texts: list[list[str]] = [[] for _ in phrases]
    for token, i in out:
        texts[i].append(token)
    return [" ".join(words) for words in texts]


def _aligned(mine: list[str], theirs: list[str]) -> list[tuple[str, int, int, int, int]]:
    """The two passes' words aligned with the fewest edits, as regions: ("equal", ...) where
    they agree, else one region per run of disagreement ("replace", "delete": words only the
    phrase pass heard, "insert": words only the whole pass heard), as (tag, i1, i2, j1, j2).

    A minimum edit alignment, not difflib's longest matching blocks: an answer that says the
    same sentence several times (a litany, a refrain) matched one repetition against another
    with difflib, so that a whole sentence seemed missing from one pass and "my" was weighed
    against 22 words (the clean 85 s answer of tests/battery.py, heard live: 4.5% WER, now 0%)."""
    from rapidfuzz.distance import Levenshtein

    regions: list[tuple[str, int, int, int, int]] = []
    for op in Levenshtein.opcodes(mine, theirs):
        tag, i1, i2, j1, j2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if tag != "equal" and regions and regions[-1][0] != "equal":
            _, i1, _, j1, _ = regions.pop()  # one run of disagreement, whatever its edits
        if tag != "equal":
            tag = "insert" if i1 == i2 else "delete" if j1 == j2 else "replace"
        regions.append((tag, i1, i2, j1, j2))
    return regions


def _choose(
    mine: list[tuple[str, int]],
    i1: int,
    i2: int,
    whole: list[str],
    before: list[tuple[str, int]],
    phrases: Sequence[str],
    judge: Judge | None,
) -> list[tuple[str, int]]:
    """Where the passes disagree (`mine[i1:i2]` against `whole`, either may be empty): the
    reading to keep, placed in its phrases."""
    heard = mine[i1:i2]
    owners = sorted({i for _, i in heard}) or _neighbours(mine, i1, phrases)
    if judge is None or len(owners) > 2 or (heard and len(owners) > 1):
        if not heard:  # words only the whole pass heard: kept, with nothing to weigh them by
            return [(t, owners[0]) for t in whole]
        return heard  # with nothing to weigh them by, the phrase pass's words stay
    # Words only the whole pass heard, between two phrases, may belong to either: the phrase
    # whose audio holds them best.
    lead, i = max((_lead(i, mine, i1, i2, whole, before, judge), i) for i in owners)
    return [(t, i) for t in whole] if lead >= 0 else heard


def _lead(
    i: int,
    mine: list[tuple[str, int]],
    i1: int,
    i2: int,
    whole: list[str],
    before: list[tuple[str, int]],
    judge: Judge,
) -> float:
    """How much better the audio of phrase `i` supports the whole pass's reading of the region
    than the phrase pass's (>= 0: keep the whole pass's)."""
    heard = [t for t, _ in mine[i1:i2]]
    done = [t for t, j in before if j == i]
    after = [t for t, j in mine[i2:] if j == i]
    mine_score, whole_score = judge(i, [_plain(done + heard + after), _plain(done + whole + after)])
    lead = whole_score - mine_score + CONTEXT
    if not after and len(whole) != len(heard):  # the shorter one may be cut short
        lead += FEWER_WORDS_AT_END if len(whole) > len(heard) else -FEWER_WORDS_AT_END
    return lead


def _plain(tokens: list[str]) -> str:
    """A reading to be judged, without punctuation (which would weigh in the scores)."""
    return " ".join(w for t in tokens if (w := re.sub(r"[^\w'\u2019-]", "", t)))


def _neighbours(mine: list[tuple[str, int]], at: int, phrases: Sequence[str]) -> list[int]:
    """The phrases that words heard only as a whole, before `mine[at]`, may have been said in:
    a phrase between its neighbours that heard nothing, else the one before and the one after."""
    before = mine[at - 1][1] if at > 0 else -1
    after = mine[at][1] if at < len(mine) else len(phrases)
    empty = [i for i in range(before + 1, after) if not phrases[i].strip()]
    if empty:
        return empty[:1]
    return sorted({i for i in (before, after) if 0 <= i < len(phrases)})


def _place(phrases: Sequence[str], words: list[str]) -> list[str]:
    """Words that only the whole pass heard, when no phrase heard any: in the first phrase."""
    texts = ["" for _ in phrases]
    if texts:
        texts[0] = " ".join(words)
    return texts


def _loop(inserted: list[str], before: list[str]) -> bool:
    """Whether `inserted` only repeats, once or more, the last words before it."""
    if len(inserted) < _LOOP_WORDS:
        return False
    for size in range(1, min(len(before), len(inserted)) + 1):
        unit = before[-size:]
        if len(inserted) % size == 0 and inserted == unit * (len(inserted) // size):
            return True
    return False
