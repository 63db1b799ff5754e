"""Small pieces of spoken English that the guided sessions and the conversation both say."""

from __future__ import annotations

_NUMBER_WORDS = "zero one two three four five six seven eight nine ten".split()


def number_word(n: int) -> str:
    """2 -> "two" (up to ten; beyond, the digits)."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def a_number(n: int) -> str:
    """6 -> "A six", 8 -> "An eight": a mood said back in words."""
    word = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
    return ("An " if word[0] in "aeiou" else "A ") + word


def minutes_phrase(minutes: float) -> str:
    """1 -> "1 minute", 2.5 -> "2.5 minutes"."""
    return "1 minute" if minutes == 1 else f"{minutes:g} minutes"
