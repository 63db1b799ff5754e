"""The TimedTranscriber contract: every part of what was heard, with when it was said, in order
and inside the recording (the moments of a journal entry come from it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import references, wer

from voiceguide.audio.clip import Audio
from voiceguide.interfaces import TimedTranscriber

pytestmark = pytest.mark.slow


@pytest.fixture
def timed(scoring_engine: TimedTranscriber) -> TimedTranscriber:
    return scoring_engine


def test_parts_are_in_order_inside_the_recording_and_make_up_the_text(
    timed: TimedTranscriber, speech: Path
) -> None:
    assert isinstance(timed, TimedTranscriber)
    jfk = Audio.load(speech / "jfk.flac").for_speech(16000)
    audio = Audio.concat([Audio.silence(3, 16000), jfk])
    parts = timed.timed(audio)
    assert parts
    assert all(0 <= start < end <= audio.duration + 0.5 for start, end, _ in parts), parts
    assert all(a[1] <= b[0] + 0.01 for a, b in zip(parts, parts[1:], strict=False)), parts
    assert parts[0][0] >= 2.5, parts  # the silence before the words is not part of them
    assert wer(references()["jfk.flac"], " ".join(text for *_, text in parts)) <= 0.10


def test_silence_has_no_parts(timed: TimedTranscriber) -> None:
    assert timed.timed(Audio.silence(5, 16000)) == []
