"""Audio on disk while it is recorded: a WAV file whose header is kept true as it grows."""

from __future__ import annotations

import json
import os
import struct
import time
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.errors import AudioFileError
from voiceguide.fsutil import FILE_MODE, atomic_write_text

_HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")
#: Where the samples start in a capture file.
HEADER_BYTES = _HEADER.size


def _header(rate: int, data_bytes: int) -> bytes:
    return _HEADER.pack(
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        data_bytes,
    )


class CaptureWriter:
    """Streams mono 16-bit PCM to a WAV file, syncing to disk about once a second.

    At any moment the file on disk is a playable WAV holding all but the last second or so, even
    if the process is killed; `repair_capture` makes its header match the data after a crash.
    A sidecar `.json` says what was being recorded, so an interrupted answer can be filed later.
    """

    def __init__(
        self,
        path: Path,
        rate: int,
        *,
        meta: dict[str, Any] | None = None,
        sync_seconds: float = 1.0,
    ):
        self.path = path
        self.rate = rate
        self.sync_seconds = sync_seconds
        self.data_bytes = 0
        self.meta_path = path.with_suffix(".json")
        info = {"rate": rate, "started": time.time(), **(meta or {})}
        atomic_write_text(self.meta_path, json.dumps(info, indent=2))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        # Unbuffered: what write() accepted is in the file, even when the disk fills up.
        self._file = os.fdopen(fd, "wb", buffering=0)
        self._file.write(_header(rate, 0))
        self._last_sync = time.monotonic()

    def write(self, block: np.ndarray) -> None:
        """Append a block of int16 samples; sync when a second has passed."""
        data = np.ascontiguousarray(block, dtype="<i2").tobytes()
        written = 0
        try:
            while written < len(data):
                written += self._file.write(data[written:]) or 0
        finally:
            self.data_bytes += written - written % 2
        if time.monotonic() - self._last_sync >= self.sync_seconds:
            self.sync()

    def sync(self) -> None:
        """Make the header true and push everything to disk."""
        end = self._file.tell()
        self._file.seek(0)
        self._file.write(_header(self.rate, self.data_bytes))
        self._file.seek(end)
        os.fsync(self._file.fileno())
        self._last_sync = time.monotonic()

    def close(self) -> None:
        """Sync and close the file."""
        if not self._file.closed:
            try:
                self.sync()
            finally:
                self._file.close()

    @property
    def seconds(self) -> float:
        return self.data_bytes / 2 / self.rate


def repair_capture(path: Path, *, rate: int | None = None) -> Audio:
    """Fix the header of a capture cut off by a crash (or damaged) and return its audio.

    The samples follow a 44-byte header in every capture, so a header that is zeroed or claims
    an impossible rate is rewritten from `rate` (the sidecar's note) or 16 kHz; AudioFileError
    only when there is no header's worth of file at all.
    """
    raw = path.read_bytes()
    if len(raw) < _HEADER.size:
        raise AudioFileError(f"{path} is too short to be a voiceguide recording.")
    claimed = _HEADER.unpack(raw[: _HEADER.size])[7] if raw[:4] == b"RIFF" else 0
    if not 8000 <= claimed <= 192000:
        claimed = rate if rate and 8000 <= rate <= 192000 else 16000
    data = raw[_HEADER.size :]
    data = data[: len(data) - len(data) % 2]
    with open(path, "r+b") as handle:
        handle.write(_header(claimed, len(data)))
        handle.truncate(_HEADER.size + len(data))
        handle.flush()
        os.fsync(handle.fileno())
    return Audio.from_int16(data, claimed)


def trim_capture(path: Path, seconds: float) -> float:
    """Cut a finished capture to its first `seconds` (the quiet after a person finished);
    the seconds it now holds."""
    size = path.stat().st_size
    rate = _HEADER.unpack(path.read_bytes()[: _HEADER.size])[7]
    keep = min(size - _HEADER.size, int(seconds * rate) * 2)
    keep -= keep % 2
    with open(path, "r+b") as handle:
        handle.write(_header(rate, keep))
        handle.truncate(_HEADER.size + keep)
        handle.flush()
        os.fsync(handle.fileno())
    return float(keep / 2 / rate)
