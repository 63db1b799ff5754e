"""The system voice: pyttsx3 driving espeak-ng, synthesized to audio one sentence at a time."""

from __future__ import annotations

import atexit
import contextlib
import io
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from voiceguide.audio.clip import Audio
from voiceguide.errors import EngineError

_SENTENCE = re.compile(r"(?<=[.!?;:])\s+")
_LOCK = threading.Lock()  # espeak is one engine per process
_ENGINE = None


def _engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        try:
            import pyttsx3

            _ENGINE = pyttsx3.init()
            atexit.register(_release)
        except Exception as exc:  # pyttsx3 raises bare RuntimeErrors and OSErrors alike
            raise EngineError(
                "The system voice could not start.",
                hint="Install espeak-ng (sudo apt-get install espeak-ng).",
            ) from exc
    return _ENGINE


def _release() -> None:
    # pyttsx3's destructor fails noisily if it runs during interpreter shutdown: run it now.
    global _ENGINE
    _ENGINE = None


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, so each utterance is short enough for pyttsx3 to finish."""
    return [s for s in (part.strip() for part in _SENTENCE.split(text)) if s]


class SystemVoice:
    """Text-to-speech with the operating system's voice (espeak-ng on Linux)."""

    name = "system"
    sample_rate = 22050  # espeak-ng's rate

    def __init__(
        self,
        *,
        rate: int = 150,
        volume: float = 1.0,
        voice: str = "gmw/en-us",
        timeout: float = 30.0,
    ) -> None:
        self.rate = rate
        self.volume = volume
        self.voice = voice
        self.timeout = timeout

    @property
    def cache_key(self) -> str:
        return f"system {self.voice} {self.rate} {self.volume}"

    def synthesize(self, text: str) -> Audio:
        """Speak `text` into audio (22.05 kHz mono)."""
        sentences = split_sentences(text)
        if not sentences:
            return Audio.silence(0.0, 22050)
        with _LOCK, tempfile.TemporaryDirectory(prefix="voiceguide-tts-") as tmp:
            engine = _engine()
            with contextlib.suppress(Exception):
                engine.setProperty("voice", self.voice)
            engine.setProperty("rate", self.rate)
            parts = [self._one(engine, s, Path(tmp) / f"{i}.wav") for i, s in enumerate(sentences)]
        audio = Audio.concat(parts)
        return audio if self.volume >= 1.0 else Audio(audio.samples * self.volume, audio.rate)

    def _one(self, engine: Any, sentence: str, path: Path) -> Audio:
        # pyttsx3 prints "Audio saved to ...", can return before the file is written, and now and
        # then cancels an utterance because the previous one left its stop flag set. So: one
        # utterance per call, its print silenced, then wait for the file and ask again if none.
        deadline = time.monotonic() + self.timeout
        driver: Any = getattr(getattr(engine, "proxy", None), "_driver", None)
        while time.monotonic() < deadline:
            if getattr(driver, "_stopping", False):
                driver._stopping = False  # a stale stop would cancel this utterance
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    engine.save_to_file(sentence, str(path))
                    engine.runAndWait()
                except Exception as exc:
                    raise EngineError("The system voice failed to speak a line.") from exc
            attempt_ends = min(deadline, time.monotonic() + 1.0 + 0.02 * len(sentence))
            while time.monotonic() < attempt_ends:
                if path.exists() and path.stat().st_size > 44:
                    with contextlib.suppress(Exception):  # still being written
                        return Audio.load(path)
                time.sleep(0.01)
        raise EngineError("The system voice did not finish speaking a line in time.")
