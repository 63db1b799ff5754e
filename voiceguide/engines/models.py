"""Model files installed with packages: found without importing them, and checked by hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from voiceguide.errors import ModelError

_VERIFIED: set[tuple[Path, str]] = set()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_file(path: Path, expected: str, *, what: str, hint: str | None = None) -> None:
    """Raise ModelError unless `path` has the pinned SHA-256 (checked once per process)."""
    if (path, expected) in _VERIFIED:
        return
    if file_sha256(path) != expected:
        raise ModelError(
            f"The {what} in {path.parent} does not match the pinned hash, so it was not loaded.",
            hint=hint or "Reinstall voiceguide's packages: scripts/setup",
        )
    _VERIFIED.add((path, expected))


def packaged_folder(package: str, folder: str, needs: str, *, what: str, install: str) -> Path:
    """A data folder inside an installed package, found without importing the package's code
    (only its files are used); ModelError, with how to install it, when it is missing.
    `needs`: a file that must be in the folder."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"The {what} is not installed.", hint=f"Install it with: {install}")
    found = Path(next(iter(spec.submodule_search_locations))) / folder
    if not (found / needs).is_file():
        raise ModelError(f"The {what} is missing from {found}.")
    return found
