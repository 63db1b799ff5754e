"""One contract per interface, run against the fake and against every real engine."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import record_speaker, references, speak_into_microphone, speech_seconds, wer

from voiceguide.audio.clip import Audio
from voiceguide.engines.fakes import (
    CollectingPlayer,
    FileRecorder,
    ScriptedTranscriber,
    ToneSynthesizer,
)
from voiceguide.interfaces import Player, Recorder, Synthesizer, Transcriber


# -- Synthesizer ---------------------------------------------------------------------------------
def _system_voice() -> Synthesizer:
    from voiceguide.engines.system_voice import SystemVoice

    return SystemVoice()


def _piper() -> Synthesizer:
    from voiceguide.engines.piper import PiperSynthesizer

    return PiperSynthesizer()


@pytest.fixture(params=["tone", "system", "piper"])
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


@pytest.mark.parametrize(("voice", "limit"), [("system", 0.25), ("piper", 0.10)])
def test_the_real_voices_are_intelligible_to_whisper(voice: str, limit: float) -> None:
    from voiceguide.engines.whisper import WhisperTranscriber

    synth = _system_voice() if voice == "system" else _piper()
    text = "Take a slow breath in, and let it go. Come back to your intention."
    heard = WhisperTranscriber.bundled().transcribe(synth.synthesize(text))
    assert wer(text, heard) <= limit, heard


# -- Transcriber ---------------------------------------------------------------------------------
@pytest.fixture(params=["whisper", "sphinx"])
def transcriber(request: pytest.FixtureRequest) -> Transcriber:
    if request.param == "whisper":
        from voiceguide.engines.whisper import WhisperTranscriber

        return WhisperTranscriber.bundled()
    from voiceguide.engines.sphinx import SphinxTranscriber

    return SphinxTranscriber()


#: How close each engine comes to the reference on real speech (pocketsphinx is the fallback).
MAX_WER = {"whisper": 0.10, "sphinx": 0.75, "scripted": 0.0}


def test_transcriber_hears_real_speech(transcriber: Transcriber, speech: Path) -> None:
    assert isinstance(transcriber, Transcriber)
    reference = references()["jfk.flac"]
    text = transcriber.transcribe(Audio.load(speech / "jfk.flac"))
    assert wer(reference, text) <= MAX_WER[transcriber.engine], text


def test_transcriber_invents_nothing_from_silence_or_noise(transcriber: Transcriber) -> None:
    assert transcriber.transcribe(Audio.silence(5, 16000)) == ""
    noise = np.random.default_rng(1).normal(0, 0.003, 16000 * 5).astype(np.float32)
    assert transcriber.transcribe(Audio(noise, 16000)) == ""


def test_scripted_transcriber_keeps_the_contract() -> None:
    fake = ScriptedTranscriber(["hello"])
    assert isinstance(fake, Transcriber)
    assert fake.transcribe(Audio.silence(1, 16000)) == "hello"
    assert fake.transcribe(Audio.silence(1, 16000)) == ""


# -- Player --------------------------------------------------------------------------------------
def _chime() -> Audio:
    t = np.arange(int(22050 * 2.0)) / 22050
    return Audio((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 22050)


def test_collecting_player_keeps_what_it_plays() -> None:
    player = CollectingPlayer()
    assert isinstance(player, Player)
    player.play(_chime())
    assert player.seconds == pytest.approx(2.0)


@pytest.mark.devices
def test_speaker_player_plays_on_the_virtual_speaker(virtual_audio: None, tmp_path: Path) -> None:
    from voiceguide.engines.sound_device import SpeakerPlayer

    player = SpeakerPlayer()
    assert isinstance(player, Player)
    with record_speaker(tmp_path / "heard.wav") as heard:
        started = time.monotonic()
        player.play(_chime())
        elapsed = time.monotonic() - started
    assert 1.9 <= elapsed <= 4.0  # it blocks until played, in real time
    assert 1.7 <= speech_seconds(heard) <= 2.5


# -- Recorder ------------------------------------------------------------------------------------
def _record(recorder: Recorder, seconds: float) -> np.ndarray:
    got: list[np.ndarray] = []
    with recorder.stream() as blocks:
        for block in blocks:
            assert block.dtype == np.int16 and block.ndim == 1
            got.append(block)
            if sum(len(b) for b in got) >= seconds * recorder.rate:
                break
    return np.concatenate(got)


def test_file_recorder_hears_its_file_then_silence(speech: Path) -> None:
    recorder = FileRecorder(speech / "one_two_three.wav")
    assert isinstance(recorder, Recorder)
    pcm = _record(recorder, 5.0)
    audio = Audio.from_int16(pcm, recorder.rate)
    assert audio.slice(0, 2.7).rms_dbfs() > -40
    assert audio.slice(3.0).peak() == 0.0


@pytest.mark.devices
def test_microphone_recorder_hears_the_virtual_microphone(
    virtual_audio: None, speech: Path, tmp_path: Path
) -> None:
    from voiceguide.engines.sound_device import MicrophoneRecorder
    from voiceguide.engines.whisper import WhisperTranscriber

    recorder = MicrophoneRecorder()
    assert isinstance(recorder, Recorder)
    player = threading.Thread(
        target=speak_into_microphone, args=(speech / "one_two_three.wav", tmp_path)
    )
    got: list[np.ndarray] = []
    with recorder.stream() as blocks:
        for block in blocks:
            if not got:
                player.start()
            got.append(block)
            if sum(len(b) for b in got) >= 5 * recorder.rate:
                break
    player.join()
    audio = Audio.from_int16(np.concatenate(got), recorder.rate)
    heard = WhisperTranscriber.bundled().transcribe(audio)
    assert wer("one two three", heard) == 0.0, heard
