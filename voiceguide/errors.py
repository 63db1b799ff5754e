"""One exception hierarchy: every error a person can see is one sentence and an optional hint."""

from __future__ import annotations


class VoiceguideError(Exception):
    """An error with a one-line message for the person and an optional hint on what to do."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(VoiceguideError):
    """A command-line value that cannot be used (bad minutes, unknown engine, ...)."""


class AudioFileError(VoiceguideError):
    """An audio file that is missing, empty, unreadable or not audio."""


class DeviceError(VoiceguideError):
    """A microphone or speaker that is missing, unknown or fails."""


class NoDeviceError(DeviceError):
    """No microphone or no speaker at all on this machine."""


class ModelError(VoiceguideError):
    """A speech model or voice that is missing or fails its integrity check."""


class EngineError(VoiceguideError):
    """A speech engine (synthesis or transcription) that failed."""


class NothingHeard(VoiceguideError):
    """A recording in which no speech was heard."""


class JournalError(VoiceguideError):
    """A journal file that cannot be read or written."""


class DiskFullError(VoiceguideError):
    """The disk filled up; what fitted is kept."""


def from_os_error(exc: OSError, path: object = None) -> VoiceguideError:
    """A failed read or write as one plain sentence: a full disk, a size limit, no permission."""
    import errno

    where = path if path is not None else exc.filename
    at = f" ({where})" if where else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"The disk is full{at}.")
    if exc.errno == errno.EFBIG:
        return DiskFullError(f"A file grew past the size this system allows{at}.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return VoiceguideError(f"Permission was denied{at}.")
    return VoiceguideError(f"{exc.strerror or exc}{at}.")
