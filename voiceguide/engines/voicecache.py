"""Each spoken line of a session is synthesized once per (engine, voice, rate, volume, text).

Only the lines of session scripts go through the cache, never what a person said (their
intention read back, say): the cache holds nothing private.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from voiceguide.audio.clip import Audio
from voiceguide.errors import AudioFileError
from voiceguide.fsutil import atomic_path, private_dir
from voiceguide.interfaces import Synthesizer


class CachedSynthesizer:
    """A Synthesizer that remembers what another one said, in a folder of small WAV files."""

    def __init__(self, synthesizer: Synthesizer, folder: Path, *, level: bool = True) -> None:
        self.inner = synthesizer
        self.name = synthesizer.name
        self.sample_rate: int | None = getattr(synthesizer, "sample_rate", None)
        self.folder = folder
        #: Lines are kept already brought to the voice loudness (see voiceguide.guidance.render).
        self.leveled = level
        self.hits = 0
        self.misses = 0

    def key(self, text: str) -> str:
        s = self.inner
        parts = (s.name, getattr(s, "voice", ""), getattr(s, "rate", ""), getattr(s, "volume", ""))
        raw = "\0".join(str(p) for p in (*parts, self.leveled, text))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def path(self, text: str) -> Path:
        key = self.key(text)
        return self.folder / key[:2] / f"{key}.wav"

    def synthesize(self, text: str) -> Audio:
        path = self.path(text)
        if path.is_file():
            try:
                audio = Audio.load(path)
                self.hits += 1
                return audio
            except AudioFileError:
                path.unlink(missing_ok=True)  # a damaged entry is simply made again
        audio = self.inner.synthesize(text)
        if self.leveled:
            from voiceguide.audio.loudness import normalize
            from voiceguide.guidance.render import LINE_CEILING, VOICE_LUFS

            audio = normalize(audio.mono(), VOICE_LUFS, LINE_CEILING)
        self.misses += 1
        private_dir(path.parent)
        pcm = audio.to_int16()
        import soundfile

        with atomic_path(path) as tmp:
            soundfile.write(str(tmp), pcm, audio.rate, subtype="PCM_16", format="WAV")
        # Exactly what the cache gives back next time, so every render sounds the same.
        return Audio.from_int16(pcm, audio.rate, audio.channels)
