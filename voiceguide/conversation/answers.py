"""Making sense of short spoken answers: a mood from 0 to 10, yes or no, "not much came up"."""

from __future__ import annotations

import re

_NUMBERS = {
    "zero": 0, "nought": 0, "nothing": 0, "none": 0, "oh": 0,
    "one": 1, "won": 1, "two": 2, "to": 2, "too": 2, "three": 3, "four": 4, "for": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "ate": 8, "nine": 9, "ten": 10,
}  # fmt: skip
#: Words that sound like numbers but are usually just words: only trusted when alone.
_HOMOPHONES = {"to", "too", "for", "won", "ate", "oh", "nothing", "none"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+|\d+(?:\.\d+)?", text.lower().replace("-", " "))


def parse_mood(text: str) -> int | None:
    """A mood from 0 to 10 in "seven", "about a six", "7", "6 out of 10" (None when unclear).

    When two numbers are given ("six or seven"), the first one counts; "out of ten" is ignored.
    """
    words = _words(text)
    found: list[int] = []
    for i, w in enumerate(words):
        if w in ("ten", "10") and i >= 1 and words[i - 1] == "of":
            continue  # "... out of ten", "... of 10"
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            value = float(w)
            if 0 <= value <= 10:
                found.append(round(value))
        elif w in _NUMBERS and (w not in _HOMOPHONES or len(words) == 1):
            found.append(_NUMBERS[w])
    return found[0] if found else None


_YES = {"yes", "yeah", "yep", "yup", "sure", "okay", "ok", "please", "alright", "definitely"}
_NO = {"no", "nope", "not", "later", "skip", "don't", "dont", "rather"}


def says_yes(text: str) -> bool:
    """True for a clear yes ("yes", "yes please", "sure, let's do it"); no, or unclear, is False."""
    words = set(re.findall(r"[a-z']+", text.lower()))
    return bool(words & _YES) and not (words & _NO) or "let's" in words and not (words & _NO)


def declines(text: str) -> bool:
    """True for a clear no ("no", "not now", "not right now, thanks", "maybe later", "that's
    wrong"); a yes, or nothing clear, is False."""
    words = set(re.findall(r"[a-z']+", text.lower()))
    if words & {"no", "nope", "not", "later", "wrong", "incorrect", "nah"}:
        return True
    return "isn't" in words or "don't" in words


_LITTLE = (
    r"\bnothing\b",
    r"\bnot (?:very )?much\b",
    r"\bnot a lot\b",
    r"\b(?:don't|do not|can't|cannot|can not) (?:really )?(?:remember|recall)\b",
    r"\bno idea\b",
    r"\bnot sure\b",
    r"^(?:very |only a |just a )?little\b",
    r"\blittle (?:came|happened|to say)\b",
    r"\bblank\b",
)


def says_little(text: str) -> bool:
    """True when an answer is empty or says that little or nothing came up."""
    text = text.lower().strip()
    if len(_words(text)) < 3 and not re.search(r"[a-z]{4,}", text):
        return True
    return len(_words(text)) <= 12 and any(re.search(p, text) for p in _LITTLE)


#: Words after which a thought goes on ("... and", "... because", "um").
_GOING_ON = frozenset(
    "and but or so because then um umm uh uhh er erm hmm like the a an to of with if when "
    "that which who my your our i im its it's is was were about for in on at as".split()
)
#: What people say while they think, and nothing else.
_HESITATION = frozenset(
    "um umm uh uhh er erm hmm mm mmm ah oh well so hm let me think see just a moment second "
    "minute sec wait okay ok".split()
)


def sounds_finished(text: str) -> bool:
    """Whether an answer's last words sound like the end of what the person wanted to say: a
    whole sentence (four words or more) that ends with a full stop, an exclamation or a question
    mark, not a trailing "and ..." or "um" (a fragment, a comma or "..." sound unfinished)."""
    text = text.strip()
    if not text or text.endswith(("...", "\u2026")) or text[-1] not in ".!?":
        return False
    sentences = [s for s in re.split(r"[.!?]+", text) if s.strip()]
    last = _words(sentences[-1]) if sentences else []
    return len(last) >= 4 and last[-1] not in _GOING_ON


def hesitation_only(text: str) -> bool:
    """Whether a reply is only a hesitation ("Um.", "Hmm, let me think."): nothing answered."""
    words = re.findall(r"[a-z']+", text.lower())
    return bool(words) and all(w in _HESITATION for w in words)
