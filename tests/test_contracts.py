"""One contract per interface, run against the fake and against every real engine."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import (
    record_speaker,
    references,
    speak_into_microphone,
    speech_seconds,
    wait_until,
    wer,
)

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


# -- Transcriber ---------------------------------------------------------------------------------
@pytest.fixture(
    params=[
        pytest.param("whisper", marks=pytest.mark.slow),
        pytest.param("sphinx", marks=pytest.mark.slow),
    ]
)
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
def _chime(seconds: float = 2.0) -> Audio:
    t = np.arange(int(22050 * seconds)) / 22050
    return Audio((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 22050)


class Heard:
    """A player, and how many seconds of sound it has put out so far."""

    def __init__(self, player: Player, seconds: Callable[[], float]) -> None:
        self.player = player
        self.seconds = seconds


@pytest.fixture(params=["collecting", pytest.param("speaker", marks=pytest.mark.devices)])
def heard(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Heard]:
    if request.param == "collecting":
        collecting = CollectingPlayer()
        yield Heard(collecting, lambda: collecting.seconds)
        return
    request.getfixturevalue("virtual_audio")
    from voiceguide.engines.sound_device import SpeakerPlayer

    with record_speaker(tmp_path / "heard.wav") as recording:
        yield Heard(SpeakerPlayer(), lambda: speech_seconds(recording))


def test_a_player_plays_all_of_the_audio_and_returns_when_it_has(heard: Heard) -> None:
    assert isinstance(heard.player, Player)
    started = time.monotonic()
    heard.player.play(_chime(2.0))
    elapsed = time.monotonic() - started
    if not isinstance(heard.player, CollectingPlayer):
        # It blocks until played, in real time (with the sound system's start, and the
        # silence that opens and closes a stream so that none of it is lost).
        assert 1.9 <= elapsed <= 4.0 + heard.player.opening_and_closing
        wait_until(lambda: heard.seconds() >= 1.7, 5, "the chime to be recorded")
    assert 1.7 <= heard.seconds() <= 2.5


def test_a_stream_plays_its_pieces_back_to_back_and_says_where_it_is(heard: Heard) -> None:
    positions: list[float] = []
    pieces = [_chime(0.5) for _ in range(4)]
    done = heard.player.play_stream(iter(pieces), on_position=positions.append)
    assert done is True
    assert positions == sorted(positions) and positions[-1] == pytest.approx(2.0, abs=0.05)
    if not isinstance(heard.player, CollectingPlayer):
        wait_until(lambda: heard.seconds() >= 1.7, 5, "the stream to be recorded")
    assert 1.7 <= heard.seconds() <= 2.5


def test_a_stream_holds_while_paused_and_ends_early_when_quit(heard: Heard) -> None:
    from voiceguide.interfaces import Controls

    controls = Controls()
    positions: list[float] = []

    def on_position(seconds: float) -> None:
        positions.append(seconds)
        if seconds >= 0.5 and not controls.paused.is_set() and not controls.quit.is_set():
            controls.paused.set()  # half a second in: pause
        if seconds < 0 and sum(1 for p in positions if p < 0) >= 5:
            controls.quit.set()  # paused for a while: quit

    pieces = (_chime(0.25) for _ in range(16))  # four seconds in all
    done = heard.player.play_stream(pieces, controls=controls, on_position=on_position)
    assert done is False
    held = [p for p in positions if p < 0]
    assert held and all(abs(p) == abs(held[0]) for p in held)  # nothing advanced while paused
    assert 0.5 <= abs(held[0]) <= 1.0
    assert max(positions) < 1.5
    assert heard.seconds() < 2.0


# -- Recorder ------------------------------------------------------------------------------------
@pytest.fixture(params=["file", pytest.param("microphone", marks=pytest.mark.devices)])
def recorder(request: pytest.FixtureRequest, speech: Path, tmp_path: Path) -> Iterator[Recorder]:
    """A recorder that hears "one, two, three" once it is listening."""
    source = speech / "one_two_three.wav"
    if request.param == "file":
        yield FileRecorder(source, realtime=True)
        return
    request.getfixturevalue("virtual_audio")
    from voiceguide.engines.sound_device import MicrophoneRecorder

    class Spoken(MicrophoneRecorder):
        @contextlib.contextmanager
        def stream(self) -> Iterator[Iterator[np.ndarray]]:
            with super().stream() as blocks:
                speaker = threading.Thread(target=speak_into_microphone, args=(source, tmp_path))
                speaker.start()
                try:
                    yield blocks
                finally:
                    speaker.join()

    yield Spoken()


@pytest.mark.slow  # five seconds in real time, and Whisper
def test_a_recorder_hands_over_mono_int16_blocks_in_real_time(recorder: Recorder) -> None:
    assert isinstance(recorder, Recorder)
    got: list[np.ndarray] = []
    first = 0.0
    with recorder.stream() as blocks:
        for block in blocks:
            assert block.dtype == np.int16 and block.ndim == 1
            if not got:
                first = time.monotonic()
            got.append(block)
            if sum(len(b) for b in got) >= 5 * recorder.rate:
                break
    elapsed = time.monotonic() - first
    assert 4.0 <= elapsed <= 6.0  # five seconds of sound take five seconds to hear
    from voiceguide.engines.whisper import WhisperTranscriber

    audio = Audio.from_int16(np.concatenate(got), recorder.rate)
    heard = WhisperTranscriber.bundled().transcribe(audio)
    assert wer("one two three", heard) == 0.0, heard


def test_the_file_recorder_hears_its_file_then_silence(speech: Path) -> None:
    recorder = FileRecorder(speech / "one_two_three.wav")
    got: list[np.ndarray] = []
    with recorder.stream() as blocks:
        for block in blocks:
            got.append(block)
            if sum(len(b) for b in got) >= 5 * recorder.rate:
                break
    audio = Audio.from_int16(np.concatenate(got), recorder.rate)
    assert audio.slice(0, 2.7).rms_dbfs() > -40
    assert audio.slice(3.0).peak() == 0.0
