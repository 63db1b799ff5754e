"""The audio value type and its file edges."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from voiceguide.audio.clip import Audio
from voiceguide.errors import AudioFileError, UsageError


def tone(seconds: float = 1.0, rate: int = 16000, channels: int = 1) -> Audio:
    t = np.arange(int(seconds * rate)) / rate
    mono = 0.3 * np.sin(2 * np.pi * 440 * t)
    return Audio(np.repeat(mono[:, None], channels, axis=1), rate)


def test_audio_is_immutable_and_detached_from_its_source() -> None:
    source = np.zeros(100, np.float32)
    audio = Audio(source, 8000)
    source[:] = 1.0
    assert audio.peak() == 0.0
    with pytest.raises(ValueError):
        audio.samples[0, 0] = 1.0
    with pytest.raises(AttributeError):
        audio.rate = 1  # type: ignore[misc]


def test_conversions_keep_length_and_level() -> None:
    audio = tone(2.0, 44100, channels=2)
    speech = audio.for_speech(16000)
    assert speech.channels == 1 and speech.rate == 16000
    assert abs(speech.duration - 2.0) < 0.01
    assert abs(speech.rms_dbfs() - audio.rms_dbfs()) < 0.5
    assert Audio.from_int16(speech.to_int16(), 16000).frames == speech.frames
    assert abs(audio.gain(-6).rms_dbfs() - audio.rms_dbfs() + 6) < 0.01
    assert Audio.concat([speech, speech]).duration == pytest.approx(4.0, abs=0.01)
    assert speech.slice(0.5, 1.0).duration == pytest.approx(0.5)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3"])
def test_save_and_load_each_format(tmp_path: Path, suffix: str) -> None:
    path = tone(1.5, 22050).save(tmp_path / f"a{suffix}", title="A title")
    back = Audio.load(path)
    assert abs(back.duration - 1.5) < 0.1
    assert abs(back.rms_dbfs() - tone().rms_dbfs()) < 1.5
    assert path.stat().st_mode & 0o777 == 0o600


def test_save_refuses_unknown_format_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write"):
        tone().save(tmp_path / "a.xyz")
    with pytest.raises(UsageError, match="does not exist"):
        tone().save(tmp_path / "missing" / "a.wav")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no file"),
        (lambda p: (p.write_bytes(b""), p)[1], "empty"),
        (lambda p: (p.mkdir(), p)[1], "folder"),
        (lambda p: (p.write_text("hello, not audio at all " * 20), p)[1], "not an audio file"),
    ],
)
def test_load_bad_files_is_one_clear_error(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / "x.wav")
    with pytest.raises(AudioFileError, match=message):
        Audio.load(path)


def test_load_truncated_8bit_stereo_and_odd_rates(tmp_path: Path) -> None:
    full = tone(2.0, 16000).save(tmp_path / "full.wav")
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(full.read_bytes()[:20000])
    assert 0 < Audio.load(truncated).duration < 2.0
    eight = tmp_path / "eight.wav"
    soundfile.write(str(eight), tone(1.0, 11025).samples, 11025, subtype="PCM_U8")
    assert Audio.load(eight).rms_dbfs() > -20
    stereo = tone(1.0, 7919, channels=2).save(tmp_path / "stereo.wav")
    loaded = Audio.load(stereo)
    assert loaded.channels == 2 and loaded.rate == 7919
    assert loaded.for_speech().duration == pytest.approx(1.0, abs=0.01)
