"""The SpeechDetector contract: one probability per window fed, high in speech and low in
silence and in a fan's noise, however the samples are cut into blocks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from battery import fan

from voiceguide.audio.clip import Audio
from voiceguide.audio.segmenter import SpeechDetector

pytestmark = pytest.mark.slow


@pytest.fixture(params=["silero"])
def detector(request: pytest.FixtureRequest) -> SpeechDetector:
    from voiceguide.engines.silero import SileroDetector

    return SileroDetector()


def probabilities(detector: SpeechDetector, samples: np.ndarray, block: int) -> np.ndarray:
    out = [detector.feed(samples[i : i + block]) for i in range(0, len(samples), block)]
    return np.concatenate(out)


def test_speech_is_found_and_silence_is_not(detector: SpeechDetector, speech: Path) -> None:
    assert detector.rate == 16000 and detector.window > 0
    jfk = Audio.load(speech / "jfk.flac").for_speech(16000).samples[:, 0]
    quiet = np.zeros(16000 * 3, np.float32)
    said = probabilities(detector, np.concatenate([quiet, jfk]), 1000)
    assert len(said) == (len(quiet) + len(jfk)) // detector.window
    windows_a_second = 16000 // detector.window
    assert said[: 2 * windows_a_second].max() < 0.2  # the silence before the words
    assert np.mean(said[3 * windows_a_second :] > 0.5) > 0.5  # most of the speech (jfk pauses)


def test_a_fan_is_not_speech(detector: SpeechDetector) -> None:
    noise = fan(5.0, dbfs=-30.0).for_speech(16000).samples[:, 0]
    assert np.mean(probabilities(detector, noise, 512) > 0.5) < 0.05
