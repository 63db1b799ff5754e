"""A gentle daily reminder, kept by the machine's own scheduler; nothing of ours runs meanwhile.

`voiceguide remind daily 20:00` asks the scheduler to run `voiceguide remind now` at that time
every day: a systemd user timer where the user has a systemd session, otherwise a line in the
user's crontab. `remind now` plays a soft chime and says that today's check-in is ready (or shows
a desktop notification when there is no speaker). Only what voiceguide wrote is ever changed: its
own two unit files, or the crontab lines that end with its tag.

The crontab is edited by hand, not with python-crontab: read and rendered back by it (what its
`write()` writes), a crontab of someone else's lines came back changed (quotes dropped from a
MAILTO value, spacing collapsed, a commented line rewritten as "# DISABLED LINE"), and one that
was not UTF-8 could not be read at all. Here every line but our own is written back byte for byte.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Protocol

from voiceguide.errors import SchedulerError, UsageError

#: The name of the timer and service, and the tag at the end of a crontab line.
NAME = "voiceguide-reminder"
TAG = f"# {NAME}"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclasses.dataclass(frozen=True, slots=True)
class Reminder:
    """A daily reminder at hour:minute, and which scheduler keeps it."""

    hour: int
    minute: int
    where: str

    @property
    def at(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def parse_time(text: str) -> tuple[int, int]:
    """ "20:00" -> (20, 0); a clear error for anything else."""
    match = _TIME.match(text.strip())
    if match is None:
        raise UsageError(
            f"{text!r} is not a time of day.", hint="Give it as hours and minutes, like 20:00."
        )
    return int(match.group(1)), int(match.group(2))


def reminder_command(home: Path) -> list[str]:
    """What the scheduler runs: this voiceguide, for this data folder (made absolute: cron and
    systemd start in another folder)."""
    return [sys.executable, "-m", "voiceguide", "--home", str(home.absolute()), "remind", "now"]


def _writable(value: str, what: str) -> str:
    """`value`, if it can go into a scheduler's one line as it is: no line breaks or other
    control characters (cron and systemd would split or cut it), and nothing that is not text."""
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in value):
        raise SchedulerError(
            f"The reminder was not set: {what} has a line break or control character in it, "
            "which a scheduler's line cannot hold safely."
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise SchedulerError(
            f"The reminder was not set: {what} is not valid text, which a scheduler's line "
            "cannot hold safely."
        ) from None
    return value


#: Where the user's sound server and desktop bus are: in the session a reminder is set from,
#: and missing from cron's minimal environment. (A systemd user timer has them already.)
SESSION_VARIABLES = ("XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS", "PULSE_SERVER")


def session_env() -> str:
    """The session's variables that are set now, as shell assignments for a crontab line."""
    return " ".join(
        f"{name}={shlex.quote(_writable(os.environ[name], name))}"
        for name in SESSION_VARIABLES
        if os.environ.get(name)
    )


def cron_command(command: list[str]) -> str:
    """`command` as the command part of a crontab line: quoted for the shell, and every `%`
    escaped (cron ends the command at a bare `%` and feeds the rest to it as input)."""
    run = " ".join(
        part
        for part in (session_env(), shlex.join(_writable(a, "the command") for a in command))
        if part
    )
    if "\\%" in run:  # cron would read it as an escaped percent sign
        raise SchedulerError(
            "The reminder was not set: the command has a backslash before a percent sign, "
            "which a crontab line cannot hold safely."
        )
    return run.replace("%", "\\%")


def systemd_command(command: list[str]) -> str:
    """`command` as the value of ExecStart=: each word in double quotes with `\\` and `"`
    escaped, `%` doubled (a specifier otherwise), and `$` doubled in the arguments (a variable
    otherwise; the program's own path is never expanded)."""
    words = []
    for i, word in enumerate(command):
        word = _writable(word, "the command")
        word = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
        words.append('"' + (word if i == 0 else word.replace("$", "$$")) + '"')
    return " ".join(words)


class Scheduler(Protocol):
    """Keeps one daily reminder."""

    where: str

    def current(self) -> Reminder | None: ...
    def install(self, hour: int, minute: int, command: list[str]) -> None: ...
    def remove(self) -> bool: ...


class SystemdTimer:
    """A systemd user timer: ~/.config/systemd/user/voiceguide-reminder.{timer,service}."""

    where = "a systemd user timer"

    def __init__(self, folder: Path | None = None, systemctl: str = "systemctl") -> None:
        config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        self.folder = folder or config / "systemd" / "user"
        self.systemctl = systemctl

    @property
    def timer(self) -> Path:
        return self.folder / f"{NAME}.timer"

    @property
    def service(self) -> Path:
        return self.folder / f"{NAME}.service"

    def current(self) -> Reminder | None:
        try:
            text = self.timer.read_text("utf-8")
        except OSError:
            return None
        match = re.search(r"^OnCalendar=\*-\*-\* (\d\d):(\d\d):00$", text, re.M)
        return Reminder(int(match[1]), int(match[2]), self.where) if match else None

    def install(self, hour: int, minute: int, command: list[str]) -> None:
        from voiceguide.fsutil import atomic_write_text

        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(
            self.service,
            "[Unit]\nDescription=voiceguide: today's check-in is ready\n\n"
            f"[Service]\nType=oneshot\nExecStart={systemd_command(command)}\n",
        )
        atomic_write_text(
            self.timer,
            "[Unit]\nDescription=voiceguide's daily reminder\n\n"
            f"[Timer]\nOnCalendar=*-*-* {hour:02d}:{minute:02d}:00\nPersistent=false\n\n"
            "[Install]\nWantedBy=timers.target\n",
        )
        self._systemctl("daemon-reload")
        self._systemctl("enable", "--now", f"{NAME}.timer")

    def remove(self) -> bool:
        if not self.timer.exists() and not self.service.exists():
            return False
        self._systemctl("disable", "--now", f"{NAME}.timer", check=False)
        for path in (self.timer, self.service):
            path.unlink(missing_ok=True)
        self._systemctl("daemon-reload", check=False)
        return True

    def _systemctl(self, *args: str, check: bool = True) -> None:
        result = subprocess.run(
            [self.systemctl, "--user", *args], capture_output=True, text=True, timeout=30
        )
        if check and result.returncode != 0:
            raise SchedulerError(
                f"systemd could not set the reminder: {result.stderr.strip() or result.returncode}."
            )

    @staticmethod
    def available(systemctl: str = "systemctl") -> bool:
        """Whether this user has a running systemd session to keep timers in."""
        if shutil.which(systemctl) is None:
            return False
        try:
            result = subprocess.run(
                [systemctl, "--user", "show-environment"], capture_output=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        return result.returncode == 0


class Crontab:
    """A line in the user's crontab, tagged `# voiceguide-reminder`; every other byte is kept.

    The table is handled as bytes, line by line, as `crontab -l` gives it: other people's
    lines, comments, blank lines, carriage returns and text in any encoding go back exactly as
    they came. Only "no crontab for USER" means an empty table; any other failure to read it
    refuses to change it.
    """

    where = "your crontab"

    def __init__(self, program: str = "crontab") -> None:
        self.program = program

    def _run(self, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                [self.program, *args], input=data, capture_output=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SchedulerError(
                f"The crontab could not be reached ({exc}); nothing changed."
            ) from exc

    def _lines(self) -> list[bytes]:
        result = self._run("-l")
        if result.returncode != 0:
            said = result.stderr.decode("utf-8", "replace").strip()
            if re.match(r"^no crontab for \S+$", said):
                return []
            raise SchedulerError(
                f"The crontab could not be read ({said or f'exit status {result.returncode}'}); "
                "nothing was changed."
            )
        return _split(result.stdout)

    def _write(self, lines: list[bytes]) -> None:
        result = self._run("-", data=b"".join(lines))
        if result.returncode != 0:
            said = result.stderr.decode("utf-8", "replace").strip()
            raise SchedulerError(
                f"The crontab could not be changed: {said or f'exit status {result.returncode}'}."
            )

    def current(self) -> Reminder | None:
        for line in self._lines():
            if _ours(line):
                fields = line.split()
                try:
                    return Reminder(int(fields[1]), int(fields[0]), self.where)
                except (IndexError, ValueError):
                    return None
        return None

    def install(self, hour: int, minute: int, command: list[str]) -> None:
        line = f"{minute} {hour} * * * {cron_command(command)} {TAG}\n".encode()
        kept = [line for line in self._lines() if not _ours(line)]
        if kept and not kept[-1].endswith(b"\n"):  # a last line without its end: cron needs one
            kept[-1] += b"\n"
        self._write([*kept, line])

    def remove(self) -> bool:
        lines = self._lines()
        kept = [line for line in lines if not _ours(line)]
        if len(kept) == len(lines):
            return False
        self._write(kept)
        return True

    @staticmethod
    def available(program: str = "crontab") -> bool:
        return shutil.which(program) is not None


def _split(table: bytes) -> list[bytes]:
    """A crontab's lines, each with its own ending, split at line feeds only (as cron does:
    a carriage return, form feed or U+2028 inside a line is part of it)."""
    return [part for part in re.split(rb"(?<=\n)", table) if part]


def _ours(line: bytes) -> bool:
    return line.rstrip(b"\r\n").rstrip().endswith(TAG.encode())


def scheduler() -> Scheduler:
    """The machine's own scheduler: a systemd user timer where there is one, else crontab.

    VOICEGUIDE_SCHEDULER=systemd or =cron chooses (=none: reminders are not offered or set);
    VOICEGUIDE_CRONTAB and VOICEGUIDE_SYSTEMCTL name the programs.
    """
    choice = os.environ.get("VOICEGUIDE_SCHEDULER", "")
    crontab, systemctl = _programs()
    if choice == "none":
        raise SchedulerError("Reminders are turned off on this machine (VOICEGUIDE_SCHEDULER).")
    if choice == "systemd" or (not choice and SystemdTimer.available(systemctl)):
        return SystemdTimer(systemctl=systemctl)
    if Crontab.available(crontab):
        return Crontab(crontab)
    raise SchedulerError(
        "This machine has no scheduler voiceguide can use for a reminder.",
        hint="Install cron (sudo apt-get install cron), or use a systemd user session.",
    )


def others(keeper: Scheduler) -> list[Scheduler]:
    """The schedulers besides `keeper` that may still hold a reminder of ours (set before the
    machine moved from cron to systemd, or back): cleared when one is set or turned off."""
    crontab, systemctl = _programs()
    if isinstance(keeper, Crontab):
        timer = SystemdTimer(systemctl=systemctl)
        return [timer] if timer.timer.exists() or timer.service.exists() else []
    return [Crontab(crontab)] if Crontab.available(crontab) else []


def _programs() -> tuple[str, str]:
    return (
        os.environ.get("VOICEGUIDE_CRONTAB", "crontab"),
        os.environ.get("VOICEGUIDE_SYSTEMCTL", "systemctl"),
    )
