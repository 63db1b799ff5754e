"""The Recorder contract, run against the file recorder and the real microphone."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import (
    speak_into_microphone,
    wer,
)

from voiceguide.audio.clip import Audio
from voiceguide.engines.fakes import (
    FileRecorder,
)
from voiceguide.interfaces import Recorder


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
