"""Rendering sessions: exact length by scaling pauses, never speech; mostly quiet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voiceguide.app import Voiceguide
from voiceguide.audio.clip import Audio
from voiceguide.engines.fakes import ToneSynthesizer
from voiceguide.errors import UsageError
from voiceguide.guidance.library import Library
from voiceguide.guidance.render import render_session
from voiceguide.guidance.script import Say
from voiceguide.settings import load_settings

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


# -- a slow start ---------------------------------------------------------------------------------
def test_shorter_pauses_take_out_quiet_only_after_the_point_given() -> None:
    from voiceguide.engines.fakes import ToneSynthesizer
    from voiceguide.guidance.parser import parse

    script = parse(
        "[bell]\n[pause 2s]\nSettle in.\n[pause 20s]\nBreathe out slowly.\n[pause 30s]\n"
    )
    rendered = render_session(script, ToneSynthesizer(), minutes=2, level=False)
    first_line = rendered.marks[1][0]
    shorter = rendered.with_shorter_pauses(rendered.audio, 10.0, after=first_line)
    assert shorter.duration == pytest.approx(rendered.audio.duration - 10.0, abs=0.01)
    # Up to the first line, and every sound after it, untouched.
    head = int(first_line * shorter.rate) + rendered.spans[1][1] - rendered.spans[1][0]
    assert np.array_equal(shorter.samples[:head], rendered.audio.samples[:head])
    assert np.abs(shorter.samples).max() == pytest.approx(np.abs(rendered.audio.samples).max())
    # Never more than half of each pause.
    most = rendered.with_shorter_pauses(rendered.audio, 1000.0, after=first_line)
    assert most.duration > rendered.audio.duration / 2


@settings(max_examples=40, deadline=None)
@given(late=st.floats(min_value=0.001, max_value=8.0), lines=st.integers(min_value=2, max_value=40))
def test_a_small_delay_is_given_back_whole_by_many_short_pauses(late: float, lines: int) -> None:
    """However little the start was held up, and however many short pauses share it, the
    session comes out exactly that much shorter (to the sample): a delay spread so
    thin that each pause's share is below a crossfade used to be kept (120.06 s of 120)."""
    from voiceguide.guidance.parser import parse

    text = "[bell]\n[pause 2s]\n" + "".join(f"Line {i}.\n[pause 1s]\n" for i in range(lines))
    rendered = render_session(parse(text), ToneSynthesizer(), minutes=2, level=False)
    first_line = rendered.marks[1][0]
    shorter = rendered.with_shorter_pauses(rendered.audio, late, after=first_line)
    assert shorter.frames == pytest.approx(
        rendered.audio.frames - round(late * shorter.rate), abs=1
    )


def test_a_slow_start_never_cuts_into_the_first_line_and_keeps_the_length(tmp_path: Path) -> None:
    """The voice is slow to load and to say each line for the first time (a busy machine):
    the bell plays at once, the first line comes whole when it is ready, and the session still
    lasts exactly its length, the pauses after it a little shorter."""
    import time

    from voiceguide.engines.fakes import CollectingPlayer, ToneSynthesizer

    class SlowVoice(ToneSynthesizer):
        def synthesize(self, text: str):  # type: ignore[no-untyped-def]
            time.sleep(0.25)
            return super().synthesize(text)

    player = CollectingPlayer()
    app = Voiceguide(
        load_settings(home=tmp_path / "home"),
        synthesizer=SlowVoice(),
        player=player,
        show=lambda text: None,
        inform=lambda text: None,
    )
    app.start(journey=False)
    app.meditate(minutes=2)
    [played] = player.played
    assert played.duration == pytest.approx(120.0, abs=0.05)
    rendered = app.meditate(minutes=2, out=tmp_path / "same.wav")
    assert rendered is not None
    reference = _sounds(Audio.load(rendered))
    heard = _sounds(played)
    # The same sounds, each whole (the bell, then the first line, and on): only the pauses
    # between them changed.
    assert len(heard) == len(reference)
    for (a, b), (c, d) in zip(heard, reference, strict=True):
        assert b - a == pytest.approx(d - c, abs=0.03)
    assert heard[1][0] > reference[1][0]  # the first line came late, whole


def _sounds(audio: Audio) -> list[tuple[float, float]]:
    """Where each sound begins and ends, in seconds (quiet under 0.1 s is inside a sound)."""
    loud = np.abs(audio.mono().samples[:, 0]) > 0.005
    edges = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(np.int8), [0]])))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] < 0.1 * audio.rate:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a / audio.rate, b / audio.rate) for a, b in merged]
