"""The audio value type and the edges where it meets files, NumPy and other libraries."""

from __future__ import annotations

import dataclasses
import errno
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from voiceguide.errors import AudioFileError, UsageError
from voiceguide.fsutil import atomic_path

#: The longest recording voiceguide reads into memory at once (a whole night, with room to spare).
MAX_FILE_SECONDS = 4 * 3600
MAX_FILE_BYTES = 2 << 30

#: Formats `Audio.save` writes, by file extension.
WRITABLE = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".mp3": "MP3"}


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class Audio:
    """Immutable audio: float32 samples in [-1, 1], shaped (frames, channels), and a sample rate."""

    samples: np.ndarray
    rate: int

    def __post_init__(self) -> None:
        data = np.asarray(self.samples, dtype=np.float32)
        if data.ndim == 1:
            data = data[:, None]
        if data.ndim != 2 or data.shape[1] < 1:
            raise ValueError("audio samples must be shaped (frames,) or (frames, channels)")
        if self.rate <= 0:
            raise ValueError("sample rate must be positive")
        if data is self.samples or not data.flags.owndata:
            data = data.copy()
        data.flags.writeable = False
        object.__setattr__(self, "samples", data)

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def silence(cls, seconds: float, rate: int, channels: int = 1) -> Audio:
        """Digital silence of the given length."""
        return cls(np.zeros((max(0, round(seconds * rate)), channels), np.float32), rate)

    @classmethod
    def from_int16(cls, data: np.ndarray | bytes, rate: int, channels: int = 1) -> Audio:
        """Audio from 16-bit PCM samples (an array or raw little-endian bytes)."""
        pcm = np.frombuffer(data, dtype="<i2") if isinstance(data, bytes) else np.asarray(data)
        return cls(pcm.reshape(-1, channels).astype(np.float32) / 32768.0, rate)

    @classmethod
    def concat(cls, parts: Iterable[Audio]) -> Audio:
        """Join audio of one rate and channel count end to end."""
        items = list(parts)
        if not items:
            raise ValueError("nothing to join")
        rate, channels = items[0].rate, items[0].channels
        if any(p.rate != rate or p.channels != channels for p in items):
            raise ValueError("cannot join audio of different rates or channel counts")
        return cls(np.concatenate([p.samples for p in items]), rate)

    # -- properties -------------------------------------------------------------------------
    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.rate

    def rms_dbfs(self) -> float:
        """Loudness as RMS in dB relative to full scale (-inf for digital silence)."""
        if self.frames == 0:
            return float("-inf")
        rms = float(np.sqrt(np.mean(np.square(self.samples, dtype=np.float64))))
        return 20 * np.log10(rms) if rms > 0 else float("-inf")

    def peak(self) -> float:
        """Largest absolute sample value."""
        return float(np.max(np.abs(self.samples))) if self.frames else 0.0

    # -- conversions ------------------------------------------------------------------------
    def mono(self) -> Audio:
        """Mix all channels down to one."""
        if self.channels == 1:
            return self
        return Audio(self.samples.mean(axis=1), self.rate)

    def resample(self, rate: int) -> Audio:
        """Resample to `rate` with a high-quality resampler."""
        if rate == self.rate:
            return self
        import soxr

        return Audio(soxr.resample(self.samples, self.rate, rate), rate)

    def for_speech(self, rate: int = 16000) -> Audio:
        """Mono at `rate`: the form speech recognisers want."""
        return self.mono().resample(rate)

    def gain(self, db: float) -> Audio:
        """A copy louder or quieter by `db` decibels."""
        return Audio(self.samples * (10 ** (db / 20)), self.rate)

    def to_int16(self) -> np.ndarray:
        """Samples as 16-bit PCM, clipped."""
        pcm: np.ndarray = (np.clip(self.samples, -1.0, 32767 / 32768) * 32768).astype(np.int16)
        return pcm

    def slice(self, start: float, end: float | None = None) -> Audio:
        """The part between `start` and `end` seconds."""
        a = max(0, round(start * self.rate))
        b = self.frames if end is None else min(self.frames, round(end * self.rate))
        return Audio(self.samples[a:b], self.rate)

    # -- files ------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> Audio:
        """Read an audio file (WAV, FLAC, OGG, MP3 directly; anything ffmpeg knows via pydub)."""
        path = Path(path)
        if not path.exists():
            raise AudioFileError(f"There is no file at {path}.")
        if path.is_dir():
            raise AudioFileError(f"{path} is a folder, not an audio file.")
        try:
            size = path.stat().st_size
            with open(path, "rb"):  # readable at all? (else it would be called damaged)
                pass
        except OSError as exc:
            reason = "permission was denied" if exc.errno == errno.EACCES else exc.strerror
            raise AudioFileError(f"{path} cannot be read ({reason}).") from exc
        if size == 0:
            raise AudioFileError(f"{path} is empty.")
        too_long = AudioFileError(
            f"{path} is too long for voiceguide (more than {MAX_FILE_SECONDS // 3600} hours).",
            hint="Split it into shorter recordings, for example with ffmpeg -f segment.",
        )
        import soundfile

        try:
            info = soundfile.info(str(path))
            if info.frames / max(1, info.samplerate) > MAX_FILE_SECONDS:
                raise too_long
            data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        except soundfile.LibsndfileError:
            if size > MAX_FILE_BYTES:
                raise too_long from None
            audio = cls._load_with_ffmpeg(path)
        except OSError as exc:
            raise AudioFileError(f"{path} cannot be read ({exc.strerror or exc}).") from exc
        else:
            audio = cls(data, rate)
        if audio.frames == 0:
            raise AudioFileError(f"{path} holds no audio.")
        return audio

    @classmethod
    def _load_with_ffmpeg(cls, path: Path) -> Audio:
        from pydub import AudioSegment
        from pydub.exceptions import CouldntDecodeError

        try:
            seg = AudioSegment.from_file(str(path))
        except (CouldntDecodeError, IndexError, OSError, ValueError) as exc:
            raise AudioFileError(
                f"{path} is not an audio file that can be read, or it is damaged.",
                hint="Use a WAV, FLAC, OGG, MP3 or M4A recording.",
            ) from exc
        scale = float(1 << (8 * seg.sample_width - 1))
        samples = np.array(seg.get_array_of_samples(), dtype=np.float32) / scale
        return cls(samples.reshape(-1, seg.channels), seg.frame_rate)

    def save(self, path: str | Path, *, title: str | None = None) -> Path:
        """Write atomically; the format follows the extension (wav, flac, ogg, mp3)."""
        path = Path(path)
        fmt = writable_format(path)
        if not path.parent.is_dir():
            raise UsageError(f"The folder {path.parent} does not exist.")
        import soundfile

        try:
            self._write(path, fmt, title)
        except soundfile.LibsndfileError as exc:
            raise _write_failed(exc, path) from exc
        return path

    def _write(self, path: Path, fmt: str, title: str | None) -> None:
        with atomic_path(path) as tmp:
            if fmt == "MP3":
                self._save_mp3(tmp, title)
            else:
                import soundfile

                subtype = "VORBIS" if fmt == "OGG" else "PCM_16"
                with soundfile.SoundFile(
                    str(tmp), "w", self.rate, self.channels, subtype=subtype, format=fmt
                ) as out:
                    if title:
                        out.title = title
                    # In blocks: libsndfile's Vorbis encoder crashes on very large single writes.
                    for start in range(0, self.frames, 1 << 15):
                        out.write(self.samples[start : start + (1 << 15)])

    def _save_mp3(self, tmp: Path, title: str | None) -> None:
        from pydub import AudioSegment

        seg = AudioSegment(
            self.to_int16().tobytes(), frame_rate=self.rate, sample_width=2, channels=self.channels
        )
        tags = {"title": title} if title else None
        seg.export(str(tmp), format="mp3", bitrate="96k", tags=tags)


def writable_format(path: Path) -> str:
    """The format `Audio.save` writes for `path`'s extension (a clear error for any other)."""
    fmt = WRITABLE.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"voiceguide cannot write {path.suffix or 'files without an extension'}.",
            hint="End the file name with .wav, .flac, .mp3 or .ogg.",
        )
    return fmt


def _write_failed(exc: Exception, path: Path) -> Exception:
    """libsndfile says only "System error." when a write fails: name a full disk as such."""
    import errno
    import shutil

    from voiceguide.errors import AudioFileError, from_os_error

    try:
        full = shutil.disk_usage(path.parent).free < 1 << 20
    except OSError:
        full = False
    if full:
        return from_os_error(OSError(errno.ENOSPC, "No space left on device"), path)
    import resource

    if resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY:
        return from_os_error(OSError(errno.EFBIG, "File too large"), path)
    return AudioFileError(f"{path} could not be written ({exc}).")


def wav_to_flac(source: Path, dest: Path, *, block_frames: int = 1 << 16) -> Path:
    """Convert a WAV recording to FLAC atomically, block by block (never all in memory)."""
    import soundfile

    if dest.suffix.lower() != ".flac":
        raise ValueError("destination must end in .flac")
    try:
        with soundfile.SoundFile(str(source)) as src, atomic_path(dest, overwrite=False) as tmp:
            with soundfile.SoundFile(
                str(tmp), "w", src.samplerate, src.channels, subtype="PCM_16", format="FLAC"
            ) as out:
                for block in src.blocks(blocksize=block_frames, dtype="int16"):
                    out.write(block)
    except soundfile.LibsndfileError as exc:
        raise _write_failed(exc, dest) from exc
    return dest


def flac_bytes(source: Audio | Path, *, block_frames: int = 1 << 16) -> bytes:
    """FLAC of audio in memory, or of a WAV recording read block by block, as bytes: for an
    encrypted journal, where no plaintext may reach the disk."""
    import io

    import soundfile

    buffer = io.BytesIO()
    if isinstance(source, Audio):
        with soundfile.SoundFile(
            buffer, "w", source.rate, source.channels, subtype="PCM_16", format="FLAC"
        ) as out:
            for start in range(0, source.frames, block_frames):
                out.write(source.samples[start : start + block_frames])
        return buffer.getvalue()
    with (
        soundfile.SoundFile(str(source)) as src,
        soundfile.SoundFile(
            buffer, "w", src.samplerate, src.channels, subtype="PCM_16", format="FLAC"
        ) as out,
    ):
        for block in src.blocks(blocksize=block_frames, dtype="int16"):
            out.write(block)
    return buffer.getvalue()
