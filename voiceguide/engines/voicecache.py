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
        self.sample_rate = synthesizer.sample_rate
        self.folder = folder
        #: Lines are kept already brought to the voice loudness (see voiceguide.guidance.render).
        self.leveled = level
        self.hits = 0
        self.misses = 0

    @property
    def cache_key(self) -> str:
        return f"{self.inner.cache_key} leveled={self.leveled}"

    def key(self, text: str) -> str:
        raw = "\0".join((self.inner.cache_key, str(self.leveled), text))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def path(self, text: str) -> Path:
        key = self.key(text)
        return self.folder / key[:2] / f"{key}.wav"

    def synthesize(self, text: str) -> Audio:
        path = self.path(text)
        if _whole(path):
            try:
                audio = Audio.load(path)
                self.hits += 1
                return audio
            except AudioFileError:
                pass  # a damaged entry is simply made again (and replaced below)
        audio = self.inner.synthesize(text)
        if self.leveled:
            from voiceguide.audio.loudness import level_line

            audio = level_line(audio)
        self.misses += 1
        pcm = audio.to_int16()
        # Exactly what the cache gives back next time, so every render sounds the same.
        said = Audio.from_int16(pcm, audio.rate, audio.channels)
        import soundfile

        try:
            private_dir(path.parent)
            with atomic_path(path) as tmp:
                soundfile.write(str(tmp), pcm, audio.rate, subtype="PCM_16", format="WAV")
        except (OSError, soundfile.LibsndfileError):
            pass  # a full disk or a read-only folder: the line is said, just not kept
        return said


def _whole(path: Path) -> bool:
    """Whether `path` is a cache entry as this cache writes them: a regular file (never a link,
    which could bring any sound into a session), and a whole WAV (its RIFF size is the file's:
    one cut short by a crash, a full disk or a copy is made again)."""
    import stat

    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            return False
        with open(path, "rb") as handle:
            head = handle.read(12)
    except OSError:
        return False
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    return int.from_bytes(head[4:8], "little") + 8 == info.st_size
