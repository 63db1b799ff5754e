"""One writer at a time: a lock on the data folder, so two voiceguides never write at once."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from voiceguide.errors import BusyError
from voiceguide.fsutil import FILE_MODE
from voiceguide.home import Home


@contextlib.contextmanager
def data_lock(
    home: Path,
    *,
    wait: float = 10.0,
    inform: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the data folder's lock; wait up to `wait` seconds for another process to finish."""
    fd = os.open(Home(home).lock, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(
                        f"Another voiceguide is using {home} right now, so this one cannot write.",
                        hint="Let the other one finish (or stop it), then try again.",
                    ) from None
                if not told and inform is not None:
                    inform("Another voiceguide is using the journal; waiting for it to finish...")
                    told = True
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing releases the lock
