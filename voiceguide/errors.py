"""One exception hierarchy: every error a person can see is one sentence and an optional hint.

::

    VoiceguideError                  one sentence (`message`) and an optional `hint`
    |-- Recoverable                  this journey cannot go on, voiceguide can: the spoken menu
    |   |                            says the sentence and offers again
    |   |-- UsageError               a value that cannot be used (bad minutes, unknown kind)
    |   |   `-- TooShort             a meditation asked for in fewer minutes than it needs
    |   |-- NotYet                   nothing to play, show or recap yet (no intention set)
    |   |-- NothingHeard             a recording in which no speech was heard
    |   |-- AudioFileError           an audio file that is missing, empty or not audio
    |   |-- ScriptError              a session script with problems (`problems` lists them)
    |   |-- PassphraseError          no passphrase to be had, or two that differ
    |   |   `-- WrongPassphrase      the passphrase does not open this journal
    |   |-- JournalError             a journal file that cannot be read or written
    |   |   |-- DamagedFile          an encrypted file that was changed or damaged
    |   |   `-- BusyError            another voiceguide is writing to the same data folder
    |   |-- FileSystemError          a read or write refused (permission, a bad name)
    |   `-- SchedulerError           no way to keep a daily reminder on this machine
    |-- DeviceError                  a microphone or speaker that is missing or fails
    |   `-- NoDeviceError            no microphone or no speaker at all
    |-- ModelError                   a speech model or voice missing or failing its hash
    |-- EngineError                  a speech engine that failed
    `-- DiskFullError                the disk filled up; what fitted is kept

Everything outside `Recoverable` ends the program with its one sentence (the command line's
single exit point prints it; --debug shows the traceback instead).
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


class VoiceguideError(Exception):
    """An error with a one-line message for the person and an optional hint on what to do."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Recoverable(VoiceguideError):
    """The journey that raised it cannot go on, but voiceguide can (the menu offers again)."""


class UsageError(Recoverable):
    """A command-line value that cannot be used (bad minutes, unknown engine, ...)."""


class TooShort(UsageError):
    """A session that cannot be made as short as asked, even with only its plain lines."""

    def __init__(self, message: str, minutes: float) -> None:
        super().__init__(message)
        self.minutes = minutes


class NotYet(Recoverable):
    """Something asked for that does not exist yet: no intention set, nothing to recap."""


class NothingHeard(Recoverable):
    """A recording in which no speech was heard."""


class AudioFileError(Recoverable):
    """An audio file that is missing, empty, unreadable or not audio."""


class ScriptError(Recoverable):
    """A script that cannot be used; `problems` lists every one found."""

    def __init__(self, name: str, problems: Sequence[object]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(
            f"The script {name!r} has a problem: {first}{more}.",
            hint=f"See them all with: voiceguide scripts check {name}",
        )


class PassphraseError(Recoverable):
    """A passphrase that cannot be asked for, or that was not given the same twice."""


class WrongPassphrase(PassphraseError):
    """The passphrase does not open this journal."""


class JournalError(Recoverable):
    """A journal file that cannot be read or written."""


class DamagedFile(JournalError):
    """An encrypted file that was changed or damaged."""


class BusyError(JournalError):
    """Another voiceguide process is writing to the same data folder."""


class FileSystemError(Recoverable):
    """A read or write the system refused (no permission, a name it cannot hold)."""


class SchedulerError(Recoverable):
    """The daily reminder cannot be kept on this machine, or the scheduler refused it."""


class DeviceError(VoiceguideError):
    """A microphone or speaker that is missing, unknown or fails."""


class NoDeviceError(DeviceError):
    """No microphone or no speaker at all on this machine."""


class ModelError(VoiceguideError):
    """A speech model or voice that is missing or fails its integrity check."""


class EngineError(VoiceguideError):
    """A speech engine (synthesis or transcription) that failed."""


class DiskFullError(VoiceguideError):
    """The disk filled up; what fitted is kept."""


def from_os_error(exc: OSError, path: object = None) -> VoiceguideError:
    """A failed read or write as one plain sentence: a full disk, a size limit, no permission."""
    where = path if path is not None else exc.filename
    at = f" ({where})" if where else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(f"The disk is full{at}.")
    if exc.errno == errno.EFBIG:
        return DiskFullError(f"A file grew past the size this system allows{at}.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return FileSystemError(f"Permission was denied{at}.")
    return FileSystemError(f"{exc.strerror or exc}{at}.")


#: The longest a meditation, and `during`, may be asked for, in minutes.
MOST_MINUTES = {"meditate": 180, "during": 600}


def check_minutes(minutes: float | None, command: str = "meditate") -> None:
    """--minutes of `command` (meditate or during) in its range, or one clear sentence."""
    most = MOST_MINUTES[command]
    if minutes is not None and not 1 <= minutes <= most:
        raise UsageError(f"--minutes must be between 1 and {most}.")


def check_infusion(number: int | None) -> None:
    """An infusion number in its range (1 to 1000), or one clear sentence."""
    if number is not None and not 1 <= number <= 1000:
        raise UsageError("--infusion must be a number from 1 to 1000.")
