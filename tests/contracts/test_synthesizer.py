"""The Synthesizer contract, run against the fake and every real voice."""

from __future__ import annotations

import pytest
from conftest import (
    wer,
)

from voiceguide.audio.clip import Audio
from voiceguide.engines.fakes import (
    ToneSynthesizer,
)
from voiceguide.interfaces import Synthesizer


def _system_voice() -> Synthesizer:
    from voiceguide.engines.system_voice import SystemVoice

    return SystemVoice()


def _piper() -> Synthesizer:
    from voiceguide.engines.piper import PiperSynthesizer

    return PiperSynthesizer()


@pytest.fixture(
    params=[
        "tone",
        pytest.param("system", marks=pytest.mark.slow),
        pytest.param("piper", marks=pytest.mark.slow),
    ]
)
def synthesizer(request: pytest.FixtureRequest) -> Synthesizer:
    return {"tone": ToneSynthesizer, "system": _system_voice, "piper": _piper}[request.param]()


def test_synthesizer_returns_audio_whose_length_follows_the_text(synthesizer: Synthesizer) -> None:
    assert isinstance(synthesizer, Synthesizer)
    short = synthesizer.synthesize("Breathe in.")
    long = synthesizer.synthesize(
        "Breathe in slowly. Hold it for a moment. Now let it go, all the way out. " * 3
    )
    assert isinstance(short, Audio) and short.duration > 0.3
    assert long.duration > 4 * short.duration
    assert -40 < long.rms_dbfs() < 0 and long.peak() <= 1.0


@pytest.mark.slow
@pytest.mark.parametrize(("voice", "limit"), [("system", 0.25), ("piper", 0.10)])
def test_the_real_voices_are_intelligible_to_whisper(voice: str, limit: float) -> None:
    from voiceguide.engines.whisper import WhisperTranscriber

    synth = _system_voice() if voice == "system" else _piper()
    text = "Take a slow breath in, and let it go. Come back to your intention."
    heard = WhisperTranscriber.bundled().transcribe(synth.synthesize(text))
    assert wer(text, heard) <= limit, heard
