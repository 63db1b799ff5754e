"""Private folders and atomic writes: nothing half-written, nothing readable by others."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and any missing parents) as folders only the owner can enter.

    Only what is created here is made private: a folder that already exists is never changed
    (voiceguide touches no path it did not create; `check_home` judges the data folder)."""
    missing = []
    folder = path
    while not folder.is_dir() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made by another voiceguide a moment ago
        with contextlib.suppress(OSError):
            os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def check_home(home: Path, inform: Callable[[str], None]) -> None:
    """Refuse a data folder that is not a folder, cannot be entered, or that other users can
    change; warn when others can read it. It is never changed here."""
    import stat

    from voiceguide.errors import UsageError

    try:
        info = home.stat()
    except FileNotFoundError:
        return  # created private when first needed
    except PermissionError as exc:
        raise UsageError(f"Permission was denied to the data folder {home}.") from exc
    if not stat.S_ISDIR(info.st_mode):
        raise UsageError(
            f"The data folder {home} is a file, not a folder.",
            hint="Give a folder with --home, or remove that file.",
        )
    if not os.access(home, os.R_OK | os.W_OK | os.X_OK):
        raise UsageError(f"Permission was denied to the data folder {home}.")
    if info.st_mode & 0o022:
        raise UsageError(
            f"Other users can change {home}, so voiceguide will not keep your journal there.",
            hint="Choose a folder of your own, for example --home ~/voiceguide.",
        )
    if info.st_mode & 0o044:
        inform(
            f"Note: other users can list {home}. What voiceguide keeps inside is private "
            f"to you; to hide the folder too: chmod 700 {home}"
        )


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(path: Path, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success sync it and move it into place.

    With overwrite=False an existing file is never replaced (FileExistsError instead).
    """
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, FILE_MODE)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            # A hard link fails if the name is taken, so an entry is never overwritten.
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # no hard links here (a FAT or exFAT stick): look, then move
                if os.path.lexists(path):
                    raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
                os.rename(tmp, path)
            tmp.unlink(missing_ok=True)
        _fsync_dir(folder)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


#: A temporary file of ours this old was left by a write that was killed: no write takes so long.
STALE_SECONDS = 3600


def clear_stale_temps(path: Path) -> None:
    """Remove what a killed write to `path` left beside it: only files with the exact shape of
    our temporary names (.<name>.<8 random characters>.tmp), ours, and an hour old."""
    import re
    import time

    shape = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.tmp")
    try:
        candidates = [p for p in path.parent.iterdir() if shape.fullmatch(p.name)]
    except OSError:
        return
    for old in candidates:
        with contextlib.suppress(OSError):
            info = old.lstat()
            if (
                info.st_uid == os.getuid()
                and os.path.isfile(old)
                and not os.path.islink(old)
                and time.time() - info.st_mtime > STALE_SECONDS
            ):
                old.unlink()


def atomic_write_bytes(path: Path, data: bytes, *, overwrite: bool = True) -> Path:
    """Write `data` to `path` atomically, private to the owner."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return path


def atomic_write_text(path: Path, text: str, *, overwrite: bool = True) -> Path:
    """Write UTF-8 `text` to `path` atomically, private to the owner."""
    return atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def unique_path(
    folder: Path, stem: str, suffix: str, exists: Callable[[Path], bool] | None = None
) -> Path:
    """Return folder/stem+suffix, or stem-2, stem-3 ... when a name is already taken."""
    taken = exists or (lambda p: p.exists())
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while taken(candidate):
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def set_aside(path: Path) -> Path:
    """Move a damaged file of voiceguide's out of the way, never deleting it: beside it as
    <name>.damaged (-2, -3 ... when taken). Returns where it now is."""
    aside = unique_path(path.parent, path.name + ".damaged", "")
    os.rename(path, aside)
    _fsync_dir(path.parent)
    return aside


def check_output_path(out: Path, *, force: bool = True) -> None:
    """An output file is a new path, or (with `force`) a regular file to replace: never a
    link, a device, a pipe or a folder, which replacing would break."""
    import stat

    from voiceguide.errors import UsageError

    if out.is_dir() and not out.is_symlink():
        raise UsageError(f"{out} is a folder; give a file name such as {out / 'meditation.wav'}.")
    if not out.parent.is_dir():
        raise UsageError(f"The folder {out.parent} does not exist.")
    try:
        info = out.lstat()
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        kind = "a link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise UsageError(f"{out} is {kind}; voiceguide only writes new files or regular ones.")
    if not force:
        raise UsageError(f"{out} already exists.", hint="Add --force to replace it.")
