"""Sound rendered ahead of the speaker: a producer fills it, the output callback only copies.

A speaker must be fed every few milliseconds. When the machine is busy (a browser, a build, two
programs spinning), a thread that renders and writes in turn misses its moment: the sound card
runs dry, and through PulseAudio every such underrun is a gap in the voice and a session that
runs long (a 2-minute meditation lasted 134 s). So the work is split: a producer thread renders
several seconds ahead into this buffer, and the output callback does nothing but copy from it.
"""

from __future__ import annotations

import threading

import numpy as np


class AheadBuffer:
    """A fixed ring of float32 frames: `put` blocks while it is full, `take` never blocks.

    It can serve one stream that is played in turns (a speaker kept open for a conversation):
    `written` says where the frames put so far end, and `clear` drops what was not yet taken."""

    def __init__(self, channels: int, capacity: int) -> None:
        self.channels = channels
        self.capacity = max(1, capacity)
        self._ring = np.zeros((self.capacity, channels), np.float32)
        self._read = 0  # frames taken so far
        self._written = 0  # frames put so far
        self._finished = False
        self._closed = False
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)

    @property
    def ready(self) -> int:
        """Frames waiting to be taken."""
        with self._lock:
            return self._written - self._read

    @property
    def written(self) -> int:
        """Frames put so far, in all."""
        with self._lock:
            return self._written

    @property
    def taken(self) -> int:
        """Frames taken so far, in all."""
        with self._lock:
            return self._read

    def clear(self) -> None:
        """Drop every frame not yet taken (a turn stopped early)."""
        with self._room:
            self._read = self._written
            self._room.notify_all()

    @property
    def exhausted(self) -> bool:
        """Nothing more will come, and everything was taken."""
        with self._lock:
            return self._finished and self._written == self._read

    def put(self, samples: np.ndarray, stop: threading.Event | None = None) -> bool:
        """Append frames (shape (n, channels)), waiting for room; False once closed (or once
        `stop` is set)."""
        at = 0
        while at < len(samples):
            with self._room:
                while not self._stopped(stop) and self._written - self._read >= self.capacity:
                    self._room.wait(0.1)
                if self._stopped(stop):
                    return False
                room = self.capacity - (self._written - self._read)
                n = min(room, len(samples) - at)
                start = self._written % self.capacity
                first = min(n, self.capacity - start)
                self._ring[start : start + first] = samples[at : at + first]
                self._ring[: n - first] = samples[at + first : at + n]
                self._written += n
                at += n
        return True

    def take(self, out: np.ndarray) -> int:
        """Copy up to len(out) frames into `out` (the rest is left as it is); how many."""
        with self._lock:
            n = min(len(out), self._written - self._read)
            start = self._read % self.capacity
            first = min(n, self.capacity - start)
            out[:first] = self._ring[start : start + first]
            out[first:n] = self._ring[: n - first]
            self._read += n
            self._room.notify()
        return n

    def _stopped(self, stop: threading.Event | None) -> bool:
        return self._closed or (stop is not None and stop.is_set())

    def finish(self) -> None:
        """No more frames will be put."""
        with self._lock:
            self._finished = True

    def close(self) -> None:
        """Stop: a producer waiting for room gives up, and puts are refused from now on."""
        with self._room:
            self._closed = True
            self._room.notify_all()
