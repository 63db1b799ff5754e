"""The two passes over an answer, merged: no hole where either heard words (hearing/passes.py).

Pure text in, text out; the same merge over real speech and Whisper is in
tests/unit/conversation/test_listening_battery.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from voiceguide.hearing.passes import key, merge

CLAUSE = "In short, the period was so far like the present period."


def test_a_hole_in_the_whole_pass_is_filled_by_the_phrases() -> None:
    """The failure this exists for: Whisper over the whole answer skipped a clause at about
    31 s that the phrase pass heard. The final text keeps it, in its phrase."""
    phrases = [
        "We were all going direct to heaven, we were all going direct the other way.",
        CLAUSE,
        "Some of its noisiest authorities insisted on its being received.",
    ]
    whole = (
        "We were all going direct to Heaven. We were all going direct the other way. "
        "Far like the present period. Some of its noisiest authorities insisted on its being "
        "received."
    )
    merged = merge(phrases, whole)
    assert merged == phrases


def test_a_hole_in_the_phrases_is_filled_by_the_whole_pass_in_the_phrase_it_was_said() -> None:
    phrases = ["And so, my fellow Americans,", "", "what your country can do for you."]
    whole = "And so, my fellow Americans, ask not what your country can do for you."
    assert merge(phrases, whole) == [
        "And so, my fellow Americans,",
        "ask not",
        "what your country can do for you.",
    ]


def test_a_loop_that_only_the_whole_pass_heard_is_left_out() -> None:
    assert merge(["I feel calm."], "I feel calm. I feel calm. I feel calm.") == ["I feel calm."]


def test_without_a_judge_a_disagreement_keeps_the_phrase_pass() -> None:
    assert merge(["And not what your country"], "Ask not what your country") == [
        "And not what your country"
    ]


def test_the_audio_decides_a_disagreement_and_a_near_tie_goes_to_the_whole_pass() -> None:
    phrases = ["And so am I fellow Americans,", "ask not"]
    whole = "And so, my fellow Americans, ask not"
    asked: list[tuple[int, Sequence[str]]] = []

    def judge(i: int, readings: Sequence[str]) -> Sequence[float]:
        asked.append((i, readings))
        return [-4.0, -2.3]  # what Whisper gave JFK's phrase: "my" is better supported

    assert merge(phrases, whole, judge=judge)[0] == "And so my fellow Americans,"
    assert asked == [(0, ["And so am I fellow Americans", "And so my fellow Americans"])]
    # A near tie (the whole pass's reading 0.5 less likely) still goes to the whole pass ...
    assert merge(phrases, whole, judge=lambda i, r: [-2.0, -2.5])[0].startswith("And so my")
    # ... a clear difference does not.
    assert merge(phrases, whole, judge=lambda i, r: [-2.0, -9.0])[0].startswith("And so am I")


def test_a_reading_cut_short_at_the_end_of_a_phrase_needs_clear_support() -> None:
    """Forced alignment does not penalise words missing at the end, so the shorter reading
    there is kept only when it is clearly better supported."""
    phrases = ["ask not what your country can do for you"]
    whole = "ask not what your country"
    assert merge(phrases, whole, judge=lambda i, r: [-5.8, -5.3]) == phrases  # a hole
    assert merge(phrases, whole, judge=lambda i, r: [-5.8, -2.0]) == phrases  # still a hole
    mended = merge(
        ["ask not what your country can dew"],
        "ask not what your country can do",
        judge=lambda i, r: [-9.0, -3.0],
    )
    assert mended == ["ask not what your country can do"]


def test_words_only_the_whole_pass_heard_are_kept_where_the_audio_has_them() -> None:
    phrases = ["ask what you can do", "for your country"]
    whole = "ask what you can do for your country. Thank you. Thank you for watching."
    merged = merge(phrases, whole, judge=lambda i, r: [-3.0, -40.0])  # not in the audio
    assert merged == ["ask what you can do", "for your country"]
    merged = merge(["ask what do"], "ask what you can do", judge=lambda i, r: [-9.0, -2.0])
    assert merged == ["ask what you can do"]


# -- properties ---------------------------------------------------------------------------------
WORDS = st.sampled_from("i saw the sea my father door light warm afraid held again".split())


@st.composite
def answers(draw: st.DrawFn) -> tuple[list[list[str]], list[list[str]], list[str]]:
    """A reference answer in phrases, the phrase pass's hearing of each phrase, and the whole
    pass's hearing of the answer: each pass drops, swaps and adds words at random."""
    truth = draw(st.lists(st.lists(WORDS, min_size=0, max_size=6), min_size=1, max_size=5))

    def heard(words: list[str]) -> list[str]:
        out = []
        for word in words:
            fate = draw(st.sampled_from(["kept", "kept", "kept", "dropped", "swapped", "added"]))
            if fate == "kept":
                out.append(word)
            elif fate == "swapped":
                out.append(draw(WORDS))
            elif fate == "added":
                out += [word, draw(WORDS)]
        return out

    phrases = [heard(words) for words in truth]
    whole = heard([w for words in truth for w in words])
    if draw(st.booleans()):  # a loop
        whole += whole[-3:] * draw(st.integers(1, 3))
    return truth, phrases, whole


def kept(reference: list[str], text: str) -> int:
    """Reference words the text holds, in order (the longest common subsequence)."""
    hyp = [k for t in text.split() if (k := key(t))]
    row = [0] * (len(hyp) + 1)
    for r in reference:
        prev = 0
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], prev + 1 if r == h else max(row[j], row[j - 1])
    return row[-1]


@given(answers())
@settings(max_examples=400, deadline=None)
def test_the_final_text_keeps_at_least_the_words_the_phrase_pass_heard(
    case: tuple[list[list[str]], list[list[str]], list[str]],
) -> None:
    """For any answer, the final text has no fewer aligned reference words than the phrase
    pass alone (with nothing to weigh readings by, the phrase pass is kept whole)."""
    truth, phrases, whole = case
    reference = [w for words in truth for w in words]
    texts = [" ".join(p) for p in phrases]
    merged = merge(texts, " ".join(whole))
    assert len(merged) == len(phrases)
    assert kept(reference, " ".join(merged)) >= kept(reference, " ".join(texts))


@given(answers())
@settings(max_examples=400, deadline=None)
def test_with_a_faithful_judge_no_phrase_loses_words(
    case: tuple[list[list[str]], list[list[str]], list[str]],
) -> None:
    """When the audio decides (here a judge that knows what each phrase really held), every
    phrase keeps at least the words the phrase pass heard in it."""
    truth, phrases, whole = case

    def judge(i: int, readings: Sequence[str]) -> Sequence[float]:
        # Words that are there count; words that are not cost a little.
        return [10.0 * kept(truth[i], r) - len(r.split()) for r in readings]

    texts = [" ".join(p) for p in phrases]
    merged = merge(texts, " ".join(whole), judge=judge)
    for words, before, after in zip(truth, texts, merged, strict=True):
        assert kept(words, after) >= kept(words, before), (before, after)


def test_an_answer_that_repeats_a_sentence_is_aligned_repeat_by_repeat() -> None:
    """Heard live (the clean 85 s battery answer): each "And so my fellow Americans" of the
    phrase pass weighed against its own repeat in the whole pass, never against a run of 22
    words from the next repeat (longest-matching-block alignment did that, and kept "am I")."""
    phrases = [
        "Ask what you can do for your country.",
        "And so my fellow Americans asked not...",
        "What your country can do for you, ask what you can do for your country.",
        "And so am I fellow Americans.",
        "Ask not what your country can do for you. Ask what you can do for your country.",
        "And so am I fellow Americans.",
        "Ask not what your country can do for you. Ask what you can do for your country.",
        "And so am I fellow Americans.",
        "Ask not what your country can do for you. Ask what you can do for your country.",
    ]
    sentence = "ask not what your country can do for you ask what you can do for your country"
    whole = (
        f"ask what you can do for your country and so my fellow Americans {sentence} "
        f"and so my fellow Americans {sentence} "
        f"and so my fellow Americans {sentence.replace('not what', 'not', 1)} "
        f"and so my fellow Americans {sentence}"
    )
    weighed: list[tuple[int, Sequence[str]]] = []

    def judge(i: int, readings: Sequence[str]) -> Sequence[float]:
        weighed.append((i, readings))
        return [-2.0, -2.0]  # a tie: the whole pass heard the words in their sentence

    merged = merge(phrases, whole, judge=judge)
    assert [merged[i] for i in (3, 5, 7)] == ["And so my fellow Americans."] * 3
    assert all(len(r.split()) <= 8 for _, readings in weighed for r in readings), weighed
