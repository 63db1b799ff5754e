"""Kill this process with SIGKILL right after its Nth visible file-system step (tests only).

Put this folder on PYTHONPATH and set VG_CRASH_AT=N: the Nth call that changes which files
exist (os.replace, os.rename, os.link, os.unlink, a file created or opened for writing)
completes, then the process dies as it would by `kill -9`, leaving the disk exactly as it was
at that point. With VG_CRASH_COUNT=FILE the number of steps an uninterrupted run takes is
written to FILE.
"""

from __future__ import annotations

import atexit
import builtins
import io
import os
import signal

_AT = int(os.environ.get("VG_CRASH_AT", "0") or 0)
_COUNT_FILE = os.environ.get("VG_CRASH_COUNT")
_steps = 0


def _step() -> None:
    global _steps
    _steps += 1
    if _AT and _steps >= _AT:
        os.kill(os.getpid(), signal.SIGKILL)


def _wrap(fn):  # type: ignore[no-untyped-def]
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = fn(*args, **kwargs)
        _step()
        return result

    return wrapper


if _AT or _COUNT_FILE:
    for _name in ("replace", "rename", "link", "unlink"):
        setattr(os, _name, _wrap(getattr(os, _name)))
    _open = builtins.open

    def _counting_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = _open(file, mode, *args, **kwargs)
        if any(c in mode for c in "wax") and not str(file).startswith("/proc"):
            _step()
        return handle

    builtins.open = _counting_open
    io.open = _counting_open
    _os_open = os.open

    def _counting_os_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        fd = _os_open(path, flags, *args, **kwargs)
        if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR) and not str(path).startswith("/proc"):
            _step()
        return fd

    os.open = _counting_os_open
    if _COUNT_FILE:
        atexit.register(lambda: _open(_COUNT_FILE, "w").write(str(_steps)))
