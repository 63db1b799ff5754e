"""Rendering sessions: exact length by scaling pauses, never speech; mostly quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceguide.engines.fakes import ToneSynthesizer
from voiceguide.errors import UsageError
from voiceguide.guidance.library import Library
from voiceguide.guidance.render import render_session
from voiceguide.guidance.script import Say

GROUNDING_MEDITATION = Library(Path("/nonexistent")).load("grounding").steps


@pytest.mark.parametrize("minutes", [1, 2, 5, 10, 20, 45])
def test_length_is_exact_and_at_least_half_is_silence(minutes: float) -> None:
    synth = ToneSynthesizer(seconds_per_word=0.35)
    rendered = render_session(GROUNDING_MEDITATION, synth, minutes=minutes)
    assert rendered.audio.duration == pytest.approx(minutes * 60, abs=0.01)
    assert rendered.silence_seconds >= rendered.audio.duration / 2


def test_longer_sessions_say_more_but_never_speak_faster() -> None:
    synth = ToneSynthesizer(seconds_per_word=0.35)
    shortest = render_session(GROUNDING_MEDITATION, synth, minutes=1)
    short = render_session(GROUNDING_MEDITATION, synth, minutes=2)
    long = render_session(GROUNDING_MEDITATION, synth, minutes=20)
    assert set(shortest.lines) < set(short.lines) < set(long.lines)
    # One minute: only the plain lines; two: the [fuller] ones join.
    assert set(shortest.lines) == {
        s.text for s in GROUNDING_MEDITATION if isinstance(s, Say) and s.level == 0
    }
    assert set(short.lines) == {
        s.text for s in GROUNDING_MEDITATION if isinstance(s, Say) and s.level <= 1
    }
    # Each line has exactly its synthesized length in both: only pauses change.
    assert short.speech_seconds == pytest.approx(
        sum(len(t.split()) * 0.35 for t in short.lines), abs=0.01
    )


def test_too_short_a_session_is_a_clear_error() -> None:
    breath = Library(Path("/nonexistent")).load("breath").steps  # its breathing takes 78 s
    with pytest.raises(UsageError, match="at least 2.5 minutes"):
        render_session(breath, ToneSynthesizer(seconds_per_word=0.35), minutes=1)


def test_pauses_follow_their_weights() -> None:
    steps = (Say("one two", 1.0), Say("three four", 3.0))
    rendered = render_session(steps, ToneSynthesizer(seconds_per_word=0.5), minutes=1, lead_in=0)
    samples = rendered.audio.samples[:, 0]
    rate = rendered.audio.rate
    # line 1 (1 s), pause p1, line 2 (1 s), pause p2 with p2 = 3 * p1 and 58 s of pauses in all.
    assert abs(samples[int(1.5 * rate)]) == 0.0
    first_pause = 58 / 4
    assert abs(samples[int((1 + first_pause + 0.5) * rate)]) > 0.0
