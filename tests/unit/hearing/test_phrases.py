"""An answer heard again as a whole, its disagreements weighed in their sentence
(hearing/phrases.py).

A real class with the transcriber's interface stands in for Whisper: it says what it was asked
to weigh. The same merge over real speech and Whisper is in
tests/unit/conversation/test_listening_battery.py and tests/devices/test_listening.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from voiceguide.audio.clip import Audio
from voiceguide.hearing.phrases import hear_again

RATE = 16000


class SentenceScorer:
    """Hears `whole` in any audio; weighs a reading by whether it holds `right` (which only
    the sentence around a phrase makes clear), and remembers what it weighed."""

    engine = "scripted"
    model = "sentence"

    def __init__(self, whole: str, right: str) -> None:
        self.whole = whole
        self.right = right
        self.weighed: list[tuple[float, list[str]]] = []

    def transcribe(
        self, audio: Audio, *, prompt: str | None = None, hotwords: str | None = None
    ) -> str:
        return self.whole

    def support(self, audio: Audio, texts: Sequence[str]) -> list[float]:
        self.weighed.append((round(audio.duration, 2), list(texts)))
        return [-1.0 if self.right in text.lower() else -5.0 for text in texts]


def answer(*seconds: float) -> Audio:
    """An answer's sound, phrase by phrase (the scorer only measures how long it is)."""
    return Audio.concat([Audio.silence(s, RATE) for s in seconds])


def test_a_disagreement_is_weighed_with_the_sound_and_words_of_the_phrases_around_it() -> None:
    """A fan's noise split off "ask not", heard alone as "And not."; only with "my fellow
    Americans" before it and "what your country can do" after it is "ask" clear."""
    phrases = (
        ("And so my fellow Americans.", 2.0),
        ("And not.", 3.0),
        ("What your country can do for you.", 5.0),
    )
    whole = "And so my fellow Americans ask not what your country can do for you."
    scorer = SentenceScorer(whole, right="americans ask not what")
    sound = answer(2.0, 3.0, 5.0)
    mended = hear_again(phrases, lambda a, b: sound.slice(a, b), scorer)
    assert [text for text, _ in mended] == [
        "And so my fellow Americans.",
        "ask not.",
        "What your country can do for you.",
    ]
    assert [d for _, d in mended] == [2.0, 3.0, 5.0]  # the phrases keep their moments
    [(seconds, readings)] = scorer.weighed
    assert seconds == 10.0  # the phrase with both its neighbours
    assert readings == [
        "And so my fellow Americans. And not What your country can do for you.",
        "And so my fellow Americans. ask not What your country can do for you.",
    ]


def test_a_phrase_is_weighed_with_only_the_neighbours_that_fit_in_whisper_s_30_seconds() -> None:
    phrases = (("One long thought.", 20.0), ("And not.", 5.0), ("Another long one.", 20.0))
    scorer = SentenceScorer("One long thought. ask not. Another long one.", right="ask")
    sound = answer(20.0, 5.0, 20.0)
    mended = hear_again(phrases, lambda a, b: sound.slice(a, b), scorer)
    assert mended[1][0] == "ask not."
    [(seconds, readings)] = scorer.weighed
    assert seconds == 25.0  # the phrase before it fits, the one after does not
    assert readings == ["One long thought. And not", "One long thought. ask not"]
